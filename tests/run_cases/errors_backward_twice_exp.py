import torch

x = torch.tensor([0.5, 1.5], requires_grad=True)
y = torch.exp(x).sum()
g = torch.autograd.grad(y, x, retain_graph=True)
print(g)
y.backward()
print(x.grad)
torch.autograd.grad(y, x)
