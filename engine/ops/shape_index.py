"""Rows: the shape and indexing ops of issue 18 (repeat, roll, rot90, split, gather,
scatter, index_select/add/copy, masked_fill/select, take, unfold, squeeze over dims).

Index tensors reach a row as params (numpy arrays), never as inputs: they have no
gradient, and PyTorch's graph has no edge for them. The wrappers (torch_api/
shape_index.py) check arguments with PyTorch's messages and normalize negative dims and
indices, so these forwards see clean values. Gathers are written as numpy advanced-index
keys, so their VJPs are the table's `embed` (IndexPutBackward0's accumulate)."""

import numpy as np

from .. import dual as D
from ..errors import runtime
from ..numerics.fma import fma32, fma64
from .helpers import _select, raw
from .shape import _index_vjp
from .table import op


def _grid_key(index, dim):
    """The numpy key for torch's gather/scatter along `dim`: out[i][j][k] pairs with
    self[i][index[i][j][k]][k] (index's own extent in every dim)."""
    grids = np.indices(index.shape, sparse=True) if index.ndim else ()
    key = list(grids)
    if index.ndim:
        key[dim] = index
    return tuple(key) if index.ndim else (index,)


def _gather(a, dim, index):
    if a.ndim == 0:
        return np.broadcast_to(a, index.shape).copy()
    return a[_grid_key(index, dim)]


def _gather_vjp(g, out, a, dim, index):
    if raw(a).ndim == 0:
        return D.sum(g)
    return D.embed(g, shape=raw(a).shape, key=_grid_key(index, dim), accumulate=True)


def _src_part(src, index):
    """The leading index-shaped block of `src` (scatter reads no more of it)."""
    return src[tuple(slice(0, n) for n in index.shape)] if src.ndim else src


def _src_vjp(node):
    def vjp(g, out, a, src, dim, index):
        if raw(src).shape != index.shape:
            # torch's engine refuses the index-shaped grad of a larger src (validate_outputs)
            raise runtime(f"Function {node} returned an invalid gradient at index 1 - got "
                          f"{list(index.shape)} but expected shape compatible with "
                          f"{list(raw(src).shape)}")
        return D.gather(g, dim=dim, index=index)
    return vjp


def _scatter(a, src, dim, index):
    out = a.copy()
    if index.size:
        out[_grid_key(index, dim)] = _src_part(src, index)
    return out


def _scatter_value(a, dim, index, value):
    out = a.copy()
    if index.size:
        out[_grid_key(index, dim)] = value
    return out


def _scatter_add(a, src, dim, index):
    out = a.copy()
    if index.size:
        np.add.at(out, _grid_key(index, dim), _src_part(src, index))
    return out


def _scattered_out(g, dim, index):
    """grad with the scattered positions zeroed (the grad of scatter's self)."""
    return D.scatter_value(g, dim=dim, index=index, value=0.0)


def _dim_key(dim, index):
    return (slice(None),) * dim + (index,)


def _index_add(a, source, dim, index, alpha=1):
    out = a.copy()
    if alpha == 1 or a.dtype.kind != "f":
        np.add.at(out, _dim_key(dim, index) if a.ndim else (),
                  source * alpha if alpha != 1 else source)
        return out
    # torch adds slice by slice, self_slice.add_(source_slice, alpha): one FMA per element
    fma = fma32 if a.dtype == np.float32 else fma64
    for i, j in enumerate(index):
        key = _dim_key(dim, j) if a.ndim else ()
        part = np.take(source, i, axis=dim) if source.ndim else source
        out[key] = fma(part, alpha, out[key])
    return out


def _index_copy(a, source, dim, index):
    out = a.copy()
    out[_dim_key(dim, index) if a.ndim else ()] = source
    return out


def _index_fill(a, dim, index, value):
    out = a.copy()
    out[_dim_key(dim, index) if a.ndim else ()] = value
    return out


