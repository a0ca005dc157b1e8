import torch

b = torch.zeros(2, 3)
b.copy_(torch.tensor([1.0, 2.0, 3.0]))
print(b)
b.copy_(torch.tensor([[4.0], [5.0]]))
print(b)
a = torch.zeros(3)
a.copy_(torch.zeros(2, 3))
