"""Wrappers of the value-selecting reductions: sort, msort, topk, kthvalue, median,
nanmedian, cummax, cummin. Each computes the indices PyTorch returns (numpy), applies the
row that gathers the values there (engine/ops/reductions_select.py) and returns
torch.return_types.X(values=..., indices=...).

Where PyTorch's index among equal values comes from its selection algorithm (topk,
kthvalue, median along a dim with ties at the chosen value), gradcli refuses the call
instead of sending the gradient to another element than PyTorch would."""

import numpy as np

from .. import dtypes
from ..apply import apply
from ..errors import UnsupportedError, index_error, runtime, type_error
from ..ops import OPS
from ..ops.signature import Signature
from ..tensor import Tensor
from .args import ReturnTypes, _dim, _tensor
from .registry import FUNCTIONS, METHODS


def _indices(idx) -> Tensor:
    return Tensor(np.asarray(idx, dtype=dtypes.INT64))


def _result(name, row, t, idx, dim, keepdim=True):
    """return_types.<name>: the row's values at `idx` (kept-dim form) and the indices."""
    if t.data.ndim == 0:
        return ReturnTypes(name, apply(OPS[row], (t,), {"indices": np.zeros((), np.int64),
                                                        "dim": 0, "keepdim": True}),
                           _indices(0))
    values = apply(OPS[row], (t,), {"indices": idx, "dim": dim, "keepdim": keepdim})
    return ReturnTypes(name, values, _indices(idx if keepdim else np.squeeze(idx, axis=dim)))


def _sort_key(x, descending):
    """A stable argsort key: NaN is the largest value, as in torch."""
    if x.dtype.kind == "b":
        x = x.astype(np.int64)
    if descending:
        if x.dtype.kind == "f":
            return -np.where(np.isnan(x), np.inf, x), np.isnan(x)
        return -x, None
    return x, None


def _argsort(x, dim, descending):
    key, nan_first = _sort_key(x, descending)
    if nan_first is None:
        return np.argsort(key, axis=dim, kind="stable")
    # descending: NaNs first, then the others largest first (both stable)
    order = np.argsort(np.where(nan_first, -np.inf, key), axis=dim, kind="stable")
    return order


_NO_STABLE = object()


def sort(input, dim=-1, descending=False, *, stable=_NO_STABLE):
    """sort(x) is PyTorch's sort (SortBackward0); given stable= (True or False), its
    sort.stable overload (SortBackward1). Sorted stably here; where PyTorch's unstable
    std::sort could order equal values otherwise, a clear refusal."""
    t = _tensor(input, "sort")
    d = _dim(dim, t.data.ndim)
    idx = _argsort(t.data, d, descending) if t.data.ndim else None
    unstable = stable is _NO_STABLE or not stable
    if unstable and idx is not None and t.data.shape[d] > 16 and _has_ties(t.data, idx, d):
        # PyTorch's stable=False is std::sort: stable insertion sort up to 16 elements,
        # introsort's own order of equal values beyond
        raise NotImplementedError("gradcli: sort(stable=False) of more than 16 elements with "
                                  "equal values (PyTorch's std::sort order); pass stable=True")
    row = "sort_values" if stable is _NO_STABLE else "sort_values_stable"
    return _result("sort", row, t, idx, d)


def _has_ties(x, idx, d):
    """Equal neighbours in sorted order (NaNs equal to each other, as the comparator has
    them)."""
    v = np.take_along_axis(x, idx, axis=d)
    a, b = np.take(v, np.arange(v.shape[d] - 1), axis=d), np.take(v, np.arange(1, v.shape[d]), axis=d)
    same = a == b
    if x.dtype.kind == "f":
        same |= np.isnan(a) & np.isnan(b)
    return bool(same.any())


def msort(input):
    t = _tensor(input, "msort")
    values, _ = sort(t, 0)
    return values


