"""Rows: reductions (all elements or along dims), cumulative sums, softmaxes."""


import numpy as np

from .. import dual as D
from .backward_ops import named
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
    first_extreme,
    raw,
)
from .table import op, reduction


def _log_softmax(a, dim):
    if a.size == 0:  # nothing to normalize (numpy's max has no identity)
        return a.copy()
    m = np.max(a, axis=dim, keepdims=True, initial=-np.inf) if a.size == 0 else \
        np.max(a, axis=dim, keepdims=True)  # (an empty input: an empty result, as torch)
    s = a - m
    return s - np.log(np.sum(np.exp(s), axis=dim, keepdims=True))


def _softmax(a, dim):
    """torch's kernel: exp(a - max) / sum (exp of log_softmax is an ulp off, so the rows
    would not sum to exactly what torch's do)."""
    if a.size == 0:  # an empty result, as torch (numpy's max has no identity)
        return a.copy()
    e = np.exp(a - np.max(a, axis=dim, keepdims=True))
    return e / np.sum(e, axis=dim, keepdims=True)


def _logsumexp(a, dims, keepdim=False):
    m = np.max(a, axis=dims, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    r = np.log(np.sum(np.exp(a - m), axis=dims, keepdims=True)) + m
    return r if keepdim else np.squeeze(r, axis=dims)


def _prod(a, dtype=None):
    if dtype is not None:  # prod(dtype=): cast inside the op (no ToCopyBackward0 node)
        a = a.astype(dtype)
    return np.prod(a)


def _prod_vjp(g, out, a, dtype=None):
    """PyTorch's prod_backward: grad * result / self without zeros; with a zero, the
    product of every other entry (prod_safe_zeros_backward), kept in the graph under
    create_graph so second derivatives are right at a zero (x=[1.5, 0, 2])."""
    x = raw(a)
    if dtype is not None and dtype != x.dtype:  # prod_backward on self.to(grad's dtype)
        a = D.to_dtype(a, dtype=dtype)
        x = raw(a)
    if x.ndim == 0:
        return g
    if np.all(x != 0):
        return D.mul(g, D.div(out, a))
    if np.count_nonzero(x == 0) > 1:  # torch: zeros_like(input), whatever the grad's sign
        return np.zeros_like(x)
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
    largest = reduce is np.max
    return lambda a, dim, keepdim=False: first_extreme(
        a, reduce(a, axis=dim if a.ndim else None, keepdims=keepdim), dim, largest, keepdim)


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


def _var_like(a, dims=None, correction=1, keepdim=False, sqrt=False):
    """var (std with sqrt=True); float32 is accumulated in float64 and rounded once at the
    end, as torch's CPU kernel does (28/3 is 9.333333015, not 9.333333969)."""
    n = _count(a.shape, dims)
    w = a.astype(np.float64) if a.dtype == np.float32 else a
    mean = np.mean(w, axis=dims, keepdims=True, dtype=w.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.sum((w - mean) ** 2, axis=dims, keepdims=keepdim, dtype=w.dtype) / max(n - correction, 0)
    return np.asarray(np.sqrt(r) if sqrt else r, dtype=a.dtype)


def _norm_dim_vjp(g, o, a, dims, keepdim=False):
    shape = raw(a).shape
    if np.all(raw(o) != 0):  # (symbolically: assumed, and recorded as an assumption)
        # torch's grad * (self / norm), in that order (the rounding is torch's)
        return D.mul(_unreduce(g, shape, dims, keepdim), D.div(a, _unreduce(o, shape, dims, keepdim)))
    # torch: grad * (self / norm).masked_fill_(norm == 0, 0), a product (so a negative
    # grad gives -0. in the rows whose norm is 0)
    zero = np.broadcast_to(np.reshape(raw(o), _keep_shape(shape, dims)), shape) == 0
    scaled = D.where(0.0, D.div(a, _unreduce(o, shape, dims, keepdim)), cond=zero)
    return D.mul(_unreduce(g, shape, dims, keepdim), scaled)


def _var_vjp(g, out, a, dims=None, correction=1, keepdim=False):
    # var_backward: (2.0 / (N - correction)) * grad * (self - self.mean(dim, true)), in
    # that order (float32 rounds as torch's)
    shape = raw(a).shape
    scale = _inverse(max(_count(shape, dims) - correction, 0), 2.0)
    return D.mul(D.mul(_unreduce(g, shape, dims, keepdim), scale), _centered(a, dims))


def _std_vjp(g, out, a, dims=None, correction=1, keepdim=False):
    # std_backward: var_backward((grad / (result * 2)).masked_fill_(result == 0, 0), ...)
    shape = raw(a).shape
    if _count(shape, dims) - correction <= 0:  # no degrees of freedom: torch's grads are 0
        gd = D.div(_unreduce(g, shape, dims, keepdim), D.mul(_unreduce(out, shape, dims, keepdim), 2.0))
        if isinstance(raw(out), np.ndarray):  # (derive's symbolic result: assumed nonzero)
            zero = np.broadcast_to(np.reshape(raw(out), _keep_shape(shape, dims)), shape) == 0
            if np.any(zero):
                gd = D.where(0.0, gd, cond=zero)
        return _var_vjp(gd, None, a, dims, correction, keepdim=True)
    scale = _inverse(max(_count(shape, dims) - correction, 0), 2.0)
    # torch's std_backward: var_backward(grad / (result * 2) masked to 0 where result is 0
    # (a constant input: 0, not 0/0)) = 2 / (N - correction) * that * (self - mean)
    out_ = _unreduce(out, shape, dims, keepdim)
    gd = D.div(_unreduce(g, shape, dims, keepdim), D.mul(out_, 2.0))
    zero = raw(out_) == 0
    if zero.any() and isinstance(gd, (np.ndarray, np.generic, D.Tensor)):
        fixed = np.where(zero, 0, raw(gd)).astype(raw(gd).dtype)
        if isinstance(gd, (np.ndarray, np.generic)):  # (0-d results are numpy scalars)
            gd = fixed
        else:
            gd.data = fixed
    if isinstance(gd, D.Traced):
        return D.mul(D.mul(gd, scale), _centered(a, dims))
    return D.mul(D.mul_scalar(gd, scale), _centered(a, dims))


def _cumsum_vjp(g, out, a, dim, dtype=None):
    if dtype is not None and dtype != raw(a).dtype:  # grad.to(self.scalar_type()) first
        g = D.to_dtype(g, dtype=raw(a).dtype)
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
op("prod", "ProdBackward0", _prod, _prod_vjp,
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
   # at a zero norm torch's grad * (self / norm).masked_fill_(norm == 0, 0): -0. under a
   # negative grad
   # (self / norm first, as torch: (grad / norm) * self rounds differently)
   lambda g, o, a: D.mul(g, D.div(a, o)) if float(raw(o)) != 0 else D.mul(g, np.zeros_like(raw(a))),
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
   _var_like(a, dims, correction, keepdim, sqrt=True), _std_vjp,
   formulas=("grad * (self - mean) / ((N - correction) * result)",), dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3),), {"dims": None, "correction": 1, "keepdim": False}), ((s.normal(3, 4),), {"dims": (0,), "correction": 1, "keepdim": False})])
