import torch

print(torch.arange(1001.))
print(torch.arange(1001))
print(torch.ones(1001, dtype=torch.bool))
print(torch.arange(1100.).reshape(11, 100))
print(torch.arange(1210.).reshape(11, 11, 10) / 10)
print(torch.arange(2000.).reshape(2, 1000))
print(torch.arange(1000.).reshape(10, 100)[:3, :12])
x = torch.linspace(0, 1, 1500, requires_grad=True)
print(x * 2)
print(x.sum(), (x * 2).shape)
print(torch.zeros(3, 400))
print(torch.arange(1024.).reshape(2, 2, 2, 128))
