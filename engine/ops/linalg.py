"""Rows: matrix and vector products."""

import math

import numpy as np

from .. import dual as D
from ..errors import runtime
from ..numerics import blas
from .helpers import raw
from .table import op


def _check_mm(a, b):
    if a.ndim != 2:
        raise runtime("self must be a matrix")
    if b.ndim != 2:
        raise runtime("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise runtime(f"mat1 and mat2 shapes cannot be multiplied "
                      f"({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})")
    return blas.mm(a, b)


def _check_mv(a, v):
    if a.ndim != 2 or v.ndim != 1 or a.shape[1] != v.shape[0]:
        dims = "x".join(map(str, a.shape))
        raise runtime(f"size mismatch, got input ({a.shape[0]}), mat ({dims}), vec ({v.shape[0]})")
    return a @ v


def _check_dot(u, v):
    if u.ndim != 1 or v.ndim != 1:
        raise runtime(f"1D tensors expected, but got {u.ndim}D and {v.ndim}D tensors")
    if u.shape[0] != v.shape[0]:
        raise runtime(f"inconsistent tensor size, expected tensor [{u.shape[0]}] and src "
                      f"[{v.shape[0]}] to have the same number of elements, but got "
                      f"{u.shape[0]} and {v.shape[0]} elements respectively")
    return np.dot(u, v)


def _check_matmul(a, b):
    ka = a.shape[-1]
    kb = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if ka != kb:
        ra = math.prod(a.shape[:-1])
        cb = b.shape[-1] if b.ndim > 1 else 1
        raise runtime(f"mat1 and mat2 shapes cannot be multiplied ({ra}x{ka} and {kb}x{cb})")
    return np.matmul(a, b)


def _matmul_vjp_a(g, out, a, b):
    if raw(b).ndim == 1:  # (..., n) -> (..., n, k)
        return D.mul(D.unsqueeze(g, dim=-1), b)
    if raw(a).ndim == 1:  # g (..., m) @ b^T -> (..., k)
        return D.squeeze_dim(D.matmul(D.unsqueeze(g, dim=-2), D.mT(b)), dim=-2)
    return D.matmul(g, D.mT(b))


def _matmul_vjp_b(g, out, a, b):
    if raw(a).ndim == 1:  # (k,) x (..., m) -> (..., k, m)
        return D.mul(D.unsqueeze(a, dim=-1), D.unsqueeze(g, dim=-2))
    if raw(b).ndim == 1:  # a^T @ g -> (..., k)
        return D.squeeze_dim(D.matmul(D.mT(a), D.unsqueeze(g, dim=-1)), dim=-1)
    return D.matmul(D.mT(a), g)


op("mm", "MmBackward0", _check_mm,
   lambda g, o, a, b: D.mm(g, D.t(b)), lambda g, o, a, b: D.mm(D.t(a), g),
   formulas=("grad @ mat2.T", "self.T @ grad"),
   args=('self', 'mat2'),
   samples=lambda s: [((s.normal(2, 3), s.normal(3, 4)), {})])
op("mv", "MvBackward0", _check_mv,
   lambda g, o, a, v: D.mul(D.unsqueeze(g, dim=1), D.unsqueeze(v, dim=0)),
   lambda g, o, a, v: D.mv(D.t(a), g),
   formulas=("outer(grad, vec)", "self.T @ grad"),
   args=('self', 'vec'),
   samples=lambda s: [((s.normal(2, 3), s.normal(3)), {})])
op("dot", "DotBackward0", _check_dot,
   lambda g, o, u, v: D.mul(g, v), lambda g, o, u, v: D.mul(g, u),
   formulas=("grad * tensor", "grad * self"),
   args=('self', 'tensor'),
   samples=lambda s: [((s.normal(3), s.normal(3)), {})])
op("matmul", "UnsafeViewBackward0", _check_matmul, _matmul_vjp_a, _matmul_vjp_b,
   formulas=("grad @ other.mT (summed over batch)", "self.mT @ grad (summed over batch)"),
   samples=lambda s: [((s.normal(2, 2, 3), s.normal(3, 4)), {}), ((s.normal(2, 2, 3), s.normal(2, 3, 4)), {}), ((s.normal(3), s.normal(2, 3, 4)), {}), ((s.normal(2, 2, 3), s.normal(3)), {})])
op("vecmat", "SqueezeBackward4", _check_matmul, _matmul_vjp_a, _matmul_vjp_b,
   formulas=("grad @ other.T", "outer(self, grad)"),
   samples=lambda s: [((s.normal(3), s.normal(3, 4)), {})])

# the rest of the family, declared with this module (engine/ops/__init__.py imports linalg)
from . import linalg_decomp, linalg_more, linalg_products, linalg_solvers, linalg_svd  # noqa: E402,F401,I001