def argsort(input, dim=-1, descending=False, *, stable=False):
    """sort's indices (PyTorch's argsort calls sort, the same order among equal values)."""
    t = _tensor(input, "argsort")
    if t.data.dtype.kind == "b" or t.data.ndim == 0:
        return sort(t, dim, descending, stable=stable)[1]
    return sort(t.detach() if t.requires_grad else t, dim, descending, stable=stable)[1]


def _refuse_ties(name, x, idx, dim):
    """Several entries of a slice equal the selected value: PyTorch's index among them is
    its selection algorithm's, which gradcli does not reproduce."""
    chosen = np.take_along_axis(x, idx, axis=dim)
    for k in range(idx.shape[dim]):
        v = np.take(chosen, [k], axis=dim)
        if (np.sum(x == v, axis=dim) > 1).any():
            raise UnsupportedError(f"{name}(): equal values at the selected entry; PyTorch's "
                                   f"choice of index among them is not reproduced by gradcli")


def _no_bool(x, kernel):
    if x.dtype.kind == "b":  # ATen's sorting kernels have no bool loop
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')


def topk(input, k, dim=-1, largest=True, sorted=True):
    t = _tensor(input, "topk")
    x = t.data
    if x.dtype.kind == "b":
        raise runtime("topk does not support bool dtypes on CPU")
    d = _dim(dim, x.ndim)
    n = x.shape[d] if x.ndim else 1
    if not isinstance(k, int) or not 0 <= k <= n:
        raise runtime("selected index k out of range")
    if x.ndim == 0:
        return _result("topk", "topk_values", t, None, 0)
    if not sorted and k > 1 and k * 64 > n:
        # PyTorch then selects with std::nth_element and leaves its order unsorted
        raise NotImplementedError("gradcli: topk(sorted=False) (std::nth_element's order); "
                                  "pass sorted=True")
    idx = np.take(_argsort(x, d, largest), np.arange(k), axis=d)
    if k:
        _refuse_ties("topk", x, idx, d)
    return _result("topk", "topk_values", t, idx, d)


