"""torch.nn.init's draws as plain functions on numpy arrays (filled in place and returned,
as the nn.init functions return their tensor), and the default initialisation of the
common layers, in PyTorch's order of draws (torch/nn/init.py, torch/nn/modules/*.py).

Every function takes generator=None (the default generator) like its torch counterpart.
The arrays' dtype (float32 or float64) picks the kernel, as the tensor's dtype does."""

import math
import warnings

import numpy as np

from ..errors import value_error
from . import distributions as D
from . import generator as G


def _put(array: np.ndarray, values: np.ndarray) -> np.ndarray:
    array[...] = values
    return array


# ---------------------------------------------------------------- helpers
def calculate_gain(nonlinearity, param=None) -> float:
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


def calculate_fan_in_and_fan_out(shape) -> tuple:
    if len(shape) < 2:
        raise value_error("Fan in and fan out can not be computed for tensor with fewer than 2 "
                          "dimensions")
    receptive_field_size = math.prod(shape[2:])
    return shape[1] * receptive_field_size, shape[0] * receptive_field_size


def _correct_fan(shape, mode) -> int:
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise value_error(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = calculate_fan_in_and_fan_out(shape)
    return fan_in if mode == "fan_in" else fan_out


# ---------------------------------------------------------------- nn.init
def uniform_(array, a=0.0, b=1.0, generator=None):
    return _put(array, D.uniform(G.get(generator), array.shape, array.dtype, a, b))


def normal_(array, mean=0.0, std=1.0, generator=None):
    return _put(array, D.normal(G.get(generator), array.shape, array.dtype, mean, std))


def constant_(array, val):
    array[...] = val
    return array


def ones_(array):
    return constant_(array, 1.0)


def zeros_(array):
    return constant_(array, 0.0)


def eye_(array):
    if array.ndim != 2:
        raise value_error("Only tensors with 2 dimensions are supported")
    return _put(array, np.eye(*array.shape, dtype=array.dtype))


def xavier_uniform_(array, gain=1.0, generator=None):
    fan_in, fan_out = calculate_fan_in_and_fan_out(array.shape)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(array, -a, a, generator)


def xavier_normal_(array, gain=1.0, generator=None):
    fan_in, fan_out = calculate_fan_in_and_fan_out(array.shape)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(array, 0.0, std, generator)


def kaiming_uniform_(array, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    if 0 in array.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return array
    fan = _correct_fan(array.shape, mode)
    gain = calculate_gain(nonlinearity, a)
    bound = math.sqrt(3.0) * (gain / math.sqrt(fan))
    return uniform_(array, -bound, bound, generator)


def kaiming_normal_(array, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    if 0 in array.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return array
    fan = _correct_fan(array.shape, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(array, 0, std, generator)


def _norm_cdf(x: float) -> float:
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def trunc_normal_(array, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """nn.init.trunc_normal_: when the window holds more than 30% of the mass, normal_ draws
    and, while any value falls outside [a, b] (as the dtype rounds them), a whole new
    normal_ draw replaces those values. The other branch's rejection test takes torch's
    vectorized float log, which gradcli does not reproduce."""
    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    p = _norm_cdf((b - mean) / std) - _norm_cdf((a - mean) / std)
    if not p > 0.3:
        raise NotImplementedError("trunc_normal_ with under 30% of the normal's mass in [a, b] "
                                  "(PyTorch's rejection sampler on float logs) is not reproduced")
    gen = G.get(generator)
    lo, hi = array.dtype.type(a), array.dtype.type(b)
    result = D.normal(gen, array.shape, array.dtype, mean, std)
    while True:
        mask = (result < lo) | (result > hi)
        if not mask.any():
            break
        result = np.where(mask, D.normal(gen, array.shape, array.dtype, mean, std), result)
    return _put(array, result)


def sparse_(array, sparsity, std=0.01, generator=None):
    if array.ndim != 2:
        raise value_error("Only tensors with 2 dimensions are supported")
    rows, cols = array.shape
    num_zeros = math.ceil(sparsity * rows)
    normal_(array, 0, std, generator)
    for col_idx in range(cols):
        zero_indices = D.randperm(G.default_generator, rows)[:num_zeros]  # torch.randperm(rows)
        array[zero_indices, col_idx] = 0
    return array


# ---------------------------------------------------------------- layers' reset_parameters
def linear(in_features, out_features, bias=True, dtype=np.float32, generator=None):
    """nn.Linear (and the convolutions, with the kernel's dims in `weight_shape`): weight by
    kaiming_uniform_(a=sqrt(5)), then bias uniform in +-1/sqrt(fan_in)."""
    return _kaiming_layer((out_features, in_features), out_features if bias else None, dtype,
                          generator)


def conv(in_channels, out_channels, kernel_size: tuple, groups=1, bias=True, transposed=False,
         dtype=np.float32, generator=None):
    """nn.ConvNd / ConvTransposeNd: weight (out, in/groups, *k) or, transposed,
    (in, out/groups, *k); the same draws as Linear."""
    shape = ((in_channels, out_channels // groups) if transposed
             else (out_channels, in_channels // groups)) + tuple(kernel_size)
    return _kaiming_layer(shape, out_channels if bias else None, dtype, generator)


def _kaiming_layer(shape, bias_size, dtype, generator):
    weight = np.empty(shape, dtype)
    kaiming_uniform_(weight, a=math.sqrt(5), generator=generator)
    if bias_size is None:
        return weight, None
    fan_in, _ = calculate_fan_in_and_fan_out(shape)
    bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
    return weight, uniform_(np.empty(bias_size, dtype), -bound, bound, generator)


def bilinear(in1_features, in2_features, out_features, bias=True, dtype=np.float32,
             generator=None):
    if in1_features <= 0:
        raise value_error(f"in1_features must be > 0, but got (in1_features={in1_features})")
    bound = 1 / math.sqrt(in1_features)
    weight = uniform_(np.empty((out_features, in1_features, in2_features), dtype), -bound,
                      bound, generator)
    b = uniform_(np.empty(out_features, dtype), -bound, bound, generator) if bias else None
    return weight, b


def embedding(num_embeddings, embedding_dim, padding_idx=None, dtype=np.float32,
              generator=None):
    """nn.Embedding: normal_(weight), then the padding row zeroed."""
    weight = normal_(np.empty((num_embeddings, embedding_dim), dtype), generator=generator)
    if padding_idx is not None:
        weight[padding_idx] = 0
    return weight


def rnn(shapes, hidden_size, dtype=np.float32, generator=None):
    """nn.RNN / LSTM / GRU / *Cell: every parameter, in self.parameters() order (the caller
    gives their shapes in that order), uniform in +-1/sqrt(hidden_size)."""
    stdv = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0
    return [uniform_(np.empty(s, dtype), -stdv, stdv, generator) for s in shapes]
