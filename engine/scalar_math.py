"""0-d float arithmetic on numpy scalars (issue 23's per-op cost).

A numpy ufunc on 0-d arrays costs ~0.7 µs of dispatch; the same + - * / on numpy float
scalars (numpy's scalar math: C arithmetic of the same dtype, NEP 50 promotion, Python
numbers weak) costs ~0.05 µs and gives the same IEEE result, bit for bit, with the same
result type (a nan result is left to the ufunc: which operand's payload a nan + nan
keeps differs between the two) — tests/test_scalar_fast_paths.py holds the two to each other over values,
dtypes and operand kinds. Only float32/float64 (one of them per call) (numpy's float16 scalar math and integer
overflow/division rules are left to the ufuncs) and Python floats and small ints.

`SCALAR_MATH` maps a forward kernel (the ufunc object a row's forward is) to the operator
that computes it on scalars: the property belongs to numpy's kernel, not to any op name."""

import operator

import numpy as np

F32 = np.dtype(np.float32)
F64 = np.dtype(np.float64)
_f32, _f64, _nd = np.float32, np.float64, np.ndarray

SCALAR_MATH = {np.add: operator.add, np.subtract: operator.sub, np.multiply: operator.mul,
               np.true_divide: operator.truediv}

# a Python int converts to float32/float64 with one rounding in both paths up to 2**53
_INT_EXACT = 2**53

# tests turn the fast paths off to compare them with the general ones
ENABLED = [True]


def as_scalar(x):
    """x as a numpy float scalar or Python float/int that scalar math treats as the ufunc
    treats x, or None (then the ufunc path is taken)."""
    t = type(x)
    if t is _f32 or t is _f64 or t is float:
        return x
    if t is _nd:
        if x.ndim == 0:
            d = x.dtype
            if d is F32 or d is F64:
                return x[()]
        return None
    if t is int and -_INT_EXACT <= x <= _INT_EXACT:
        return x
    return None


def binary(fn, a, b):
    """fn(a, b) by scalar math when both operands allow it and one is a numpy float
    (two Python numbers are not numpy's business: None), else None. as_scalar, inlined
    for the backward's commonest call: a numpy scalar times a 0-d array."""
    # numpy operands of one type only: float32 with float64 agrees in value but not in
    # the payload of a nan (the ufunc casts first), so mixed pairs take the ufunc
    t = type(a)
    if t is _f32 or t is _f64:
        kind = t
    elif t is _nd:
        if a.ndim or (a.dtype is not F32 and a.dtype is not F64):
            return None
        a = a[()]
        kind = type(a)
    elif t is float or (t is int and -_INT_EXACT <= a <= _INT_EXACT):
        kind = None
    else:
        return None
    t = type(b)
    if t is _f32 or t is _f64:
        if kind is not None and kind is not t:
            return None
    elif t is _nd:
        if b.ndim or (b.dtype is not F32 and b.dtype is not F64):
            return None
        b = b[()]
        if kind is not None and kind is not type(b):
            return None
    elif t is float or (t is int and -_INT_EXACT <= b <= _INT_EXACT):
        if kind is None:
            return None
    else:
        return None
    r = fn(a, b)
    # a nan result from two nan operands carries the payload (and sign) of one of them,
    # which one depends on how each path orders the operands: nans take the ufunc
    return r if r == r else None
