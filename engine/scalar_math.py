"""0-d float arithmetic on numpy scalars (issue 23's per-op cost).

A numpy ufunc on 0-d arrays costs ~0.7 µs of dispatch; the same + - * / on numpy float
scalars (numpy's scalar math: C arithmetic of the same dtype, NEP 50 promotion, Python
numbers weak) costs ~0.05 µs and gives the same IEEE result, bit for bit, with the same
result type. tests/test_scalar_fast_paths.py holds the two to each other over values,
dtypes and operand kinds. Left to the ufuncs: float16 and integer dtypes (their scalar
rules differ), float32 mixed with float64, and nan results (which operand's payload a
nan + nan keeps differs between the two).

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


def binary(fn, a, b):
    """fn(a, b) by scalar math when both operands allow it and one is a numpy float
    (two Python numbers are not numpy's business: None), else None: numpy float scalars
    and 0-d arrays of float32/float64, Python floats and ints within 2**53."""
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
