"""Rows: shape ops, views, indexing and copies (grad moved, never computed)."""


import numpy as np

from .. import dual as D
from .helpers import _sum_to, raw
from .table import op


def _embed(g, shape, key, accumulate=False):
    """Zeros of `shape` with `g` placed at `key` (the backward of indexing)."""
    out = np.zeros(shape, dtype=g.dtype)
    if accumulate:
        np.add.at(out, key, g)
    else:
        out[key] = g
    return out


def _index_vjp(g, out, a, key):
    return D.embed(g, shape=raw(a).shape, key=key, accumulate=_is_advanced(key))


def _is_advanced(key):
    return any(isinstance(k, np.ndarray) for k in key)


def _cat(*arrays, dim):
    return np.concatenate(arrays, axis=dim)


def _cat_vjp(g, out, *inputs, index, dim):
    start = sum(raw(t).shape[dim] for t in inputs[:index])
    key = (slice(None),) * dim + (slice(start, start + raw(inputs[index]).shape[dim]),)
    return D.slice(g, key=key)


def _stack_vjp(g, out, *inputs, index, dim):
    return D.select(g, key=(slice(None),) * dim + (index,))


def _flip(a, dims):
    # np.flip is a view (negative strides); torch.flip copies: an in-place write to the
    # result must not reach the input
    return np.flip(a, axis=dims).copy()


op("t", "TBackward0", lambda a: a.T, lambda g, o, a: D.t(g),
   formulas=("grad.t()",), saves=False, dtype_rule="same", view=True,
   samples=lambda s: [((s.normal(2, 3),), {})])
op("mT", "TransposeBackward0", lambda a: np.swapaxes(a, -1, -2), lambda g, o, a: D.mT(g),
   formulas=("grad.mT",), saves=False, dtype_rule="same", view=True,
   samples=lambda s: [((s.normal(2, 3, 4),), {})])
op("permute", "PermuteBackward0", lambda a, dims: np.transpose(a, dims),
   lambda g, o, a, dims: D.permute(g, dims=tuple(np.argsort(dims))),
   formulas=("grad permuted back",), saves=False, dtype_rule="same", view=True,
   samples=lambda s: [((s.normal(2, 3, 4),), {"dims": (2, 0, 1)})])
op("transpose", "TransposeBackward0",
   lambda a, dim0, dim1: np.swapaxes(a, dim0, dim1) if a.ndim else a,
   lambda g, o, a, dim0, dim1: D.transpose(g, dim0=dim0, dim1=dim1),
   formulas=("grad.transpose(dim0, dim1)",), saves=False, dtype_rule="same", view=True,
   samples=lambda s: [((s.normal(2, 3, 4),), {"dim0": 0, "dim1": 2})])
op("reshape", "ViewBackward0", lambda a, shape: np.reshape(a, shape),
   lambda g, o, a, shape: D.reshape(g, shape=raw(a).shape),
   formulas=("grad.reshape(self.shape)",), saves=False, dtype_rule="same", view=True,
   samples=lambda s: [((s.normal(2, 3),), {"shape": (3, 2)})])
op("unsafe_view", "UnsafeViewBackward0", lambda a, shape: np.reshape(a, shape),
   lambda g, o, a, shape: D.reshape(g, shape=raw(a).shape),
   formulas=("grad.reshape(self.shape)",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3),), {"shape": (6,)})])
op("unsqueeze", "UnsqueezeBackward0", lambda a, dim: np.expand_dims(a, dim),
   lambda g, o, a, dim: D.reshape(g, shape=raw(a).shape),
   formulas=("grad.squeeze(dim)",), saves=False, dtype_rule="same", view=True,
   samples=lambda s: [((s.normal(2, 3),), {"dim": 1})])
op("squeeze_dim", "SqueezeBackward1",
   lambda a, dim: np.squeeze(a, dim) if a.ndim and a.shape[dim] == 1 else a,
   lambda g, o, a, dim: D.reshape(g, shape=raw(a).shape),
   formulas=("grad.unsqueeze(dim)",), saves=False, dtype_rule="same", view=True,
   samples=lambda s: [((s.normal(2, 1, 3),), {"dim": 1})])
