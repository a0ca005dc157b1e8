"""torch.nn.functional's losses of issue 18: soft_margin_loss and multi_margin_loss over
their rows (engine/ops/nn_losses_more.py), the others built as PyTorch builds them, so the
grad_fn chain and the float32 steps are its own: margin_ranking, hinge_embedding,
cosine_embedding, triplet_margin and poisson_nll from Loss.cpp's composites (their
Tensor-Scalar steps are AddBackward1 / SubBackward1 / MulBackward1 nodes), gaussian_nll and
multilabel_soft_margin from torch/nn/functional.py's Python (Python scalars: Backward0)."""

import math

import numpy as np

from ..apply import apply, broadcast_shape
from ..errors import runtime, type_error, value_error
from ..grad_mode import is_enabled as is_grad_enabled
from ..grad_mode import no_grad
from ..ops import OPS
from ..tensor import Tensor
from .args import Size, _tensor
from .nn_functional import _shape_str, functional
from .nn_losses import _legacy
from .reductions import _reduction_arg
from .registry import FUNCTIONS, NN_FUNCTIONS

_EPSILON = 1e-12  # Loss.cpp's EPSILON (cosine_embedding_loss's magnitudes)


def _f(name):
    return FUNCTIONS[name]


def _scalar(opname, t, value):
    """C++'s Tensor op Scalar: one node of its own (AddBackward1, SubBackward1, MulBackward1)."""
    return apply(OPS[opname], (t,), {"other": value}) if opname != "mul_scalar" else \
        apply(OPS["mul_scalar"], (t, value))


def _clamp_min0(t):
    return apply(OPS["clamp_min"], (t,), {"min": 0.0})


def _apply_reduction(loss, reduction):
    """Loss.cpp's apply_loss_reduction: unreduced.mean() / .sum()."""
    if reduction == "mean":
        return _f("mean")(loss)
    return _f("sum")(loss) if reduction == "sum" else loss


def _zeros_like(t):
    return Tensor(np.zeros_like(t.data))


def _not_differentiable(fname, arg, t):
    if isinstance(t, Tensor) and t.requires_grad and is_grad_enabled():
        raise runtime(f"The function '{fname}' is not differentiable with respect to argument "
                      f"'{arg}'. This input cannot have requires_grad True.")


# ---------------------------------------------------------------- kernels of their own
@functional("soft_margin_loss")
def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    x = _tensor(input, "soft_margin_loss")
    t = _tensor(target, "soft_margin_loss", "target", 2)
    reduction = _reduction_arg(_legacy(size_average, reduce, reduction))
    _not_differentiable("soft_margin_loss", "target", t)
    shape = broadcast_shape(x.data.shape, t.data.shape)
    if shape != x.data.shape:  # the loss is written into an input-shaped output
        raise runtime(f"output with shape {_shape_str(x.data.shape)} doesn't match the "
                      f"broadcast shape {_shape_str(shape)}")
    if x.data.dtype.kind != "f":
        raise runtime(f"result type Float can't be cast to the desired output type "
                      f"{_dtype_word(x.data.dtype)}")
    return apply(OPS["soft_margin_loss"], (x,), {"target": t.data, "reduction": reduction})


def _dtype_word(dtype):
    return {"b": "Bool", "u": "Byte"}.get(np.dtype(dtype).kind, {1: "Char", 2: "Short", 4: "Int",
                                                               8: "Long"}.get(np.dtype(dtype).itemsize))


def _float_word(dtype):
    return {2: "Half", 4: "Float", 8: "Double"}[np.dtype(dtype).itemsize]


