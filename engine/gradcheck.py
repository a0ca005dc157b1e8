"""Gradient checking, as torch.autograd.gradcheck does it: the analytic Jacobian (one
vector-Jacobian product per output element) against the numeric one (central
differences), compared with |analytic - numeric| <= atol + rtol * |numeric|.

Pure arrays in, arrays and figures out; the case layer supplies the function to
differentiate numerically (it re-runs the case at perturbed points)."""

from dataclasses import dataclass

import numpy as np

from . import autograd
from .errors import LimitError
from .tensor import Tensor

# PyTorch's gradcheck defaults
EPS, ATOL, RTOL = 1e-6, 1e-5, 1e-3
# each output element costs one backward pass and each input element two evaluations;
# beyond these a check would run for minutes, so it is refused with a clear message
MAX_ROWS, MAX_EVALUATIONS = 4096, 20000


@dataclass
class Comparison:
    max_abs: float
    max_rel: float
    worst: tuple | None      # (output element, input element), flat indices
    passed: bool
    finite: bool             # False: the numeric Jacobian has inf/nan (a pole, log(0), ...)


def analytic_jacobian(output: Tensor, inputs: list, create_graph: bool = False) -> list:
    """J[i] with shape (output.numel, inputs[i].numel), row k = e_k^T J by reverse mode.
    Inputs the output does not reach get zero blocks (allow_unused)."""
    m = output.data.size
    if m > MAX_ROWS:
        raise LimitError(f"the output has {m} elements; gradcheck builds one backward pass "
                         f"per element and stops at {MAX_ROWS}")
    blocks = [np.zeros((m, t.data.size), dtype=np.float64) for t in inputs]
    if not output.requires_grad:
        return blocks
    for k in range(m):
        seed = np.zeros(output.data.shape, dtype=output.data.dtype)
        seed.flat[k] = 1
        grads = autograd.grad([output], inputs, [Tensor(seed)], retain_graph=True,
                              create_graph=create_graph, allow_unused=True)
        for block, g in zip(blocks, grads, strict=True):
            if g is not None:
                block[k] = g.data.ravel()
    return blocks


def numeric_jacobian(f, point: dict, name: str, eps: float = EPS) -> np.ndarray:
    """Central differences of f (dict of float64 arrays -> float64 array) with respect to
    point[name], one column per element of it."""
    x = np.asarray(point[name], dtype=np.float64)
    base = np.asarray(f(point))
    if 2 * x.size > MAX_EVALUATIONS:
        raise LimitError(f"{name} has {x.size} elements; numeric differentiation re-runs the "
                         f"case twice per element and stops at {MAX_EVALUATIONS} runs")
    jac = np.zeros((base.size, x.size), dtype=np.float64)
    for j in range(x.size):
        plus, minus = x.copy(), x.copy()
        plus.flat[j] += eps
        minus.flat[j] -= eps
        hi = np.asarray(f({**point, name: plus}), dtype=np.float64)
        lo = np.asarray(f({**point, name: minus}), dtype=np.float64)
        jac[:, j] = (hi - lo).ravel() / (2 * eps)
    return jac


def compare(analytic: np.ndarray, numeric: np.ndarray, atol: float = ATOL,
            rtol: float = RTOL) -> Comparison:
    """torch.allclose's criterion, with the figures a person wants to see: the largest
    absolute error, the largest error relative to max(|numeric|, atol) (so zeros do not
    divide), and where the worst violation sits."""
    finite = bool(np.all(np.isfinite(numeric)))
    if analytic.size == 0:
        return Comparison(0.0, 0.0, None, True, finite)
    with np.errstate(invalid="ignore"):
        diff = np.abs(analytic - numeric)
        diff = np.where(np.isnan(diff) & ~(np.isnan(analytic) & np.isnan(numeric)), np.inf,
                        np.nan_to_num(diff, nan=0.0))
        excess = diff - (atol + rtol * np.abs(np.nan_to_num(numeric)))
        rel = diff / np.maximum(np.abs(np.nan_to_num(numeric)), atol)
    worst = np.unravel_index(int(np.argmax(excess)), excess.shape)
    return Comparison(float(diff.max()), float(rel.max()), (int(worst[0]), int(worst[1])),
                      bool(np.all(excess <= 0)), finite)
