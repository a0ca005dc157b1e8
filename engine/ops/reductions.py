"""Rows: reductions (all elements or along dims), cumulative sums, softmaxes."""


import numpy as np

from .. import dual as D
from .helpers import (
    _axis,
    _centered,
    _count,
    _inverse,
    _keep_shape,
    _mean,
    _select,
    _sum,
    _unreduce,
    raw,
    zeros_like,
)
from .table import op, reduction


def _log_softmax(a, dim):
    m = np.max(a, axis=dim, keepdims=True, initial=-np.inf)  # empty: no error
    s = a - m
    return s - np.log(np.sum(np.exp(s), axis=dim, keepdims=True))


def _logsumexp(a, dims, keepdim=False):
    m = np.max(a, axis=dims, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    r = np.log(np.sum(np.exp(a - m), axis=dims, keepdims=True)) + m
    return r if keepdim else np.squeeze(r, axis=dims)


def _prod_vjp(g, out, a):
    """PyTorch's prod_backward: grad * result / self without zeros; with a zero, the
    product of every other entry (prod_safe_zeros_backward), kept in the graph under
    create_graph so second derivatives are right at a zero (x=[1.5, 0, 2])."""
    x = raw(a)
    if x.ndim == 0:
        return g
    if np.all(x != 0):
        return D.mul(g, D.div(out, a))
    if isinstance(a, D.Tensor):  # create_graph: differentiable products of the others
        flat = D.reshape(a, shape=(x.size,))
        eye = np.eye(x.size, dtype=bool)
        others = D.stack(*(D.prod(D.where(1.0, flat, cond=eye[k])) for k in range(x.size)),
                         dim=0)
        return D.reshape(D.mul(g, others), shape=x.shape)
    flat = x.reshape(-1)
    left = np.concatenate([[1], np.cumprod(flat[:-1])])
    right = np.concatenate([np.cumprod(flat[::-1][:-1])[::-1], [1]])
    return D.mul(g, (left * right).reshape(x.shape).astype(x.dtype))


def _ties(a, dim, reduce) -> bool:
    """Several elements share the extreme along `dim`: the max/min is not differentiable."""
    return bool(np.any(np.sum(a == reduce(a, axis=dim, keepdims=True), axis=dim) > 1))


def _minmax_all_vjp(g, out, a):
    mask = (raw(a) == raw(out)).astype(raw(a).dtype)
    return _select(g, mask / mask.sum())


def _argextreme(x, dim, largest):
    return (np.argmax if largest else np.argmin)(x, axis=dim)


def _extreme_dim(reduce):
    # a 0-d tensor reduces along dim 0 (or -1) to itself, as in torch
    return lambda a, dim, keepdim=False: reduce(a, axis=dim if a.ndim else None,
                                                keepdims=keepdim)


def _minmax_dim_vjp(largest):
    def vjp(g, out, a, dim, keepdim=False):
        x = raw(a)
        if x.ndim == 0:
            return g
        idx = np.expand_dims(_argextreme(x, dim, largest), dim)
        mask = np.zeros(x.shape, dtype=x.dtype)
        np.put_along_axis(mask, idx, 1.0, axis=dim)
        return _select(_unreduce(g, x.shape, (dim,), keepdim), mask)
    return vjp


def _var_like(a, dims=None, correction=1, keepdim=False):
    n = _count(a.shape, dims)
    mean = np.mean(a, axis=dims, keepdims=True, dtype=a.dtype)
    return np.sum((a - mean) ** 2, axis=dims, keepdims=keepdim, dtype=a.dtype) / max(n - correction, 0)


def _norm_dim_vjp(g, o, a, dims, keepdim=False):
    shape = raw(a).shape
    grad = D.mul(D.div(_unreduce(g, shape, dims, keepdim), _unreduce(o, shape, dims, keepdim)), a)
    if np.all(raw(o) != 0):  # (symbolically: assumed, and recorded as an assumption)
        return grad
    # torch masks the rows whose norm is 0 (their grad is 0, not 0/0)
    zero = np.broadcast_to(np.reshape(raw(o), _keep_shape(shape, dims)), shape) == 0
    return _select(grad, (~zero).astype(raw(a).dtype))


def _var_vjp(g, out, a, dims=None, correction=1, keepdim=False):
    shape = raw(a).shape
    scale = _inverse(max(_count(shape, dims) - correction, 0), 2.0)
    return D.mul(_unreduce(g, shape, dims, keepdim), D.mul(_centered(a, dims), scale))


def _std_vjp(g, out, a, dims=None, correction=1, keepdim=False):
    shape = raw(a).shape
    scale = _inverse(max(_count(shape, dims) - correction, 0), 1.0)
    gd = D.div(_unreduce(g, shape, dims, keepdim), _unreduce(out, shape, dims, keepdim))
    return D.mul(gd, D.mul(_centered(a, dims), scale))


def _cumsum_vjp(g, out, a, dim):
    if raw(a).ndim == 0:  # a 0-d cumsum is the identity
        return g
    return D.flip(D.cumsum(D.flip(g, dims=(dim,)), dim=dim), dims=(dim,))


op("sum", "SumBackward0", _sum, lambda g, o, a: D.expand(g, shape=raw(a).shape),
   formulas=("grad expanded to self's shape",), saves=False, dtype_rule="same",
   torch=("sum",), methods=("sum",), signature=reduction("sum"), generated=False,
   samples=lambda s: [((s.normal(2, 3),), {})])
op("sum_dim", "SumBackward1", lambda a, dims, keepdim=False: _sum(a, dims, keepdim),
   lambda g, o, a, dims, keepdim=False: _unreduce(g, raw(a).shape, dims, keepdim),
   formulas=("grad expanded along dim",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3, 4),), {"dims": (1,), "keepdim": False}), ((s.normal(2, 3),), {"dims": (0, 1), "keepdim": True})],
   text="sum")