@functional("multi_margin_loss")
def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    x = _tensor(input, "multi_margin_loss")
    t = _tensor(target, "multi_margin_loss", "target", 2)
    reduction = _reduction_arg(_legacy(size_average, reduce, reduction))
    if p != 1 and p != 2:
        raise value_error("only p == 1 and p == 2 supported")
    if weight is not None:
        weight = _tensor(weight, "multi_margin_loss", "weight", 5)
        if weight.data.ndim != 1:
            raise value_error("weight must be one-dimensional")
    nd = x.data.ndim
    if not ((nd == 2 and x.data.shape[1]) or (nd == 1 and x.data.shape[0]) or nd == 0):
        raise runtime("Expected non-empty vector or matrix with optional 0-dim batch size, but "
                      f"got: {_shape_str(x.data.shape)}")
    nframe, dim = (1, x.data.shape[0] if nd else 1) if nd <= 1 else x.data.shape
    if t.data.ndim > 1 or t.data.size != nframe:
        raise runtime("multi_margin_loss: target tensor should be 1-D with size equal to the "
                      f"number of input samples (batch size). Expected target size [{nframe}], "
                      f"but got {_shape_str(t.data.shape)}. Input has shape "
                      f"{_shape_str(x.data.shape)}.")
    if weight is not None and weight.data.size != dim:
        raise runtime(f"inconsistent weight size, expected {dim} but got "
                      f"{_shape_str(weight.data.shape)}")
    if x.data.dtype.kind != "f":
        raise runtime_nie(f'"multi_margin_loss_cpu_kernel" not implemented for '
                          f"'{_dtype_word(x.data.dtype)}'")
    if t.data.dtype != np.int64:
        raise runtime(f"expected scalar type Long but found {_any_word(t.data.dtype)}")
    if weight is not None and weight.data.dtype != x.data.dtype:
        raise runtime(f"expected scalar type {_float_word(x.data.dtype)} but found "
                      f"{_any_word(weight.data.dtype)}")
    if x.data.size and (t.data.min() < 0 or t.data.max() >= dim):
        raise runtime("target out of range")
    _not_differentiable("multi_margin_loss", "weight", weight)
    return apply(OPS["multi_margin_loss"], (x,), {
        "target": t.data, "p": int(p), "margin": float(margin),
        "weight": None if weight is None else weight.data, "reduction": reduction})


def _any_word(dtype):
    return _float_word(dtype) if np.dtype(dtype).kind == "f" else _dtype_word(dtype)


def runtime_nie(msg):
    from ..errors import TorchError

    return TorchError(msg, type_name="NotImplementedError")


# ---------------------------------------------------------------- Loss.cpp composites
@functional("margin_ranking_loss")
def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    a = _tensor(input1, "margin_ranking_loss", "input1", 1)
    b = _tensor(input2, "margin_ranking_loss", "input2", 2)
    t = _tensor(target, "margin_ranking_loss", "target", 3)
    reduction = _reduction_arg(_legacy(size_average, reduce, reduction))
    if not a.data.ndim == b.data.ndim == t.data.ndim:
        raise runtime(f"margin_ranking_loss : All input tensors should have same dimension but "
                      f"got sizes: input1: {Size(a.data.shape)}, input2: {Size(b.data.shape)}, "
                      f"target: {Size(t.data.shape)} ")
    # (-target * (input1 - input2) + margin).clamp_min_(0)
    loss = _f("mul")(_f("neg")(t), _f("sub")(a, b))
    loss = _clamp_min0(_scalar("add_scalar", loss, margin))
    return _apply_reduction(loss, reduction)


@functional("hinge_embedding_loss")
def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    x = _tensor(input, "hinge_embedding_loss")
    t = _tensor(target, "hinge_embedding_loss", "target", 2)
    reduction = _reduction_arg(_legacy(size_average, reduce, reduction))
    zeros = _zeros_like(x)
    margin_clamp = _clamp_min0(_f("sub")(margin, x))
    output_margin = _f("where")(Tensor(t.data != 1), margin_clamp, zeros)
    output_self = _f("where")(Tensor(t.data != -1), x, zeros)
    return _apply_reduction(_f("add")(output_margin, output_self), reduction)


