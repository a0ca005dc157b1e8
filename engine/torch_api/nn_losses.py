"""torch.nn.functional's loss functions over the op table and engine/ops/nn_layers.py, nn_losses.py, with
PyTorch's argument names, its three cross_entropy forms and its messages."""

import numpy as np

from .. import dtypes
from ..apply import apply, broadcast_shape
from ..errors import runtime, value_error
from ..grad_mode import no_grad
from ..ops import OPS
from ..tensor import Tensor
from .args import Size, _scalar_type, _tensor
from .loss_args import legacy_reduction
from .nn_functional import _shape_str, functional
from .reductions import _reduction_arg
from .registry import FUNCTIONS, NN_FUNCTIONS


@functional("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    reduction = _legacy(size_average, reduce, reduction)
    x = _tensor(input, "binary_cross_entropy_with_logits")
    t = _tensor(target, "binary_cross_entropy_with_logits", "target", 2)
    if weight is not None:
        _tensor(weight, "binary_cross_entropy_with_logits", "weight", 3)
    if pos_weight is not None:
        _tensor(pos_weight, "binary_cross_entropy_with_logits", "pos_weight", 4)
    if x.data.shape != t.data.shape:
        raise value_error(f"Target size ({Size(t.data.shape)}) must be the same as input size "
                          f"({Size(x.data.shape)})")
    return apply(OPS["bce_with_logits"], (x, t), {
        "weight": None if weight is None else weight.data,
        "pos_weight": None if pos_weight is None else pos_weight.data,
        "reduction": _reduction_arg(reduction)})


@functional("smooth_l1_loss")
def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    reduction = _legacy(size_average, reduce, reduction)
    x, t = _tensor(input, "smooth_l1_loss"), _tensor(target, "smooth_l1_loss", "target", 2)
    if beta < 0:
        raise runtime("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:  # torch runs l1_loss: sub, abs, mean (MeanBackward0 <- AbsBackward0)
        broadcast_shape(x.data.shape, t.data.shape)
        return NN_FUNCTIONS["l1_loss"](x, t, reduction=_reduction_arg(reduction))
    broadcast_shape(x.data.shape, t.data.shape)  # PyTorch's message for mismatched shapes
    return apply(OPS["smooth_l1_loss"], (x, t), {"reduction": _reduction_arg(reduction),
                                                 "beta": beta})


@functional("huber_loss")
def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    x, t = _tensor(input, "huber_loss"), _tensor(target, "huber_loss", "target", 2)
    if weight is not None:
        raise NotImplementedError("gradcli: huber_loss's weight")
    broadcast_shape(x.data.shape, t.data.shape)
    return apply(OPS["huber_loss"], (x, t), {"reduction": _reduction_arg(reduction),
                                             "delta": delta})


@functional("kl_div")
def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    reduction = _legacy(size_average, reduce, reduction)
    x, t = _tensor(input, "kl_div"), _tensor(target, "kl_div", "target", 2)
    if reduction not in ("mean", "sum", "none", "batchmean"):
        raise value_error(f"{reduction} is not a valid value for reduction")
    if log_target:
        loss = FUNCTIONS["mul"](FUNCTIONS["exp"](t), FUNCTIONS["sub"](t, x))
    else:
        if t.requires_grad:
            raise NotImplementedError("gradcli: kl_div with a target that requires grad")
        td = t.data
        # torch's xlogy(target, target) (XlogyBackward0 once the op table has xlogy; a
        # constant here, as the target does not require grad); log as the log row computes it
        logt = np.asarray(OPS["log"].forward(np.where(td == 0, 1, td)), dtype=td.dtype)
        xlogy = np.where(td == 0, 0, td * logt).astype(td.dtype)
        loss = FUNCTIONS["sub"](Tensor(xlogy), FUNCTIONS["mul"](t, x))
    if reduction == "batchmean":
        s = FUNCTIONS["sum"](loss)
        return FUNCTIONS["div"](s, x.data.shape[0]) if x.data.ndim else s
    if reduction == "mean":
        return FUNCTIONS["mean"](loss)
    return FUNCTIONS["sum"](loss) if reduction == "sum" else loss


@functional("one_hot")
def one_hot(tensor, num_classes=-1):
    t = _tensor(tensor, "one_hot")
    if t.data.dtype.kind not in "iu":
        raise runtime("one_hot is only applicable to index tensor of type LongTensor.")
    n = int(t.data.max()) + 1 if num_classes == -1 else num_classes
    if t.data.size and (t.data.min() < 0 or t.data.max() >= n):
        raise runtime("Class values must be smaller than num_classes." if t.data.max() >= n
                      else "Class values must be non-negative.")
    return Tensor(np.eye(n, dtype=dtypes.INT64)[t.data])




_legacy = legacy_reduction  # _Reduction.legacy_get_string


_api_nll, _api_ce = FUNCTIONS["nll_loss"], FUNCTIONS["cross_entropy"]


def _nll_target_checks(x, t):
    """nll_loss_nd's batch check, then the kernel's target checks, in torch's order (a 2-D
    target is refused before its dtype; the dtype check names Long or Byte)."""
    xd, td = x.data, t.data
    if xd.ndim < 1 or (xd.ndim != 1 and td.ndim and xd.shape[0] != td.shape[0]):
        return  # api's messages
    if xd.ndim <= 2 and td.ndim > 1:
        raise runtime("0D or 1D target tensor expected, multi-target not supported")
    if td.dtype not in (np.int64, np.uint8):
        raise runtime(f"expected target dtype to be Long or Byte, but got {_scalar_type(td.dtype)}")


@functional("nll_loss")
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """api's nll_loss, plus class weights (the same op name, NllLossBackward0)."""
    reduction = _legacy(size_average, reduce, reduction)
    _nll_target_checks(_tensor(input, "nll_loss"), _tensor(target, "nll_loss", "target", 2))
    if weight is None:
        return _api_nll(input, target, ignore_index=ignore_index, reduction=reduction)
    with no_grad():  # api's checks (shapes, dtype, bounds) and their messages
        _api_nll(Tensor(input.data), target, ignore_index=ignore_index, reduction=reduction)
    w = _tensor(weight, "nll_loss", "weight", 3)
    c = input.data.shape[-1] if input.data.ndim else 0
    if w.data.shape != (c,):
        raise runtime(f"weight tensor should be defined either for all {c} classes or no "
                      f"classes but got weight tensor of shape: {_shape_str(w.data.shape)}")
    return apply(OPS["nll_loss_weighted"], (input,), {
        "target": target.data, "weight": w.data.astype(input.data.dtype),
        "reduction": _reduction_arg(reduction), "ignore_index": ignore_index})


@functional("cross_entropy")
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """PyTorch's three forms: class indices (nll_loss of log_softmax), the same mixed
    with label smoothing, and class-probability targets (composites, as PyTorch's C++)."""
    reduction = _legacy(size_average, reduce, reduction)
    x, t = _tensor(input, "cross_entropy"), _tensor(target, "cross_entropy", "target", 2)
    if not 0.0 <= label_smoothing <= 1.0:
        raise runtime(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    cdim = 1 if x.data.ndim >= 2 else 0
    n_classes = x.data.shape[cdim]
    if weight is not None:
        w = _tensor(weight, "cross_entropy", "weight", 3)
        wview = Tensor(w.data.reshape((-1,) + (1,) * (x.data.ndim - cdim - 1)))
    if t.data.shape == x.data.shape:  # class probabilities (torch's C++ decides by shape)
        if t.data.dtype.kind != "f":
            raise runtime(f"Expected floating point type for target with class probabilities, "
                          f"got {_scalar_type(t.data.dtype)}")
        if ignore_index >= 0:
            raise runtime("ignore_index is not supported for floating point target")
        logp = FUNCTIONS["log_softmax"](x, cdim)
        if label_smoothing > 0:
            t = FUNCTIONS["add"](FUNCTIONS["mul"](t, 1 - label_smoothing),
                                 label_smoothing / n_classes)
        prod = FUNCTIONS["mul"](logp, t)
        if weight is not None:
            prod = FUNCTIONS["mul"](prod, wview)
        r = _reduction_arg(reduction)
        if r == "none":
            return FUNCTIONS["neg"](FUNCTIONS["sum"](prod, cdim))
        total = FUNCTIONS["neg"](FUNCTIONS["sum"](prod))
        if r == "sum":
            return total
        return apply(OPS["div_scalar"], (total, x.data.size / n_classes))
    _nll_target_checks(x, t)
    if weight is None and label_smoothing == 0:
        return _api_ce(x, t, ignore_index=ignore_index, reduction=reduction)
    logp = FUNCTIONS["log_softmax"](x, cdim)
    nll = nll_loss(logp, t, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0:
        return nll
    ignore = t.data == ignore_index
    smooth = FUNCTIONS["mul"](logp, wview) if weight is not None else logp
    smooth = FUNCTIONS["neg"](FUNCTIONS["sum"](smooth, cdim))
    smooth = FUNCTIONS["masked_fill"](smooth, Tensor(ignore), 0.0)  # torch's masked_fill_
    r = _reduction_arg(reduction)
    if r == "mean":
        if weight is not None:
            denom = float(np.sum(w.data[t.data[~ignore]], dtype=x.data.dtype))
        else:
            denom = int((~ignore).sum())
        ret = FUNCTIONS["div"](FUNCTIONS["sum"](smooth), denom)
    else:
        ret = FUNCTIONS["sum"](smooth) if r == "sum" else smooth
    # PyTorch's C++ multiplies by Scalars here (MulBackward1)
    return FUNCTIONS["add"](apply(OPS["mul_scalar"], (nll, 1 - label_smoothing)),
                            apply(OPS["mul_scalar"], (ret, label_smoothing / n_classes)))
