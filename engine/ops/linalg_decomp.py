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
        # derive's symbolic values and create_graph's Tensors both land here
        raise UnsupportedError(f"the backward of {what} is computed numerically: second "
                               f"derivatives and symbolic derivatives through it are not "
                               f"supported by gradcli")
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


def _qr_vjp(gq, gr, q, r):
    """linalg_qr_backward, m >= n (reduced): gA = [gQ + Q syminvadj(triu(M))] R^{-H},
    M = gR R^H - Q^H gQ."""
    m, n = q.shape[-2], r.shape[-1]
    if m < n:
        raise UnsupportedError("linalg.qr backward with more columns than rows is not "
                               "supported by gradcli")
    mt = lambda x: np.swapaxes(x, -1, -2)  # noqa: E731
    ga = np.zeros(r.shape[:-2] + (n, n)) if gr is None else gr @ mt(r)
    if gq is not None:
        ga = ga - mt(q) @ gq
    ga = np.triu(ga)
    ga = ga + mt(ga)
    k = np.arange(n)
    ga[..., k, k] *= 0.5
    ga = q @ ga
    if gq is not None:
        ga = ga + gq
    # X R^H = gA  ->  R X^H = gA^H
    return mt(np.linalg.solve(r, mt(ga)))


def _qr_q_vjp(g, out, a):
    x = _plain(a, "linalg.qr")
    q, r = np.linalg.qr(x)
    return _qr_vjp(_plain(g, "linalg.qr"), None, q, r)


def _qr_r_vjp(g, out, a):
    x = _plain(a, "linalg.qr")
    q, r = np.linalg.qr(x)
    return _qr_vjp(None, _plain(g, "linalg.qr"), q, r)


# torch.linalg.qr's two outputs, each its own row under PyTorch's one grad_fn name: the
# backward is linear in (gQ, gR), so the two contributions sum to PyTorch's
op("linalg_qr_q", "LinalgQrBackward0", lambda a: np.linalg.qr(a)[0], _qr_q_vjp,
   formulas=("linalg_qr_backward(gQ=grad, gR=0, Q, R, mode)",), args=("A",), text="Q",
   latex=r"\operatorname{qr}_Q",
   samples=lambda s: [((s.normal(3, 3),), {}), ((s.normal(2, 4, 2),), {})])
op("linalg_qr_r", "LinalgQrBackward0", lambda a: np.linalg.qr(a)[1], _qr_r_vjp,
   formulas=("linalg_qr_backward(gQ=0, gR=grad, Q, R, mode)",), args=("A",), text="R",
   latex=r"\operatorname{qr}_R",
   samples=lambda s: [((s.normal(3, 3),), {}), ((s.normal(2, 4, 2),), {})])