op("mean", "MeanBackward0", _mean,
   lambda g, o, a: D.div(D.expand(g, shape=raw(a).shape), max(raw(a).size, 1)),
   formulas=("grad expanded / numel",), saves=False, dtype_rule="same",
   torch=("mean",), methods=("mean",), signature=reduction("mean"), generated=False,
   samples=lambda s: [((s.normal(2, 3),), {})])
op("mean_dim", "MeanBackward1", lambda a, dims, keepdim=False: _mean(a, dims, keepdim),
   lambda g, o, a, dims, keepdim=False: D.div(_unreduce(g, raw(a).shape, dims, keepdim),
                                              _count(raw(a).shape, dims)),
   formulas=("grad expanded along dim / size",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3, 4),), {"dims": (0, 2), "keepdim": False})],
   text="mean")
op("prod", "ProdBackward0", lambda a: np.prod(a), _prod_vjp,
   formulas=("grad * result / self",), dtype_rule="same",
   samples=lambda s: [((s.positive(2, 3),), {}), ((np.array([1.5, 0.0, 2.0]),), {})])
op("max", "MaxBackward1", np.max, _minmax_all_vjp,
   formulas=("grad / count at the maxima",), dtype_rule="same",
   kink=lambda a: bool(np.sum(a == np.max(a)) > 1),
   samples=lambda s: [((s.distinct(2, 3),), {})])
op("min", "MinBackward1", np.min, _minmax_all_vjp,
   formulas=("grad / count at the minima",), dtype_rule="same",
   kink=lambda a: bool(np.sum(a == np.min(a)) > 1),
   samples=lambda s: [((s.distinct(2, 3),), {})])
op("max_dim", "MaxBackward0", _extreme_dim(np.max),
   _minmax_dim_vjp(True), formulas=("grad at the argmax",), dtype_rule="same",
   kink=lambda a, dim, keepdim=False: _ties(a, dim, np.max),
   samples=lambda s: [((s.distinct(3, 4),), {"dim": 1, "keepdim": False}), ((s.distinct(3, 4),), {"dim": 0, "keepdim": True})],
   text="max")
