"""Rows: reductions beyond the first set (issue 18) — vector norms of any order, amax/amin
over several dims with ties split, prod along a dim, nansum."""

import math

import numpy as np

from .. import dual as D
from .helpers import _keep_shape, _sum, _unreduce, first_extreme, raw
from .signature import Signature
from .table import op


# ---------------------------------------------------------------- vector norms
def _vector_norm(a, ord, dims=None, keepdim=False, dtype=None):
    """torch.linalg.vector_norm's forward (torch.norm with a numeric p goes there)."""
    if dtype is not None:
        a = a.astype(dtype)
    x = np.abs(a)
    if ord == math.inf:
        r = np.max(x, axis=dims, keepdims=keepdim)
    elif ord == -math.inf:
        r = np.min(x, axis=dims, keepdims=keepdim)
    elif ord == 0:
        r = np.sum(x != 0, axis=dims, keepdims=keepdim)
    elif ord == 1:
        r = np.sum(x, axis=dims, keepdims=keepdim, dtype=a.dtype)
    elif ord == 2:
        r = np.sqrt(np.sum(a * a, axis=dims, keepdims=keepdim, dtype=a.dtype))
    else:
        r = np.sum(x ** ord, axis=dims, keepdims=keepdim, dtype=a.dtype) ** (1.0 / ord)
    return np.asarray(r, dtype=a.dtype)


def _vector_norm_vjp(g, o, a, ord, dims=None, keepdim=False, dtype=None):
    """PyTorch's norm_backward (FunctionsManual.cpp), case by case on the order."""
    x = raw(a)
    shape = x.shape
    if ord == 0:
        return None  # torch returns no gradient at all (the input's .grad stays None)
    gu = _unreduce(g, shape, dims, keepdim)
    ou = _unreduce(o, shape, dims, keepdim)
    sgn = np.where(np.isnan(x), 0, np.sign(x)).astype(x.dtype)  # torch's sgn(nan) is 0
    if ord == 1:
        return D.mul(gu, sgn)
    if math.isinf(ord):
        # the gradient is shared evenly among the entries whose |x| is the norm
        # (a NaN entry counts as an extreme: its norm is NaN, as amax's would be)
        mask = ((np.abs(x) == raw(ou)) | np.isnan(x)).astype(x.dtype)
        count = np.broadcast_to(np.sum(mask, axis=dims, keepdims=True), shape)
        return D.mul(D.mul(D.div(gu, count), mask), sgn)
    zero_norm = raw(ou) == 0
    if ord == 2:  # grad * (self / norm).masked_fill_(norm == 0, 0)
        scaled = D.div(a, ou)
        if np.any(zero_norm):
            scaled = D.where(0.0, scaled, cond=zero_norm)
        return D.mul(gu, scaled)
    if ord < 1:
        scaled = D.mul(D.pow_scalar(D.abs(a), ord - 1), sgn)
        scaled = D.where(0.0, scaled, cond=x == 0)
        return D.mul(D.mul(scaled, gu), D.pow_scalar(ou, 1 - ord))
    if ord < 2:
        scaled = D.mul(D.pow_scalar(D.abs(a), ord - 1), sgn)
    else:
        scaled = D.mul(a, D.pow_scalar(D.abs(a), ord - 2))
    scale = D.div(gu, D.pow_scalar(ou, ord - 1))
    if np.any(zero_norm):
        scale = D.where(0.0, scale, cond=zero_norm)
    return D.mul(scaled, scale)


def _norm_kink(a, ord, dims=None, keepdim=False, dtype=None):
    x = np.abs(a)
    if ord == 0 or ord <= 1:
        return bool(np.any(a == 0))
    if math.isinf(ord):
        ext = (np.max if ord > 0 else np.min)(x, axis=dims, keepdims=True)
        return bool(np.any(np.sum(x == ext, axis=dims) > 1))
    return bool(np.any(np.sum(x, axis=dims) == 0))


