import torch
import torch.nn as nn


class Mix(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([0.5, -1.0, 2.0]))

    def forward(self, a, b, scale, c=None):
        return (a * b * self.w).sum() * scale + c


m = Mix()
print(m)


def full(mod, grad_input, grad_output):
    print("grad_input", grad_input)
    print("grad_output", grad_output)
    return (grad_input[0] * 10, None, None)


def pre(mod, grad_output):
    print("pre", grad_output)
    return (grad_output[0] * 2,)


m.register_full_backward_pre_hook(pre)
m.register_full_backward_hook(full)
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = torch.tensor([4.0, 5.0, 6.0])
c = torch.tensor(1.5, requires_grad=True)
out = m(a, b, 3.0, c=c)
print(out)
out.backward()
print(a.grad)
print(c.grad)
print(m.w.grad)
z = m(a, b, 1.0, c=c)
g, = torch.autograd.grad(z, a)
print(g)
