"""Rows: torch.nn's activations (elu, hardtanh, logsigmoid, gelu tanh), losses
(bce_with_logits, smooth_l1, huber, weighted nll) and the small nodes its composites show
(DivBackward1/MulBackward1, TransposeBackward1, MkldnnRnnLayerBackward0, TrilinearBackward0)."""

import math

import numpy as np

from .. import dual as D
from .backward_ops import elu_vjp, named
from .helpers import _select
from .losses import _loss_scale, _reduce
from .nn_layers import _arrays_only, op

raw = D.raw


# ---------------------------------------------------------------- activations
def _elu(a, alpha=1.0, scale=1.0, input_scale=1.0):
    return np.where(a > 0, a * scale, np.expm1(a * input_scale) * alpha * scale).astype(a.dtype)


op("elu", "EluBackward0", _elu,
   lambda g, o, a, alpha=1.0, scale=1.0, input_scale=1.0: elu_vjp(
       g, a, alpha, scale, input_scale, lambda: D.mul(g, np.where(
           raw(a) > 0, scale, np.exp(raw(a) * input_scale) * alpha * scale * input_scale
       ).astype(raw(a).dtype))),
   formulas=("grad * (self > 0 ? 1 : alpha * exp(self))",), dtype_rule="float")
op("hardtanh", "HardtanhBackward0",
   lambda a, min_val=-1.0, max_val=1.0: np.clip(a, min_val, max_val).astype(a.dtype),
   lambda g, o, a, min_val=-1.0, max_val=1.0: named("hardtanh_backward", lambda: _select(
       g, ((raw(a) > min_val) & (raw(a) < max_val)).astype(raw(a).dtype)), g, a,
       min_val=min_val, max_val=max_val),
   formulas=("grad * (min_val < self < max_val)",), dtype_rule="same")
op("logsigmoid", "LogSigmoidBackward0",
   lambda a: -np.logaddexp(0, -a).astype(a.dtype),
   lambda g, o, a: D.mul(g, D.sigmoid(D.neg(a))),
   formulas=("grad * sigmoid(-self)",), dtype_rule="float")


# ---------------------------------------------------------------- losses
def _bce_logits(x, t, weight=None, pos_weight=None, reduction="mean"):
    # PyTorch: (1 - t) * x + (1 + (pw - 1) * t) * log(1 + exp(-x)), stably
    w, pw = weight, pos_weight
    lw = 1 + (pw - 1) * t if pw is not None else 1
    loss = (1 - t) * x + lw * (np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0))
    if w is not None:
        loss = loss * w
    return _reduce(loss.astype(x.dtype), reduction)


def _bce_logits_vjp_x(g, o, x, t, weight=None, pos_weight=None, reduction="mean"):
    g = _arrays_only(g, "binary_cross_entropy_with_logits")
    w, pw = weight, pos_weight
    shape = np.broadcast_shapes(x.shape, t.shape)
    s = 1 / (1 + np.exp(-x))
    d = ((pw * t + 1 - t) * s - pw * t) if pw is not None else (s - t)
    if w is not None:
        d = d * w
    return np.asarray(_loss_scale(g, shape, reduction) * d, dtype=x.dtype)


def _bce_logits_vjp_t(g, o, x, t, weight=None, pos_weight=None, reduction="mean"):
    g = _arrays_only(g, "binary_cross_entropy_with_logits")
    w, pw = weight, pos_weight
    shape = np.broadcast_shapes(x.shape, t.shape)
    d = -x if pw is None else (pw - 1) * (np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0)) - x
    if w is not None:
        d = d * w
    return np.asarray(_loss_scale(g, shape, reduction) * d, dtype=x.dtype)


op("bce_with_logits", "BinaryCrossEntropyWithLogitsBackward0", _bce_logits,
   _bce_logits_vjp_x, _bce_logits_vjp_t,
   formulas=("grad * (sigmoid(self) - target) [/ N]", "-grad * self [/ N]"))


def _smooth_l1(a, t, reduction="mean", beta=1.0):
    d = np.abs(a - t)
    loss = np.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta) if beta else d
    return _reduce(loss.astype(a.dtype), reduction)


def _smooth_l1_grad(a, t, beta):
    d = a - t
    return np.where(np.abs(d) < beta, d / beta, np.sign(d)) if beta else np.sign(d)


def _huber(a, t, reduction="mean", delta=1.0):
    d = np.abs(a - t)
    loss = np.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta))
    return _reduce(loss.astype(a.dtype), reduction)


def _huber_grad(a, t, delta):
    d = a - t
    return np.where(np.abs(d) < delta, d, delta * np.sign(d))


def _pointwise_loss_vjp(gradfn, sign, what):
    def vjp(g, o, a, t, reduction="mean", **kw):
        g = _arrays_only(g, what)
        shape = np.broadcast_shapes(raw(a).shape, raw(t).shape)
        d = gradfn(raw(a), raw(t), *kw.values()) * sign
        return np.asarray(_loss_scale(g, shape, reduction) * d, dtype=raw(a).dtype)
    return vjp


