"""Rows: determinants, inverses and solves (torch.linalg.det / slogdet / inv / solve,
torch.det / logdet / slogdet / inverse). Backward formulas from PyTorch's
FunctionsManual.cpp (linalg_det_backward, slogdet_backward, linalg_solve backward in
derivatives.yaml); the wrappers are in engine/torch_api/linalg_solvers.py."""

import numpy as np

from .. import dual as D
from ..errors import TorchError, UnsupportedError
from .helpers import raw
from .table import op


def lu_first_zero_pivot(a) -> int:
    """LAPACK getrf's info for one matrix: the 1-based index of the first exactly zero
    pivot of the LU factorization with partial pivoting (0 when there is none)."""
    u = np.array(a, dtype=np.float64)
    n = u.shape[0]
    info = 0
    for k in range(n):
        p = k + int(np.argmax(np.abs(u[k:, k])))
        if u[p, k] == 0:
            info = info or k + 1
            continue
        if p != k:
            u[[k, p]] = u[[p, k]]
        u[k + 1:, k] /= u[k, k]
        u[k + 1:, k + 1:] -= np.outer(u[k + 1:, k], u[k, k + 1:])
    return info


class LinAlgError(TorchError):
    """torch.linalg.LinAlgError (a RuntimeError), as PyTorch names it."""

    type_name = "torch._C._LinAlgError"


def singular_error(a, name):
    """PyTorch's message for the first singular matrix of a batch."""
    flat = a.reshape(int(np.prod(a.shape[:-2])), *a.shape[-2:])
    for b, m in enumerate(flat):
        info = lu_first_zero_pivot(m)
        if info:
            where = f"(Batch element {b}): " if a.ndim > 2 else ""
            return LinAlgError(f"{name}: {where}The diagonal element {info} is zero, the "
                               f"inversion could not be completed because the input matrix "
                               f"is singular.")
    return LinAlgError(f"{name}: The inversion could not be completed because the input "
                       f"matrix is singular.")


def _inv(a):
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        raise singular_error(a, "linalg.inv") from None


def _solve(a, b, vector=False):
    try:
        if vector:
            return np.linalg.solve(a, b[..., None])[..., 0]
        return np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is "
                          "singular.") from None


def _mat(x):
    """A batch of scalars as a batch of 1x1 matrices (to scale matrices)."""
    return D.unsqueeze(D.unsqueeze(x, dim=-1), dim=-1)


def _inv_t_plain(a):
    """A^{-T} for plain backward; singular matrices (whose grads PyTorch scales by a zero
    det) get a zero matrix instead of an error."""
    x = raw(a)
    out = np.zeros_like(x)
    batch = (int(np.prod(x.shape[:-2])), *x.shape[-2:])
    flat_in, flat_out = x.reshape(batch), out.reshape(batch)
    for k, m in enumerate(flat_in):
        try:
            flat_out[k] = np.linalg.inv(m).T
        except np.linalg.LinAlgError:
            pass
    return out


def _det_vjp(g, out, a):
    """linalg_det_backward: grad * det * A^{-T} (the cofactor matrix)."""
    if isinstance(a, np.ndarray):
        return _inv_t_plain(a) * (g * out)[..., None, None]
    return D.mul(_mat(D.mul(g, out)), D.mT(D.linalg_inv(a)))


def _slogdet(a):
    return np.linalg.slogdet(a)[1]


def _slogdet_vjp(g, out, a):
    """slogdet_backward: grad_logabsdet * A^{-T}."""
    x = raw(a)
    if isinstance(x, np.ndarray) and np.any(np.linalg.det(x) == 0):  # PyTorch: infinities
        raise UnsupportedError("slogdet/logdet backward at a singular matrix is not supported "
                               "by gradcli")
    if isinstance(a, np.ndarray):
        return _inv_t_plain(x) * np.asarray(g)[..., None, None]
    return D.mul(_mat(g), D.mT(D.linalg_inv(a)))


def _inv_vjp(g, out, a):
    """-A^{-T} grad A^{-T}."""
    t = D.mT(out)
    return D.neg(D.matmul(D.matmul(t, g), t))


def _solve_vjp_b(g, out, a, b, vector=False):
    return D.linalg_solve(D.mT(a), g, vector=vector)


def _solve_vjp_a(g, out, a, b, vector=False):
    gb = D.linalg_solve(D.mT(a), g, vector=vector)
    if vector:
        return D.neg(D.mul(D.unsqueeze(gb, dim=-1), D.unsqueeze(out, dim=-2)))
    return D.neg(D.matmul(gb, D.mT(out)))


def _spd(s, n):
    m = s.normal(n, n)
    return m @ m.T + n * np.eye(n)


op("linalg_det", "LinalgDetBackward0", lambda a: np.asarray(np.linalg.det(a)), _det_vjp,
   formulas=("linalg_det_backward(grad, result, A, LU, pivots)",), args=("A",),
   text="det", latex=r"\det",
   samples=lambda s: [((s.normal(3, 3) + 2 * np.eye(3),), {}), ((s.normal(2, 2, 2),), {})])
op("linalg_slogdet", "LinalgSlogdetBackward0", _slogdet, _slogdet_vjp,
   formulas=("slogdet_backward(grad_sign, grad_logabsdet, A, sign, LU, pivots)",),
   args=("A",), text="logabsdet", latex=r"\log\left|\det\right|",
   samples=lambda s: [((_spd(s, 3),), {}), ((s.normal(2, 2, 2),), {})])
# slogdet's sign: the same PyTorch node (one node, two outputs there); no gradient flows
op("linalg_slogdet_sign", "LinalgSlogdetBackward0", lambda a: np.linalg.slogdet(a)[0],
   lambda g, o, a: D.mul(a, 0.0),
   formulas=("0 (sign is piecewise constant)",), args=("A",), text="sign",
   latex=r"\operatorname{sign}\det",
   samples=lambda s: [((_spd(s, 3),), {})])
op("linalg_inv", "LinalgInvExBackward0", _inv, _inv_vjp,
   formulas=("-at::matmul(inverse.mH(), at::matmul(grad, inverse.mH()))",), args=("A",),
   text="inverse", latex=r"\operatorname{inv}",
   samples=lambda s: [((s.normal(3, 3) + 3 * np.eye(3),), {}), ((_spd(s, 2)[None],), {})])
op("linalg_solve", "LinalgSolveExBackward0", _solve, _solve_vjp_a, _solve_vjp_b,
   formulas=("-linalg_solve(A.mH(), grad) @ result.mH()", "linalg_solve(A.mH(), grad)"),
   args=("A", "B"), text="solve", latex=r"\operatorname{solve}",
   samples=lambda s: [((_spd(s, 3), s.normal(3, 2)), {"vector": False}),
                      ((_spd(s, 3), s.normal(3)), {"vector": True})])
