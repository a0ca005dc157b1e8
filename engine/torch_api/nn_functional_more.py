"""torch.nn.functional's layer functions of issue 18 (glu, prelu, rrelu, normalize,
group_norm, instance_norm, conv_transpose1d/2d, adaptive_max_pool2d, interpolate,
cosine_similarity, pairwise_distance, pdist, unfold, pixel_shuffle, pixel_unshuffle) over
the rows of ops/nn_layers_more.py, with PyTorch's argument names and defaults, its
dispatch (so its grad_fn chain: F.normalize is norm -> clamp_min -> expand -> div,
F.instance_norm is view -> batch_norm -> view) and its messages for bad arguments."""

import math

import numpy as np

from .. import dtypes
from ..apply import apply
from ..errors import TorchError, index_error, runtime, type_error, value_error
from ..ops import OPS
from ..rng import generator as rng_generator
from ..tensor import Tensor
from . import nn_functional as base
from .args import Size, _dim, _scalar_type, _tensor
from .registry import FUNCTIONS, METHODS

functional = base.functional
_shape_str = base._shape_str


def _not_implemented(msg: str) -> TorchError:
    """PyTorch's own NotImplementedError (a kernel missing for a dtype, a bad mode)."""
    return TorchError(msg, type_name="NotImplementedError")


def _float_only(x: Tensor, kernel: str):
    if x.data.dtype.kind not in "f":
        raise _not_implemented(f'"{kernel}" not implemented for '
                               f"'{_scalar_type(x.data.dtype)}'")


def _pair(v, n=2):
    if isinstance(v, (tuple, list)):
        return tuple(int(x) for x in v) if len(v) != 1 else (int(v[0]),) * n
    return (int(v),) * n


# ---------------------------------------------------------------- activations
@functional("glu")
def glu(input, dim=-1):
    x = _tensor(input, "glu")
    if x.data.ndim == 0:
        raise runtime("glu does not support scalars because halving size must be even")
    d = _dim(dim, x.data.ndim)
    if x.data.shape[d] % 2:
        raise runtime(f"Halving dimension must be even, but dimension {d} is size "
                      f"{x.data.shape[d]}")
    _float_only(x, "glu_cpu")
    return apply(OPS["glu"], (x,), {"dim": d})


@functional("prelu")
def prelu(input, weight):
    x, w = _tensor(input, "prelu"), _tensor(weight, "prelu", "weight", 2)
    if x.data.dtype != w.data.dtype:
        raise runtime(f"prelu: Type promoting not supported. Got "
                      f"{_scalar_type(x.data.dtype)} and {_scalar_type(w.data.dtype)}")
    nd = x.data.ndim
    if w.data.size != 1:
        if nd == 0:
            raise runtime("Not allow zero-dim input tensor.")
        channels = x.data.shape[1] if nd > 1 else 1
        if channels != w.data.size:
            raise runtime(f"Mismatch of parameter numbers and input channel size. Found parameter "
                          f"numbers = {w.data.size} and channel size = {channels}.")
    if w.data.ndim > 1:
        raise runtime(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = "
                      f"{w.data.ndim}")
    _float_only(x, "prelu_cpu")
    if nd != w.data.ndim:  # weight viewed to broadcast over the channel dim (ViewBackward0)
        shape = [1] * nd
        if nd > 1:
            shape[1] = w.data.size
        w = apply(OPS["reshape"], (w,), {"shape": tuple(shape)})
    return apply(OPS["prelu_kernel"], (x, w))


@functional("rrelu")
def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    x = _tensor(input, "rrelu")
    if inplace:
        raise NotImplementedError("gradcli: F.rrelu with inplace=True is not supported")
    _float_only(x, "leaky_relu_cpu")
    if training:
        return apply(OPS["rrelu_with_noise_train"], (x,), {
            "noise": _rrelu_noise(x.data, lower, upper), "lower": float(lower),
            "upper": float(upper)})
    return apply(OPS["rrelu_with_noise"], (x,), {"lower": float(lower), "upper": float(upper)})


