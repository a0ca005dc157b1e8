"""torch.nn.functional's layer functions over the rows of ops/nn_layers.py and nn_losses.py, with PyTorch's argument
names and defaults, its dispatch (hence its grad_fn chain: F.linear on a 1-D input is
unsqueeze -> addmm -> view, as in PyTorch) and its messages for bad shapes.

Registered in registry.NN_FUNCTIONS (torch.nn.functional); where an older, less complete
wrapper had the name (cross_entropy, nll_loss, gelu), this one replaces it everywhere, so
there is one implementation. `FUNCTIONAL` is the same map, read by engine/nn's layers."""

import math

import numpy as np

from ..apply import apply
from ..errors import TorchError, UnsupportedError, index_error, runtime, type_error, value_error
from ..ops import OPS
from ..ops import nn_layers as ops_nn
from ..tensor import Tensor
from .args import Size, _tensor, _type_name
from .indexing import _check_inplace
from .registry import FUNCTIONS, METHODS, NN_FUNCTIONS, torch_fn

FUNCTIONAL: dict = {}


def functional(*names):
    """Register as F.<name>; an existing torch.<name> of the same function is replaced."""
    def deco(fn):
        for n in names:
            FUNCTIONAL[n] = NN_FUNCTIONS[n] = fn
            if n in FUNCTIONS and n in ("cross_entropy", "nll_loss", "gelu"):
                FUNCTIONS[n] = fn
        return fn
    return deco


def _const(data) -> Tensor:
    """A placeholder input that does not require grad (an absent bias): PyTorch lists
    None in next_functions for it."""
    return Tensor(data)


def _tuple(v, n, name="kernel_size"):
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            return tuple(v) * n
        return tuple(int(x) for x in v)
    return (int(v),) * n


def _shape_str(shape) -> str:
    return "[" + ", ".join(map(str, shape)) + "]"


# ---------------------------------------------------------------- linear
@functional("linear")
def linear(input, weight, bias=None):
    x, w = _tensor(input, "linear"), _tensor(weight, "linear", "weight", 2)
    if x.data.ndim == 0 or w.data.ndim == 0:
        raise runtime(f"both arguments to linear need to be at least 1D, but they are "
                      f"{x.data.ndim}D and {w.data.ndim}D")
    wt = apply(OPS["t"], (w,))
    k = x.data.shape[-1]
    lead = x.data.shape[:-1]
    rows = math.prod(lead)
    if k != wt.data.shape[0]:
        raise runtime(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k} and "
                      f"{wt.data.shape[0]}x{wt.data.shape[1]})")
    if x.data.ndim == 2:
        x2 = x
    elif x.data.ndim == 1:
        x2 = apply(OPS["unsqueeze"], (x,), {"dim": 0})
    else:
        x2 = apply(OPS["reshape"], (x,), {"shape": (rows, k)})
    out_shape = lead + (wt.data.shape[1],)
    if bias is not None:
        b = _tensor(bias, "linear", "bias", 3)
        want = (rows, wt.data.shape[1])
        try:
            fits = b.data.ndim <= 2 and np.broadcast_shapes(b.data.shape, want) == want
        except ValueError:
            fits = False
        if not fits:
            raise runtime(f"The expanded size of the tensor ({want[1]}) must match the existing "
                          f"size ({b.data.shape[-1]}) at non-singleton dimension 1.  Target sizes: "
                          f"{_shape_str(want)}.  Tensor sizes: {_shape_str(b.data.shape)}")
        r = apply(OPS["addmm"], (b, x2, wt))
        return r if x.data.ndim == 2 else apply(OPS["reshape"], (r,), {"shape": out_shape})
    r = apply(OPS["mm"], (x2, wt))
    if x.data.ndim == 2:
        return r
    if x.data.ndim == 1:
        return apply(OPS["squeeze_inplace_dims"], (r,), {"dims": (0,)})
    return apply(OPS["unsafe_view"], (r,), {"shape": out_shape})