def _check_nonempty(name, x, d, dim):
    if x.ndim and x.shape[d] == 0:
        raise index_error(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def kthvalue(input, k, dim=-1, keepdim=False):
    t = _tensor(input, "kthvalue")
    x = t.data
    _no_bool(x, "kthvalue_cpu")
    d = _dim(dim, x.ndim)
    _check_nonempty("kthvalue", x, d, dim)
    n = x.shape[d] if x.ndim else 1
    if not 1 <= k <= n:
        raise runtime(f"kthvalue(): selected number k out of range for dimension {d}")
    if x.ndim == 0:
        return _result("kthvalue", "kthvalue_values", t, None, 0)
    idx = np.take(_argsort(x, d, False), [k - 1], axis=d)
    _refuse_ties("kthvalue", x, idx, d)
    return _result("kthvalue", "kthvalue_values", t, idx, d, keepdim)


def _median(name):
    ignore_nan = name == "nanmedian"

    def fn(input, dim=None, keepdim=False):
        t = _tensor(input, name)
        x = t.data
        _no_bool(x, "median_cpu" if dim is None else "median_out")
        if dim is None:
            if keepdim:  # PyTorch's all-elements overload has no keepdim
                raise type_error(f'{name}() missing 1 required positional arguments: "dim"')
            return apply(OPS[name], (t,))
        d = _dim(dim, x.ndim)
        _check_nonempty("median", x, d, dim)  # (nanmedian's message says median too)
        if x.ndim == 0:
            return _result(name, name + "_dim", t, None, 0)
        order = _argsort(x, d, False)
        if x.dtype.kind == "f":
            nans = np.sum(np.isnan(x), axis=d, keepdims=True)
        else:
            nans = np.zeros_like(np.take(x, [0], axis=d), dtype=np.int64)
        count = x.shape[d] - nans if ignore_nan else np.full_like(nans, x.shape[d])
        pos = np.maximum(count - 1, 0) // 2
        idx = np.take_along_axis(order, pos, axis=d)
        if not ignore_nan and (nans > 0).any():
            # median: a slice with a NaN has NaN as its median, at its first NaN's index
            first_nan = np.argmax(np.isnan(x), axis=d, keepdims=True)
            idx = np.where(nans > 0, first_nan, idx)
        finite = ~np.isnan(np.take_along_axis(x, idx, axis=d)) if x.dtype.kind == "f" else True
        if np.any(finite):
            _refuse_ties(name, np.where(np.isnan(x), np.inf, x) if x.dtype.kind == "f" else x,
                         idx, d)
        return _result(name, name + "_dim", t, idx, d, keepdim)
    return fn


def _cum_indices(x, dim, largest):
    """cummax/cummin's indices: the latest index of the running extreme (ties move it on),
    a NaN holds it from there on."""
    m = np.moveaxis(x, dim, -1)
    out = np.zeros(m.shape, dtype=np.int64)
    if m.shape[-1] == 0:
        return np.moveaxis(out, -1, dim)
    best, at = m[..., 0].copy(), np.zeros(m.shape[:-1], dtype=np.int64)
    isnan = np.isnan if x.dtype.kind == "f" else (lambda v: np.zeros(np.shape(v), bool))
    for j in range(m.shape[-1]):
        v = m[..., j]
        take = ((v >= best) if largest else (v <= best)) | isnan(v)
        take &= ~isnan(best) | (j == 0)
        best = np.where(take, v, best)
        at = np.where(take, j, at)
        out[..., j] = at
    return np.moveaxis(out, -1, dim)


def _cum(name):
    largest = name == "cummax"

    def fn(input, dim):
        t = _tensor(input, name)
        d = _dim(dim, t.data.ndim)
        if t.data.ndim == 0:
            return _result(name, name + "_values", t, None, 0)
        return _result(name, name + "_values", t, _cum_indices(t.data, d, largest), d)
    return fn


for _n, _f in (("sort", sort), ("msort", msort), ("argsort", argsort), ("topk", topk), ("kthvalue", kthvalue),
               ("median", _median("median")), ("nanmedian", _median("nanmedian")),
               ("cummax", _cum("cummax")), ("cummin", _cum("cummin"))):
    FUNCTIONS[_n] = METHODS[_n] = _f


class MinMax(tuple):
    """torch.return_types.aminmax: a (min, max) pair with names."""

    @property
    def min(self):
        return self[0]

    @property
    def max(self):
        return self[1]

    def __repr__(self) -> str:
        return f"torch.return_types.aminmax(\nmin={self[0]!r},\nmax={self[1]!r})"

    __str__ = __repr__


_AMINMAX = Signature("aminmax", "(Tensor input, *, int? dim = None, bool keepdim = False, "
                                "Tensor out = None)")
_AMINMAX_METHOD = _AMINMAX.method()


def _aminmax(b):
    """(min, max) of everything or along one dim: two nodes named AminmaxBackward0 (one
    node with two outputs in PyTorch), each output's gradient PyTorch's."""
    t, dim, keepdim = b["input"], b["dim"], b["keepdim"]
    if b.get("out") is not None:
        raise UnsupportedError("aminmax(): the out= argument is not supported by gradcli")
    x = t.data
    if dim is None:
        if x.size == 0:
            raise runtime("aminmax(): cannot compute aminmax over an empty dimension as the "
                          "operation has no identity.")
        dims = tuple(range(x.ndim)) if keepdim and x.ndim else None
    else:
        d = _dim(dim, x.ndim)
        if x.ndim and x.shape[d] == 0:
            raise index_error(f"aminmax: Expected reduction dim {d} to have non-zero size.")
        dims = (d,) if x.ndim else None
    params = {"dims": dims, "keepdim": bool(keepdim)}
    return MinMax((apply(OPS["aminmax_min"], (t,), params),
                   apply(OPS["aminmax_max"], (t,), params)))


FUNCTIONS["aminmax"] = lambda *args, **kwargs: _aminmax(_AMINMAX.bind(args, kwargs)[1])
METHODS["aminmax"] = lambda self, *args, **kwargs: _aminmax(
    {"input": self, **_AMINMAX_METHOD.bind(args, kwargs)[1]})