def _rrelu_noise(x, lower, upper):
    """_rrelu_with_noise_train's draws: for each element <= 0 in order, one
    uniform_real_distribution<double>(lower, upper) from the default generator (53 bits of
    random64(), x * (to - from) + from, not contracted to an fma: bit-equal to torch's
    draws in float32 and float64), bounds in the op's math type; 1 elsewhere."""
    gen = rng_generator.get(None)
    neg = (x <= 0).reshape(-1)
    lo, hi = (float(x.dtype.type(v)) for v in (lower, upper))
    noise = np.ones(x.size, dtype=x.dtype)
    k = int(neg.sum())
    if k:
        u = (gen.random64(k) & np.uint64((1 << 53) - 1)).astype(np.float64) * 2.0 ** -53
        noise[neg] = (u * (hi - lo) + lo).astype(x.dtype)
    return noise.reshape(x.shape)


# ---------------------------------------------------------------- normalisation
@functional("normalize")
def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    x = _tensor(input, "normalize")
    if out is not None:
        raise NotImplementedError("gradcli: F.normalize's out= is not supported")
    denom = METHODS["norm"](x, p, dim, keepdim=True)
    denom = apply(OPS["clamp_min"], (denom,), {"min": eps})
    denom = METHODS["expand_as"](denom, x)
    return FUNCTIONS["div"](x, denom)


@functional("group_norm")
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    x = _tensor(input, "group_norm")
    if not isinstance(num_groups, int) or isinstance(num_groups, bool):
        raise type_error(f"group_norm(): argument 'num_groups' (position 2) must be int, not "
                         f"{type(num_groups).__name__}")
    weight = None if weight is None else _tensor(weight, "group_norm", "weight", 3)
    bias = None if bias is None else _tensor(bias, "group_norm", "bias", 4)
    shape = x.data.shape
    if x.data.ndim < 2:
        raise runtime(f"Expected at least 2 dimensions for input tensor but received "
                      f"{x.data.ndim}")
    if num_groups == 0:
        raise TorchError("integer division or modulo by zero", type_name="ZeroDivisionError")
    size = [shape[0] * shape[1] // num_groups, num_groups] + list(shape[2:])
    if size[0] * math.prod(size[2:]) == 1:
        raise value_error(f"Expected more than 1 value per channel when training, got input "
                          f"size {size}")
    c = shape[1]
    if c % num_groups:
        raise runtime(f"Expected number of channels in input to be divisible by num_groups, but "
                      f"got input of shape {_shape_str(shape)} and num_groups={num_groups}")
    # PyTorch's bias message prints the weight's shape ([0] when there is no weight)
    wshape = _shape_str(weight.data.shape) if weight is not None else "[0]"
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.data.ndim != 1 or t.data.size != c):
            raise runtime(f"Expected {name} to be a vector of size equal to the number of "
                          f"channels in input, but got {name} of shape {wshape} and input of "
                          f"shape {_shape_str(shape)}")
    _float_only(x, "GroupNormKernelImpl")
    dt = x.data.dtype
    w = weight if weight is not None else base._const(np.ones(c, dtype=dt))
    b = bias if bias is not None else base._const(np.zeros(c, dtype=dt))
    return apply(OPS["group_norm"], (x, w, b), {"groups": int(num_groups), "eps": float(eps)})


@functional("instance_norm")
def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-05):
    x = _tensor(input, "instance_norm")
    running_mean, running_var, weight, bias = (
        None if t is None else _tensor(t, "instance_norm", name, i + 2)
        for i, (name, t) in enumerate((("running_mean", running_mean),
                                       ("running_var", running_var), ("weight", weight),
                                       ("bias", bias))))
    shape = x.data.shape
    if use_input_stats and math.prod(shape[2:]) == 1:
        raise value_error(f"Expected more than 1 spatial element when training, got input size "
                          f"{Size(shape)}")
    if not use_input_stats and (running_mean is None or running_var is None):
        raise runtime("Expected running_mean and running_var to be defined when use_input_stats "
                      "is false")
    if x.data.ndim < 2:
        raise index_error(f"Dimension out of range (expected to be in range of "
                          f"[{-max(x.data.ndim, 1)}, {max(x.data.ndim, 1) - 1}], but got 1)")
    n, c = shape[0], shape[1]
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                    ("running_var", running_var)):
        if t is not None and t.data.size * n != n * c:
            raise runtime(f"{name} should contain {n * c} elements not {t.data.size * n}")
    _float_only(x, "batch_norm")
    flat = apply(OPS["reshape"], (x,), {"shape": (1, n * c) + shape[2:]})

    def rep(t):
        return None if t is None else METHODS["repeat"](t, n)
    stats = (Tensor(np.tile(running_mean.data, n)) if running_mean is not None else None,
             Tensor(np.tile(running_var.data, n)) if running_var is not None else None)
    out = base.batch_norm(flat, stats[0], stats[1], rep(weight), rep(bias),
                          bool(use_input_stats), momentum, eps)
    for kept, rep_stat in zip((running_mean, running_var), stats, strict=True):
        if kept is not None and use_input_stats:  # the copies' mean over the batch, back
            kept.data[...] = rep_stat.data.reshape(n, c).mean(axis=0).astype(kept.data.dtype)
    return apply(OPS["reshape"], (out,), {"shape": shape})


