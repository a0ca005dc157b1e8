import torch

print(torch.arange(40.) / 3)
print(torch.linspace(-100, 100, 30))
print(torch.arange(60))
print(torch.arange(30) % 2 == 0)
print(torch.arange(48.).reshape(3, 16) * 1.5)
print(torch.arange(36.).reshape(2, 18).requires_grad_())
w = torch.arange(25., requires_grad=True)
print(w * 2.5)
print(torch.arange(20.).reshape(2, 2, 5) ** 3)
print(torch.tensor([1e-5] * 12 + [1.0] * 12))
print(torch.arange(-12, 12).reshape(2, 12) * 1000)
print(torch.arange(26.).double() / 7)
