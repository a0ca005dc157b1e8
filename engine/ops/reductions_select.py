"""Rows: value-selecting reductions (sort, topk, kthvalue, median, cummax, ...). Each
row's forward gathers the values at indices its wrapper computed (engine/torch_api/
reductions_select.py, which also returns the indices, as torch.return_types); the VJP
puts the gradient back at those indices — PyTorch's value_selecting_reduction_backward
(and cummaxmin_backward, which adds where an index repeats)."""

import numpy as np

from .. import dual as D
from .helpers import _select, raw
from .table import op


def _key(indices, dim):
    """numpy's advanced index taking `indices` (same ndim as the input) along `dim`."""
    grids = np.indices(indices.shape, sparse=True)
    return tuple(indices if i == dim else g for i, g in enumerate(grids))


def _gather(a, indices, dim, keepdim=True):
    if a.ndim == 0:
        return a.copy()
    out = a[_key(indices, dim)]
    return out if keepdim else np.squeeze(out, axis=dim)


def _gather_vjp(g, o, a, indices, dim, keepdim=True):
    if raw(a).ndim == 0:
        return g
    if not keepdim:
        g = D.unsqueeze(g, dim=dim)
    return D.embed(g, shape=raw(a).shape, key=_key(indices, dim), accumulate=True)


def _samples(kind):
    def make(s):
        a = s.distinct(3, 4)
        if kind == "sort":
            return [((a,), {"indices": np.argsort(a, axis=1), "dim": 1})]
        if kind == "topk":
            return [((a,), {"indices": np.argsort(-a, axis=0)[:2], "dim": 0})]
        if kind == "cum":
            return [((a,), {"indices": np.maximum.accumulate(
                np.where(a == np.maximum.accumulate(a, axis=1), np.arange(4), 0), axis=1),
                "dim": 1})]
        return [((a,), {"indices": np.argsort(a, axis=1)[:, 1:2], "dim": 1, "keepdim": False})]
    return make


_VALUE_SELECTING = "value_selecting_reduction_backward_symint(grad, dim, indices, self.sym_sizes(), {})"
for _name, _grad_fn, _formula, _kind in (
        ("sort_values", "SortBackward0", _VALUE_SELECTING.format("true"), "sort"),
        # sort(stable=...): the sort.stable overload's node
        ("sort_values_stable", "SortBackward1", _VALUE_SELECTING.format("true"), "sort"),
        ("topk_values", "TopkBackward0", _VALUE_SELECTING.format("true"), "topk"),
        ("kthvalue_values", "KthvalueBackward0", _VALUE_SELECTING.format("keepdim"), "reduce"),
        ("mode_values", "ModeBackward0", _VALUE_SELECTING.format("keepdim"), "reduce"),
        ("median_dim", "MedianBackward1", _VALUE_SELECTING.format("keepdim"), "reduce"),
        ("nanmedian_dim", "NanmedianBackward1", _VALUE_SELECTING.format("keepdim"), "reduce"),
        ("cummax_values", "CummaxBackward0", "cummaxmin_backward(grad, self, indices, dim)", "cum"),
        ("cummin_values", "CumminBackward0", "cummaxmin_backward(grad, self, indices, dim)", "cum")):
    op(_name, _grad_fn, _gather, _gather_vjp, formulas=(_formula,), dtype_rule="same",
       text=_name.split("_")[0], samples=_samples(_kind))


# ---------------------------------------------------------------- median of all elements
def _median_all(a, ignore_nan=False):
    """The lower of the two middles (torch never averages); NaN if any (median) or only
    NaNs (nanmedian)."""
    flat = a.reshape(-1)
    if ignore_nan:
        flat = flat[~np.isnan(flat)] if a.dtype.kind == "f" else flat
    elif a.dtype.kind == "f" and np.isnan(flat).any():
        return np.asarray(np.nan, dtype=a.dtype)
    if flat.size == 0:
        return np.asarray(np.nan if a.dtype.kind == "f" else 0, dtype=a.dtype)
    return np.asarray(np.sort(flat)[(flat.size - 1) // 2], dtype=a.dtype)


def _evenly_distribute_vjp(g, o, a, ignore_nan=False):
    """evenly_distribute_backward: the gradient shared among the entries equal to the
    result (NaN entries when the result is NaN), zeros elsewhere (a masked fill)."""
    x, r = raw(a), raw(o)
    mask = np.isnan(x) if np.isnan(r) else x == r
    return _select(D.div(D.expand(g, shape=x.shape), max(int(mask.sum()), 1)),
                   mask.astype(x.dtype))


op("median", "MedianBackward0", _median_all, _evenly_distribute_vjp,
   formulas=("evenly_distribute_backward(grad, self, result)",), dtype_rule="same",
   samples=lambda s: [((s.distinct(3, 4),), {}), ((s.distinct(5),), {})])
op("nanmedian", "NanmedianBackward0", lambda a: _median_all(a, True),
   _evenly_distribute_vjp, formulas=("evenly_distribute_backward(grad, self, result)",),
   dtype_rule="same", samples=lambda s: [((s.distinct(2, 3),), {})])