op("logsumexp", "LogsumexpBackward0", _logsumexp,
   lambda g, o, a, dims, keepdim=False: D.mul(
       _unreduce(g, raw(a).shape, dims, keepdim),
       D.exp(D.sub(a, _unreduce(o, raw(a).shape, dims, keepdim)))),
   formulas=("grad * exp(self - result)",), dtype_rule="float",
   samples=lambda s: [((s.normal(3, 4),), {"dims": (1,), "keepdim": False})])
def _cumsum(a, dim, dtype=None):
    if dtype is not None:  # cumsum(dtype=): the input cast first, inside the op
        a = a.astype(dtype)
    return np.cumsum(a, axis=dim, dtype=a.dtype) if a.ndim else a.copy()


op("cumsum", "CumsumBackward0", _cumsum,
   _cumsum_vjp, formulas=("reversed cumsum of grad",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(3, 4),), {"dim": 1})])
op("softmax", "SoftmaxBackward0", _softmax,
   lambda g, o, a, dim: named("softmax_backward_data", lambda: D.mul(o, D.sub(g, D.sum_dim(
       D.mul(g, o), dims=_axis(dim), keepdim=True))), g, o, dim=dim),
   formulas=("result * (grad - sum(grad * result, dim))",), dtype_rule="float",
   nn=('softmax',),
   samples=lambda s: [((s.normal(3, 4),), {"dim": 1})])
op("log_softmax", "LogSoftmaxBackward0", _log_softmax,
   lambda g, o, a, dim: named("log_softmax_backward_data", lambda: D.sub(g, D.mul(D.exp(o), D.sum_dim(
       g, dims=_axis(dim), keepdim=True))), g, o, dim=dim),
   formulas=("grad - exp(result) * sum(grad, dim)",), dtype_rule="float",
   nn=('log_softmax',),
   samples=lambda s: [((s.normal(3, 4),), {"dim": 0})])

# ---------------------------------------------------------------- var_mean, std_mean
# PyTorch's one node with two outputs is two nodes here, both with its name and formula:
# each output's value, grad_fn name and gradient are PyTorch's.
def _stat_rows():
    def mean_vjp(g, o, a, dims=None, correction=1, keepdim=False):
        return D.div(_unreduce(g, raw(a).shape, dims, keepdim), _count(raw(a).shape, dims))

    def mean(a, dims=None, correction=1, keepdim=False):
        return _mean(a, dims, keepdim)

    def samples(s):
        return [((s.normal(2, 3),), {"dims": None, "correction": 1, "keepdim": False}),
                ((s.normal(3, 4),), {"dims": (1,), "correction": 0, "keepdim": True})]

    var_formula = "var_mean_backward(grads[0], grads[1], self, dim, correction, keepdim)"
    std_formula = "std_mean_backward(grads[0], grads[1], self, result0, dim, correction, keepdim)"
    op("var_mean_var", "VarMeanBackward0", _var_like, _var_vjp, formulas=(var_formula,),
       dtype_rule="same", text="var_mean", samples=samples)
    op("var_mean_mean", "VarMeanBackward0", mean, mean_vjp, formulas=(var_formula,),
       dtype_rule="same", text="var_mean", samples=samples)
    op("std_mean_std", "StdMeanBackward0",
       lambda a, dims=None, correction=1, keepdim=False: _var_like(a, dims, correction, keepdim, True),
       _std_vjp, formulas=(std_formula,), dtype_rule="same", text="std_mean", samples=samples)
    op("std_mean_mean", "StdMeanBackward0", mean, mean_vjp, formulas=(std_formula,),
       dtype_rule="same", text="std_mean", samples=samples)


_stat_rows()


# issue 18 reductions: rows of their own file, declared right after these
from . import reductions_more, reductions_quantile, reductions_select  # noqa: E402,F401,I001
