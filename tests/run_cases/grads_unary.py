import torch

x = torch.tensor([0.3, 0.9, 1.7], requires_grad=True)
for f in [torch.exp, torch.log, torch.log1p, torch.sqrt, torch.rsqrt, torch.sin, torch.cos, torch.tan, torch.atan, torch.tanh, torch.sigmoid, torch.relu, torch.abs]:
    y = f(x).sum()
    y.backward()
    print(y, x.grad)
    x.grad = None
z = torch.asin(x / 2).sum()
z.backward()
print(z, x.grad)
