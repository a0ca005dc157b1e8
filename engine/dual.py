"""The op table's functions, usable on numpy arrays *and* on Tensors.

VJP rules are written once against this namespace (as HIPS autograd writes them against
autograd.numpy): during a plain backward they receive numpy arrays and run as numpy;
with create_graph they receive Tensors and every call is recorded in the graph, so the
same rule yields differentiable gradients (second derivatives) for free.

`dual.exp(x)` is the op named "exp" in `ops.OPS` (the table declares it here); `dual.raw(x)` is the array inside."""

from .apply import apply
from .scalar_math import ENABLED, SCALAR_MATH, binary
from .tensor import Tensor


class Traced:
    """Base for values that record op applications themselves instead of computing them
    (derive's symbolic expressions): `dual.f(x)` on one calls `x.trace_op(op, args, params)`,
    so the very VJP rules of the op table produce symbolic derivatives."""

    def trace_op(self, op, args, params):
        raise NotImplementedError


def raw(x):
    """The numpy array behind a Tensor (or the array itself): for masks and constants."""
    return x.data if isinstance(x, Tensor) else x


def make(op):
    """The function `dual.<op name>`: the op table declares each row here (ops/table.py),
    so this module never imports the table (no cycle)."""
    forward = op.forward

    recorded = (Tensor, Traced)

    def call(*args, **params):
        for a in args:
            if isinstance(a, recorded):  # one test per argument on the plain (numpy) path
                if isinstance(a, Tensor):
                    return apply(op, args, params)
                return a.trace_op(op, args, params)
        return forward(*args, **params)

    fast = SCALAR_MATH.get(forward)
    if fast is not None:  # + - * / of 0-d floats by numpy's scalar math (engine/scalar_math.py)
        general = call

        def call(*args, **params):
            if len(args) == 2 and not params and ENABLED[0]:
                r = binary(fast, args[0], args[1])
                if r is not None:
                    return r
            return general(*args, **params)

    call.__name__ = op.name
    return call