# ---------------------------------------------------------------- transposed convolution
def _conv_transpose(n, input, weight, bias, stride, padding, output_padding, groups, dilation):
    fname = f"conv_transpose{n}d"
    x, w = _tensor(input, fname), _tensor(weight, fname, "weight", 2)
    for name, v in (("stride", stride), ("padding", padding), ("output_padding", output_padding),
                    ("dilation", dilation)):
        if isinstance(v, str):
            raise type_error(f"{fname}(): argument '{name}' must be tuple of ints, not str")
    x, unbatched = base._unbatch(x, n, fname)
    stride, padding = _pair(stride, n), _pair(padding, n)
    output_padding, dilation = _pair(output_padding, n), _pair(dilation, n)
    ws = w.data.shape
    if w.data.ndim != n + 2:
        raise runtime(f"Expected {w.data.ndim}-dimensional input for {w.data.ndim}-dimensional "
                      f"weight {_shape_str(ws)}, but got {x.data.ndim}-dimensional input of "
                      f"size {_shape_str(x.data.shape)} instead")
    if ws[0] % groups:
        raise runtime(f"Given groups={groups}, expected weight to be divisible by {groups} at "
                      f"dimension 0, but got weight of size [{_shape_str(ws)}] instead")
    if x.data.shape[1] != ws[0]:
        raise runtime(f"Given transposed=1, weight of size {_shape_str(ws)}, expected "
                      f"input{_shape_str(x.data.shape)} to have {ws[0]} channels, but got "
                      f"{x.data.shape[1]} channels instead")
    cout = ws[1] * groups
    if bias is not None:
        b = _tensor(bias, fname, "bias", 3)
        if b.data.ndim != 1 or b.data.shape[0] != cout:
            raise runtime(f"Given transposed=1, weight of size {_shape_str(ws)}, expected bias to "
                          f"be 1-dimensional with {cout} elements, but got bias of size "
                          f"{_shape_str(b.data.shape)} instead")
    else:
        b = base._const(np.zeros(cout, dtype=w.data.dtype))
    lift = (lambda v, one: (one,) + v) if n == 1 else (lambda v, one: v)
    s2, p2, o2, d2 = lift(stride, 1), lift(padding, 0), lift(output_padding, 0), lift(dilation, 1)
    if any(not (o < s or o < d) for o, s, d in zip(o2, s2, d2, strict=True)):
        raise runtime(f"output padding must be smaller than either stride or dilation, but got "
                      f"output_padding_height: {o2[0]} output_padding_width: {o2[1]} "
                      f"stride_height: {s2[0]} stride_width: {s2[1]} dilation_height: {d2[0]} "
                      f"dilation_width: {d2[1]}")
    spatial = lift(tuple(x.data.shape[2:]), 1)
    kernel = lift(tuple(ws[2:]), 1)
    out_hw = tuple((i - 1) * s - 2 * p + d * (k - 1) + o + 1
                   for i, s, p, d, k, o in zip(spatial, s2, p2, d2, kernel, o2, strict=True))
    if any(o <= 0 for o in out_hw):
        raise runtime(f"Given input size per channel: ({' x '.join(map(str, spatial[2 - n:]))}). "
                      f"Calculated output size per channel: "
                      f"({' x '.join(map(str, out_hw[2 - n:]))}). Output size is too small")
    out = apply(OPS["convolution_transpose"], (x, w, b),
                {"stride": s2, "padding": tuple((p, p) for p in p2), "dilation": d2,
                 "groups": int(groups), "has_bias": bias is not None, "out_hw": out_hw})
    return base._rebatch(out, unbatched)