op("min_dim", "MinBackward0", _extreme_dim(np.min),
   _minmax_dim_vjp(False), formulas=("grad at the argmin",), dtype_rule="same",
   kink=lambda a, dim, keepdim=False: _ties(a, dim, np.min),
   samples=lambda s: [((s.distinct(3, 4),), {"dim": 1, "keepdim": False})],
   text="min")
op("norm", "LinalgVectorNormBackward0", lambda a: np.sqrt(np.sum(a * a, dtype=a.dtype)),
   lambda g, o, a: D.mul(D.div(g, o), a) if float(raw(o)) != 0 else zeros_like(a),
   formulas=("grad * self / result",), dtype_rule="float",
   kink=lambda a: not np.any(a),
   samples=lambda s: [((s.normal(2, 3),), {})])
op("norm_dim", "LinalgVectorNormBackward0",
   lambda a, dims, keepdim=False: np.sqrt(_sum(a * a, dims, keepdim)).astype(a.dtype),
   lambda g, o, a, dims, keepdim=False: _norm_dim_vjp(g, o, a, dims, keepdim),
   formulas=("grad * self / result (0 where result is 0)",), dtype_rule="float",
   kink=lambda a, dims, keepdim=False: bool(np.any(_sum(a * a, dims, keepdim) == 0)),
   samples=lambda s: [((s.normal(2, 3),), {"dims": (1,), "keepdim": False}), ((s.normal(2, 3),), {"dims": (0, 1), "keepdim": True})],
   text="norm")
op("var", "VarBackward0", _var_like, _var_vjp,
   formulas=("grad * 2 * (self - mean) / (N - correction)",), dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3),), {"dims": None, "correction": 1, "keepdim": False}), ((s.normal(3, 4),), {"dims": (1,), "correction": 0, "keepdim": True})])
op("std", "StdBackward0", lambda a, dims=None, correction=1, keepdim=False:
   np.sqrt(_var_like(a, dims, correction, keepdim)), _std_vjp,
   formulas=("grad * (self - mean) / ((N - correction) * result)",), dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3),), {"dims": None, "correction": 1, "keepdim": False}), ((s.normal(3, 4),), {"dims": (0,), "correction": 1, "keepdim": False})])
op("logsumexp", "LogsumexpBackward0", _logsumexp,
   lambda g, o, a, dims, keepdim=False: D.mul(
       _unreduce(g, raw(a).shape, dims, keepdim),
       D.exp(D.sub(a, _unreduce(o, raw(a).shape, dims, keepdim)))),
   formulas=("grad * exp(self - result)",), dtype_rule="float",
   samples=lambda s: [((s.normal(3, 4),), {"dims": (1,), "keepdim": False})])
op("cumsum", "CumsumBackward0",
   lambda a, dim: np.cumsum(a, axis=dim, dtype=a.dtype) if a.ndim else a.copy(),
   _cumsum_vjp, formulas=("reversed cumsum of grad",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(3, 4),), {"dim": 1})])
op("softmax", "SoftmaxBackward0", lambda a, dim: np.exp(_log_softmax(a, dim)),
   lambda g, o, a, dim: D.mul(o, D.sub(g, D.sum_dim(D.mul(g, o), dims=_axis(dim), keepdim=True))),
   formulas=("result * (grad - sum(grad * result, dim))",), dtype_rule="float",
   nn=('softmax',),
   samples=lambda s: [((s.normal(3, 4),), {"dim": 1})])
op("log_softmax", "LogSoftmaxBackward0", _log_softmax,
   lambda g, o, a, dim: D.sub(g, D.mul(D.exp(o), D.sum_dim(g, dims=_axis(dim), keepdim=True))),
   formulas=("grad - exp(result) * sum(grad, dim)",), dtype_rule="float",
   nn=('log_softmax',),
   samples=lambda s: [((s.normal(3, 4),), {"dim": 0})])
