import torch
import torch.nn as nn


class Ident(nn.Module):
    def forward(self, x):
        return x


i = Ident()
i.register_full_backward_hook(lambda m, gi, go: print("ident", gi, go))
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = i(x)
print(y.grad_fn.name(), y.grad_fn.next_functions[0][0].name(),
      y.grad_fn.next_functions[0][0].next_functions[0][0].name())
(y * y).sum().backward()
print(x.grad)
lin = nn.Linear(2, 2)
with torch.no_grad():
    lin.weight.copy_(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    lin.bias.zero_()
lin.register_full_backward_hook(lambda m, gi, go: print("lin", gi, go))
y = lin(torch.tensor([1.0, 1.0]))
print(y)
y.sum().backward()
print(lin.weight.grad)
with torch.no_grad():
    print(lin(torch.tensor([1.0, 1.0])))
frozen = nn.Linear(2, 2).requires_grad_(False)
frozen.register_full_backward_hook(lambda m, gi, go: print("never"))
print(frozen(torch.ones(2)).grad_fn)
