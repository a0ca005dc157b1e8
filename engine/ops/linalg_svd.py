"""Rows: the singular vectors of torch.linalg.svd (U, Vh; S is linalg_svdvals' row) and the
eigen-decomposition of torch.linalg.eigh (eigenvalues, eigenvectors), each output its own
row under PyTorch's one grad_fn name: svd_backward and linalg_eig_backward are linear in
their output gradients, so the outputs' contributions sum to PyTorch's.

The singular vectors and eigenvectors are LAPACK's (numpy's build); each is defined up to
its sign, which PyTorch's MKL build may pick differently (a column of U with the matching
row of Vh, a column of V): sign-invariant results (S, U diag(S) Vh, the eigenvalues, the
gradients of sign-invariant losses) agree with PyTorch's."""

import numpy as np

from .linalg_decomp import _plain
from .linalg_more import finite_for_svd
from .table import op


def _mt(x):
    return np.swapaxes(x, -1, -2)


def _svd(a, full_matrices):
    return np.linalg.svd(finite_for_svd(a), full_matrices=bool(full_matrices))


def svd_backward(gu, gs, gvh, u, s, vh):
    """FunctionsManual.cpp's svd_backward (real case) on arrays; u and vh reduced."""
    m, n = u.shape[-2], vh.shape[-1]
    if gu is None and gvh is None:
        return (u @ (gs[..., :, None] * vh)) if m >= n else ((u * gs[..., None, :]) @ vh)
    s2 = s * s
    e = s2[..., None, :] - s2[..., :, None]  # E[i, j] = s_j^2 - s_i^2
    k = np.arange(s.shape[-1])
    e[..., k, k] = 1.0
    ga = 0.0
    if gu is not None:
        uhgu = _mt(u) @ gu
        ga = ga + (uhgu - _mt(uhgu)) * s[..., None, :]
    if gvh is not None:
        vhgv = vh @ _mt(gvh)
        ga = ga + s[..., :, None] * (vhgv - _mt(vhgv))
    ga = ga / e
    if gs is not None:
        ga = ga + gs[..., :, None] * np.eye(s.shape[-1])
    if m > n and gu is not None:
        ga = u @ ga
        gusinv = gu / s[..., None, :]
        ga = ga + gusinv - u @ (_mt(u) @ gusinv)
        return ga @ vh
    if m < n and gvh is not None:
        ga = ga @ vh
        sinvgvh = gvh / s[..., :, None]
        ga = ga + sinvgvh - (sinvgvh @ _mt(vh)) @ vh
        return u @ ga
    return u @ (ga @ vh) if m >= n else (u @ ga) @ vh


def _reduced(a, full_matrices):
    """U, S, Vh as svd_backward takes them: narrowed to the k singular values."""
    u, s, vh = _svd(_plain(a, "linalg.svd"), full_matrices)
    k = s.shape[-1]
    return u[..., :k], s, vh[..., :k, :]


def _svd_u_vjp(g, out, a, full_matrices=False):
    u, s, vh = _reduced(a, full_matrices)
    gu = _plain(g, "linalg.svd")[..., :s.shape[-1]]
    return svd_backward(gu, None, None, u, s, vh)


def _svd_vh_vjp(g, out, a, full_matrices=False):
    u, s, vh = _reduced(a, full_matrices)
    gvh = _plain(g, "linalg.svd")[..., :s.shape[-1], :]
    return svd_backward(None, None, gvh, u, s, vh)


def _svd_samples(s):
    return [((s.normal(3, 2),), {"full_matrices": False}),
            ((s.normal(2, 4),), {"full_matrices": False}),
            ((s.normal(3, 3),), {"full_matrices": True}),
            ((s.normal(2, 3, 3),), {"full_matrices": True})]
    # (full_matrices with m != n: PyTorch ignores the gradient of the extra columns of U /
    # rows of Vh, which finite differences would see; tests/test_ops_linalg_svd_torch.py)


# derivatives.yaml: svd_backward(full_matrices ? grad_U.narrow(-1, 0, k) : grad_U, grad_S,
# full_matrices ? grad_Vh.narrow(-2, 0, k) : grad_Vh, U, S, Vh), U and Vh narrowed likewise
_U_FORMULA = ("svd_backward(gU=full_matrices ? grad.narrow(-1, 0, k) : grad, gS=0, gVh=0, "
              "U, S, Vh)")
_VH_FORMULA = ("svd_backward(gU=0, gS=0, gVh=full_matrices ? grad.narrow(-2, 0, k) : grad, "
               "U, S, Vh)")
op("linalg_svd_u", "LinalgSvdBackward0", lambda a, full_matrices=False: _svd(a, full_matrices)[0],
   _svd_u_vjp, formulas=(_U_FORMULA,),
   args=("A",), text="U", latex=r"\operatorname{svd}_U", samples=_svd_samples)
op("linalg_svd_vh", "LinalgSvdBackward0",
   lambda a, full_matrices=False: _svd(a, full_matrices)[2], _svd_vh_vjp,
   formulas=(_VH_FORMULA,),
   args=("A",), text="Vh", latex=r"\operatorname{svd}_{V^H}", samples=_svd_samples)


def _eigh(a, uplo="L"):
    return np.linalg.eigh(a, UPLO=uplo)


def eigh_backward(gl, gv, lam, v):
    """linalg_eig_backward with is_hermitian=true (real case) on arrays."""
    ga = 0.0
    if gv is not None:
        vhgv = _mt(v) @ gv
        vhgv = 0.5 * (vhgv - _mt(vhgv))
        e = lam[..., None, :] - lam[..., :, None]  # E[i, j] = L_j - L_i
        k = np.arange(lam.shape[-1])
        e[..., k, k] = 1.0
        ga = vhgv / e
    if gl is not None:
        ga = ga + gl[..., :, None] * np.eye(lam.shape[-1])
    return v @ (ga @ _mt(v))


def _eigh_l_vjp(g, out, a, uplo="L"):
    lam, v = _eigh(_plain(a, "linalg.eigh"), uplo)
    return eigh_backward(_plain(g, "linalg.eigh"), None, lam, v)


def _eigh_v_vjp(g, out, a, uplo="L"):
    lam, v = _eigh(_plain(a, "linalg.eigh"), uplo)
    return eigh_backward(None, _plain(g, "linalg.eigh"), lam, v)


def _sym_samples(s):
    def sym(*shape):
        m = s.normal(*shape)
        return m + _mt(m)
    return [((sym(3, 3),), {"uplo": "L"}), ((sym(2, 3, 3),), {"uplo": "U"})]


op("linalg_eigh_l", "LinalgEighBackward0", lambda a, uplo="L": _eigh(a, uplo)[0], _eigh_l_vjp,
   formulas=("linalg_eig_backward(gL=grad, gV=0, L, V, is_hermitian=true)",), args=("A",),
   text="eigenvalues", latex=r"\lambda", samples=_sym_samples)
op("linalg_eigh_v", "LinalgEighBackward0", lambda a, uplo="L": _eigh(a, uplo)[1], _eigh_v_vjp,
   formulas=("linalg_eig_backward(gL=0, gV=grad, L, V, is_hermitian=true)",), args=("A",),
   text="eigenvectors", latex=r"\operatorname{eigh}_V", samples=_sym_samples)