op("norm_p", "LinalgVectorNormBackward0", _vector_norm, _vector_norm_vjp,
   formulas=("linalg_vector_norm_backward(grad, self, ord, result, dim, keepdim)",),
   dtype_rule="same", kink=_norm_kink, text="norm",
   samples=lambda s: [((s.away_from_zero(2, 3),), {"ord": 3.0, "dims": None}),
                      ((s.away_from_zero(2, 3),), {"ord": 1.5, "dims": (1,), "keepdim": True}),
                      ((s.away_from_zero(3, 2),), {"ord": 0.5, "dims": (0,)}),
                      ((s.away_from_zero(2, 3),), {"ord": 1.0, "dims": (0, 1)}),
                      ((s.distinct(3, 4) - 2.0,), {"ord": math.inf, "dims": (1,)}),
                      ((s.distinct(3, 4) + 0.2,), {"ord": -math.inf, "dims": None})])


# ---------------------------------------------------------------- amax / amin
def _extreme_vjp(g, o, a, dims=None, keepdim=False):
    """scale_grad_by_count: the gradient split evenly among the ties (amax([3, 1, 3]) sends
    half to each 3), as a product (torch multiplies by the mask)."""
    x = raw(a)
    shape = x.shape
    gu = _unreduce(g, shape, dims, keepdim)
    mask = (x == np.reshape(raw(o), _keep_shape(shape, dims))).astype(x.dtype)
    count = np.broadcast_to(np.sum(mask, axis=dims, keepdims=True), shape)
    return D.mul(D.div(gu, count), mask)


def _extreme_ties(reduce):
    def kink(a, dims=None, keepdim=False):
        return bool(np.any(np.sum(a == reduce(a, axis=dims, keepdims=True), axis=dims) > 1))
    return kink


def _amax_amin(reduce):
    largest = reduce is np.max

    def forward(a, dims=None, keepdim=False):
        r = reduce(a, axis=dims, keepdims=keepdim)
        if dims is not None and len(dims) == 1:  # (one dim: the first of equal zeros, as torch)
            r = first_extreme(a, r, dims[0], largest, keepdim)
        return r
    return forward


op("amax", "AmaxBackward0", _amax_amin(np.max),
   _extreme_vjp, formulas=("scale_grad_by_count(restore_reduced_dims(grad, dim, keepdim), "
                           "restore_reduced_dims(result, dim, keepdim) == self, dim)",),
   dtype_rule="same", kink=_extreme_ties(np.max), generated=False,
   signature=Signature("amax", "(Tensor input, tuple of ints dim = (), bool keepdim = False, *, "
                               "Tensor out = None)"),
   torch=("amax",), methods=("amax",),
   samples=lambda s: [((s.distinct(3, 4),), {"dims": (1,), "keepdim": False}),
                      ((s.distinct(2, 3, 2),), {"dims": (0, 2), "keepdim": True}),
                      ((s.distinct(2, 3),), {"dims": None})])
op("amin", "AminBackward0", _amax_amin(np.min),
   _extreme_vjp, formulas=("scale_grad_by_count(restore_reduced_dims(grad, dim, keepdim), "
                           "restore_reduced_dims(result, dim, keepdim) == self, dim)",),
   dtype_rule="same", kink=_extreme_ties(np.min), generated=False,
   signature=Signature("amin", "(Tensor input, tuple of ints dim = (), bool keepdim = False, *, "
                               "Tensor out = None)"),
   torch=("amin",), methods=("amin",),
   samples=lambda s: [((s.distinct(3, 4),), {"dims": (0,), "keepdim": False}),
                      ((s.distinct(2, 3),), {"dims": None, "keepdim": True})])


# ---------------------------------------------------------------- nansum
def _nansum(a, dims=None, keepdim=False, dtype=None):
    if dtype is not None:  # nansum(dtype=): cast inside the op (no ToCopyBackward0 node)
        a = a.astype(dtype)
    return _sum(np.where(np.isnan(a), 0, a) if a.dtype.kind == "f" else a, dims, keepdim)


