"""PyTorch's CPU distribution kernels over a Generator's raw stream (numpy arrays in, numpy
arrays out). Each function follows one kernel of aten/src/ATen/native/cpu/
DistributionTemplates.h / DistributionKernels.cpp, core/DistributionsHelper.h and
TransformationHelper.h, native/TensorFactories.cpp (randperm), native/Distributions.cpp
(multinomial) and native/Dropout.cpp, drawing the same values in the same order.

Where the C++ calls glibc's double log / log1p (which numpy's SIMD versions differ from
by an ulp now and then), the values go through Python's math module, which is glibc's.
Bernoulli with a scalar p follows PyTorch's portable kernel; PyTorch's MKL kernel (Intel
CPUs only) draws from another stream and is not emulated."""

import functools
import math

import numpy as np

from . import avx_math
from .generator import Generator

F32, F64 = np.dtype(np.float32), np.dtype(np.float64)
_M24, _M53 = np.uint64((1 << 24) - 1), np.uint64((1 << 53) - 1)


def _floating(dtype, fname):
    if np.dtype(dtype) not in (F32, F64):
        raise NotImplementedError(f"{fname}: gradcli draws float32 and float64 only, not {dtype}")
    return np.dtype(dtype)


# ---------------------------------------------------------------- uniform
# engine/vmap.py's hook while a torch.func.vmap runs: functorch draws once per random op
# for the whole batch (randomness='same': the op's shape; 'different': (B, *shape))
VMAP_DRAW = [None]
VMAP_INPLACE = [None]  # its check before an in-place random op (uniform_, normal_, ...)
VMAP_LIKE = [None]  # its check before rand_like / randn_like / randint_like
DROPOUT_NOISE = [None]  # the tensor F.dropout fills: under vmap, batched like its input


def _batchable(fn):
    """A distribution drawing `shape` (or, for normal_scalar, a count) of values."""
    @functools.wraps(fn)
    def draw(gen, shape, *args, **kwargs):
        hook = VMAP_DRAW[0]
        if hook is None:
            return fn(gen, shape, *args, **kwargs)
        return hook(fn, gen, shape, args, kwargs)
    return draw


def unit(gen: Generator, n: int, dtype) -> np.ndarray:
    """uniform_real_distribution(0, 1): float from 24 bits of random(), double from 53 bits
    of random64()."""
    if np.dtype(dtype) == F32:
        return (gen.random(n) & _M24).astype(F32) * np.float32(2.0 ** -24)
    return (gen.random64(n) & _M53).astype(F64) * 2.0 ** -53


@_batchable
def uniform(gen: Generator, shape, dtype, low=0.0, high=1.0) -> np.ndarray:
    """uniform_kernel: x * (to - from) + from in the tensor's dtype (from/to cast to it),
    a value equal to `to` replaced by `from`."""
    dt = _floating(dtype, "uniform_")
    x = unit(gen, math.prod(shape), dt)
    lo, hi = dt.type(low), dt.type(high)
    if lo != 0 or hi != 1:
        # GCC contracts the kernel's x * (to - from) + from into one fused multiply-add
        if dt == F32:
            x = avx_math._fma(x.reshape(-1, 1), hi - lo, lo, x.reshape(-1, 1),
                              avx_math.Work(x.size, 1)).reshape(-1)
        else:
            x = _fma64(x, hi - lo, lo)
        x[x == hi] = lo  # the kernel's clamp of a value rounded up to `to`
    return x.reshape(shape)


# ---------------------------------------------------------------- normal
def _glibc(fn, x: np.ndarray) -> np.ndarray:
    return np.fromiter(map(fn, x.tolist()), F64, x.size)


