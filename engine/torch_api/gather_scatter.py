"""Wrappers of the index-tensor ops: gather, scatter (src or value), scatter_add,
index_select/add/copy, masked_fill/select, take, take_along_dim, with PyTorch's checks and
messages; their in-place forms (scatter_, masked_fill_, ...) go through indexing.inplace,
the engine's one in-place mechanism."""

import numpy as np

from ..apply import apply, broadcast_shape
from ..errors import UnsupportedError, index_error, runtime, type_error
from ..ops import OPS
from ..tensor import Tensor
from .args import _dim, _scalar_type, _tensor, _type_name
from .indexing import _check_inplace, inplace
from .parsed import surface
from .registry import METHODS
from .shape_index import _shape
from .shapes import expand, reshape


def _index(index, fname, msg, argname="index"):
    if not isinstance(index, Tensor):
        raise type_error(f"{fname}(): argument '{argname}' must be Tensor, not "
                         f"{_type_name(index)}")
    if index.data.dtype.kind not in "iu":
        raise runtime(msg)
    return index.data.astype(np.int64)


def _bounds(index, n, d):
    bad = index[(index < 0) | (index >= n)] if index.size else index
    if bad.size:
        raise runtime(f"index {bad.reshape(-1)[0]} is out of bounds for dimension {d} with "
                      f"size {n}")


def _gather_checks(t, d, index, fname, src=None):
    nd, ni = max(t.data.ndim, 1), max(index.ndim, 1)
    if ni != nd:
        raise runtime(f"Index tensor must have the same number of dimensions as "
                      f"{'input' if fname == 'gather' else 'self'} tensor")
    if src is not None and max(src.ndim, 1) != ni:
        raise runtime("Index tensor must have the same number of dimensions as src tensor")
    shape = t.data.shape or (1,)
    ishape = index.shape or (1,)
    for i in range(nd):
        wrong = i != d and ishape[i] > shape[i] or src is not None and ishape[i] > (src.shape or (1,))[i]
        if wrong:
            if fname == "gather":
                raise runtime(f"Size does not match at dimension {i} expected index "
                              f"{_shape(index.shape)} to be no larger than self "
                              f"{_shape(t.data.shape)} apart from dimension {d}")
            extra = f" and to be no larger size than src {_shape(src.shape)}" if src is not None else ""
            raise runtime(f"Expected index {_shape(index.shape)} to be no larger than self "
                          f"{_shape(t.data.shape)} apart from dimension {d}{extra}")
    _bounds(index, shape[d], d)
    # numpy keys: a 0-d index on a 1-d tensor is a 1-element one
    return index.reshape(1) if index.ndim == 0 and t.data.ndim else index


@surface("gather", "(Tensor input, int dim, Tensor index, *, bool sparse_grad = False, "
         "Tensor out = None)", torch=("gather",), methods=("gather",))
def gather(input, dim, index, *, sparse_grad=False, out=None):
    t = _tensor(input, "gather")
    if sparse_grad:
        raise UnsupportedError("gather(): sparse_grad=True is not supported by gradcli")
    if out is not None:
        raise UnsupportedError("gather(): the out= argument is not supported by gradcli")
    d = _dim(dim, t.data.ndim)
    raw = _index(index, "gather", "gather(): Expected dtype int32/int64 for index")
    key = _gather_checks(t, d, raw, "gather")
    res = apply(OPS["gather"], (t,), {"dim": d, "index": key})
    return reshape(res, *raw.shape) if key.shape != raw.shape else res


