# a program's graph with custom autograd.Functions, walked through next_functions
import torch

class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g

class MulAdd(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b + a, a - b

    @staticmethod
    def backward(ctx, g1, g2):
        a, b = ctx.saved_tensors
        return g1 * (b + 1) + g2, g1 * a - g2

x = torch.tensor([1., 2., 3.], requires_grad=True)
w = torch.tensor(0.5, requires_grad=True)
s = Square.apply(x)
p, q = MulAdd.apply(s, w.expand(3))
v = p[1:]
loss = (v.sum() + q.mean()) * w
print(loss)


def walk(fn, depth=0, seen=None):
    seen = set() if seen is None else seen
    if fn is None:
        print("  " * depth + "None")
        return
    again = id(fn) in seen and not fn.name().endswith("AccumulateGrad")
    print("  " * depth + fn.name() + (" (again)" if again else ""))
    if again:
        return
    seen.add(id(fn))
    for f, k in fn.next_functions:
        walk(f, depth + 1, seen)


walk(loss.grad_fn)
print(p.grad_fn is q.grad_fn, p.grad_fn.name(), s.grad_fn.name())
print(type(p.grad_fn).__name__, p.grad_fn.next_functions[1][0].name())
v.sum().backward(retain_graph=True)
print(x.grad, w.grad)