def _nansum_vjp(g, o, a, dims=None, keepdim=False, dtype=None):
    x = raw(a)
    if dtype is not None and dtype != x.dtype:  # grad.to(self.scalar_type()) first
        g = D.to_dtype(g, dtype=x.dtype)
    return D.mul(_unreduce(g, x.shape, dims, keepdim), (~np.isnan(x)).astype(x.dtype))


op("nansum", "NansumBackward0", _nansum, _nansum_vjp,
   formulas=("nansum_backward(grad.to(self.scalar_type()), self, dim, keepdim)",),
   dtype_rule="same", generated=False,
   signature=Signature("nansum", "(Tensor input, tuple of ints? dim = None, bool keepdim = False, "
                                 "*, torch.dtype? dtype = None, Tensor out = None)"),
   torch=("nansum",), methods=("nansum",),
   samples=lambda s: [((s.normal(2, 3),), {}),
                      ((np.array([[1.0, np.nan, 2.0], [0.5, 3.0, np.nan]]),),
                       {"dims": (1,), "keepdim": True})])


# ---------------------------------------------------------------- prod along a dim
def _prod_dim(a, dim, keepdim=False, dtype=None):
    if dtype is not None:  # prod(dtype=): cast inside the op (no ToCopyBackward0 node)
        a = a.astype(dtype)
    elif a.dtype.kind in "bi":
        a = a.astype(np.int64)
    if a.ndim == 0:
        return a.copy()
    return np.prod(a, axis=dim, keepdims=keepdim, dtype=a.dtype)


def _prod_dim_vjp(g, o, a, dim, keepdim=False, dtype=None):
    """prod_backward along `dim`: grad * result / self without zeros; with a zero, the
    product of the other entries of its slice (differentiable under create_graph)."""
    x = raw(a)
    if x.ndim == 0:
        return g
    gu = _unreduce(g, x.shape, (dim,), keepdim)
    if np.all(x != 0):
        return D.mul(gu, D.div(_unreduce(o, x.shape, (dim,), keepdim), a))
    n = x.shape[dim]
    if isinstance(a, D.Tensor):
        index = np.arange(n).reshape([n if i == dim else 1 for i in range(x.ndim)])
        others = [D.prod_dim(D.where(1.0, a, cond=np.broadcast_to(index == k, x.shape)),
                             dim=dim, keepdim=True) for k in range(n)]
        return D.mul(gu, D.cat(*others, dim=dim))
    m = np.moveaxis(x, dim, -1)
    ones = np.ones(m.shape[:-1] + (1,), dtype=x.dtype)
    left = np.concatenate([ones, np.cumprod(m[..., :-1], axis=-1)], axis=-1)
    right = np.concatenate([np.cumprod(m[..., :0:-1], axis=-1)[..., ::-1], ones], axis=-1)
    return D.mul(gu, np.moveaxis(left * right, -1, dim).astype(x.dtype))


op("prod_dim", "ProdBackward1", _prod_dim, _prod_dim_vjp,
   formulas=("prod_backward(grad, self.to(grad.scalar_type()), result, dim, keepdim)",),
   dtype_rule="same", text="prod",
   samples=lambda s: [((s.positive(3, 4),), {"dim": 1, "keepdim": False}),
                      ((np.array([[1.5, 0.0, 2.0], [0.5, -1.0, 3.0]]),), {"dim": 1, "keepdim": True}),
                      ((s.positive(2, 3, 2),), {"dim": 0})])


# ---------------------------------------------------------------- cumprod, logcumsumexp
def _cumprod(a, dim, dtype=None):
    if dtype is not None:  # cumprod(dtype=): the input cast inside the op, as cumsum
        a = a.astype(dtype)
    elif a.dtype.kind in "bi":
        a = a.astype(np.int64)
    return np.cumprod(a, axis=dim, dtype=a.dtype) if a.ndim else a.copy()


def _rev_cumsum(t, dim):
    return D.flip(D.cumsum(D.flip(t, dims=(dim,)), dim=dim), dims=(dim,))


