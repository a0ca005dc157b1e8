"""Rows: the losses of issue 18 that PyTorch runs as their own kernels (soft_margin_loss,
multi_margin_loss), and the small nodes its C++ composites of the other losses show:
Tensor + Scalar (AddBackward1), Tensor - Scalar (SubBackward1), clamp_min (ClampMinBackward0)
and at::norm(self, p, dim) (NormBackward1, pairwise_distance's node). The composites
themselves are wrappers in engine/torch_api/nn_losses_more.py.
Formulas are derivatives.yaml's; the kernels follow aten/src/ATen/native/Loss.cpp and
LossMultiMargin.cpp (its sums accumulate in double, as acc_type<float, CPU> is double)."""

import numpy as np

from ..numerics import reduce_sum as RS
from ..numerics import unary as U
from .helpers import _first_max, _select, raw
from .nn_layers import _arrays_only
from .reductions_more import _norm_kink, _vector_norm, _vector_norm_vjp
from .table import op

_REDUCTIONS = ("none", "mean", "sum")


def _reduce(loss, reduction):
    """apply_loss_reduction: unreduced.mean() / .sum() in torch's summation order."""
    if reduction == "mean":
        return np.asarray(RS.torch_mean(loss), dtype=loss.dtype)
    if reduction == "sum":
        return np.asarray(RS.torch_sum(loss), dtype=loss.dtype)
    return loss


# ---------------------------------------------------------------- C++ composites' nodes
op("add_scalar", "AddBackward1", lambda a, other: np.add(a, other, dtype=a.dtype),
   lambda g, o, a, other: g,
   formulas=("grad",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3),), {"other": 0.25})])
op("sub_scalar", "SubBackward1", lambda a, other: np.subtract(a, other, dtype=a.dtype),
   lambda g, o, a, other: g,
   formulas=("grad",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3),), {"other": 0.25})])
op("clamp_min", "ClampMinBackward0",
   lambda a, min: _first_max(a, np.asarray(min, dtype=a.dtype)).astype(a.dtype),
   lambda g, o, a, min: _select(g, (raw(a) >= min).astype(raw(a).dtype)),
   formulas=("where(self >= min, grad, at::scalar_tensor(0., grad.options()))",),
   dtype_rule="same",
   kink=lambda a, min: bool(np.any(a == min)),
   samples=lambda s: [((s.away_from_zero(2, 3),), {"min": 0.0})])
op("norm_scalaropt_dim", "NormBackward1", _vector_norm, _vector_norm_vjp,
   formulas=("norm_backward(grad, self, p, result, dim, keepdim)",),
   dtype_rule="same", kink=_norm_kink, text="norm",
   samples=lambda s: [((s.away_from_zero(3, 4),), {"ord": 2.0, "dims": (1,)}),
                      ((s.away_from_zero(3, 4),), {"ord": 3.0, "dims": (1,), "keepdim": True}),
                      ((s.away_from_zero(4,),), {"ord": 1.5, "dims": (0,)})])


# ---------------------------------------------------------------- soft_margin_loss
def _soft_margin(x, target, reduction="mean"):
    # Loss.cpp (2.13): log1p(exp(neg(input) * target)), each step rounded
    t = np.broadcast_to(target, x.shape).astype(x.dtype)  # broadcast to the input only
    e = U.exp(np.multiply(np.negative(x), t, dtype=x.dtype))
    return _reduce(np.asarray(U.log1p(e), dtype=x.dtype), reduction)


def _soft_margin_vjp(g, o, x, target, reduction="mean"):
    """soft_margin_loss_backward: target * z * (-norm) / (z + 1) * grad, z = exp(-target * x)."""
    x = raw(x)
    t, shape = np.broadcast_to(target, x.shape), x.shape
    norm = 1.0 / max(int(np.prod(shape)), 1) if reduction == "mean" else 1.0
    z = U.exp(np.multiply(np.negative(t.astype(x.dtype)), x, dtype=x.dtype))
    d = (np.multiply(t.astype(x.dtype), z, dtype=x.dtype) * x.dtype.type(-norm)) / (z + 1)
    d = np.broadcast_to(d, shape).astype(x.dtype)
    # create_graph would need d's own dependence on x: refused, never a partial graph
    g = _arrays_only(g, "soft_margin_loss")
    return (d * np.asarray(g, dtype=x.dtype)).astype(x.dtype)


# the target is a parameter: PyTorch refuses one that requires grad
op("soft_margin_loss", "SoftMarginLossBackward0", _soft_margin, _soft_margin_vjp,
   formulas=("soft_margin_loss_backward(grad, self, target, reduction)",),
   dtype_rule="same", args=("self",),
   samples=lambda s: [((s.normal(2, 3),), {"target": np.sign(s.normal(2, 3)), "reduction": r})
                      for r in _REDUCTIONS])


# ---------------------------------------------------------------- multi_margin_loss
def _mm_rows(x):
    """(N, C) view of the input: a 1-D input is one sample, a 0-d input one class."""
    return x.reshape(1, -1) if x.ndim <= 1 else x


def _mm_terms(x, target, p, margin, weight):
    """z = margin - x[target] + x[d] for d != target, kept where z > 0 (per sample, class)."""
    x2 = _mm_rows(x)
    t = np.asarray(target).reshape(-1).astype(np.int64)
    n = np.arange(x2.shape[0])
    z = (x.dtype.type(margin) - x2[n, t][:, None]) + x2  # float32 steps as the kernel's
    active = (z > 0)
    active[n, t] = False
    w = None if weight is None else weight.astype(x.dtype)[t][:, None]
    return x2, t, n, z, active, w