def _index_mask(shape, dim, index):
    mask = np.zeros(shape, dtype=bool)
    mask[_dim_key(dim, index) if len(shape) else ()] = True
    return mask


def _repeat(a, repeats):
    lead = len(repeats) - a.ndim
    return np.tile(a.reshape((1,) * lead + a.shape), repeats)


def _repeat_vjp(g, out, a, repeats):
    shape = raw(a).shape
    full = (1,) * (len(repeats) - len(shape)) + shape
    split = tuple(x for r, s in zip(repeats, full, strict=True) for x in (r, s))
    summed = D.sum_dim(D.reshape(g, shape=split), dims=tuple(range(0, len(split), 2)))
    return D.reshape(summed, shape=shape)


def _roll(a, shifts, dims):
    if not dims:
        return np.roll(a.reshape(-1), shifts[0]).reshape(a.shape)
    return np.roll(a, shifts, axis=dims)


def _masked_fill(a, mask, value):
    return np.where(mask, np.asarray(value).astype(a.dtype), a).astype(a.dtype)


def _masked_select(a, mask):
    shape = np.broadcast_shapes(a.shape, mask.shape)
    return np.broadcast_to(a, shape)[np.broadcast_to(mask, shape)]


def _masked_select_vjp(g, out, a, mask):
    shape = np.broadcast_shapes(raw(a).shape, mask.shape)
    return D.embed(g, shape=shape, key=(np.broadcast_to(mask, shape),))


def _unfold_index(n, size, step):
    return (np.arange(n) * step)[:, None] + np.arange(size)[None, :]


def _unfold(a, dimension, size, step):
    if a.ndim == 0:
        return a.reshape(1).copy()
    n = (a.shape[dimension] - size) // step + 1
    moved = np.moveaxis(a, dimension, -1)[..., _unfold_index(n, size, step)]
    return np.moveaxis(moved, -2, dimension).copy()


def _unfold_vjp(g, out, a, dimension, size, step):
    shape = raw(a).shape
    if not shape:
        return D.reshape(g, shape=())
    nd = len(shape)
    n = raw(g).shape[dimension]
    # g: (..., n at dimension, ..., size) -> (..., n, size) with the windows last
    order = tuple(i for i in range(nd) if i != dimension) + (dimension, nd)
    moved = D.permute(g, dims=order)
    moved_shape = tuple(s for i, s in enumerate(shape) if i != dimension) + (shape[dimension],)
    key = (slice(None),) * (nd - 1) + (_unfold_index(n, size, step),)
    placed = D.embed(moved, shape=moved_shape, key=key, accumulate=True)
    back = tuple(range(dimension)) + (nd - 1,) + tuple(range(dimension, nd - 1))
    return D.permute(placed, dims=back)


def _take_key(index, shape):
    return np.unravel_index(index, shape) if shape else (np.zeros(index.shape, dtype=np.intp),)


def _take(a, index):
    if a.ndim == 0:
        return np.broadcast_to(a, index.shape).copy()
    return a[_take_key(index, a.shape)]


def _take_vjp(g, out, a, index):
    shape = raw(a).shape
    if not shape:
        return D.sum(g)
    return D.embed(g, shape=shape, key=_take_key(index, shape), accumulate=True)


_IDX = np.array([[0, 2], [1, 0], [2, 2]])

op("repeat", "RepeatBackward0", _repeat, _repeat_vjp,
   formulas=("repeat_backward(grad, repeats, self.sym_sizes())",), saves=False,
   dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3),), {"repeats": (2, 1, 2)}),
                      ((s.normal(3),), {"repeats": (2,)})])
op("roll", "RollBackward0", _roll,
   lambda g, o, a, shifts, dims: D.roll(g, shifts=tuple(-s for s in shifts), dims=dims),
   formulas=("grad.roll_symint(fmap(reverse_list_symint(shifts), [](c10::SymInt i){return -i;}), "
             "reverse_list(dims))",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(3, 4),), {"shifts": (1, -2), "dims": (0, 1)}),
                      ((s.normal(3, 4),), {"shifts": (5,), "dims": ()})])
