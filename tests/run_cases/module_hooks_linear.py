import torch
import torch.nn as nn

torch.manual_seed(0)
lin = nn.Linear(3, 2)


def show(name, grads):
    return name + " " + ", ".join("None" if g is None else f"{tuple(g.shape)} {g}"
                                  for g in grads)


def pre(m, grad_output):
    print(show("pre", grad_output))


def full(m, grad_input, grad_output):
    print(show("full in", grad_input))
    print(show("full out", grad_output))


h1 = lin.register_full_backward_pre_hook(pre)
h2 = lin.register_full_backward_hook(full)
x = torch.randn(2, 3, requires_grad=True)
y = lin(x)
print(y)
print(y.grad_fn.name(), [f[0].name() for f in y.grad_fn.next_functions])
inner = y.grad_fn.next_functions[0][0]
print([None if f[0] is None else f[0].name() for f in inner.next_functions])
print(y._is_view())
y.pow(2).sum().backward()
print(x.grad)
print(lin.weight.grad)
print(lin.bias.grad)
h1.remove()
h2.remove()
h2.remove()
y = lin(x)
print(y.grad_fn.name())
y.sum().backward()
print(x.grad)
