"""torch.any / all, the logical_* and bitwise_* functions and Tensor's `&`, `|`, `^`, `~`:
masks as tutorials build them (`(pred == y).all()`, `(x > 0) & (x < 1)`, `~mask`). Their
results carry no graph (bool or integer), so they are plain functions over numpy, not op
rows; they follow PyTorch's promotion (dtypes.result_type) and its errors for floats."""

import numpy as np

from .. import dtypes
from ..apply import broadcast_shape, check_elements
from ..errors import runtime, type_error
from ..tensor import Tensor
from .args import _scalar_type, _tensor
from .reduce_dims import _reduction_dims
from .registry import FUNCTIONS, METHODS


def _reduce(name, fn):
    def reduce(input, dim=None, keepdim=False):
        t = _tensor(input, name)
        dims = None if dim is None else _reduction_dims(dim, t.data.ndim)
        out = fn(t.data, axis=dims, keepdims=bool(keepdim) and dims is not None)
        return Tensor(np.asarray(out, dtype=dtypes.BOOL))
    reduce.__name__ = name
    return reduce


FUNCTIONS["any"] = METHODS["any"] = _reduce("any", np.any)
FUNCTIONS["all"] = METHODS["all"] = _reduce("all", np.all)


def _arrays(a, b, name):
    """Both operands as arrays of their broadcast shape's dtype (torch.result_type)."""
    groups = ([], [], [])
    for x in (a, b):
        if isinstance(x, Tensor):
            groups[0 if x.data.ndim else 1].append(x.data.dtype)
        elif isinstance(x, (bool, int, float)):
            groups[2].append(dtypes.scalar_dtype(x))
        else:
            raise type_error(f"{name}(): argument 'other' (position 2) must be Tensor, not "
                             f"{type(x).__name__}")
    dt = dtypes.result_type(*groups)
    da = a.data if isinstance(a, Tensor) else np.asarray(a)
    db = b.data if isinstance(b, Tensor) else np.asarray(b)
    if da.shape != db.shape:
        check_elements(broadcast_shape(da.shape, db.shape))
    return da, db, dt


def _logical(name, fn):
    def logical(input, other):
        _tensor(input, name)
        da, db, _ = _arrays(input, other, name)
        return Tensor(np.asarray(fn(da, db), dtype=dtypes.BOOL))
    return logical


def _bitwise(name, fn):
    def bitwise(input, other):
        da, db, dt = _arrays(input, other, name)
        if dt.kind == "f":
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'{_scalar_type(dt)}\'')
        return Tensor(np.asarray(fn(da.astype(dt, copy=False), db.astype(dt, copy=False)),
                                 dtype=dt))
    return bitwise


for _n, _f in (("and", np.logical_and), ("or", np.logical_or), ("xor", np.logical_xor)):
    FUNCTIONS[f"logical_{_n}"] = METHODS[f"logical_{_n}"] = _logical(f"logical_{_n}", _f)
for _n, _f in (("and", np.bitwise_and), ("or", np.bitwise_or), ("xor", np.bitwise_xor)):
    FUNCTIONS[f"bitwise_{_n}"] = METHODS[f"bitwise_{_n}"] = _bitwise(f"bitwise_{_n}", _f)


def logical_not(input):
    t = _tensor(input, "logical_not")
    return Tensor(np.logical_not(t.data))


def bitwise_not(input):
    t = _tensor(input, "bitwise_not")
    if t.data.dtype.kind == "f":
        raise NotImplementedError(f'"bitwise_not_cpu" not implemented for '
                                  f"'{_scalar_type(t.data.dtype)}'")
    return Tensor(np.invert(t.data))


def _invert(t):
    if t.data.dtype.kind == "f":  # Tensor.__invert__'s own check (python_variable_methods)
        raise type_error("~ (operator.invert) is only implemented on integer and Boolean-type "
                         "tensors")
    return Tensor(np.invert(t.data))


FUNCTIONS["logical_not"] = METHODS["logical_not"] = logical_not
FUNCTIONS["bitwise_not"] = METHODS["bitwise_not"] = bitwise_not


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """ATen's isclose: self == other, or a finite |self - other| <= atol + |rtol * other|,
    computed in the inputs' (one) dtype; NaNs equal with equal_nan."""
    a = _tensor(input, "isclose")
    b = _tensor(other, "isclose", "other", 2)
    if a.data.dtype != b.data.dtype:
        raise runtime(f"{_scalar_type(a.data.dtype)} did not match {_scalar_type(b.data.dtype)}")
    if rtol < 0:
        raise runtime(f"rtol must be greater than or equal to zero, but got {rtol:g}")
    if atol < 0:
        raise runtime(f"atol must be greater than or equal to zero, but got {atol:g}")
    x, y = a.data, b.data
    if x.shape != y.shape:
        check_elements(broadcast_shape(x.shape, y.shape))
    close = x == y
    if x.dtype.kind == "f":
        with np.errstate(invalid="ignore", over="ignore"):
            if equal_nan:
                close = close | (np.isnan(x) & np.isnan(y))
            dt = x.dtype.type
            allowed = dt(atol) + np.abs(dt(rtol) * y)
            actual = np.abs(x - y)
            close = close | (np.isfinite(actual) & (actual <= allowed))
    elif x.dtype.kind != "b" and (rtol or atol):
        # integers: the same comparison in the integers' exactness (PyTorch casts to double)
        actual = np.abs(x.astype(np.float64) - y.astype(np.float64))
        close = close | (actual <= atol + np.abs(rtol * y.astype(np.float64)))
    return Tensor(np.asarray(close, dtype=dtypes.BOOL))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    _tensor(input, "allclose")
    _tensor(other, "allclose", "other", 2)
    return bool(np.all(isclose(input, other, rtol, atol, equal_nan).data))


FUNCTIONS["isclose"] = METHODS["isclose"] = isclose
FUNCTIONS["allclose"] = METHODS["allclose"] = allclose


def _attach():
    """Tensor's `&`, `|`, `^` (both sides) and `~`."""
    def operator(fn, reflected):
        def op(a, b):
            if not isinstance(b, (Tensor, bool, int, float)):
                return NotImplemented  # Python's own "unsupported operand type(s)" TypeError
            return fn(b, a) if reflected else fn(a, b)
        return op

    for sym, name in (("and", "bitwise_and"), ("or", "bitwise_or"), ("xor", "bitwise_xor")):
        setattr(Tensor, f"__{sym}__", operator(FUNCTIONS[name], False))
        setattr(Tensor, f"__r{sym}__", operator(FUNCTIONS[name], True))
    Tensor.__invert__ = _invert


_attach()