op("smooth_l1_loss", "SmoothL1LossBackward0", _smooth_l1,
   _pointwise_loss_vjp(_smooth_l1_grad, 1, "smooth_l1_loss"),
   _pointwise_loss_vjp(_smooth_l1_grad, -1, "smooth_l1_loss"),
   formulas=("grad * clamp((self - target) / beta, -1, 1) [/ N]", "-(the same)"),
   dtype_rule="float")
op("huber_loss", "HuberLossBackward0", _huber,
   _pointwise_loss_vjp(_huber_grad, 1, "huber_loss"),
   _pointwise_loss_vjp(_huber_grad, -1, "huber_loss"),
   formulas=("grad * clamp(self - target, -delta, delta) [/ N]", "-(the same)"),
   dtype_rule="float")


# ---------------------------------------------------------------- classification losses
def _nll_weights(target, weight, ignore_index):
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    return safe, weight[safe] * valid


def _nll_weighted(logp, target, weight, reduction="mean", ignore_index=-100):
    safe, w = _nll_weights(target, weight, ignore_index)
    picked = logp[safe] if logp.ndim == 1 else np.take_along_axis(logp, safe[:, None], 1)[:, 0]
    loss = (-(w * picked)).astype(logp.dtype)
    if reduction == "mean":  # PyTorch divides by the total weight of the counted targets
        return np.asarray(np.sum(loss, dtype=logp.dtype) / np.sum(w, dtype=logp.dtype),
                          dtype=logp.dtype)
    return _reduce(loss, reduction)


def _nll_weighted_vjp(g, o, logp, target, weight, reduction="mean", ignore_index=-100):
    g = _arrays_only(g, "nll_loss")
    safe, w = _nll_weights(target, weight, ignore_index)
    mask = np.zeros(logp.shape, dtype=logp.dtype)
    if logp.ndim == 1:
        mask[safe] = -w
    else:
        np.put_along_axis(mask, safe[:, None], -w[:, None], axis=1)
    total = np.sum(w, dtype=logp.dtype)
    if reduction == "mean" and total:  # no counted target: torch's grad stays all zeros
        mask = mask / total
    if reduction == "none" and logp.ndim == 2:
        g = g[:, None]
    return (g * mask).astype(logp.dtype)


op("nll_loss_weighted", "NllLossBackward0", _nll_weighted, _nll_weighted_vjp,
   formulas=("-grad * weight[target] at the target class [/ total weight]",),
   dtype_rule="same")
op("div_scalar", "DivBackward1", lambda a, s: a / s, lambda g, o, a, s: D.div(g, s), None,
   formulas=("grad / other",), saves=False, dtype_rule="float", scalar_overload=True)
# mul_scalar (MulBackward1) is backward_ops.py's row
# x.transpose_(0, 1) at the end of PyTorch's batch_first RNN/GRU: the in-place variant's node
op("transpose_inplace", "TransposeBackward1", lambda a, dim0, dim1: np.swapaxes(a, dim0, dim1),
   lambda g, o, a, dim0, dim1: D.transpose(g, dim0=dim0, dim1=dim1),
   formulas=("grad.transpose(dim0, dim1)",), saves=False, dtype_rule="same")
# PyTorch runs a CPU LSTM layer as one oneDNN kernel: its output's node is named so
op("lstm_layer_stack", "MkldnnRnnLayerBackward0", lambda *arrays, dim: np.stack(arrays, axis=dim),
   lambda g, out, *inputs, index, dim: D.select(g, key=(slice(None),) * dim + (index,)),
   formulas=("grad selected along dim",), saves=False, variadic=True)


# F.bilinear's core: out[n, o] = sum_ij x1[n, i] * w[o, i, j] * x2[n, j]
op("trilinear", "TrilinearBackward0", lambda x1, w, x2: np.einsum("ni,oij,nj->no", x1, w, x2),
   lambda g, o, x1, w, x2: np.einsum("no,oij,nj->ni", _arrays_only(g, "bilinear"), w, x2),
   lambda g, o, x1, w, x2: np.einsum("no,ni,nj->oij", _arrays_only(g, "bilinear"), x1, x2),
   lambda g, o, x1, w, x2: np.einsum("no,ni,oij->nj", _arrays_only(g, "bilinear"), x1, w),
   formulas=("grad . weight . input2", "grad (x) input1 (x) input2", "grad . input1 . weight"))

_K_BETA, _K_KAPPA = math.sqrt(2.0) * (2.0 / math.sqrt(math.pi)) * 0.5, 0.044715


def _gelu_tanh_vjp(g, o, a):
    x = raw(a)
    t = np.tanh(_K_BETA * (x + _K_KAPPA * x * x * x))
    left_d = 0.5 * (1 + t)
    right_d = 0.5 * x * (1 - t * t) * _K_BETA * (1 + 3 * _K_KAPPA * x * x)
    return D.mul(g, (left_d + right_d).astype(x.dtype))


op("gelu_tanh", "GeluBackward0",
   lambda a: (0.5 * a * (1 + np.tanh(_K_BETA * (a + _K_KAPPA * a * a * a)))).astype(a.dtype),
   _gelu_tanh_vjp, formulas=("grad * d/dx[gelu_tanh(self)]",), dtype_rule="float")