@functional("conv_transpose1d")
def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return _conv_transpose(1, input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


@functional("conv_transpose2d")
def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return _conv_transpose(2, input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


# ---------------------------------------------------------------- adaptive max pooling
@functional("adaptive_max_pool2d")
def adaptive_max_pool2d(input, output_size, return_indices=False):
    x = _tensor(input, "adaptive_max_pool2d")
    if x.data.ndim not in (3, 4):
        raise runtime(f"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: "
                      f"{_shape_str(x.data.shape)}")
    for d in range(x.data.ndim - 3, x.data.ndim):
        if x.data.shape[d] == 0:
            raise runtime(f"adaptive_max_pool2d(): Expected input to have non-zero size for "
                          f"non-batch dimensions, but input has sizes {_shape_str(x.data.shape)}"
                          f" with dimension {d} being empty")
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * 2
    if len(sizes) != 2:
        raise runtime("adaptive_max_pool2d(): internal error: output_size.size() must be 2")
    out_hw = tuple(s if o is None else int(o) for s, o in zip(x.data.shape[-2:], sizes,
                                                              strict=True))
    _float_only(x, "adaptive_max_pool2d")
    out = apply(OPS["adaptive_max_pool2d"], (x,), {"out_hw": out_hw})
    if not return_indices:
        return out
    from ..ops.nn_layers_more import _adaptive_max_arg
    return out, Tensor(_adaptive_max_arg(x.data, out_hw)[1])


# ---------------------------------------------------------------- interpolate
_UPSAMPLE = {(3, "nearest"): "upsample_nearest1d", (4, "nearest"): "upsample_nearest2d",
             (3, "linear"): "upsample_linear1d", (4, "bilinear"): "upsample_bilinear2d"}
_INT_KERNEL = {"upsample_nearest1d": "compute_indices_weights_nearest",
               "upsample_nearest2d": "upsample_nearest2d_channels_last",
               "upsample_linear1d": "compute_indices_weights_linear",
               "upsample_bilinear2d": "upsample_bilinear2d_channels_last"}
_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "lanczos", "area",
          "nearest-exact")


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


@functional("interpolate")
def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    x = _tensor(input, "interpolate")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise value_error("align_corners option can only be set with the interpolating "
                              "modes: linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = x.data.ndim - 2
    spatial = list(x.data.shape[2:])
    if size is not None and scale_factor is not None:
        raise value_error("only one of size or scale_factor should be defined")
    if size is not None:
        scales = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise value_error(
                    f"Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {spatial} and output size of {size}. "
                    "Please provide input tensor in (N, C, d1, d2, ...,dK) format and output "
                    "size in (o1, o2, ...,oK) format.")
            if not all(_is_int(v) for v in size):
                raise type_error(
                    "expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                    f"Tuple[int, int, int], but got size with types "
                    f"{[type(v) for v in size]}")
            out = list(size)
        else:
            out = [size] * dim
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise value_error(
                    f"Input and scale_factor must have the same number of spatial dimensions, "
                    f"but got input with spatial dimensions of {spatial} and scale_factor of "
                    f"shape {scale_factor}. Please provide input tensor in (N, C, d1, d2, "
                    "...,dK) format and scale_factor in (s1, s2, ...,sK) format.")
            scales = [float(s) for s in scale_factor]
        else:
            scales = [float(scale_factor)] * dim
        out = [int(s * f) for s, f in zip(spatial, scales, strict=True)]  # C++'s truncation
    else:
        raise value_error("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise value_error("recompute_scale_factor is not meaningful with an explicit size.")
    if recompute_scale_factor:
        scales = None  # the kernel recomputes the scale from the (integer) output size
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and x.data.ndim == 4):
        raise value_error("Anti-alias option is restricted to bilinear, bicubic, and lanczos "
                          "modes and requires a 4-D tensor as input")
    if antialias:
        raise NotImplementedError("gradcli: F.interpolate with antialias=True is not supported")
    name = _UPSAMPLE.get((x.data.ndim, mode))
    if name is None:
        if mode in _MODES and x.data.ndim in (3, 4, 5):
            if (mode in ("linear", "bilinear", "trilinear", "bicubic")
                    and (x.data.ndim, mode) not in ((5, "trilinear"), (4, "bicubic"))):
                need = {"linear": 3, "bilinear": 4, "trilinear": 5, "bicubic": 4}[mode]
                raise _not_implemented(f"Got {x.data.ndim}D input, but {mode} mode needs "
                                       f"{need}D input")
            raise NotImplementedError(f"gradcli: F.interpolate mode '{mode}' on "
                                      f"{x.data.ndim}D input is not supported")
        raise _not_implemented(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {x.data.ndim}D) for "
            f"the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
            f"nearest-exact (got {mode})")
    if any(s <= 0 for s in spatial) or any(o <= 0 for o in out):
        axes = ("H", "W")[-dim:]
        raise runtime("Input and output sizes should be greater than 0, but got input (" +
                      ", ".join(f"{a}: {s}" for a, s in zip(axes, spatial, strict=True)) +
                      ") and output (" +
                      ", ".join(f"{a}: {o}" for a, o in zip(axes, out, strict=True)) + ")")
    _float_only(x, _INT_KERNEL[name])
    params = {"mode": "nearest" if mode == "nearest" else "linear", "out_size": tuple(out),
              "scales": tuple(scales) if scales else None}
    if mode != "nearest":
        params["align_corners"] = bool(align_corners)
    return apply(OPS[name], (x,), params)


@functional("upsample")
def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated in PyTorch (a warning), then F.interpolate."""
    return interpolate(input, size, scale_factor, mode, align_corners)


@functional("upsample_nearest")
def upsample_nearest(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, mode="nearest")


@functional("upsample_bilinear")
def upsample_bilinear(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---------------------------------------------------------------- distances
def _broadcast(a: Tensor, b: Tensor):
    """ATen's expand_outplace: both expanded to the common shape (an ExpandBackward0 each
    when its shape changes), or PyTorch's message."""
    sa, sb = a.data.shape, b.data.shape
    nd = max(len(sa), len(sb))
    pa, pb = (1,) * (nd - len(sa)) + sa, (1,) * (nd - len(sb)) + sb
    for i, (u, v) in enumerate(zip(pa, pb, strict=True)):
        if u != v and u != 1 and v != 1:
            raise runtime(f"The size of tensor a ({u}) must match the size of tensor b ({v}) at "
                          f"non-singleton dimension {i}")
    shape = tuple(max(u, v) for u, v in zip(pa, pb, strict=True))
    return [t if t.data.shape == shape else METHODS["expand"](t, *shape) for t in (a, b)]