def _scatter(input, dim, index, src=None, value=None, *, reduce=None, fname="scatter"):
    t = _tensor(input, fname)
    if reduce is not None:
        raise UnsupportedError(f"{fname}(): the reduce= argument is not supported by gradcli")
    d = _dim(dim, t.data.ndim)
    raw = _index(index, fname, f"{fname}(): Expected dtype int64 for index")
    if raw.dtype != index.data.dtype:
        raise runtime(f"{fname}(): Expected dtype int64 for index")
    if src is not None:
        if src.data.dtype != t.data.dtype:
            raise runtime(f"{fname}(): Expected self.dtype to be equal to src.dtype")
        key = _gather_checks(t, d, raw, fname, src.data)
        if not t.data.ndim:
            raise UnsupportedError(f"{fname}(): a 0-d self with a src tensor is not supported "
                                   "by gradcli")
        s = src if src.data.ndim else reshape(src, *([1] * t.data.ndim))
        name = "scatter_add" if fname == "scatter_add" else "scatter"
        return apply(OPS[name], (t, s), {"dim": d, "index": key})
    key = _gather_checks(t, d, raw, fname)
    v = value.data.item() if isinstance(value, Tensor) else value
    return apply(OPS["scatter_value"], (t,), {"dim": d, "index": key, "value": v})


@surface("scatter", "(Tensor input, int dim, Tensor index, Tensor src, *, Tensor out = None)",
         "(Tensor input, int dim, Tensor index, Tensor src, *, str reduce, Tensor out = None)",
         "(Tensor input, int dim, Tensor index, Number value, *, Tensor out = None)",
         "(Tensor input, int dim, Tensor index, Number value, *, str reduce, Tensor out = None)",
         torch=("scatter",), methods=("scatter",))
def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    if src is not None:
        return _scatter(input, dim, index, src, reduce=reduce)
    return _scatter(input, dim, index, value=value, reduce=reduce)


@surface("scatter_add", "(Tensor input, int dim, Tensor index, Tensor src)",
         torch=("scatter_add",), methods=("scatter_add",))
def scatter_add(input, dim, index, src):
    _tensor(src, "scatter_add", "src", 4)
    return _scatter(input, dim, index, src, fname="scatter_add")


@surface("index_select", "(Tensor input, int dim, Tensor index, *, Tensor out = None)",
         torch=("index_select",), methods=("index_select",))
def index_select(input, dim, index, *, out=None):
    t = _tensor(input, "index_select")
    if out is not None:
        raise UnsupportedError("index_select(): the out= argument is not supported by gradcli")
    d = _dim(dim, t.data.ndim)
    raw = _index(index, "index_select", "index_select(): Expected dtype int32 or int64 for index")
    if raw.ndim > 1:
        raise index_error("index_select(): Index is supposed to be a vector")
    n = t.data.shape[d] if t.data.ndim else 1
    if raw.size and (raw.min() < 0 or raw.max() >= n):
        raise index_error("index out of range in self")
    if not t.data.ndim:  # torch: a 0-d result, whatever the index's shape
        return apply(OPS["index_select"], (t,), {"dim": 0, "index": raw.reshape(-1)})
    return apply(OPS["index_select"], (t,), {"dim": d, "index": raw.reshape(-1)})


def _index_source(t, dim, index, source, fname):
    d = _dim(dim, t.data.ndim)
    src = _tensor(source, fname, "source", 4)
    raw = _index(index, fname, f"{fname}(): Expected dtype int64 for index")
    if raw.ndim > 1:
        raise index_error(f"{fname}(): Index should have dimension 1 or 0 (got {raw.ndim})")
    raw = raw.reshape(-1)
    if src.data.dtype != t.data.dtype:
        raise runtime(f"{fname}(): self ({_scalar_type(t.data.dtype)}) and source "
                      f"({_scalar_type(src.data.dtype)}) must have the same scalar type")
    n_src = src.data.shape[d] if src.data.ndim else 1
    if raw.size != n_src:
        if fname == "index_add_":
            raise runtime(f"index_add_(): Number of indices ({raw.size}) should be equal to "
                          f"source.size(dim): ({n_src}), for dim: {d}")
        raise index_error(f"index_copy_(): Number of indices ({raw.size}) should be equal to "
                          f"source.size(dim) ({n_src})")
    want = t.data.shape[:d] + (raw.size,) + t.data.shape[d + 1:] if t.data.ndim else (raw.size,)
    if src.data.shape != want and not (src.data.ndim == 0 and raw.size == 1) \
            and not (t.data.ndim == 0 and src.data.size == 1):
        raise runtime(f"{fname}(): Source/destination tensor must have same slice shapes. "
                      f"Destination slice shape: {_shape(want)} and source slice shape: "
                      f"{_shape(src.data.shape)}")
    n = t.data.shape[d] if t.data.ndim else 1
    bad = raw[(raw < 0) | (raw >= n)]
    if bad.size:
        head = "index_copy_(): index" if fname == "index_copy_" else "index"
        err = index_error if fname == "index_copy_" else runtime
        raise err(f"{head} {bad[0]} is out of bounds for dimension {d} with size {n}")
    if t.data.ndim and src.data.ndim == 0:
        src = reshape(src, *want)
    return d, raw, src


