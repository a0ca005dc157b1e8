"""Rows: singular values (torch.linalg.svdvals) and pairwise distances (torch.cdist).
Their VJPs are PyTorch's (svd_backward with only gS; _cdist_backward) on arrays; a second
derivative through them is refused clearly (gradcli does not differentiate the SVD, and
PyTorch's _cdist_backward has no derivative)."""

import numpy as np

from .. import dual as D
from ..errors import UnsupportedError
from .table import op


def _plain(x, what):
    if not isinstance(x, np.ndarray):
        # derive's symbolic values and create_graph's Tensors both land here
        raise UnsupportedError(f"the backward of {what} is computed numerically: second "
                               f"derivatives and symbolic derivatives through it are not "
                               f"supported by gradcli")
    return x


def finite_for_svd(a):
    """LAPACK's gesdd does not converge on NaN or inf: PyTorch's LinAlgError."""
    if not np.all(np.isfinite(a)):
        from .linalg_solvers import LinAlgError
        raise LinAlgError("linalg.svd: The algorithm failed to converge because the input "
                          "matrix contained non-finite values.")
    return a


def _svdvals(a):
    return np.linalg.svd(finite_for_svd(a), compute_uv=False)


def _svdvals_vjp(g, out, a):
    """svd_backward with gU = gVh = 0: U diag(gS) Vh (reduced SVD)."""
    x = _plain(a, "linalg.svdvals")
    u, _, vh = np.linalg.svd(x, full_matrices=False)
    return (u * np.asarray(_plain(g, "linalg.svdvals"))[..., None, :]) @ vh


def _diff(x1, x2):
    return x1[..., :, None, :] - x2[..., None, :, :]


def _cdist(x1, x2, p=2.0):
    d = np.abs(_diff(x1, x2))
    if p == 0:
        return np.sum(d != 0, axis=-1).astype(x1.dtype)
    if p == np.inf:
        return np.max(d, axis=-1, initial=0.0).astype(x1.dtype)
    if p == 1:
        return np.sum(d, axis=-1)
    if p == 2:
        return np.sqrt(np.sum(d * d, axis=-1))
    return np.sum(d ** p, axis=-1) ** (1.0 / p)