@functional("cosine_similarity")
def cosine_similarity(x1, x2, dim=1, eps=1e-08):
    a = _tensor(x1, "cosine_similarity", "x1")
    b = _tensor(x2, "cosine_similarity", "x2", 2)
    dt = dtypes.result_type([t.data.dtype for t in (a, b) if t.data.ndim],
                            [t.data.dtype for t in (a, b) if not t.data.ndim], [])
    if np.dtype(dt).kind != "f":
        raise runtime(f"expected common dtype to be floating point, yet common dtype is "
                      f"{_scalar_type(dt)}")
    a, b = (Tensor(t.data.astype(dt)) if t.data.dtype.kind in "biu" else t for t in (a, b))
    a, b = _broadcast(a, b)
    d = _dim(dim, a.data.ndim)
    normed = []
    for t in (a, b):
        nrm = apply(OPS["clone"], (apply(OPS["norm_dim"], (t,), {"dims": (d,),
                                                                  "keepdim": True}),))
        # PyTorch clamps the clone in place under no_grad: the graph keeps CloneBackward0
        np.maximum(nrm.data, np.asarray(eps, nrm.data.dtype), out=nrm.data)
        normed.append(FUNCTIONS["div"](t, nrm))
    return FUNCTIONS["sum"](FUNCTIONS["mul"](*normed), d)


@functional("pairwise_distance")
def pairwise_distance(x1, x2, p=2.0, eps=1e-06, keepdim=False):
    a = _tensor(x1, "pairwise_distance", "x1")
    b = _tensor(x2, "pairwise_distance", "x2", 2)
    nd = max(a.data.ndim, b.data.ndim)
    if nd == 0:
        raise NotImplementedError("gradcli: F.pairwise_distance of two 0-d tensors")
    diff = apply(OPS["add_scalar"], (FUNCTIONS["sub"](a, b),), {"other": eps})
    return apply(OPS["norm_scalaropt_dim"], (diff,), {"ord": float(p), "dims": (nd - 1,),
                                                      "keepdim": bool(keepdim)})