def _multi_margin(x, target, p=1, margin=1.0, weight=None, reduction="mean"):
    x2, t, n, z, active, w = _mm_terms(x, target, p, margin, weight)
    h = z if p == 1 else z * z
    if w is not None:
        h = h * w
    # the kernel's inner sum is a scalar_t sum over the classes in order, then / dim; the
    # sum over samples accumulates in acc_type (double), / nframe in double
    h = np.where(active, h, 0).astype(x.dtype)
    per = np.cumsum(h, axis=1, dtype=x.dtype)[:, -1] / x.dtype.type(x2.shape[1])
    per = per.astype(x.dtype)
    if reduction == "none":
        return per if np.ndim(target) == 1 else np.asarray(per[0], dtype=x.dtype)
    total = float(np.cumsum(per.astype(np.float64))[-1]) if len(per) else 0.0
    if reduction == "mean":
        total = total / len(per)
    return np.asarray(total, dtype=x.dtype)


def _multi_margin_vjp(g, o, x, target, p=1, margin=1.0, weight=None, reduction="mean"):
    g = _arrays_only(g, "multi_margin_loss")
    xa = raw(x)
    x2, t, n, z, active, w = _mm_terms(xa, target, p, margin, weight)
    dim = x2.shape[1]
    gs = xa.dtype.type(1.0 / (len(n) * dim) if reduction == "mean" else 1.0 / dim)
    h = np.where(active, gs if p == 1 else 2 * gs * z, 0).astype(xa.dtype)
    if w is not None:
        h = (h * w).astype(xa.dtype)
    h[n, t] = -np.cumsum(h, axis=1, dtype=xa.dtype)[:, -1]  # grad_input_target -= h in order
    ga = np.asarray(g, dtype=xa.dtype)
    if reduction == "none" and ga.ndim == 1:
        ga = ga[:, None]
    return (h * ga).astype(xa.dtype).reshape(xa.shape)


op("multi_margin_loss", "MultiMarginLossBackward0", _multi_margin, _multi_margin_vjp,
   formulas=("multi_margin_loss_backward(grad, self, target, p, margin, weight, reduction)",),
   dtype_rule="same", args=("self",),
   kink=lambda x, target, p=1, margin=1.0, weight=None, reduction="mean": bool(
       np.any(np.abs(_mm_terms(x, target, p, margin, weight)[3]) < 1e-3)),
   samples=lambda s: [((s.normal(3, 4),), {"target": np.array([0, 3, 1]), "p": 1,
                                             "reduction": "mean"}),
                      ((s.normal(3, 4),), {"target": np.array([2, 0, 1]), "p": 2, "margin": 0.7,
                                           "weight": np.array([0.5, 1.0, 2.0, 1.5]),
                                           "reduction": "none"}),
                      ((s.normal(4),), {"target": np.array(1), "p": 2, "reduction": "sum"})])


# ---------------------------------------------------------------- binary_cross_entropy(weight=)
def _bce_weighted(p, t, weight, reduction="mean"):
    """Loss.cpp: (t - 1) * max(log(1 - p), -100) - t * max(log(p), -100), then loss.mul_(weight)."""
    one = p.dtype.type(1)
    loss = ((t - one) * np.maximum(np.log(one - p), p.dtype.type(-100))
            - t * np.maximum(np.log(p), p.dtype.type(-100))).astype(p.dtype)
    return _reduce((loss * weight).astype(p.dtype), reduction)


def _bce_w_scale(g, p, weight, reduction):
    g = _arrays_only(g, "binary_cross_entropy")
    n = np.broadcast_shapes(np.shape(p), np.shape(weight))
    norm = p.dtype.type(1.0 / max(int(np.prod(n)), 1)) if reduction == "mean" else None
    return g, norm


def _bce_w_vjp_p(g, o, p, t, weight, reduction="mean"):
    """binary_cross_entropy_backward: grad * (p - t) / max((1 - p) * p, EPSILON), * weight, / N."""
    g, norm = _bce_w_scale(g, raw(p), weight, reduction)
    p, t = raw(p), raw(t)
    one = p.dtype.type(1)
    d = g * (p - t) / np.maximum((one - p) * p, p.dtype.type(1e-12))
    d = (d * weight).astype(p.dtype)
    return d if norm is None else (d / p.dtype.type(np.prod(d.shape))).astype(p.dtype)


def _bce_w_vjp_t(g, o, p, t, weight, reduction="mean"):
    """binary_cross_entropy_target_backward: grad * (log(1 - p) - log(p)) clamped, * weight."""
    g, norm = _bce_w_scale(g, raw(p), weight, reduction)
    p = raw(p)
    one = p.dtype.type(1)
    d = (np.maximum(np.log1p(-p), -100) - np.maximum(np.log(p), -100)).astype(p.dtype)
    d = (g * d * weight).astype(p.dtype)
    return d if norm is None else (d / p.dtype.type(np.prod(d.shape))).astype(p.dtype) * one


op("binary_cross_entropy_weighted", "BinaryCrossEntropyBackward0", _bce_weighted,
   _bce_w_vjp_p, _bce_w_vjp_t,
   formulas=("binary_cross_entropy_backward(grad, self, target, weight, reduction)",
             "binary_cross_entropy_target_backward(grad, self, target, weight, reduction)"),
   dtype_rule="same", args=("self", "target"),
   samples=lambda s: [((s.rng.uniform(0.1, 0.9, (2, 3)), s.rng.uniform(0, 1, (2, 3))),
                       {"weight": np.array([0.5, 1.0, 2.0]), "reduction": r}) for r in _REDUCTIONS])
