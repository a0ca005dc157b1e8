import torch

a = torch.tensor([0.0, 1.0, -2.0], requires_grad=True)
c = torch.tensor([[0.5, 0.0, 0.0], [0.0, 0.0, 0.0]], requires_grad=True)
z = torch.where(a > 0, a, c)
print(z)
print(torch.where(a > 0, a, 0.0))
z.sum().backward()
print(a.grad, c.grad)
print(torch.where(a > 0, a, c.mean(dim=-1)))
