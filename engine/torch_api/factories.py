"""Tensor creation: torch.tensor, the legacy constructors, ones/zeros/full/eye/arange/
linspace, *_like, random numbers."""

import math

import numpy as np

from .. import dtypes
from ..apply import check_elements
from ..errors import runtime, type_error, value_error
from ..numerics import ranges
from ..tensor import Tensor
from .args import Size, _dt, _leaf, _size_args, _tensor, _type_name
from .device_arg import check_device
from .registry import FUNCTIONS, torch_fn


# ---------------------------------------------------------------- creation
def data_to_array(data, dtype=None) -> np.ndarray:
    """torch.tensor's conversion of nested Python data, with its dtype inference and its
    error for ragged lists; level by level, so nesting depth costs no recursion."""
    if isinstance(data, Tensor):
        return data.data.astype(dtype if dtype is not None else data.data.dtype, copy=True)
    shape, level = [], [data]
    while True:
        seqs = [isinstance(x, (list, tuple, Size)) for x in level]
        if not any(seqs):
            break
        if not all(seqs):
            bad = next(x for x in level if not isinstance(x, (list, tuple, Size)))
            raise type_error(f"new(): invalid data type '{_type_name(bad)}'" if isinstance(bad, str)
                             else f"expected sequence of length {len(level[0]) if seqs[0] else 0} "
                                  f"at dim {len(shape)} (got {_type_name(bad)})")
        n = len(level[0])
        for x in level:
            if len(x) != n:
                raise value_error(f"expected sequence of length {n} at dim {len(shape)} "
                                  f"(got {len(x)})")
        shape.append(n)
        check_elements(shape)
        level = [y for x in level for y in x]
    flat = []
    for x in level:
        if isinstance(x, Tensor):
            if x.data.size != 1:
                raise value_error("only one element tensors can be converted to Python scalars")
            x = x.data.reshape(()).item()
        elif not isinstance(x, (bool, int, float)):
            raise type_error(f"new(): invalid data type '{_type_name(x)}'")
        flat.append(x)
    if dtype is None:
        if any(isinstance(x, float) for x in flat):
            dtype = dtypes.default_float()
        elif flat and all(isinstance(x, bool) for x in flat):
            dtype = dtypes.BOOL
        elif not flat:
            dtype = dtypes.default_float()
        else:
            dtype = dtypes.INT64
    try:
        return np.array(flat, dtype=dtype).reshape(shape)
    except OverflowError:
        raise runtime("Overflow when unpacking long") from None


@torch_fn("tensor")
def tensor(data, dtype=None, requires_grad=False, device=None):
    check_device("tensor", device)
    return _leaf(data_to_array(data, _dt(dtype)), requires_grad)


def _legacy(np_dtype):
    def make(*args, requires_grad=False):
        if len(args) == 1 and isinstance(args[0], (list, tuple, Tensor)):
            return _leaf(data_to_array(args[0], np_dtype), requires_grad)
        if all(isinstance(a, int) and not isinstance(a, bool) for a in args):
            return _leaf(np.zeros(_size_args(args), dtype=np_dtype), requires_grad)
        return _leaf(data_to_array(list(args), np_dtype), requires_grad)
    return make


FUNCTIONS["Tensor"] = FUNCTIONS["FloatTensor"] = _legacy(dtypes.FLOAT32)
FUNCTIONS["DoubleTensor"] = _legacy(dtypes.FLOAT64)
FUNCTIONS["LongTensor"] = _legacy(dtypes.INT64)
FUNCTIONS["BoolTensor"] = _legacy(dtypes.BOOL)


@torch_fn("Variable")
def variable(data, requires_grad=False, volatile=False):
    t = _tensor(data, "Variable", "data")
    return _leaf(t.data, requires_grad)


def _filled(value, name):
    def make(*size, dtype=None, requires_grad=False, device=None, out=None):
        check_device(name, device)
        shape = _size_args(size)
        return _leaf(np.full(shape, value, dtype=_dt(dtype, dtypes.default_float())), requires_grad)
    return make


FUNCTIONS["ones"] = _filled(1, "ones")
FUNCTIONS["zeros"] = _filled(0, "zeros")
FUNCTIONS["empty"] = _filled(0, "empty")


@torch_fn("full")
def full(size, fill_value, dtype=None, requires_grad=False, device=None):
    check_device("full", device)
    default = dtypes.scalar_dtype(fill_value)
    return _leaf(np.full(_size_args((size,)), fill_value, dtype=_dt(dtype, default)), requires_grad)


@torch_fn("eye")
def eye(n, m=None, dtype=None, requires_grad=False, device=None):
    check_device("eye", device)
    _size_args((n, n if m is None else m))
    return _leaf(np.eye(n, m, dtype=_dt(dtype, dtypes.default_float())), requires_grad)


@torch_fn("arange")
def arange(start, end=None, step=1, dtype=None, requires_grad=False, device=None):
    check_device("arange", device)
    if end is None:
        start, end = 0, start
    vals = (start, end, step)
    default = dtypes.INT64 if all(isinstance(v, int) for v in vals) else dtypes.default_float()
    if step == 0:
        raise runtime("step must be nonzero")
    check_elements((max(0, math.ceil((end - start) / step)),))
    return _leaf(ranges.arange(start, end, step, _dt(dtype, default)), requires_grad)


@torch_fn("linspace")
def linspace(start, end, steps, dtype=None, requires_grad=False, device=None):
    check_device("linspace", device)
    check_elements((steps,))
    return _leaf(ranges.linspace(start, end, steps, _dt(dtype, dtypes.default_float())),
                 requires_grad)


def _like(value, name):
    def make(input, dtype=None, requires_grad=False, device=None):
        t = _tensor(input, name)
        check_device(name, device)
        return _leaf(np.full(t.data.shape, value, dtype=_dt(dtype, t.data.dtype)), requires_grad)
    return make


FUNCTIONS["ones_like"] = _like(1, "ones_like")
FUNCTIONS["zeros_like"] = _like(0, "zeros_like")
FUNCTIONS["empty_like"] = _like(0, "empty_like")


@torch_fn("full_like")
def full_like(input, fill_value, dtype=None, requires_grad=False, device=None):
    t = _tensor(input, "full_like")
    check_device("full_like", device)
    return _leaf(np.full(t.data.shape, fill_value, dtype=_dt(dtype, t.data.dtype)), requires_grad)
