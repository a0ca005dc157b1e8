"""torch.nn.init — the one implementation (engine/nn's layers, the program runner's
torch.nn.init and the tests all import it). Written as torch/nn/init.py writes it: every
initializer draws through the tensor's in-place random methods `uniform_` / `normal_`
(engine/rng's exact generator, registered in api.METHODS), in the same order, with the same
bounds computed in the same float64 arithmetic, so a layer's reset_parameters gives
PyTorch's numbers. `generator=` is passed on to those methods, as torch passes it."""

import math
import warnings

import numpy as np

from .. import grad_mode
from ..errors import value_error
from . import surface as api


def _draw(method: str, tensor, *args, generator=None):
    """tensor.uniform_(a, b) / tensor.normal_(mean, std) under no_grad."""
    kw = {} if generator is None else {"generator": generator}
    with grad_mode.no_grad():
        return api.METHODS[method](tensor, *args, **kw)


def calculate_gain(nonlinearity, param=None):
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                  "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, int) or isinstance(param, float):
            negative_slope = param
        else:
            raise value_error(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise value_error(f"Unsupported nonlinearity {nonlinearity}")


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    return _draw("uniform_", tensor, a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    return _draw("normal_", tensor, mean, std, generator=generator)


def constant_(tensor, val):
    with grad_mode.no_grad():
        tensor.data[...] = val
    return tensor


def ones_(tensor):
    return constant_(tensor, 1.0)


def zeros_(tensor):
    return constant_(tensor, 0.0)


def eye_(tensor):
    if tensor.data.ndim != 2:
        raise value_error("Only tensors with 2 dimensions are supported")
    tensor.data[...] = np.eye(*tensor.data.shape, dtype=tensor.data.dtype)
    return tensor


def dirac_(tensor, groups=1):
    dims = tensor.data.ndim
    if dims not in (3, 4, 5):
        raise value_error("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tensor.data.shape
    if sizes[0] % groups != 0:
        raise value_error("dim 0 must be divisible by groups")
    per = sizes[0] // groups
    tensor.data[...] = 0
    for g in range(groups):
        for d in range(min(per, sizes[1])):
            tensor.data[(g * per + d, d) + tuple(s // 2 for s in sizes[2:])] = 1
    return tensor


def _calculate_fan_in_and_fan_out(tensor):
    if tensor.data.ndim < 2:
        raise value_error("Fan in and fan out can not be computed for tensor with fewer than 2 "
                          "dimensions")
    receptive = math.prod(tensor.data.shape[2:])
    return tensor.data.shape[1] * receptive, tensor.data.shape[0] * receptive


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid = ["fan_in", "fan_out"]
    if mode not in valid:
        raise value_error(f"Mode {mode} not supported, please use one of {valid}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def xavier_uniform_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    if 0 in tensor.data.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    bound = math.sqrt(3.0) * (gain / math.sqrt(fan))
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    if 0 in tensor.data.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(tensor, 0, std, generator)


def _norm_cdf(x: float) -> float:
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """When the window holds more than 30% of the mass: normal_, then, while any value lies
    outside [a, b] (as the dtype rounds them), a whole fresh normal_ draw replaces those
    values (torch.where). The other branch's rejection test takes torch's vectorized float
    log, which gradcli does not reproduce: refused, never approximated."""
    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    p = _norm_cdf((b - mean) / std) - _norm_cdf((a - mean) / std)
    if not p > 0.3:
        raise NotImplementedError("trunc_normal_ with under 30% of the normal's mass in [a, b] "
                                  "(PyTorch's rejection sampler on float logs) is not reproduced")
    dtype = tensor.data.dtype
    lo, hi = dtype.type(a), dtype.type(b)
    normal_(tensor, mean, std, generator)
    while True:
        mask = (tensor.data < lo) | (tensor.data > hi)
        if not mask.any():
            break
        fresh = normal_(api.Tensor(np.empty_like(tensor.data)), mean, std, generator)
        tensor.data[...] = np.where(mask, fresh.data, tensor.data)
    return tensor


def sparse_(tensor, sparsity, std=0.01, generator=None):
    if tensor.data.ndim != 2:
        raise value_error("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.data.shape
    num_zeros = math.ceil(sparsity * rows)
    normal_(tensor, 0, std, generator)
    randperm = api.FUNCTIONS["randperm"]
    for col_idx in range(cols):  # torch.randperm(rows) from the default generator
        zero_indices = randperm(rows).data[:num_zeros]
        tensor.data[zero_indices, col_idx] = 0
    return tensor


def orthogonal_(tensor, gain=1, generator=None):
    """PyTorch's draw (one normal_ of rows x cols); the QR factorisation is numpy's
    (LAPACK's Householder, as torch.linalg.qr), so q may differ in the last bits."""
    if tensor.data.ndim < 2:
        raise value_error("Only tensors with 2 or more dimensions are supported")
    if tensor.data.size == 0:
        return tensor
    rows = tensor.data.shape[0]
    cols = tensor.data.size // rows
    flat = normal_(api.Tensor(np.empty((rows, cols), dtype=tensor.data.dtype)), 0, 1, generator)
    m = flat.data.T if rows < cols else flat.data
    q, r = np.linalg.qr(m)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    tensor.data[...] = (q.reshape(tensor.data.shape) * gain).astype(tensor.data.dtype)
    return tensor


NAMES = ("calculate_gain", "uniform_", "normal_", "constant_", "ones_", "zeros_", "eye_",
         "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
         "trunc_normal_", "sparse_", "orthogonal_", "_calculate_fan_in_and_fan_out")
INIT = {n: globals()[n] for n in NAMES}
