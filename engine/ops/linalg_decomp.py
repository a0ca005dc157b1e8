"""Rows: decompositions of symmetric matrices (torch.linalg.cholesky, eigvalsh).
Formulas: cholesky_backward and linalg_eig_backward (is_hermitian, gV = 0) of
FunctionsManual.cpp. Like LAPACK, the forwards read the lower triangle only.
linalg.eigh is not offered: its eigenvectors' signs are whatever the LAPACK build picks
(numpy's and PyTorch's differ), so they could not be PyTorch's."""

import numpy as np

from ..errors import UnsupportedError, runtime
from .table import op


def _plain(x, what):
    if not isinstance(x, np.ndarray):
        raise UnsupportedError(f"a second derivative through {what} is not supported by gradcli")
    return x


def _cholesky(a):
    try:
        return np.linalg.cholesky(np.tril(a) + np.swapaxes(np.tril(a, -1), -1, -2))
    except np.linalg.LinAlgError:
        raise _not_pd(a) from None


def _not_pd(a):
    from .linalg_solvers import LinAlgError
    flat = a.reshape(int(np.prod(a.shape[:-2])), *a.shape[-2:])
    for b, m in enumerate(flat):
        n = m.shape[-1]
        for k in range(1, n + 1):  # the order of the first leading minor that is not PD
            sub = np.tril(m[:k, :k]) + np.tril(m[:k, :k], -1).T
            try:
                np.linalg.cholesky(sub)
            except np.linalg.LinAlgError:
                where = f"(Batch element {b}): " if a.ndim > 2 else ""
                return LinAlgError(f"linalg.cholesky: {where}The factorization could not be "
                                   f"completed because the input is not positive-definite "
                                   f"(the leading minor of order {k} is not positive-definite).")
    return runtime("linalg.cholesky: the factorization failed")


def _cholesky_vjp(g, out, a):
    """gA = L^{-H} P L^{-1}, P = 0.5 (T + tril(T, -1)^H), T = tril(L^H gL)."""
    L, g = _plain(out, "linalg.cholesky"), _plain(g, "linalg.cholesky")
    t = np.tril(np.swapaxes(L, -1, -2) @ g)
    p = 0.5 * (t + np.swapaxes(np.tril(t, -1), -1, -2))
    x = np.linalg.solve(np.swapaxes(L, -1, -2), p)           # L^H X = P
    lt = np.swapaxes(L, -1, -2)
    return np.swapaxes(np.linalg.solve(lt, np.swapaxes(x, -1, -2)), -1, -2)  # Y L = X


def _sym(a):
    return np.tril(a) + np.swapaxes(np.tril(a, -1), -1, -2)


def _eigh(a):
    return np.linalg.eigh(_sym(a), UPLO="L")


def _eigvalsh_vjp(g, out, a):
    """V diag(gL) V^H."""
    g = _plain(g, "linalg.eigh")
    _, v = _eigh(_plain(a, "linalg.eigh"))
    return (v * g[..., None, :]) @ np.swapaxes(v, -1, -2)


def _spd(s, *shape):
    m = s.normal(*shape)
    return m @ np.swapaxes(m, -1, -2) + shape[-1] * np.eye(shape[-1])


op("linalg_cholesky", "LinalgCholeskyExBackward0", _cholesky, _cholesky_vjp,
   formulas=("cholesky_backward(grad, upper, L)",), args=("A",), text="cholesky",
   latex=r"\operatorname{chol}",
   samples=lambda s: [((_spd(s, 3, 3),), {}), ((_spd(s, 2, 2, 2),), {})])
op("linalg_eigvalsh", "LinalgEighBackward0", lambda a: _eigh(a)[0], _eigvalsh_vjp,
   formulas=("linalg_eig_backward(gL=grad, gV=0, L, V, is_hermitian=true)",), args=("A",),
   text="eigvalsh", latex=r"\lambda",
   samples=lambda s: [((_spd(s, 3, 3),), {}), ((_spd(s, 2, 2, 2) - 2 * np.eye(2),), {})])