op("rot90", "Rot90Backward0", lambda a, k, dims: np.rot90(a, k, axes=dims).copy(),
   lambda g, o, a, k, dims: D.rot90(g, k=-k, dims=dims),
   formulas=("grad.rot90(-k, dims)",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(3, 4),), {"k": 1, "dims": (0, 1)}),
                      ((s.normal(2, 3, 4),), {"k": 3, "dims": (2, 0)})])
for _name, _grad_fn in (("split", "SplitBackward0"), ("split_with_sizes", "SplitWithSizesBackward0")):
    op(_name, _grad_fn, lambda a, key: a[key], _index_vjp,
       formulas=("split_backward(grads, split_size, dim, self.sym_sizes(), self.options())",),
       saves=False, dtype_rule="same",
       samples=lambda s: [((s.normal(3, 4),), {"key": (slice(None), slice(2, 4))})])
op("squeeze_dims", "SqueezeBackward2",
   lambda a, dims: np.squeeze(a, tuple(d for d in dims if a.shape[d] == 1)) if a.ndim else a,
   lambda g, o, a, dims: D.reshape(g, shape=raw(a).shape),
   formulas=("unsqueeze_multiple(grad, dim, self.sym_sizes().size())",), saves=False,
   dtype_rule="same",
   samples=lambda s: [((s.normal(1, 3, 1),), {"dims": (0, 2)})])
op("gather", "GatherBackward0", _gather, _gather_vjp,
   formulas=("gather_backward(grad, self, dim, index, sparse_grad)",), saves=False,
   dtype_rule="same",
   samples=lambda s: [((s.normal(3, 4),), {"dim": 1, "index": _IDX}),
                      ((s.normal(4, 3),), {"dim": 0, "index": _IDX})])
op("scatter", "ScatterBackward0", _scatter,
   lambda g, o, a, src, dim, index: _scattered_out(g, dim, index), _src_vjp("ScatterBackward0"),
   formulas=("grad.scatter(dim, index, 0)", "grad.gather(dim, index)"), saves=False,
   dtype_rule="same", args=("self", "src"),
   samples=lambda s: [((s.normal(3, 4), s.normal(3, 2)),
                       {"dim": 1, "index": np.array([[0, 2], [1, 3], [3, 0]])})])
op("scatter_value", "ScatterBackward1", _scatter_value,
   lambda g, o, a, dim, index, value: _scattered_out(g, dim, index),
   formulas=("grad.scatter(dim, index, 0)",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(3, 4),), {"dim": 1, "index": _IDX, "value": 2.0})])
op("scatter_add", "ScatterAddBackward0", _scatter_add,
   lambda g, o, a, src, dim, index: g, _src_vjp("ScatterAddBackward0"),
   formulas=("grad", "grad.gather(dim, index)"), saves=False, dtype_rule="same",
   args=("self", "src"),
   samples=lambda s: [((s.normal(3, 4), s.normal(3, 2)), {"dim": 1, "index": _IDX})])
op("index_select", "IndexSelectBackward0",
   lambda a, dim, index: a[_dim_key(dim, index)] if a.ndim else a.copy(),
   lambda g, o, a, dim, index: D.embed(g, shape=raw(a).shape, key=_dim_key(dim, index),
                                       accumulate=True) if raw(a).ndim else g,
   formulas=("index_select_backward_symint(self.sym_sizes(), dim, index, grad)",),
   saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(4, 3),), {"dim": 0, "index": np.array([3, 0, 3])})])