@surface("index_add", "(Tensor input, int dim, Tensor index, Tensor source, *, "
         "Number alpha = 1, Tensor out = None)", torch=("index_add",), methods=("index_add",))
def index_add(input, dim, index, source, *, alpha=1):
    t = _tensor(input, "index_add")
    d, raw, src = _index_source(t, dim, index, source, "index_add_")
    return apply(OPS["index_add"], (t, src), {"dim": d, "index": raw, "alpha": alpha})


@surface("index_copy", "(Tensor input, int dim, Tensor index, Tensor source)",
         torch=("index_copy",), methods=("index_copy",))
def index_copy(input, dim, index, source):
    t = _tensor(input, "index_copy")
    d, raw, src = _index_source(t, dim, index, source, "index_copy_")
    return apply(OPS["index_copy"], (t, src), {"dim": d, "index": raw})


@surface("index_fill", "(Tensor input, int dim, Tensor index, Tensor value)",
         "(Tensor input, int dim, Tensor index, Number value)", torch=("index_fill",),
         methods=("index_fill",))
def index_fill(input, dim, index, value):
    t = _tensor(input, "index_fill")
    if isinstance(value, Tensor):  # torch: IndexFillBackward1, value differentiable
        raise UnsupportedError("index_fill(): a Tensor value is not supported by gradcli "
                               "(pass a number)")
    d = _dim(dim, t.data.ndim)
    if not isinstance(index, Tensor) or index.data.dtype != np.int64:
        raise index_error("index_fill_(): Expected dtype int64 for index.")
    raw = index.data
    if raw.ndim > 1:
        raise runtime("Index has to be a vector/scalar")
    raw = raw.reshape(-1)
    n = t.data.shape[d] if t.data.ndim else 1
    bad = raw[(raw < -n) | (raw >= n)]
    if bad.size:
        raise index_error(f"index {bad[0]} is out of bounds for dimension {d} with size {n}")
    return apply(OPS["index_fill"], (t,), {"dim": d, "index": raw % n if n else raw,
                                           "value": value})


# caffe2::TypeMeta's names, which the masked_fill message prints
_TYPE_META = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int",
              "uint8": "unsigned char", "int16": "short int", "int8": "signed char"}


def _mask(mask, fname, msg):
    if not isinstance(mask, Tensor):
        raise type_error(f"{fname}(): argument 'mask' (position 2) must be Tensor, not "
                         f"{_type_name(mask)}")
    if mask.data.dtype.kind != "b":
        raise runtime(msg.format(_TYPE_META.get(mask.data.dtype.name, mask.data.dtype.name)))
    return mask.data


@surface("masked_fill", "(Tensor input, Tensor mask, Tensor value)",
         "(Tensor input, Tensor mask, Number value)", torch=("masked_fill",),
         methods=("masked_fill",))