@functional("cosine_embedding_loss")
def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    a = _tensor(input1, "cosine_embedding_loss", "input1", 1)
    b = _tensor(input2, "cosine_embedding_loss", "input2", 2)
    t = _tensor(target, "cosine_embedding_loss", "target", 3)
    reduction = _reduction_arg(_legacy(size_average, reduce, reduction))
    td = t.data.ndim
    if td not in (0, 1):
        raise runtime("0D or 1D target tensor expected, multi-target not supported")
    want = 2 if td == 1 else 1
    if a.data.ndim != want:
        raise runtime(f"{td}D target tensor expects {want}D input tensors, but found inputs with "
                      f"sizes {_shape_str(a.data.shape)} and {_shape_str(b.data.shape)}.")
    prod_sum = _f("sum")(_f("mul")(a, b), td)
    mag1 = _scalar("add_scalar", _f("sum")(_f("mul")(a, a), td), _EPSILON)
    mag2 = _scalar("add_scalar", _f("sum")(_f("mul")(b, b), td), _EPSILON)
    cos = _f("div")(prod_sum, _f("sqrt")(_f("mul")(mag1, mag2)))
    zeros = _zeros_like(cos)
    pos = _f("sub")(1, cos)
    neg = _clamp_min0(_scalar("sub_scalar", cos, margin))
    output_pos = _f("where")(Tensor(t.data == 1), pos, zeros)
    output_neg = _f("where")(Tensor(t.data == -1), neg, zeros)
    return _apply_reduction(_f("add")(output_pos, output_neg), reduction)


def _pairwise_distance(x1, x2, p, eps):
    """at::pairwise_distance: norm(x1 - x2 + eps, p, innermost dim) (NormBackward1)."""
    d = _scalar("add_scalar", _f("sub")(x1, x2), eps)
    nd = max(x1.data.ndim, x2.data.ndim)
    dims = (nd - 1,) if nd else None
    return apply(OPS["norm_scalaropt_dim"], (d,), {"ord": float(p), "dims": dims,
                                                   "keepdim": False})


@functional("triplet_margin_loss")
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    a = _tensor(anchor, "triplet_margin_loss", "anchor", 1)
    pos = _tensor(positive, "triplet_margin_loss", "positive", 2)
    neg = _tensor(negative, "triplet_margin_loss", "negative", 3)
    reduction = _reduction_arg(_legacy(size_average, reduce, reduction))
    if margin <= 0:
        raise value_error(f"margin must be greater than 0, got {margin}")
    if not a.data.ndim == pos.data.ndim == neg.data.ndim:
        raise runtime(f"The anchor, positive, and negative tensors are expected to have the same "
                      f"number of dimensions, but got: anchor {a.data.ndim}D, positive "
                      f"{pos.data.ndim}D, and negative {neg.data.ndim}D inputs")
    dist_pos = _pairwise_distance(a, pos, p, eps)
    dist_neg = _pairwise_distance(a, neg, p, eps)
    if swap:
        dist_neg = _f("minimum")(dist_neg, _pairwise_distance(pos, neg, p, eps))
    loss = _clamp_min0(_f("sub")(_scalar("add_scalar", dist_pos, margin), dist_neg))
    return _apply_reduction(loss, reduction)


@functional("poisson_nll_loss")
def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    x = _tensor(input, "poisson_nll_loss")
    t = _tensor(target, "poisson_nll_loss", "target", 2)
    reduction = _reduction_arg(_legacy(size_average, reduce, reduction))
    if log_input:
        loss = _f("sub")(_f("exp")(x), _f("mul")(t, x))
    else:
        loss = _f("sub")(x, _f("mul")(t, _f("log")(_scalar("add_scalar", x, eps))))
    if full:
        # target * log(target) - target + 0.5 * log(2 * pi * target), 0 where target <= 1
        stirling = _f("sub")(_f("mul")(t, _f("log")(t)), t)
        stirling = _f("add")(stirling, _scalar("mul_scalar", _f("log")(
            _scalar("mul_scalar", t, 2 * math.pi)), 0.5))
        loss = _f("add")(loss, _f("masked_fill")(stirling, Tensor(t.data <= 1), 0))
    return _apply_reduction(loss, reduction)


# ---------------------------------------------------------------- functional.py's Python
_ANY_BOOL = ("any() received an invalid combination of arguments - got (bool), but expected "
             "one of:\n * (Tensor input, *, Tensor out = None)\n * (Tensor input, tuple of ints "
             "dim = None, bool keepdim = False, *, Tensor out = None)\n * (Tensor input, int dim, "
             "bool keepdim = False, *, Tensor out = None)\n")


