import torch
import torch.nn as nn


class Cube(nn.Module):
    def forward(self, x):
        return x ** 3


c = Cube()
seen = []
c.register_full_backward_hook(lambda m, gi, go: seen.append(("full", gi[0].requires_grad)))
c.register_full_backward_pre_hook(lambda m, go: seen.append(("pre", go[0].requires_grad)))
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = c(x)
g, = torch.autograd.grad(y.sum(), x, create_graph=True)
print(g)
print(seen)
g.sum().backward()
print(x.grad)
print(seen)
y2 = c(x)
y2.sum().backward(retain_graph=True)
y2.sum().backward()
print(x.grad)
print(len(seen))