@functional("pdist")
def pdist(input, p=2):
    x = _tensor(input, "pdist")
    if x.data.ndim != 2:
        raise runtime(f"pdist only supports 2D tensors, got: {x.data.ndim}D")
    if x.data.dtype.kind != "f":
        raise runtime("pdist only supports floating-point dtypes")
    if p < 0:
        raise runtime("pdist only supports non-negative p values")
    return apply(OPS["pdist"], (x,), {"p": float(p)})


# ---------------------------------------------------------------- unfold, pixel shuffle
@functional("unfold")
def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    x = _tensor(input, "unfold")
    kernel, dil, pad, st = (_pair(v) for v in (kernel_size, dilation, padding, stride))
    if x.data.ndim < 3:
        raise index_error(f"Dimension out of range (expected to be in range of "
                          f"[{-max(x.data.ndim, 1)}, {max(x.data.ndim, 1) - 1}], but got "
                          f"{x.data.ndim})")
    for what, (a, b), least in (("kernel size", kernel, 1), ("stride", st, 1),
                                ("dilation", dil, 1)):
        if a < least or b < least:
            key = what.replace(" size", "")
            raise runtime(f"{what} should be greater than zero, but got {key}_height: {a} "
                          f"{key}_width: {b}")
    if pad[0] < 0 or pad[1] < 0:
        raise runtime(f"padding should be non-negative, but got pad_height: {pad[0]} "
                      f"pad_width: {pad[1]}")
    if x.data.ndim != 4 and x.data.ndim != 3:
        raise runtime(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and "
                      f"other non-zero dimensions for input, but got: "
                      f"{_shape_str(x.data.shape)}")
    h, w = x.data.shape[-2:]
    out_hw = tuple((s + 2 * p - d * (k - 1) - 1) // t + 1
                   for s, p, d, k, t in zip((h, w), pad, dil, kernel, st, strict=True))
    if out_hw[0] < 1 or out_hw[1] < 1:
        raise runtime(f"Given input with spatial size ({h}, {w}), kernel_size={kernel}, "
                      f"dilation={dil}, padding={pad}, calculated shape of the array of sliding "
                      f"blocks as {out_hw}, but its components must be at least one.")
    _float_only(x, "im2col_out_cpu")
    return apply(OPS["im2col"], (x,), {"kernel": kernel, "dilation": dil, "padding": pad,
                                       "stride": st, "out_hw": out_hw})


@functional("pixel_shuffle")
def pixel_shuffle(input, upscale_factor):
    x = _tensor(input, "pixel_shuffle")
    r = upscale_factor
    if x.data.ndim < 3:
        raise runtime(f"pixel_shuffle expects input to have at least 3 dimensions, but got input "
                      f"with {x.data.ndim} dimension(s)")
    if r <= 0:
        raise runtime(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    c = x.data.shape[-3]
    if c % (r * r):
        raise runtime(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by "
                      f"the square of upscale_factor, but input.size(-3)={c} is not divisible by "
                      f"{r * r}")
    return apply(OPS["pixel_shuffle"], (x,), {"r": int(r)})


@functional("pixel_unshuffle")
def pixel_unshuffle(input, downscale_factor):
    x = _tensor(input, "pixel_unshuffle")
    r = downscale_factor
    if x.data.ndim < 3:
        raise runtime(f"pixel_unshuffle expects input to have at least 3 dimensions, but got "
                      f"input with {x.data.ndim} dimension(s)")
    if r <= 0:
        raise runtime(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    h, w = x.data.shape[-2:]
    if h % r:
        raise runtime(f"pixel_unshuffle expects height to be divisible by downscale_factor, but "
                      f"input.size(-2)={h} is not divisible by {r}")
    if w % r:
        raise runtime(f"pixel_unshuffle expects width to be divisible by downscale_factor, but "
                      f"input.size(-1)={w} is not divisible by {r}")
    return apply(OPS["pixel_unshuffle"], (x,), {"r": int(r)})


for _name in ("prelu", "conv_transpose1d", "conv_transpose2d", "cosine_similarity",
              "pairwise_distance", "pdist", "pixel_shuffle", "pixel_unshuffle"):
    FUNCTIONS[_name] = base.FUNCTIONAL[_name]  # torch.X takes the same arguments