@functional("gaussian_nll_loss")
def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    x = _tensor(input, "gaussian_nll_loss")
    t = _tensor(target, "gaussian_nll_loss", "target", 2)
    if isinstance(var, float):
        if var < 0:
            raise value_error("var has negative entry/entries")
        var = Tensor(np.full(x.data.shape, var, dtype=x.data.dtype))  # var * ones_like(input)
    elif not isinstance(var, Tensor):
        raise type_error(_ANY_BOOL)  # torch.any(var < 0) on a Python int or bool
    elif np.any(var.data < 0):
        raise value_error("var has negative entry/entries")
    xs, vs = x.data.shape, var.data.shape
    if vs != xs:
        if xs[:-1] == vs:
            var = _f("unsqueeze")(var, -1)
        elif len(xs) != len(vs) or sum(y for a, y in zip(xs, vs, strict=True) if a != y) != 1:
            raise value_error("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise value_error(f"{reduction} is not valid")
    var = _f("clone")(var)
    with no_grad():  # var.clamp_(min=eps): the saved var is the clamped one
        var.data = np.maximum(var.data, np.asarray(eps, dtype=var.data.dtype)).astype(var.data.dtype)
    loss = 0.5 * (_f("log")(var) + (x - t) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    if reduction == "mean":
        return _f("mean")(loss)
    return _f("sum")(loss) if reduction == "sum" else loss


@functional("multilabel_soft_margin_loss")
def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    x = _tensor(input, "multilabel_soft_margin_loss")
    t = _tensor(target, "multilabel_soft_margin_loss", "target", 2)
    reduction = _legacy(size_average, reduce, reduction)
    logsigmoid = NN_FUNCTIONS["logsigmoid"]
    loss = -(t * logsigmoid(x) + (1 - t) * logsigmoid(-x))
    if weight is not None:
        loss = loss * weight
    class_dim = x.data.ndim - 1
    c = x.data.shape[class_dim] if x.data.ndim else 1
    loss = _f("sum")(loss, class_dim) / c
    if reduction == "none":
        return loss
    if reduction == "mean":
        return _f("mean")(loss)
    if reduction == "sum":
        return _f("sum")(loss)
    raise value_error(f"{reduction} is not valid")


_api_bce = FUNCTIONS["binary_cross_entropy"]


@functional("binary_cross_entropy")
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """api's binary_cross_entropy, plus functional.py's weight (expanded to the target's
    size) multiplied into the loss and its gradients (still BinaryCrossEntropyBackward0)."""
    reduction = _legacy(size_average, reduce, reduction)
    input = _tensor(input, "binary_cross_entropy")
    target = _tensor(target, "binary_cross_entropy", "target", 2)
    if weight is None:
        return _api_bce(input, target, reduction=reduction)
    with no_grad():  # api's checks and their messages
        _api_bce(Tensor(input.data), Tensor(target.data), reduction=reduction)
    w = _tensor(weight, "binary_cross_entropy", "weight", 3)
    ts, ws = target.data.shape, w.data.shape
    for k in range(1, len(ws) + 1):  # weight.expand(_infer_size(target.size(), weight.size()))
        if k <= len(ts) and ws[-k] != 1 and ws[-k] != ts[-k]:
            raise runtime(f"Attempting to broadcast a dimension of length {ws[-k]} at {-k}! "
                          f"Mismatching argument at index 1 had {Size(ws)}; but expected shape "
                          f"should be broadcastable to {_shape_str(ts)}")
    shape = np.broadcast_shapes(ts, ws)
    if shape != input.data.shape:
        raise runtime(f"output with shape {_shape_str(input.data.shape)} doesn't match the "
                      f"broadcast shape {_shape_str(shape)}")
    _not_differentiable("binary_cross_entropy", "weight", w)
    return apply(OPS["binary_cross_entropy_weighted"], (input, target), {
        "weight": w.data.astype(input.data.dtype), "reduction": _reduction_arg(reduction)})


def _with_legacy(name):
    """api's mse_loss / l1_loss with functional.py's legacy size_average / reduce honoured
    (api's own definitions accept and drop them)."""
    api_fn = FUNCTIONS[name]

    def loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
        if weight is not None:
            raise NotImplementedError(f"gradcli: {name}'s weight")
        return api_fn(input, target, reduction=_legacy(size_average, reduce, reduction))
    loss.__name__ = name
    return functional(name)(loss)


mse_loss = _with_legacy("mse_loss")
l1_loss = _with_legacy("l1_loss")
