import torch
import torch.nn as nn

torch.manual_seed(5)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)

    def forward(self, x):
        return torch.relu(self.lin(x))


block = Block()
outer = nn.Sequential(block, nn.Tanh())
log = []
for name, m in [("block", block), ("lin", block.lin), ("outer", outer)]:
    m.register_full_backward_pre_hook(lambda m, go, name=name: log.append("pre " + name))
    m.register_full_backward_hook(lambda m, gi, go, name=name: log.append("full " + name))
x = torch.randn(2, 3, requires_grad=True)
x.register_hook(lambda g: log.append("x hook"))
h = block(x)
h.register_hook(lambda g: log.append("h hook"))
y = x + h + outer(x)
y.sum().backward()
print(log)
print(x.grad)
log.clear()
z = block(block(x))
z.sum().backward()
print(log)
log.clear()
w = block(x)
gw, = torch.autograd.grad(w.sum(), block.lin.weight)
print(gw)
print(log)
log.clear()
w = block(x)
gx, gwt = torch.autograd.grad(w.sum(), [x, block.lin.weight])
print(log)