op("squeeze", "SqueezeBackward0", lambda a: np.squeeze(a),
   lambda g, o, a: D.reshape(g, shape=raw(a).shape),
   formulas=("grad.reshape(self.shape)",), saves=False, dtype_rule="same", view=True,
   samples=lambda s: [((s.normal(1, 3, 1),), {})])
def _expand(a, shape):
    """A view of a: writeable where no element repeats (an expand that only adds leading
    size-1 dims or keeps the shape, which torch writes through); numpy's read-only
    broadcast where elements repeat (torch refuses in-place writes to those)."""
    lead = len(shape) - a.ndim
    if all(s == 1 for s in shape[:lead]) and tuple(shape[lead:]) == a.shape:
        return a[(None,) * lead + (Ellipsis,)]
    return np.broadcast_to(a, shape)


op("expand", "ExpandBackward0", _expand,
   lambda g, o, a, shape: D.sum_to(g, shape=raw(a).shape),
   formulas=("grad summed to self's shape",), saves=False, dtype_rule="same", view=True,
   samples=lambda s: [((s.normal(3, 1),), {"shape": (2, 3, 4)})])
op("sum_to", "SumBackward1", _sum_to, lambda g, o, a, shape: D.expand(g, shape=raw(a).shape),
   formulas=("grad expanded",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3, 4),), {"shape": (3, 1)})])
op("flip", "FlipBackward0", _flip, lambda g, o, a, dims: D.flip(g, dims=dims),
   formulas=("grad flipped",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(3, 4),), {"dims": (1,)})])
op("cat", "CatBackward0", _cat, _cat_vjp, formulas=("grad sliced along dim",),
   saves=False, variadic=True,
   samples=lambda s: [((s.normal(2, 3), s.normal(1, 3)), {"dim": 0}), ((s.normal(2, 2), s.normal(2, 3)), {"dim": 1})])
op("stack", "StackBackward0", lambda *arrays, dim: np.stack(arrays, axis=dim), _stack_vjp,
   formulas=("grad selected along dim",), saves=False, variadic=True,
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3)), {"dim": 1})])
_INDEX_SAMPLES = {
    "select": lambda s: [((s.normal(3, 4),), {"key": (slice(None), 2)})],
    "slice": lambda s: [((s.normal(3, 4),), {"key": (slice(1, None), slice(None, 3))})],
    "index": lambda s: [((s.normal(4, 3),), {"key": (np.array([0, 2, 2]),)})],
    "unbind": lambda s: [((s.normal(3, 4),), {"key": (1,)})],
    "alias": lambda s: [((s.normal(3, 4),), {"key": ()})],
}
for _name, _grad_fn in (("select", "SelectBackward0"), ("slice", "SliceBackward0"),
                        ("index", "IndexBackward0"), ("unbind", "UnbindBackward0"),
                        ("alias", "AliasBackward0")):
    # basic keys end with `...`: numpy then returns a view even for one element (as torch's
    # select/slice are views of their base), never a scalar copy
    op(_name, _grad_fn, (lambda a, key: a[key]) if _name == "index" else
       (lambda a, key: a[tuple(key) + (Ellipsis,)]), _index_vjp,
       formulas=("grad placed at the index in zeros",), saves=False, dtype_rule="same",
       view=_name in ("select", "slice", "alias"), samples=_INDEX_SAMPLES[_name])
op("embed", "IndexPutBackward0", _embed,
   lambda g, o, a, shape, key, accumulate=False: D.index(g, key=key),
   formulas=("grad indexed",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(2, 4),), {"shape": (3, 4), "key": (slice(1, None),), "accumulate": False})])
op("clone", "CloneBackward0", lambda a: a.copy(), lambda g, o, a: g,
   formulas=("grad",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3),), {})])
op("copy", "CopyBackwards", lambda a: a.copy(), lambda g, o, a: g,
   formulas=("grad",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3),), {})])
op("to_dtype", "ToCopyBackward0", lambda a, dtype: a.astype(dtype),
   lambda g, o, a, dtype: D.to_dtype(g, dtype=raw(a).dtype),
   formulas=("grad converted to self's dtype",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3),), {"dtype": np.dtype(np.float64)})])