def _cumprod_vjp(g, o, a, dim, dtype=None):
    """cumprod_backward: before a slice's first zero sum_{j>=k} grad_j * result_j / self_k
    (a reversed cumsum); at the first zero the sum over j of grad_j times the cumprod with
    self_k replaced by 1 (kept in the graph for create_graph); after it 0."""
    x = raw(a)
    if dtype is not None and dtype != x.dtype:  # grad.to(self.scalar_type()) first
        g = D.to_dtype(g, dtype=x.dtype)
    if x.ndim == 0:
        return g
    if np.all(x != 0):
        return D.div(_rev_cumsum(D.mul(g, o), dim), a)
    zeros = np.cumsum(x == 0, axis=dim)
    before, first = zeros == 0, (x == 0) & (zeros == 1)
    n = x.shape[dim]
    pos = np.arange(n).reshape([n if i == dim else 1 for i in range(x.ndim)])
    parts = []
    for k in range(n):
        others = D.cumprod(D.where(1.0, a, cond=np.broadcast_to(pos == k, x.shape)), dim=dim)
        after = np.broadcast_to(pos >= k, x.shape).astype(x.dtype)
        parts.append(D.sum_dim(D.mul(D.mul(g, others), after), dims=(dim,), keepdim=True))
    at_zero = D.where(D.cat(*parts, dim=dim), 0.0, cond=first)
    with np.errstate(divide="ignore", invalid="ignore"):
        simple = D.div(_rev_cumsum(D.mul(g, o), dim), D.where(a, 1.0, cond=before))
    return D.where(simple, at_zero, cond=before)


op("cumprod", "CumprodBackward0", _cumprod, _cumprod_vjp,
   formulas=("cumprod_backward(grad.to(self.scalar_type()), self, dim, result)",),
   dtype_rule="same",
   samples=lambda s: [((s.away_from_zero(3, 4),), {"dim": 1}),
                      ((np.array([[1.5, 0.0, 2.0, -1.0], [0.5, 2.0, 0.0, 0.0]]),), {"dim": 1}),
                      ((s.away_from_zero(3, 2),), {"dim": 0})])


def _logcumsumexp(a, dim):
    if a.ndim == 0 or a.size == 0:
        return a.copy()
    return np.logaddexp.accumulate(a, axis=dim, dtype=a.dtype)


def _logcumsumexp_vjp(g, o, a, dim):
    """logcumsumexp_backward: sum_{j>=k} grad_j * exp(self_k - result_j), computed as torch
    does in log space, the positive and negative parts of grad apart."""
    x = raw(a)
    if x.ndim == 0 or x.size == 0:
        return g
    lowest = np.finfo(x.dtype).min
    gr = raw(g)
    with np.errstate(divide="ignore"):
        log_abs = D.log(D.abs(g))
    parts = []
    for keep in (gr > 0, gr < 0):
        logs = D.where(log_abs, lowest, cond=keep)
        rev = D.flip(D.logcumsumexp(D.flip(D.sub(logs, o), dims=(dim,)), dim=dim), dims=(dim,))
        parts.append(D.exp(D.add(rev, a)))
    return D.sub(parts[0], parts[1])


op("logcumsumexp", "LogcumsumexpBackward0", _logcumsumexp, _logcumsumexp_vjp,
   formulas=("logcumsumexp_backward(grad, self, result, dim)",), dtype_rule="same",
   samples=lambda s: [((s.normal(3, 4),), {"dim": 1}), ((s.normal(3, 2),), {"dim": 0})])


# ---------------------------------------------------------------- aminmax
for _name, _reduce in (("aminmax_min", np.min), ("aminmax_max", np.max)):
    op(_name, "AminmaxBackward0",
       lambda a, dims=None, keepdim=False, _r=_reduce: _r(a, axis=dims, keepdims=keepdim),
       _extreme_vjp,  # aminmax_backward: scale_grad_by_count of each defined output grad
       formulas=("aminmax_backward(self, dim, keepdim, grad_min, grad_max, min, max)",),
       dtype_rule="same", kink=_extreme_ties(_reduce), text="aminmax",
       samples=lambda s: [((s.distinct(3, 4),), {"dims": (1,), "keepdim": False}),
                          ((s.distinct(2, 3),), {"dims": None})])