def _cdist_grad(g, xa, xb, p, dist):
    """PyTorch's _cdist_backward for the first argument (dist: xa's rows by xb's)."""
    diff = _diff(xa, xb)
    dist = dist[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        if p == 0:
            local = np.zeros_like(diff)
        elif p == 1:
            local = np.sign(diff)
        elif p == 2:
            local = np.where(dist == 0, 0.0, diff / dist)
        elif p == np.inf:
            local = np.sign(diff) * (np.abs(diff) == dist)
        elif p < 2:
            local = np.where(dist == 0, 0.0,
                             np.sign(diff) * np.abs(diff) ** (p - 1) / dist ** (p - 1))
        else:
            local = np.where(dist == 0, 0.0, diff * np.abs(diff) ** (p - 2) / dist ** (p - 1))
    return np.sum(g[..., None] * local, axis=-2).astype(xa.dtype)


def _cdist_vjp1(g, out, x1, x2, p=2.0):
    g = _plain(g, "cdist")
    return _cdist_grad(g, _plain(x1, "cdist"), x2, p, np.asarray(out))


def _cdist_vjp2(g, out, x1, x2, p=2.0):
    g = _plain(g, "cdist")
    return _cdist_grad(np.swapaxes(g, -1, -2), _plain(x2, "cdist"), x1, p,
                       np.swapaxes(np.asarray(out), -1, -2))


op("linalg_svdvals", "LinalgSvdBackward0", _svdvals, _svdvals_vjp,
   formulas=("svd_backward(gU=0, gS=grad, gVh=0, U, S, Vh)",), args=("A",),
   text="svdvals", latex=r"\sigma",
   samples=lambda s: [((s.normal(3, 2),), {}), ((s.normal(2, 2, 3),), {})])
op("cdist", "CdistBackward0", _cdist, _cdist_vjp1, _cdist_vjp2,
   formulas=("_cdist_backward(grad, x1, x2, p, result)",
             "_cdist_backward(grad.mT(), x2, x1, p, result.mT())"),
   args=("x1", "x2"), latex=r"\operatorname{cdist}", broadcast=False,
   samples=lambda s: [((s.normal(3, 2), s.normal(4, 2)), {"p": 2.0}),
                      ((s.normal(2, 3, 2), s.normal(1, 2, 2)), {"p": 1.5}),
                      ((s.normal(3, 2), s.normal(2, 2)), {"p": 3.0}),
                      ((s.normal(3, 2), s.normal(2, 2)), {"p": 1.0})])


def _pinv(a, atol=0.0, rtol=None):
    """Singular values above max(atol, rtol * largest) inverted, the rest dropped."""
    m, n = a.shape[-2:]
    if rtol is None:
        rtol = max(m, n) * np.finfo(a.dtype).eps if atol == 0 else 0.0
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    smax = s.max(axis=-1, keepdims=True, initial=0.0)
    keep = s > np.maximum(atol, rtol * smax)
    inv = np.where(keep, 1.0 / np.where(keep, s, 1.0), 0.0)
    return (np.swapaxes(vh, -1, -2) * inv[..., None, :]) @ np.swapaxes(u, -1, -2)


def _pinv_vjp(g, out, a, atol=0.0, rtol=None):
    """pinv_backward of FunctionsManual.cpp (smallest-dimension form)."""
    m, n = D.raw(a).shape[-2:]
    p, ph, gh = out, D.mT(out), D.mT(g)
    mm = D.matmul
    if m <= n:
        k = mm(gh, p)
        kph = mm(k, ph)
        return D.add(D.sub(D.add(D.neg(D.mT(mm(p, k))), kph), mm(mm(a, p), kph)),
                     mm(mm(ph, p), D.sub(gh, mm(k, a))))
    k = mm(p, gh)
    phk = mm(ph, k)
    return D.sub(D.add(D.add(D.neg(D.mT(mm(k, p))), mm(mm(D.sub(gh, mm(a, k)), p), ph)), phk),
                 mm(mm(phk, p), a))


op("linalg_pinv", "LinalgPinvBackward0", _pinv, _pinv_vjp,
   formulas=("pinv_backward(grad, result, self)",), args=("self",), text="pinv",
   latex=r"\operatorname{pinv}",
   samples=lambda s: [((s.normal(3, 2),), {"atol": 0.0, "rtol": None}),
                      ((s.normal(2, 2, 4),), {"atol": 0.0, "rtol": 1e-15})])


def _as_matrix(b, vector):
    return b[..., None] if vector else b


def _lstsq(a, b, rtol, vector=False):
    """gelsy's minimum-norm least-squares solution: pinv(A) B with its rcond."""
    x = _pinv(a, 0.0, rtol) @ _as_matrix(b, vector)
    return x[..., 0] if vector else x


def _lstsq_vjp_a(g, out, a, b, rtol, vector=False):
    """linalg_lstsq_backward: pinv_backward(gX B^H, pinv(A), A)."""
    p = D.linalg_pinv(a, atol=0.0, rtol=rtol)
    gm = D.unsqueeze(g, dim=-1) if vector else g
    bm = D.unsqueeze(b, dim=-1) if vector else b
    return _pinv_vjp(D.matmul(gm, D.mT(bm)), p, a)


def _lstsq_vjp_b(g, out, a, b, rtol, vector=False):
    """pinv(A)^H gX."""
    p = D.linalg_pinv(a, atol=0.0, rtol=rtol)
    if vector:
        return D.squeeze_dim(D.matmul(D.mT(p), D.unsqueeze(g, dim=-1)), dim=-1)
    return D.matmul(D.mT(p), g)


op("linalg_lstsq", "LinalgLstsqBackward0", _lstsq, _lstsq_vjp_a, _lstsq_vjp_b,
   formulas=("pinv_backward(grad @ B.mH(), pinv(A), A)", "pinv(A).mH() @ grad"),
   args=("self", "b"), text="lstsq", latex=r"\operatorname{lstsq}",
   samples=lambda s: [((s.normal(4, 3), s.normal(4, 2)), {"rtol": 1e-12}),
                      ((s.normal(2, 3, 3), s.normal(2, 3)), {"rtol": 1e-12, "vector": True})])
# lstsq's `residuals` output (empty under the gelsy driver, but on PyTorch's node)
op("linalg_lstsq_residuals", "LinalgLstsqBackward0",
   lambda a, b: np.zeros((0,), dtype=a.dtype),
   lambda g, o, a, b: D.mul(a, 0.0), lambda g, o, a, b: D.mul(b, 0.0),
   formulas=("0 (empty)", "0 (empty)"), args=("self", "b"), text="residuals",
   latex=r"\operatorname{residuals}",
   samples=lambda s: [((s.normal(3, 2), s.normal(3, 1)), {})])
