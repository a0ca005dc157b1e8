"""From an op of the table to a canonical expression: the arithmetic ops become the
simplifier's sums, products and powers (so a - b is a + (-1)*b and a / b is a*b**-1),
every other op a function node that keeps the op's name and parameters."""

from .expr import Expr, const
from .simplify import add, expand, fn, mul, neg, pow_


def _m1() -> Expr:
    return const(-1)


def build(name: str, args: list, params: tuple, shape: tuple) -> Expr:
    """The expression of `name(*args, **params)` whose value has `shape`."""
    a = args
    if name == "add":
        r = add(a)
    elif name == "sub":
        r = add([a[0], neg(a[1])])
    elif name in ("mul", "mul_scalar"):  # mul_scalar: PyTorch's Tensor * Scalar node
        r = mul(a)
    elif name in ("div", "div_scalar"):
        r = mul([a[0], pow_(a[1], _m1())])
    elif name == "neg":
        r = neg(a[0])
    elif name == "rsub":
        r = add([a[1], neg(a[0])])
    elif name == "rdiv":
        r = mul([a[1], pow_(a[0], _m1())])
    elif name in ("pow_scalar", "pow"):
        r = pow_(a[0], a[1])
    elif name == "rpow":
        r = pow_(a[1], a[0])
    elif name == "rsqrt":
        r = pow_(fn("sqrt", (a[0],), (), a[0].shape), _m1())
    else:
        r = fn(name, a, params, shape)
    if r.shape != tuple(shape):
        r = expand(r, shape)
    return r