def masked_fill(input, mask, value):
    t = _tensor(input, "masked_fill")
    m = _mask(mask, "masked_fill", "masked_fill_ only supports boolean masks, but got mask with "
                                   "dtype {}")
    shape = broadcast_shape(t.data.shape, m.shape)
    if isinstance(value, Tensor):
        if value.data.ndim:
            raise runtime(f"masked_fill_ only supports a 0-dimensional value tensor, but got "
                          f"tensor with {value.data.ndim} dimension(s).")
        if shape != t.data.shape:
            t = expand(t, *shape)
        return apply(OPS["masked_fill_tensor"], (t, value), {"mask": m})
    if not isinstance(value, (int, float)):
        raise type_error(f"masked_fill(): argument 'value' (position 3) must be Number, not "
                         f"{_type_name(value)}")
    if shape != t.data.shape:
        t = expand(t, *shape)
    return apply(OPS["masked_fill"], (t,), {"mask": m, "value": value})


@surface("masked_select", "(Tensor input, Tensor mask, *, Tensor out = None)",
         torch=("masked_select",), methods=("masked_select",))
def masked_select(input, mask, *, out=None):
    t = _tensor(input, "masked_select")
    m = _mask(mask, "masked_select", "masked_select: expected BoolTensor for mask")
    broadcast_shape(m.shape, t.data.shape)
    return apply(OPS["masked_select"], (t,), {"mask": m})


@surface("take", "(Tensor input, Tensor index, *, Tensor out = None)", torch=("take",),
         methods=("take",))
def take(input, index):
    t = _tensor(input, "take")
    if not isinstance(index, Tensor) or index.data.dtype != np.int64:
        got = _scalar_type(index.data.dtype) if isinstance(index, Tensor) else _type_name(index)
        raise runtime(f"take(): Expected a long tensor for index, but got {got}")
    raw = index.data
    n = t.data.size
    bad = raw[(raw < -n) | (raw >= n)]
    if bad.size:
        raise index_error(f"out of range: tried to access index {bad.reshape(-1)[0]} on a tensor "
                          f"of {n} elements.")
    return apply(OPS["take"], (t,), {"index": raw % n if n else raw})


@surface("take_along_dim", "(Tensor input, Tensor indices, int? dim = None, *, "
         "Tensor out = None)", torch=("take_along_dim",), methods=("take_along_dim",))
def take_along_dim(input, indices, dim=None, *, out=None):
    t = _tensor(input, "take_along_dim")
    ix = _tensor(indices, "take_along_dim", "indices", 2)
    if dim is None:
        return gather(reshape(t, -1), 0, reshape(ix, -1))
    d = _dim(dim, t.data.ndim)
    if t.data.ndim != ix.data.ndim:
        raise runtime(f"torch.take_along_dim(): input and indices should have the same number of "
                      f"dimensions, but got {t.data.ndim} dimensions for input, and "
                      f"{ix.data.ndim} dimensions for indices")
    if ix.data.dtype.kind not in "iu":
        raise runtime(f"torch.take_along_dim(): dtype of indices should be Long but got "
                      f"{_scalar_type(ix.data.dtype)}")
    ts, xs = list(t.data.shape), list(ix.data.shape)
    ts[d] = xs[d] = 1
    b = list(broadcast_shape(tuple(ts), tuple(xs)))
    st, sx = list(b), list(b)
    st[d], sx[d] = t.data.shape[d], ix.data.shape[d]
    if tuple(st) != t.data.shape:
        t = expand(t, *st)
    if tuple(sx) != ix.data.shape:
        ix = Tensor(np.broadcast_to(ix.data, sx))
    return gather(t, d, ix)


def _inplace(fn):
    def method(self, *args, **kwargs):
        _check_inplace(self)
        result = fn(self, *args, **kwargs)
        if result.data.shape != self.data.shape:
            raise runtime(f"output with shape {_shape(self.data.shape)} doesn't match the "
                          f"broadcast shape {_shape(result.data.shape)}")
        return inplace(self, result)
    return method


for _m in ("scatter_", "scatter_add_", "index_add_", "index_copy_", "masked_fill_",
           "index_fill_"):
    METHODS[_m] = _inplace(METHODS[_m[:-1]])  # parsed as the out-of-place method
