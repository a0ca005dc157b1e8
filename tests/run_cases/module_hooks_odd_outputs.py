import torch
import torch.nn as nn


class Listy(nn.Module):
    def forward(self, x):
        return [x * 2, x * 3]


class Argmax(nn.Module):
    def forward(self, x):
        return x.argmax(), x * 1


class KwOnly(nn.Module):
    def forward(self, x=None):
        return x * 5


class Modify(nn.Module):
    def forward(self, x):
        x.mul_(2)
        return x


def full(m, gi, go):
    print("full", type(m).__name__, gi, go)


for cls in (Listy, Argmax, KwOnly):
    m = cls()
    m.register_full_backward_hook(full)
    x = torch.tensor([1.0, 4.0, 2.0], requires_grad=True)
    out = m(x=x) if cls is KwOnly else m(x)
    print(type(out).__name__)
    t = out[-1] if isinstance(out, (list, tuple)) else out
    print(t)
    t.sum().backward()
    print(x.grad)
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = a * 1
node = Argmax()(b)[1].grad_fn
print(node.name())
net = nn.Sequential(nn.Linear(2, 2), nn.ReLU(inplace=True))
net[1].register_full_backward_hook(full)
try:
    net(a)
except RuntimeError as e:
    print(e)
m = Modify()
m.register_full_backward_pre_hook(lambda m, go: None)
print(m(torch.tensor([1.0, 2.0])))
m(b)
