"""Rows: the losses of torch.nn.functional."""

import math

import numpy as np

from .. import dual as D
from ..numerics import reduce_sum as RS
from ..numerics import unary as U
from .backward_ops import bce_vjp, mse_vjp
from .helpers import raw
from .table import op


def _reduce(loss, reduction):
    """apply_loss_reduction: torch's mean and sum (their float32 summation order)."""
    if reduction == "mean":
        return np.asarray(RS.torch_mean(loss), dtype=loss.dtype)
    return np.asarray(RS.torch_sum(loss), dtype=loss.dtype) if reduction == "sum" else loss


def _loss_scale(g, shape, reduction):
    """The incoming loss grad spread over the elementwise loss's shape."""
    if reduction == "none":
        return g
    g = D.expand(g, shape=shape)
    return D.div(g, math.prod(shape)) if reduction == "mean" else g


def _bce_tail(g, shape, reduction, rule):
    """torch's order for binary_cross_entropy's grads (Loss.cpp, FunctionsManual.cpp): the
    rule applied to the incoming grad spread over the input, and only then `/ numel` for
    mean; dividing the grad first rounds differently in float32."""
    out = rule(g if reduction == "none" else D.expand(g, shape=shape))
    return D.div(out, math.prod(shape)) if reduction == "mean" else out


def _bce(p, t, reduction="mean"):
    # Loss.cpp's kernel, in its order: (t - 1) * max(log1p(-p), -100) - t * max(log(p), -100)
    floor = np.asarray(-100, dtype=p.dtype)
    loss = (t - 1) * np.maximum(U.log1p(-p), floor) - t * np.maximum(U.log(p), floor)
    return _reduce(loss.astype(p.dtype, copy=False), reduction)


def _nll(logp, target, reduction="mean", ignore_index=-100):
    picked, valid = _nll_pick(logp, target, ignore_index)
    loss = -np.where(valid, picked, 0).astype(logp.dtype)
    if reduction == "mean":
        return np.asarray(np.sum(loss) / max(int(valid.sum()), 0) if valid.any() else np.nan,
                          dtype=logp.dtype)
    return _reduce(loss, reduction)


def _nll_pick(logp, target, ignore_index):
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    if logp.ndim == 1:
        return logp[safe], valid
    return np.take_along_axis(logp, safe[:, None], axis=1)[:, 0], valid


def _nll_vjp(g, out, logp, target, reduction="mean", ignore_index=-100):
    shape = raw(logp).shape
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    mask = np.zeros(shape, dtype=raw(logp).dtype)
    if len(shape) == 1:
        mask[safe] = -1.0 * valid
    else:
        np.put_along_axis(mask, safe[:, None], -1.0 * valid[:, None], axis=1)
    if reduction == "mean":
        mask = mask / max(int(valid.sum()), 1)
    if reduction == "none" and len(shape) == 2:
        g = D.unsqueeze(g, dim=1)
    return D.mul(g, mask)


op("mse_loss", "MseLossBackward0",
   lambda a, t, reduction="mean": _reduce((a - t) ** 2, reduction),
   lambda g, o, a, t, reduction="mean": mse_vjp(g, a, t, reduction, lambda: D.mul(
       _loss_scale(g, np.broadcast_shapes(raw(a).shape, raw(t).shape), reduction),
       D.mul(D.sub(a, t), 2.0))),
   lambda g, o, a, t, reduction="mean": mse_vjp(g, t, a, reduction, lambda: D.mul(
       _loss_scale(g, np.broadcast_shapes(raw(a).shape, raw(t).shape), reduction),
       D.mul(D.sub(a, t), -2.0))),
   formulas=("grad * 2 * (self - target) [/ N]", "-grad * 2 * (self - target) [/ N]"),
   dtype_rule="float", broadcast=True,
   nn=('mse_loss',),
   args=('self', 'target'),
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3)), {"reduction": "mean"}), ((s.normal(2, 3), s.normal(2, 3)), {"reduction": "sum"}), ((s.normal(2, 3), s.normal(2, 3)), {"reduction": "none"})])
op("binary_cross_entropy", "BinaryCrossEntropyBackward0", _bce,
   lambda g, o, p, t, reduction="mean": bce_vjp(g, p, t, reduction, lambda: _bce_tail(
       g, raw(p).shape, reduction,
       lambda G: D.div(D.mul(G, D.sub(p, t)), D.clamp(D.mul(D.rsub(p, 1.0), p), min=1e-12)))),
   lambda g, o, p, t, reduction="mean": _bce_tail(
       g, raw(p).shape, reduction, lambda G: D.mul(D.neg(D.logit(p)), G)),
   formulas=("grad * (self - target) / (self * (1 - self)) [/ N]",
             "grad * (log(1 - self) - log(self)) [/ N]"), dtype_rule="float",
   nn=('binary_cross_entropy',),
   args=('self', 'target'),
   samples=lambda s: [((s.rng.uniform(0.1, 0.9, (2, 3)), s.rng.uniform(0, 1, (2, 3))), {"reduction": "mean"}), ((s.rng.uniform(0.1, 0.9, (4,)), s.rng.uniform(0, 1, (4,))), {"reduction": "none"})])
op("nll_loss", "NllLossBackward0", _nll, _nll_vjp,
   formulas=("-grad at the target class [/ N]",), dtype_rule="same",
   nn=('nll_loss',),
   samples=lambda s: [((s.normal(3, 4),), {"target": np.array([0, 3, 1]), "reduction": "mean", "ignore_index": -100}), ((s.normal(3, 4),), {"target": np.array([2, -100, 1]), "reduction": "none", "ignore_index": -100})])
