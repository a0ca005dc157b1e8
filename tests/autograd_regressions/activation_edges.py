import torch
import torch.nn.functional as F
x = torch.tensor([-3.0, 3.0, -2.5, 0.0, 2.9], requires_grad=True)
F.hardswish(x).sum().backward()
print(x.grad)
d = torch.tensor([-3.5, -1.0, 0.25, 3.0], dtype=torch.float64, requires_grad=True)
F.hardsigmoid(d).sum().backward()
print(d.grad.tolist())
c = torch.tensor([-1.5, -0.25, 0.5], dtype=torch.float64, requires_grad=True)
F.celu(c, alpha=0.7).sum().backward()
print(c.grad.tolist())