def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _fma64(a, b, c):
    """fl(a*b + c) for float64 (std::fma, and the contracted x * (to - from) + from):
    a*b = p + e exactly (Dekker's product with Veltkamp's split), p + c = s + t exactly
    (TwoSum); the tail t + e is rounded to odd, so adding it to s rounds once."""
    a, b, c = np.asarray(a, F64), np.asarray(b, F64), np.asarray(c, F64)
    p = a * b
    split = 134217729.0  # 2**27 + 1
    ah = a * split
    ah = ah - (ah - a)
    al = a - ah
    bh = b * split
    bh = bh - (bh - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s, t = _two_sum(p, c)
    v, r = _two_sum(t, e)
    bits = v.view(np.uint64)
    even = (bits & np.uint64(1)) == 0
    fix = (r != 0) & even
    if fix.any():
        v = np.where(fix, np.nextafter(v, np.where(r > 0, np.inf, -np.inf)), v)
    return s + v


@_batchable
def normal_scalar(gen: Generator, n: int, dtype, mean: float, std: float) -> np.ndarray:
    """at::normal_distribution<double>, one value at a time (tensors under 16 elements):
    Box–Muller on two doubles, the second result cached in the generator."""
    out = np.empty(n, F64)
    for i in range(n):
        if gen.next_double_normal is not None:
            ret, gen.next_double_normal = gen.next_double_normal, None
        else:
            u1, u2 = unit(gen, 2, F64).tolist()
            r = math.sqrt(-2.0 * math.log1p(-u2))
            theta = 2.0 * math.pi * u1
            gen.next_double_normal = r * math.sin(theta)
            ret = r * math.cos(theta)
        out[i] = ret
    if mean == 0 and std == 1:
        return out.astype(dtype)
    return _fma64(out, std, mean).astype(dtype)  # val * std + mean, contracted by GCC


def _fill16_f64(d: np.ndarray, mean, std) -> np.ndarray:
    """NormalFill16<double>: glibc log, cos, sin; std::fma(radius * cos, std, mean)."""
    u1 = 1.0 - d[:, :8]
    radius = np.sqrt(-2.0 * _glibc(math.log, u1.ravel()).reshape(u1.shape))
    theta = (2.0 * math.pi) * d[:, 8:]
    out = np.empty_like(d)
    n1, n2 = radius * np.cos(theta), radius * np.sin(theta)
    if mean == 0 and std == 1:
        out[:, :8], out[:, 8:] = n1, n2
    else:
        out[:, :8], out[:, 8:] = _fma64(n1, std, mean), _fma64(n2, std, mean)
    return out


_CHUNK = 2048  # rows of 16 per block: the scratch arrays stay in cache (measured best)


@_batchable
def normal(gen: Generator, shape, dtype, mean=0.0, std=1.0) -> np.ndarray:
    """normal_kernel: the 16-lane Box–Muller fill for >= 16 elements (every uniform drawn
    first, the last partial block recomputed from 16 fresh uniforms), the scalar path
    below that."""
    dt = _floating(dtype, "normal_")
    n = math.prod(shape)
    if n < 16:
        return normal_scalar(gen, n, dt, mean, std).reshape(shape)
    data = unit(gen, n, dt)
    full = n // 16 * 16
    rows = data[:full].reshape(-1, 16)
    if dt == F32:
        work = avx_math.Work(min(rows.shape[0], _CHUNK))
        for k in range(0, rows.shape[0], _CHUNK):
            avx_math.box_muller_rows(rows[k:k + _CHUNK], mean, std, work)
        if n % 16:
            tail = unit(gen, 16, dt).reshape(1, 16)
            data[n - 16:] = avx_math.box_muller_rows(tail, mean, std, avx_math.Work(1)).ravel()
        return data.reshape(shape)
    for k in range(0, rows.shape[0], _CHUNK):
        rows[k:k + _CHUNK] = _fill16_f64(rows[k:k + _CHUNK], mean, std)
    if n % 16:
        data[n - 16:] = _fill16_f64(unit(gen, 16, dt).reshape(1, 16), mean, std).ravel()
    return data.reshape(shape)


# ---------------------------------------------------------------- integers
@_batchable
def random_from_to(gen: Generator, shape, dtype, low: int, high: int) -> np.ndarray:
    """uniform_int_from_to_distribution: (v % range) + base in uint64 arithmetic, then
    int64, then the dtype; v from random64() when range >= 2**28, else from random()."""
    rng = high - low
    n = math.prod(shape)
    v = gen.random64(n) if rng >= 1 << 28 else gen.random(n)
    with np.errstate(over="ignore"):
        vals = ((v % np.uint64(rng)) + np.uint64(low % (1 << 64))).view(np.int64)
    return _from_int64(vals, dtype).reshape(shape)


def _from_int64(v: np.ndarray, dtype) -> np.ndarray:
    """static_cast<T>(int64): one rounding. numpy takes int64 -> float32 through float64,
    which can round twice; a float64 landing exactly halfway between two float32 is moved
    toward the integer's side first (round to odd)."""
    dt = np.dtype(dtype)
    if dt != F32:
        return v.astype(dt)
    d = v.astype(F64)
    with np.errstate(invalid="ignore", over="ignore"):  # d = 2**63 wraps; it is no tie
        rest = v - d.astype(np.int64)  # exact otherwise: d is within 2**10 of v
    bits = d.view(np.uint64)
    tie = ((bits & np.uint64(0x1FFFFFFF)) == np.uint64(0x10000000)) & (rest != 0)
    if tie.any():
        d = np.where(tie, np.nextafter(d, np.where(rest > 0, np.inf, -np.inf)), d)
    return d.astype(F32)


@_batchable
def random_full(gen: Generator, shape, dtype) -> np.ndarray:
    """random_() with no bounds: uniform_int_distribution<T>."""
    dt = np.dtype(dtype)
    n = math.prod(shape)
    if dt == F64:
        v = gen.random64(n) % np.uint64((1 << 53) + 1)
    elif dt == np.int64:
        v = gen.random64(n) % np.uint64(1 << 63)
    elif dt == F32:
        v = gen.random(n) % np.uint64((1 << 24) + 1)
    elif dt == np.bool_:
        v = gen.random(n) & np.uint64(1)
    elif dt == np.int32:
        v = gen.random(n) % np.uint64(1 << 31)
    else:
        raise NotImplementedError(f"random_: gradcli does not draw {dt}")
    return _from_int64(v.astype(np.int64), dt).reshape(shape)


@_batchable
def random_full_64(gen: Generator, shape, dtype) -> np.ndarray:
    """random_(from=-2**63, to=None): the whole int64 range from random64()."""
    return _from_int64(gen.random64(math.prod(shape)).view(np.int64), dtype).reshape(shape)


def randperm(gen: Generator, n: int) -> np.ndarray:
    """randperm_cpu for n < 2**32 / 20: r = arange(n), then for each i a swap of r[i] with
    r[i + random() % (n - i)]."""
    r = list(range(n))
    if n > 1:
        z = (gen.random(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)).tolist()
        for i, zi in enumerate(z):
            j = i + zi
            r[i], r[j] = r[j], r[i]
    return np.array(r, dtype=np.int64)


# ---------------------------------------------------------------- bernoulli, exponential
def bernoulli_tensor(gen: Generator, p: np.ndarray, dtype) -> np.ndarray:
    """bernoulli_tensor_cpu: per element of p (in order), a double uniform for double p,
    a float uniform (24 bits) for float p; the result is u < p."""
    flat = np.ascontiguousarray(p).ravel()
    u = unit(gen, flat.size, F64 if flat.dtype == F64 else F32)
    return (u < flat).astype(dtype).reshape(p.shape)


@_batchable
def bernoulli_scalar(gen: Generator, shape, dtype, p: float) -> np.ndarray:
    """bernoulli_scalar_cpu (portable kernel): a double uniform < p per element."""
    return (unit(gen, math.prod(shape), F64) < p).astype(dtype).reshape(shape)


@_batchable
def exponential(gen: Generator, shape, dtype, lambd: float = 1.0) -> np.ndarray:
    """exponential_distribution<double>: -1/lambda * log1p(-u), then cast."""
    u = unit(gen, math.prod(shape), F64)
    return ((-1.0 / lambd) * _glibc(math.log1p, -u)).astype(dtype).reshape(shape)


@_batchable
def dropout_noise(gen: Generator, shape, dtype, p: float) -> np.ndarray:
    """_dropout_impl's noise for 0 < p < 1: empty_like(input).bernoulli_(1 - p), then
    div_(1 - p) in the input's dtype; the caller multiplies the input by it."""
    mask = bernoulli_scalar(gen, shape, dtype, 1 - p)
    return mask / np.dtype(dtype).type(1 - p)


def multinomial(gen: Generator, probs: np.ndarray, n: int, replacement: bool) -> np.ndarray:
    """torch.multinomial on a checked 1-d or 2-d probs array. Without replacement, or for
    one sample, Distributions.cpp takes the exponential trick: q ~ Exp(1) drawn like
    probs, then argmax / topk of probs / q. With replacement, MultinomialKernel.cpp: per
    row the running sum in the probs' dtype divided by the total, the last bucket forced
    to 1, and for each sample a double uniform located by binary search."""
    if not replacement or n == 1:
        q = exponential(gen, probs.shape, probs.dtype, 1.0)
        ratio = probs / q
        if n == 1:
            return np.argmax(ratio, axis=-1, keepdims=True).astype(np.int64)
        order = np.argsort(-ratio, axis=-1, kind="stable")
        return order[..., :n].astype(np.int64)
    rows = probs.reshape(-1, probs.shape[-1])
    out = np.empty((rows.shape[0], n), np.int64)
    for i, row in enumerate(rows):
        cum = np.cumsum(row, dtype=row.dtype)  # sequential, like the kernel's loop
        cum = cum / cum[-1]
        cum[-1] = 1
        out[i] = np.searchsorted(cum.astype(F64), unit(gen, n, F64), side="left")
    return out.reshape(probs.shape[:-1] + (n,))
