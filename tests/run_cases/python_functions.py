"""Functions as tutorials write them: defaults, *args, **kwargs, closures, recursion,
lambdas and decorators, over tensors."""
import torch
import math


def f(x, power=2, *args, scale=1.0, **kwargs):
    """A docstring."""
    y = scale * x ** power
    for a in args:
        y = y + a
    if kwargs.get("shift"):
        y = y + kwargs["shift"]
    return y


x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = f(x, 3, 1.0, 2.0, scale=0.5, shift=torch.tensor(1.0))
print(y)
y.sum().backward()
print(x.grad)


def make_counter():
    count = 0

    def step():
        nonlocal count
        count += 1
        return count
    return step


c = make_counter()
c()
c()
print("counter:", c())


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print([fib(i) for i in range(10)])

square = lambda t: t * t
w = torch.tensor(3.0, requires_grad=True)
g, = torch.autograd.grad(square(w), w)
print(g, square(2), sorted([3, 1, 2], key=lambda v: -v))


def logged(fn):
    def wrapper(*a, **k):
        print("calling", fn.__name__)
        return fn(*a, **k)
    return wrapper


@logged
def loss(pred, target):
    return ((pred - target) ** 2).mean()


p = torch.tensor([0.5, 1.5], requires_grad=True)
l = loss(p, torch.tensor([1.0, 1.0]))
l.backward()
print(l, p.grad)


@torch.no_grad()
def update(param, lr=0.1):
    param -= lr * param.grad
    return param.requires_grad


print(update(p), p)
print(math.sqrt(2.0), math.exp(1), math.pi)