op("index_add", "IndexAddBackward0", _index_add,
   lambda g, o, a, source, dim, index, alpha=1: g,
   lambda g, o, a, source, dim, index, alpha=1: D.reshape(
       D.mul(D.index_select(g, dim=dim, index=index), alpha) if raw(a).ndim else D.mul(g, alpha),
       shape=raw(source).shape),
   formulas=("grad", "maybe_multiply(grad.index_select(dim, index).expand_as(source), alpha)"),
   saves=False, dtype_rule="same", args=("self", "source"),
   samples=lambda s: [((s.normal(4, 3), s.normal(2, 3)),
                       {"dim": 0, "index": np.array([3, 1]), "alpha": 2.0})])
op("index_copy", "IndexCopyBackward0", _index_copy,
   lambda g, o, a, source, dim, index: _select(
       g, (~_index_mask(raw(a).shape, dim, index)).astype(raw(g).dtype)),
   lambda g, o, a, source, dim, index: D.reshape(
       D.index_select(g, dim=dim, index=index) if raw(a).ndim else g, shape=raw(source).shape),
   formulas=("grad.index_fill(dim, index, 0)", "grad.index_select(dim, index)"), saves=False,
   dtype_rule="same", args=("self", "source"),
   samples=lambda s: [((s.normal(4, 3), s.normal(2, 3)), {"dim": 0, "index": np.array([3, 1])})])
op("index_fill", "IndexFillBackward0", _index_fill,
   lambda g, o, a, dim, index, value: _select(
       g, (~_index_mask(raw(a).shape, dim, index)).astype(raw(g).dtype)),
   formulas=("grad.index_fill(dim, index, 0)",), saves=False, dtype_rule="same",
   args=("self",),
   samples=lambda s: [((s.normal(4, 3),), {"dim": 0, "index": np.array([3, 1]), "value": 1.5}),
                      ((s.normal(2, 5),), {"dim": 1, "index": np.array([0, 0, 4]),
                                           "value": -2.0})])
op("masked_fill", "MaskedFillBackward0", _masked_fill,
   lambda g, o, a, mask, value: _select(g, (~np.broadcast_to(mask, raw(g).shape))
                                        .astype(raw(g).dtype)),
   formulas=("grad.masked_fill(mask, 0)",), saves=False, dtype_rule="same",
   args=("self",),
   samples=lambda s: [((s.normal(3, 4),), {"mask": s.normal(3, 4) > 0, "value": 1.5}),
                      ((s.normal(3, 1),), {"mask": s.normal(4) > 0, "value": -2.0})])
op("masked_fill_tensor", "MaskedFillBackward1",
   lambda a, value, mask: _masked_fill(a, mask, value),
   lambda g, o, a, value, mask: _select(g, (~np.broadcast_to(mask, raw(g).shape))
                                        .astype(raw(g).dtype)),
   lambda g, o, a, value, mask: D.sum(_select(g, np.broadcast_to(mask, raw(g).shape)
                                              .astype(raw(g).dtype))),
   formulas=("grad.masked_fill(mask, 0)", "masked_fill_backward(grad, mask)"), saves=False,
   dtype_rule="same", args=("self", "value"), text="masked_fill",
   samples=lambda s: [((s.normal(3, 4), s.normal(1).reshape(())), {"mask": s.normal(3, 4) > 0})])
op("masked_select", "MaskedSelectBackward0", _masked_select, _masked_select_vjp,
   formulas=("masked_select_backward(grad, self, mask)",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(3, 4),), {"mask": s.normal(3, 4) > 0}),
                      ((s.normal(1, 4),), {"mask": s.normal(3, 1) > 0})])
op("take", "TakeBackward0", _take, _take_vjp,
   formulas=("take_backward(grad, self, index)",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(3, 4),), {"index": np.array([[0, 11], [5, 5]])})])
op("unfold", "UnfoldBackward0", _unfold, _unfold_vjp,
   formulas=("unfold_backward_symint(grad, self.sym_sizes(), dimension, size, step)",),
   saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(3, 7),), {"dimension": 1, "size": 3, "step": 2}),
                      ((s.normal(5, 2),), {"dimension": 0, "size": 2, "step": 1})])
