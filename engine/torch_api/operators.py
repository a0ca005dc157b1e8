"""Tensor's Python operators (+, *, @, <, [], float(), ...): attached to the Tensor class
here, from the wrappers above, so `x + y` means torch's add."""

import operator

import numpy as np

from .. import grad_mode
from ..apply import _CONSTANTS, _NO_PARAMS, FORWARD_AD, _constant
from ..errors import type_error, value_error
from ..ops import OPS
from ..scalar_math import _INT_EXACT, F32, F64
from ..scalar_math import ENABLED as SM_ENABLED
from ..tensor import Node, Tensor
from .arithmetic import (
    add,
    div,
    floor_divide,
    matmul,
    mul,
    neg,
    pow,
    remainder,
    rsub,
    rtruediv,
    sub,
)
from .indexing import getitem
from .reductions import abs_
from .registry import FUNCTIONS
from .shapes import unbind


# ---------------------------------------------------------------- Python operators on Tensor
def _scalar(t: Tensor):
    if t.data.size != 1:
        raise value_error("only one element tensors can be converted to Python scalars")
    return t.data.reshape(()).item()


def _index_value(t: Tensor) -> int:
    if t.data.size != 1 or t.data.dtype.kind not in "iub":
        raise type_error("only integer tensors of a single element can be converted to an index")
    return int(t.data.reshape(()).item())


def _format(t: Tensor, spec: str) -> str:
    """torch.Tensor.__format__: a 0-d tensor formats as its item, others as their repr."""
    if t.data.ndim == 0:
        return format(t.data.item(), spec)
    if spec:
        raise type_error("unsupported format string passed to Tensor.__format__")
    return repr(t)


# ---------------------------------------------------------------- 0-d float lanes
# `w * x + b - y` and `loss ** 2` of a training loop on 0-d float tensors: the operator
# itself does what arithmetic's wrapper -> apply's scalar path (engine/apply.py) would
# do for these operands — numpy's scalar math on the same values, the same result dtype,
# the same node with the same recorded inputs (the number as apply's shared constant) —
# without the two calls and their general checks (issue 23). Anything else, and every nan
# result, goes the general way; scalar_math.ENABLED off turns the lanes off with apply's
# (tests/test_operator_lanes.py holds them to the general path). `** 2` records its
# exponent as apply's shared read-only constant too: a PowBackward0's exponent input is
# not a graph edge and _saved_exponent reads it as a number, so no program reaches it.
def _lane(op, fn, general):
    differentiable = op.differentiable

    def method(a, b):
        if type(a) is Tensor and SM_ENABLED[0] and FORWARD_AD[0] is None:
            d = a.data
            if type(d) is np.ndarray and not d.ndim:
                dt = d.dtype
                if dt is F32 or dt is F64:
                    tb = type(b)
                    if tb is float or tb is int and -_INT_EXACT <= b <= _INT_EXACT:
                        r = fn(d[()], b)
                        if type(r) is dt.type and r == r:
                            if a.requires_grad and differentiable and grad_mode._enabled[0]:
                                c = _CONSTANTS[dt].get(b)  # (apply's _constant, its hit inline)
                                if c is None:
                                    c = _constant(b, dt)
                                return Tensor(np.asarray(r), True,
                                              Node(op, (a, Tensor(c)), _NO_PARAMS))
                            return Tensor(np.asarray(r))
                    elif tb is Tensor:
                        e = b.data
                        if type(e) is np.ndarray and not e.ndim and e.dtype is dt:
                            r = fn(d[()], e[()])
                            if type(r) is dt.type and r == r:
                                if (a.requires_grad or b.requires_grad) and differentiable \
                                        and grad_mode._enabled[0]:
                                    return Tensor(np.asarray(r), True, Node(op, (a, b), _NO_PARAMS))
                                return Tensor(np.asarray(r))
        return general(a, b)
    return method


def _pow_lane(general):
    op = OPS["pow_scalar"]

    def method(a, p):
        if type(a) is Tensor and SM_ENABLED[0] and FORWARD_AD[0] is None and (
                type(p) is int or type(p) is float) and p == 2:
            d = a.data
            if type(d) is np.ndarray and not d.ndim and d.dtype is F32:
                s = d[()]
                r = s * s
                if type(r) is np.float32 and r == r:
                    if a.requires_grad and grad_mode._enabled[0]:
                        return Tensor(np.asarray(r), True,
                                      Node(op, (a, Tensor(_constant(p, F32))), _NO_PARAMS))
                    return Tensor(np.asarray(r))
        return general(a, p)
    return method


def _attach_operators():
    def rev(fn):
        return lambda a, b: fn(b, a)

    ops = {
        "__add__": add, "__radd__": add, "__sub__": sub, "__rsub__": rsub,
        "__mul__": mul, "__rmul__": mul, "__truediv__": div, "__rtruediv__": rtruediv,
        "__floordiv__": floor_divide, "__rfloordiv__": rev(floor_divide),
        "__mod__": remainder, "__rmod__": rev(remainder),
        "__pow__": pow, "__rpow__": rev(pow), "__matmul__": matmul, "__rmatmul__": rev(matmul),
        "__neg__": neg, "__pos__": lambda a: a, "__abs__": abs_,
        "__lt__": FUNCTIONS["lt"], "__le__": FUNCTIONS["le"], "__gt__": FUNCTIONS["gt"],
        "__ge__": FUNCTIONS["ge"], "__eq__": FUNCTIONS["eq"], "__ne__": FUNCTIONS["ne"],
        "__getitem__": getitem,
        "__float__": lambda t: float(_scalar(t)), "__int__": lambda t: int(_scalar(t)),
        "__index__": _index_value, "__iter__": lambda t: iter(unbind(t)),
        "__format__": _format,
    }
    ops["__add__"] = ops["__radd__"] = _lane(OPS["add"], operator.add, add)
    ops["__mul__"] = ops["__rmul__"] = _lane(OPS["mul"], operator.mul, mul)
    ops["__sub__"] = _lane(OPS["sub"], operator.sub, sub)
    ops["__truediv__"] = _lane(OPS["div"], operator.truediv, div)
    ops["__pow__"] = _pow_lane(pow)
    for name, fn in ops.items():
        setattr(Tensor, name, fn)
    Tensor.__hash__ = object.__hash__


_attach_operators()