@torch_fn("addmm", method="addmm")
def addmm(input, mat1, mat2, beta=1, alpha=1):
    if beta != 1 or alpha != 1:
        raise NotImplementedError("gradcli: addmm with beta or alpha other than 1")
    return apply(OPS["addmm"], (_tensor(input, "addmm"), _tensor(mat1, "addmm", "mat1", 2),
                                _tensor(mat2, "addmm", "mat2", 3)))


# ---------------------------------------------------------------- convolution
def _unbatch(x, n_spatial, fname):
    """Unbatched input (C, *spatial): run batched on x.unsqueeze(0) as PyTorch does."""
    if x.data.ndim == n_spatial + 1:
        return apply(OPS["unsqueeze"], (x,), {"dim": 0}), True
    if x.data.ndim != n_spatial + 2:
        raise runtime(f"Expected {n_spatial + 1}D (unbatched) or {n_spatial + 2}D (batched) input "
                      f"to {fname}, but got input of size: {_shape_str(x.data.shape)}")
    return x, False


def _rebatch(out, unbatched):
    return apply(OPS["squeeze_dim"], (out,), {"dim": 0}) if unbatched else out


def _conv(n, input, weight, bias, stride, padding, dilation, groups):
    fname = f"conv{n}d"
    x, w = _tensor(input, fname), _tensor(weight, fname, "weight", 2)
    x, unbatched = _unbatch(x, n, fname)
    stride, dilation = _tuple(stride, n), _tuple(dilation, n)
    kernel = w.data.shape[2:]
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * n
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise runtime("padding='same' is not supported for strided convolutions")
            tot = [d * (k - 1) for d, k in zip(dilation, kernel, strict=True)]
            pads = tuple((t // 2, t - t // 2) for t in tot)
        else:
            raise value_error(f"Invalid padding string '{padding}', should be one of "
                              f"{{'valid', 'same'}}")
    else:
        pads = tuple((p, p) for p in _tuple(padding, n))
    c = x.data.shape[1]
    if w.data.ndim != n + 2 or c != w.data.shape[1] * groups:
        raise runtime(f"Given groups={groups}, weight of size {_shape_str(w.data.shape)}, "
                      f"expected input{_shape_str(x.data.shape)} to have "
                      f"{w.data.shape[1] * groups} channels, but got {c} channels instead")
    if w.data.shape[0] % groups:
        raise runtime(f"Given groups={groups}, expected weight to be divisible by {groups} at "
                      f"dimension 0, but got weight of size {_shape_str(w.data.shape)} instead")
    padded = [s + sum(p) for s, p in zip(x.data.shape[2:], pads, strict=True)]
    eff = [d * (k - 1) + 1 for d, k in zip(dilation, kernel, strict=True)]
    if any(p < e for p, e in zip(padded, eff, strict=True)):
        raise runtime(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))})."
                      f" Kernel size: ({' x '.join(map(str, eff))}). Kernel size can't be greater "
                      f"than actual input size")
    if bias is not None:
        b = _tensor(bias, fname, "bias", 3)
    else:
        b = _const(np.zeros(w.data.shape[0], dtype=w.data.dtype))
    if n == 1:
        stride, dilation, pads = (1,) + stride, (1,) + dilation, ((0, 0),) + pads
    out = apply(OPS["convolution"], (x, w, b),
                {"stride": stride, "padding": pads, "dilation": dilation, "groups": groups,
                 "has_bias": bias is not None})
    return _rebatch(out, unbatched)


@functional("conv1d")
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv(1, input, weight, bias, stride, padding, dilation, groups)


@functional("conv2d")
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv(2, input, weight, bias, stride, padding, dilation, groups)


FUNCTIONS["conv1d"], FUNCTIONS["conv2d"] = conv1d, conv2d


