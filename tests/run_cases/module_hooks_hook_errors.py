import torch
import torch.nn as nn

torch.manual_seed(2)
x = torch.randn(3, 2, requires_grad=True)


def attempt(what, make_hooks):
    lin = nn.Linear(2, 2)
    make_hooks(lin)
    try:
        lin(x).sum().backward()
        print(what, "ok")
    except (RuntimeError, TypeError) as e:
        print(what, type(e).__name__, e)


attempt("too many grad_input", lambda m: m.register_full_backward_hook(
    lambda mod, gi, go: (gi[0], gi[0])))
attempt("too many grad_output", lambda m: m.register_full_backward_pre_hook(
    lambda mod, go: (go[0], go[0])))
attempt("dtype changed", lambda m: m.register_full_backward_hook(
    lambda mod, gi, go: (gi[0].double(),)))
attempt("size changed", lambda m: m.register_full_backward_pre_hook(
    lambda mod, go: (go[0][:1],)))
attempt("not a tensor", lambda m: m.register_full_backward_hook(lambda mod, gi, go: (5,)))
attempt("list is fine", lambda m: m.register_full_backward_hook(
    lambda mod, gi, go: [gi[0] * 0]))
print(x.grad)
lin = nn.Linear(2, 2)
lin.register_full_backward_hook(lambda mod, gi, go: (torch.ones(2),))
try:
    lin(torch.ones(2)).sum().backward()
except RuntimeError as e:
    print(e)
try:
    lin.register_backward_hook(lambda mod, gi, go: None)
except RuntimeError as e:
    print(e)
y = lin(x)
try:
    y.mul_(2)
except RuntimeError as e:
    print(e)
z = y.clone()
z.mul_(2)
print(z.grad_fn.name())
y.relu_()
