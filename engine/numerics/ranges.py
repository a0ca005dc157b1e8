"""linspace and arange as PyTorch's CPU kernels compute them, element for element.

aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp:
- linspace: `step = (end - start) / (steps - 1)` in the output's type (double for integer
  outputs); element i is `start + step * i` for the first half (i < steps // 2) and
  `end - step * (steps - i - 1)` for the second, so both ends are exact.
- arange: in the accumulate type (double for float32 and float64, int64 for integers)
  `start + step * i`; on the vectorized path (AVX512: 16 float32 lanes, 8 float64 lanes)
  a block is `Vectorized::arange(base, step)` with base = start + step * i rounded to the
  output type, then `base + k * step` per lane, so a lane's rounding differs from the
  scalar formula. Blocks are laid out from each thread's chunk start (at::parallel_for
  with GRAIN_SIZE 32768 over the process's threads), two vectors at a time; the tail of a
  chunk takes the scalar formula.
Everything is vectorized numpy: a loop runs over chunks (at most the thread count), never
over elements."""

import math
import os

import numpy as np

from .fma import fma32, fma64

GRAIN_SIZE = 32768
# ATen reports AVX512 here, yet the range kernels measure as 256-bit vectors (8 float32 lanes)
_VEC_BYTES = 32


def _threads() -> int:
    # OpenMP's default team: the CPUs this process may run on
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def _chunks(n: int):
    """at::parallel_for(0, n, GRAIN_SIZE)'s chunks under OpenMP."""
    if n <= GRAIN_SIZE:
        return [(0, n)]
    tasks = min(_threads(), -(-n // GRAIN_SIZE))
    size = -(-n // tasks)
    return [(b, min(n, b + size)) for b in range(0, n, size)]


def linspace(start, end, steps: int, dtype) -> np.ndarray:
    dtype = np.dtype(dtype)
    if steps == 0:
        return np.empty(0, dtype=dtype)
    if dtype.kind in "iub":
        s, e = int(start), int(end)  # c10::Scalar::to<int64_t>() truncates toward zero
    else:
        s, e = dtype.type(start), dtype.type(end)
    if steps == 1:
        return np.full(1, s, dtype=dtype)
    half = steps // 2
    lo_i = np.arange(half, dtype=np.int64)
    hi_i = np.arange(steps - half - 1, -1, -1, dtype=np.int64)  # steps - i - 1
    if dtype == np.float32:
        # float32 step; `step * i` converts i to float32; the compiler fuses the FMA
        step = np.float32(e - s) / np.float32(steps - 1)
        lo = fma32(step, lo_i.astype(np.float32), s)
        hi = fma32(-step, hi_i.astype(np.float32), e)
        return np.concatenate([lo, hi])
    if dtype == np.float64:
        step = (e - s) / np.float64(steps - 1)
        return np.concatenate([fma64(step, lo_i.astype(np.float64), s),
                               fma64(-step, hi_i.astype(np.float64), e)])
    # integer outputs: a double step, the double result truncated toward zero
    step = (float(e) - float(s)) / (steps - 1)
    out = np.concatenate([fma64(step, lo_i.astype(np.float64), float(s)),
                          fma64(-step, hi_i.astype(np.float64), float(e))])
    return out != 0 if dtype == np.bool_ else np.trunc(out).astype(dtype)


def arange_size(start, end, step, dtype) -> int:
    """PyTorch's element count (RangeFactories.cpp): integer outputs take
    (end - start + step - sign(step)) / step in int64 arithmetic (C division truncates),
    floating outputs ceil((end - start) / step) in double."""
    if np.dtype(dtype).kind in "iub":
        s, e, st = int(start), int(end), int(step)  # Scalar::to<int64_t>() truncates
        num = e - s + st - ((st > 0) - (st < 0))
        q = abs(num) // abs(st)
        return max(0, q if (num >= 0) == (st > 0) else -q)
    return max(0, math.ceil((float(end) - float(start)) / float(step)))


def arange(start, end, step, dtype) -> np.ndarray:
    dtype = np.dtype(dtype)
    n = arange_size(start, end, step, dtype)
    if dtype.kind in "iub":
        # int64 accumulate: exact integer arithmetic (wraps as int64 would not matter here)
        s, st = int(start), int(step)
        out = s + st * np.arange(n, dtype=np.int64)
        return out.astype(dtype)
    s, st = float(start), float(step)
    idx = np.arange(n, dtype=np.float64)
    scalar = fma64(st, idx, s)  # `start + step * idx` in double, fused
    lanes = _VEC_BYTES // dtype.itemsize
    out = scalar.astype(dtype)
    for b, e in _chunks(n):
        nvec = ((e - b) // (2 * lanes)) * 2 * lanes  # vectorized_loop: two vectors a step
        if nvec == 0:
            continue
        k = np.arange(nvec, dtype=np.int64) % lanes
        base = np.repeat(out[b:b + nvec:lanes].astype(np.float64), lanes)
        # Vectorized::arange: lane k is `base + k * step` in double, base already rounded
        out[b:b + nvec] = fma64(k.astype(np.float64), st, base).astype(dtype)
    return out