# ---------------------------------------------------------------- pooling
def pool_out_size(size, k, pad, stride, dil, ceil_mode):
    """PyTorch's pooling_output_shape."""
    num = size + 2 * pad - dil * (k - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = num // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def _pool_setup(x, n, kernel_size, stride, padding, dilation, ceil_mode, fname):
    if x.data.ndim not in (n + 1, n + 2):
        raise runtime(f"{fname}: Expected {n + 1}D or {n + 2}D input tensor, but got "
                      f"{_shape_str(x.data.shape)}")
    kernel = _tuple(kernel_size, n)
    stride = _tuple(stride, n) if stride not in (None, [], ()) else kernel
    padding, dilation = _tuple(padding, n), _tuple(dilation, n)
    for p, k, d in zip(padding, kernel, dilation, strict=True):
        if p > (d * (k - 1) + 1) // 2:
            raise runtime(f"pad should be at most half of effective kernel size, but got pad={p}, "
                          f"kernel_size={k} and dilation={d}")
    spatial = x.data.shape[-n:]
    out = tuple(pool_out_size(s, k, p, st, d, ceil_mode) for s, k, p, st, d in
                zip(spatial, kernel, padding, stride, dilation, strict=True))
    if any(o <= 0 for o in out):
        c = x.data.shape[-n - 1]
        raise runtime(f"Given input size: ({c}x{'x'.join(map(str, spatial))}). Calculated output "
                      f"size: ({c}x{'x'.join(map(str, out))}). Output size is too small")
    return kernel, stride, padding, dilation, out


def _to2d(x, n):
    """Pool/conv inputs as (N, C, H, W): 1-D ops unsqueeze a H of 1 (PyTorch's graph)."""
    if n == 1:
        return apply(OPS["unsqueeze"], (x,), {"dim": x.data.ndim - 1})
    return x


def _from2d(out, n):
    if n == 1:
        return apply(OPS["squeeze_dim"], (out,), {"dim": out.data.ndim - 2})
    return out


def _lift(n, vals, one):
    return (one,) + vals if n == 1 else vals


def _max_pool(n, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    fname = f"max_pool{n}d"
    x = _tensor(input, fname)
    kernel, stride, padding, dilation, out_sz = _pool_setup(
        x, n, kernel_size, stride, padding, dilation, ceil_mode, fname)
    x4, unbatched = (apply(OPS["unsqueeze"], (x,), {"dim": 0}), True) \
        if x.data.ndim == n + 1 else (x, False)
    x4 = _to2d(x4, n)
    params = {"kernel": _lift(n, kernel, 1), "stride": _lift(n, stride, 1),
              "padding": _lift(n, padding, 0), "dilation": _lift(n, dilation, 1),
              "out_hw": _lift(n, out_sz, 1)}
    out = _rebatch(_from2d(apply(OPS["max_pool2d"], (x4,), params), n), unbatched)
    if not return_indices:
        return out
    return out, Tensor(_max_indices(x4.data, params, n, unbatched))


def _max_indices(x4, p, n, unbatched):
    """Flat (h * W + w) indices of each window's maximum, as return_indices gives them."""
    xp, win, pad = ops_nn._pool_windows(x4, p["kernel"], p["stride"], p["padding"],
                                        p["dilation"], p["out_hw"], -np.inf)
    k = np.argmax(win.reshape(win.shape[:4] + (-1,)), axis=4)
    kh, kw = np.divmod(k, p["kernel"][1])
    oh = np.arange(p["out_hw"][0])[:, None]
    ow = np.arange(p["out_hw"][1])[None, :]
    h = oh * p["stride"][0] + kh * p["dilation"][0] - pad[0][0]
    w = ow * p["stride"][1] + kw * p["dilation"][1] - pad[1][0]
    idx = (h * x4.shape[3] + w).astype(np.int64)
    if n == 1:
        idx = idx[:, :, 0, :]
    return idx[0] if unbatched else idx


@functional("max_pool1d")
def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


@functional("max_pool2d")
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def _avg_pool(n, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
    fname = f"avg_pool{n}d"
    x = _tensor(input, fname)
    kernel, stride, padding, _, out_sz = _pool_setup(
        x, n, kernel_size, stride, padding, 1, ceil_mode, fname)
    x4, unbatched = (apply(OPS["unsqueeze"], (x,), {"dim": 0}), True) \
        if x.data.ndim == n + 1 else (x, False)
    x4 = _to2d(x4, n)
    params = {"kernel": _lift(n, kernel, 1), "stride": _lift(n, stride, 1),
              "padding": _lift(n, padding, 0), "out_hw": _lift(n, out_sz, 1),
              "count_include_pad": count_include_pad, "divisor_override": divisor_override}
    return _rebatch(_from2d(apply(OPS["avg_pool2d"], (x4,), params), n), unbatched)


@functional("avg_pool1d")
def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    return _avg_pool(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


@functional("avg_pool2d")
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _avg_pool(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def _adaptive(n, input, output_size):
    fname = f"adaptive_avg_pool{n}d"
    x = _tensor(input, fname)
    if x.data.ndim not in (n + 1, n + 2):
        raise runtime(f"{fname}(): Expected {n + 1}D or {n + 2}D tensor, but got "
                      f"{_shape_str(x.data.shape)}")
    spatial = x.data.shape[-n:]
    out = tuple(s if o is None else int(o)
                for s, o in zip(spatial, _tuple(output_size, n), strict=True))
    if n == 2 and out == (1, 1):  # PyTorch takes the mean for a global pool
        return apply(OPS["mean_dim"], (x,), {"dims": (x.data.ndim - 2, x.data.ndim - 1),
                                             "keepdim": True})
    x4, unbatched = (apply(OPS["unsqueeze"], (x,), {"dim": 0}), True) \
        if x.data.ndim == n + 1 else (x, False)
    x4 = _to2d(x4, n)
    r = apply(OPS["adaptive_avg_pool2d"], (x4,), {"out_hw": _lift(n, out, 1)})
    return _rebatch(_from2d(r, n), unbatched)


@functional("adaptive_avg_pool1d")
def adaptive_avg_pool1d(input, output_size):
    return _adaptive(1, input, output_size)


@functional("adaptive_avg_pool2d")
def adaptive_avg_pool2d(input, output_size):
    return _adaptive(2, input, output_size)


# ---------------------------------------------------------------- normalisation
@functional("batch_norm")
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-05):
    x = _tensor(input, "batch_norm")
    for name, pos, t in (("running_mean", 4, running_mean), ("running_var", 5, running_var)):
        if t is not None:  # PyTorch's TypeError, never an AttributeError on .data
            _tensor(t, "batch_norm", name, pos)
    c = x.data.shape[1] if x.data.ndim > 1 else 0
    if training and x.data.size // max(c, 1) <= 1:
        raise value_error(f"Expected more than 1 value per channel when training, got input size "
                          f"{Size(x.data.shape)}")
    dt = x.data.dtype
    w = weight if weight is not None else _const(np.ones(c, dtype=dt))
    b = bias if bias is not None else _const(np.zeros(c, dtype=dt))
    params = {"training": bool(training), "eps": eps}
    if not training:
        if running_mean is None or running_var is None:
            raise runtime("running_mean and running_var must be defined in evaluation mode")
        params["mean"] = running_mean.data
        params["invstd"] = (1 / np.sqrt(running_var.data + np.asarray(eps, dt))).astype(dt)
    out = apply(OPS["batch_norm"], (x, w, b), params)
    if training and running_mean is not None:
        _update_running(x.data, running_mean, running_var, momentum)
    return out


def _update_running(x, running_mean, running_var, momentum):
    """running = (1 - momentum) * running + momentum * batch statistic (unbiased var)."""
    axes = ops_nn._bn_axes(x)
    n = x.size // x.shape[1]
    mean = np.mean(x, axis=axes, dtype=np.float64)
    var = np.sum((x - ops_nn._bc(mean, x)) ** 2, axis=axes) / max(n - 1, 1)
    m = momentum
    running_mean.data[...] = (m * mean + (1 - m) * running_mean.data).astype(running_mean.data.dtype)
    running_var.data[...] = (m * var + (1 - m) * running_var.data).astype(running_var.data.dtype)


@functional("layer_norm")
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    x = _tensor(input, "layer_norm")
    shape = tuple(_tuple(normalized_shape, 1))
    k = len(shape)
    if x.data.shape[x.data.ndim - k:] != shape or x.data.ndim < k:
        raise runtime(f"Given normalized_shape={_shape_str(shape)}, expected input with shape "
                      f"[*, {', '.join(map(str, shape))}], but got input of size"
                      f"{_shape_str(x.data.shape)}")
    dt = x.data.dtype
    w = weight if weight is not None else _const(np.ones(shape, dtype=dt))
    b = bias if bias is not None else _const(np.zeros(shape, dtype=dt))
    return apply(OPS["layer_norm"], (x, w, b), {"k": k, "eps": eps})


@functional("dropout")
def dropout(input, p=0.5, training=True, inplace=False):
    x = _tensor(input, "dropout")
    if p < 0 or p > 1:
        raise value_error(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or x.data.size == 0:
        return x
    noise = Tensor(np.empty_like(x.data))
    bernoulli_ = METHODS.get("bernoulli_")
    if bernoulli_ is not None:  # PyTorch's own draws (engine/rng)
        from ..rng import distributions

        distributions.DROPOUT_NOISE[0] = noise  # under vmap: batched like the input
        try:
            bernoulli_(noise, 1 - p)
        finally:
            distributions.DROPOUT_NOISE[0] = None
    else:  # until engine/rng provides bernoulli_: numpy's draws, not PyTorch's
        from .api import _rng

        noise.data[...] = _rng[0].random(x.data.shape) < (1 - p)
    if p == 1:
        noise.data[...] = 0
    else:
        noise.data /= np.asarray(1 - p, dtype=noise.data.dtype)
    return apply(OPS["mul"], (x, noise))


@functional("embedding")
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    idx, w = _tensor(input, "embedding"), _tensor(weight, "embedding", "weight", 2)
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError("gradcli: embedding's max_norm, scale_grad_by_freq and sparse")
    if idx.data.dtype.kind not in "iu":
        raise runtime(f"Expected tensor for argument #1 'indices' to have one of the following "
                      f"scalar types: Long, Int; but got torch.{idx.data.dtype.name.capitalize()}"
                      f"Tensor instead (while checking arguments for embedding)")
    rows = w.data.shape[0]
    if idx.data.size and (idx.data.min() < 0 or idx.data.max() >= rows):
        raise index_error("index out of range in self")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += rows
    return apply(OPS["embedding"], (w,), {"indices": idx.data, "padding_idx": padding_idx})


@functional("pad")
def pad(input, pad, mode="constant", value=None):
    x = _tensor(input, "pad")
    if len(pad) % 2:
        raise runtime("Padding length must be divisible by 2")
    if len(pad) // 2 > x.data.ndim:
        raise runtime("Padding length should be less than or equal to two times the input "
                      "dimension but got padding length " + f"{len(pad)} and input of dimension "
                      f"{x.data.ndim}")
    k = len(pad) // 2
    pads = [(0, 0)] * (x.data.ndim - k) + [(pad[2 * i], pad[2 * i + 1]) for i in range(k)][::-1]
    if mode == "constant":
        return apply(OPS["constant_pad"], (x,), {"pads": tuple(pads),
                                                 "value": 0.0 if value is None else value})
    if mode in ("reflect", "replicate"):
        if x.data.ndim not in (k + 1, k + 2):
            raise NotImplementedError(f"Padding size {len(pad)} is not supported for "
                                      f"{x.data.ndim}D input tensor.")
        name = ("reflection" if mode == "reflect" else "replication") + f"_pad{k}d"
        return apply(OPS[name], (x,), {"pads": tuple(pads)})
    raise NotImplementedError(f"gradcli: F.pad mode '{mode}'")


# ---------------------------------------------------------------- activations
def _no_inplace(fname, x, inplace):
    """inplace=True: PyTorch's error on a leaf that requires grad, else refused by name
    (never computed out of place as if the flag were not given)."""
    if inplace:
        _check_inplace(x)
        raise UnsupportedError(f"{fname}(): inplace=True is not supported by gradcli")
    return x


def _elu_input(fname, input, inplace):
    """elu's kernel exists for floating dtypes only (PyTorch's NotImplementedError)."""
    x = _no_inplace(fname, _tensor(input, fname), inplace)
    if x.data.dtype.kind != "f":
        name = {"b": "Bool", "i": "Long"}.get(x.data.dtype.kind, str(x.data.dtype))
        raise TorchError(f'"elu_cpu" not implemented for \'{name}\'',
                         type_name="NotImplementedError")
    return x


@functional("elu")
def elu(input, alpha=1.0, inplace=False):
    x = _elu_input("elu", input, inplace)
    return apply(OPS["elu"], (x,), {"alpha": alpha})


@functional("gelu")
def gelu(input, *, approximate="none"):
    if not isinstance(approximate, str):  # PyTorch's argument parser's TypeError
        raise type_error(f"gelu(): argument 'approximate' must be str, not "
                         f"{_type_name(approximate)}")
    if approximate == "tanh":
        return apply(OPS["gelu_tanh"], (_tensor(input, "gelu"),))
    if approximate != "none":
        raise runtime("approximate argument must be either none or tanh.")
    return apply(OPS["gelu"], (_tensor(input, "gelu"),))


@functional("bilinear")
def bilinear(input1, input2, weight, bias=None):
    x1, x2 = _tensor(input1, "bilinear"), _tensor(input2, "bilinear", "input2", 2)
    w = _tensor(weight, "bilinear", "weight", 3)
    if x1.data.shape[:-1] != x2.data.shape[:-1]:
        raise runtime("bilinear(): input batch dimensions do not match: got "
                      f"{_shape_str(x1.data.shape[:-1])} and {_shape_str(x2.data.shape[:-1])}")
    if w.data.ndim != 3 or w.data.shape[1:] != (x1.data.shape[-1], x2.data.shape[-1]):
        raise runtime(f"bilinear(): weight size does not match input sizes: got weight of size "
                      f"{_shape_str(w.data.shape)}, input1 of size {_shape_str(x1.data.shape)}"
                      f" and input2 of size {_shape_str(x2.data.shape)}")
    flat1 = apply(OPS["reshape"], (x1,), {"shape": (-1 if x1.data.size else 0,
                                                   x1.data.shape[-1])})
    flat2 = apply(OPS["reshape"], (x2,), {"shape": (-1 if x2.data.size else 0,
                                                   x2.data.shape[-1])})
    out = apply(OPS["trilinear"], (flat1, w, flat2))
    out = apply(OPS["reshape"], (out,), {"shape": x1.data.shape[:-1] + (w.data.shape[0],)})
    return out if bias is None else FUNCTIONS["add"](out, bias)


@functional("selu")
def selu(input, inplace=False):
    return apply(OPS["elu"], (_elu_input("selu", input, inplace),),
                 {"alpha": 1.6732632423543772848170429916717,
                  "scale": 1.0507009873554804934193349852946})


@functional("hardtanh")
def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    return apply(OPS["hardtanh"], (_no_inplace("hardtanh", _tensor(input, "hardtanh"), inplace),),
                 {"min_val": min_val, "max_val": max_val})


@functional("relu6")
def relu6(input, inplace=False):
    return hardtanh(_no_inplace("relu6", _tensor(input, "relu6"), inplace), 0.0, 6.0)


@functional("logsigmoid")
def logsigmoid(input):
    return apply(OPS["logsigmoid"], (_tensor(input, "logsigmoid"),))


for _name in ("relu", "leaky_relu", "softplus", "sigmoid", "tanh", "softmax",
              "log_softmax", "mse_loss", "l1_loss", "binary_cross_entropy", "cross_entropy",
              "nll_loss"):
    FUNCTIONAL.setdefault(_name, NN_FUNCTIONS.get(_name) or FUNCTIONS[_name])
FUNCTIONAL.setdefault("silu", NN_FUNCTIONS["silu"])  # a generated row wrapper

