"""PyTorch's CPU float kernels for the optimizers' in-place updates, bit for bit.

Measured against torch 2.13 (AVX512 and scalar paths alike): `add_(b, alpha)` and
`addcmul_` are fused multiply-adds (one rounding), `lerp_` is a fused multiply-add on
either side of weight 0.5, `addcdiv_` is self + (value * t1) / t2 with three roundings,
and a Python scalar enters as float32 (the kernel's opmath type). A fused multiply-add is
computed in float64 (the product of two float32 is exact there) and rounded once more."""

import numpy as np

from ..numerics.vml_sqrt import vml_sqrt


def _f(x, dtype):
    return np.asarray(x, dtype=dtype)


def fma(a, b, c, dtype):
    """round(a * b + c) to dtype (float32: via exact float64 products)."""
    if dtype == np.float64:
        return a * b + c  # no wider type: two roundings (differs from torch in the last bit)
    return (a.astype(np.float64) * b + c).astype(dtype) if isinstance(a, np.ndarray) else \
        (np.float64(a) * np.asarray(b, np.float64) + c).astype(dtype)


def add_(t, other, alpha=1.0):
    """t.add_(other, alpha=alpha)."""
    dt = t.dtype
    if alpha == 1:
        np.add(t, other, out=t)
    else:
        t[...] = fma(np.asarray(other, dt), _f(alpha, dt), t, dt)
    return t


def add(t, other, alpha=1.0):
    return add_(t.copy(), other, alpha)


def mul_(t, scalar):
    np.multiply(t, _f(scalar, t.dtype), out=t)
    return t


def lerp_(t, end, weight):
    dt = t.dtype
    w = _f(weight, dt)
    diff = (end - t).astype(dt)
    if abs(float(w)) < 0.5:
        t[...] = fma(diff, w, t, dt)
    else:
        t[...] = fma(diff, (w - _f(1, dt)).astype(dt), end, dt)
    return t


def addcmul_(t, t1, t2, value=1.0):
    dt = t.dtype
    t[...] = fma((_f(value, dt) * t1).astype(dt), t2, t, dt)
    return t


def addcdiv_(t, t1, t2, value=1.0):
    dt = t.dtype
    t[...] = t + ((_f(value, dt) * t1).astype(dt) / t2).astype(dt)
    return t


def sqrt(t):
    """t.sqrt(): PyTorch's CPU sqrt is MKL VML's, not correctly rounded (one ulp off IEEE
    on about 17% of float32 inputs); engine/numerics/vml_sqrt.py reproduces it bit for bit."""
    return vml_sqrt(t)


def div_scalar(t, scalar):
    return (t / _f(scalar, t.dtype)).astype(t.dtype)


def add_scalar_(t, scalar):
    np.add(t, _f(scalar, t.dtype), out=t)
    return t
