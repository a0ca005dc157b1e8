"""Wrappers of issue 18's further reductions: cumprod, logcumsumexp (rows of their own),
and PyTorch's composites, built from the ops PyTorch builds them from so the graph has
its grad_fn names: nanmean (nansum / count: DivBackward0), diff (slices and sub:
SubBackward0), count_nonzero (no graph)."""

import numpy as np

from .. import dtypes
from ..apply import apply
from ..errors import TorchError, UnsupportedError, runtime, type_error
from ..ops import OPS
from ..tensor import Tensor
from .args import _dim, _scalar_type, _tensor
from .indexing import getitem
from .reduce_dims import _reduction_dims
from .registry import FUNCTIONS, METHODS


def _cum(name):
    def fn(input, dim, dtype=None):  # (logcumsumexp has no dtype: refused below)
        t = _tensor(input, name)
        d = _dim(dim, t.data.ndim)
        if name == "logcumsumexp":
            if dtype is not None:
                raise type_error("logcumsumexp() got an unexpected keyword argument 'dtype'")
            if t.data.dtype.kind != "f":
                raise TorchError(f'"logcumsumexp_out_cpu" not implemented for '
                                 f"'{_scalar_type(t.data.dtype)}'", type_name="NotImplementedError")
            return apply(OPS[name], (t,), {"dim": d})
        params = {"dim": d}
        if dtype is not None and dtypes.as_dtype(dtype) != t.data.dtype:
            params["dtype"] = dtypes.as_dtype(dtype)
        return apply(OPS[name], (t,), params)
    return fn


def _count(x, dims, keepdim):
    return np.sum(~np.isnan(x), axis=dims, keepdims=keepdim, dtype=np.int64)


def _dims_of(dim, ndim):
    return None if dim is None else _reduction_dims(dim, ndim)


def nanmean(input, dim=None, keepdim=False, dtype=None):
    """torch.nanmean: nansum(input, dim, keepdim, dtype) / (count of non-NaN)."""
    t = _tensor(input, "nanmean")
    if t.data.dtype.kind != "f":
        raise runtime(f"nanmean(): expected input to have floating point or complex dtype but "
                      f"got {_scalar_type(t.data.dtype)}")
    dims = _dims_of(dim, t.data.ndim)
    total = FUNCTIONS["nansum"](t, dim, keepdim, dtype=dtype) if dim is not None else \
        FUNCTIONS["nansum"](t, keepdim=keepdim, dtype=dtype) if keepdim else \
        FUNCTIONS["nansum"](t, dtype=dtype)
    count = _count(t.data, dims, keepdim and dims is not None)
    if keepdim and dims is None:
        count = np.reshape(count, (1,) * t.data.ndim)
    return FUNCTIONS["div"](total, Tensor(count))


def count_nonzero(input, dim=None):
    t = _tensor(input, "count_nonzero")
    dims = _dims_of(dim, t.data.ndim)
    return Tensor(np.asarray(np.count_nonzero(t.data, axis=dims), dtype=dtypes.INT64))


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """torch.diff: (cat of prepend, input, append), then n times the later slice minus the
    earlier one along dim (SubBackward0 of two SliceBackward0); bool inputs: xor."""
    t = _tensor(input, "diff")
    if t.data.ndim == 0:
        raise runtime("diff expects input to be at least one-dimensional")
    if n < 0:
        raise runtime(f"order must be non-negative but got {n}")
    if n == 0:
        raise UnsupportedError("diff(n=0) is not supported by gradcli")
    d = _dim(dim, t.data.ndim)
    parts = [p for p in (prepend, t, append) if p is not None]
    for p in parts:
        if not isinstance(p, Tensor) or p.data.ndim != t.data.ndim:
            raise runtime("diff expects prepend or append to be the same dimension as input")
    if len(parts) > 1:
        t = FUNCTIONS["cat"](parts, d)
    lead = (slice(None),) * d
    for _ in range(min(n, t.data.shape[d])):  # torch stops at the dim's size
        if t.data.dtype == np.bool_:
            x = t.data
            t = Tensor(np.logical_xor(x[lead + (slice(1, None),)], x[lead + (slice(None, -1),)]))
            continue
        t = FUNCTIONS["sub"](getitem(t, lead + (slice(1, None),)),
                             getitem(t, lead + (slice(None, -1),)))
    return t


FUNCTIONS["cumprod"] = METHODS["cumprod"] = _cum("cumprod")
FUNCTIONS["logcumsumexp"] = METHODS["logcumsumexp"] = _cum("logcumsumexp")
FUNCTIONS["nanmean"] = METHODS["nanmean"] = nanmean
FUNCTIONS["count_nonzero"] = METHODS["count_nonzero"] = count_nonzero
FUNCTIONS["diff"] = METHODS["diff"] = diff
