import torch
import torch.nn as nn
from torch.nn.modules.module import register_module_full_backward_hook, register_module_full_backward_pre_hook, register_module_forward_hook
torch.manual_seed(0)
net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
def pre(m, go):
    print("pre", m, [tuple(g.shape) for g in go])
def full(m, gi, go):
    print("full", type(m).__name__, [None if g is None else tuple(g.shape) for g in gi], [tuple(g.shape) for g in go])
h = [register_module_full_backward_hook(full), register_module_full_backward_pre_hook(pre)]
h.append(register_module_forward_hook(lambda m, i, o: print("fwd", type(m).__name__)))
net[0].register_full_backward_hook(lambda m, gi, go: print("local0"))
net[0].register_full_backward_hook(lambda m, gi, go: print("local0 first"), prepend=True)
x = torch.randn(2, 3, requires_grad=True)
y = net(x)
print(y)
y.sum().backward()
print(x.grad)
for hh in h:
    hh.remove()
y = net(x)
print(y.grad_fn.name(), y.grad_fn.next_functions[0][0].name())
