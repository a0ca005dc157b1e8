import torch
import torch.nn as nn

torch.manual_seed(1)
net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
order = []


def pre_hook(tag):
    def hook(m, grad_output):
        order.append(f"pre {tag} {[tuple(g.shape) for g in grad_output]}")
    return hook


def full_hook(tag):
    def hook(m, grad_input, grad_output):
        order.append(f"full {tag} {[None if g is None else tuple(g.shape) for g in grad_input]}")
    return hook


for name, m in net.named_modules():
    tag = name or "net"
    m.register_full_backward_pre_hook(pre_hook(tag))
    m.register_full_backward_hook(full_hook(tag))
net[0].register_full_backward_hook(full_hook("0 prepended"), prepend=True)
net[2].register_full_backward_pre_hook(pre_hook("2 prepended"), prepend=True)
x = torch.randn(5, 3)
y = net(x)
print(y.grad_fn.name())
y.mean().backward()
print("\n".join(order))
print(net[0].weight.grad)
print(net[2].bias.grad)
