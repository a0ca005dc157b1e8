"""Pieces shared by the rows' forwards and VJP rules (reductions re-expanded,
mask-like selections, torch's tie rules)."""

import math

import numpy as np

from .. import dual as D
from ..numerics import reduce_sum as RS
from ..numerics import unary as U

raw = D.raw


def zeros_like(x):
    """torch's zeros_like(grad): +0. everywhere (grad * 0 would give -0. under a negative
    grad) and no graph; symbolic tracing keeps the product."""
    if isinstance(x, np.ndarray):
        return np.zeros_like(x)
    if isinstance(x, D.Tensor):
        return D.Tensor(np.zeros_like(x.data))
    return D.mul(x, 0.0)


def _keep_shape(shape, dims):
    """`shape` with the reduced `dims` kept as size 1 (to re-expand a reduced grad)."""
    dims = range(len(shape)) if dims is None else dims
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _unreduce(g, shape, dims, keepdim):
    """Bring a reduction's grad back to the input's shape (dims None: all dims)."""
    if not keepdim:
        g = D.reshape(g, shape=_keep_shape(shape, dims))
    return D.expand(g, shape=shape)


def _count(shape, dims):
    return math.prod(shape[d] for d in (range(len(shape)) if dims is None else dims))


def _sum_to(a, shape):
    """Sum a broadcast array back down to `shape` (leading dims and size-1 dims)."""
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape)
                                      if s == 1 and a.shape[i + lead] != 1)
    if axes:
        a = RS.torch_sum(a, axes, True)  # at::sum_to: one sum over all those dims
    return a.reshape(shape) if lead else a


_sum = RS.torch_sum
_mean = RS.torch_mean
_erf = U.erf


def _axis(dim):
    """One dim as a reduction's dims; None (a 0-d input) is every dim."""
    return None if dim is None else (dim,)


def _select(g, weights):
    """grad * weights for a mask-like rule (relu, clamp, where, max/min). torch selects
    (where / masked_fill) instead of multiplying, so a masked-out entry is +0. even under a
    negative grad, where grad * 0 would print -0.; symbolic tracing keeps the product."""
    out = D.mul(g, weights)
    if isinstance(out, (np.ndarray, np.generic, D.Tensor)):  # np.generic: a 0-d product
        data = np.asarray(raw(out))
        fixed = np.where(np.broadcast_to(weights, data.shape) != 0, data, 0).astype(data.dtype)
        if not isinstance(out, D.Tensor):
            return fixed
        out.data = fixed
    return out


def _fused(kernel_result, generic):
    """A numerics backward kernel's result on float32 arrays, else the generic rule (other
    dtypes, create_graph Tensors, symbolic tracing)."""
    return generic() if kernel_result is None else kernel_result


def _first_max(a, b):
    """torch's maximum/relu/clamp: the first operand wins ties, so relu(-0.) is -0. (numpy's
    maximum returns the second), and NaN propagates."""
    return np.where((a >= b) | np.isnan(a), a, b)


def _first_min(a, b):
    return np.where((a <= b) | np.isnan(a), a, b)


def _inverse(n, numerator):
    # numerator / n with IEEE semantics: no degrees of freedom gives inf (torch's nan grads)
    return numerator / n if n else math.inf


def _centered(a, dims):
    if dims is None:
        return D.sub(a, D.mean(a))
    return D.sub(a, D.mean_dim(a, dims=dims, keepdim=True))


def first_extreme(a, r, dim, largest, keepdim):
    """max/min/amax/amin along one dim keep the first of equal extremes as torch's kernels
    do (max([0., -0.]) is 0., max([-0., 0.]) is -0.); numpy's reduce may keep another zero.
    `r` is numpy's reduction: only where it has a zero is the first one looked up."""
    if type(a) is not np.ndarray or a.dtype.kind != "f" or not a.ndim or not a.size or np.all(r):
        return r
    idx = np.expand_dims((np.argmax if largest else np.argmin)(a, axis=dim), dim)
    out = np.take_along_axis(a, idx, axis=dim)
    return out if keepdim else np.squeeze(out, axis=dim)
