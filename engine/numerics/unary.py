"""float32 elementwise forwards and backwards as PyTorch 2.13's CPU kernels round them.

Each op's evaluation was chosen by measurement against torch (bench/numerics.py prints
the bit-identical fractions; tests/test_numerics_torch.py holds the floors):
- SLEEF / MKL functions (exp, log, log1p, sin, cos, tan, atan, asin, tanh, erf, sqrt,
  non-integer powers) are within 1 ulp of the correctly rounded result: evaluating in
  float64 and rounding once to float32 matches most often. It also gives PyTorch's
  saturation: tanh(-9.999) rounds to -1.0 exactly, so its gradient is exactly 0.
- Ops PyTorch writes as float32 formulas are evaluated as those formulas, one float32
  rounding per step: rsqrt = 1 / sqrt(x), sigmoid = 1 / (1 + exp(-x)),
  softplus = log1p(exp(x)), gelu = x * 0.5 * (1 + erf(x * M_SQRT1_2)) (so gelu(-5.54)
  is -0. as in PyTorch: erf rounds to -1 there), leaky_relu = x * negval, x**2 = x * x,
  x**3 = x * x * x.
- tanh's backward, grad * (1 - y * y), is compiled with a fused multiply-add for 1 - y*y.
float64 inputs keep numpy's float64 functions (already PyTorch's within float64 rounding).
Every function takes and returns numpy arrays."""

import math

import numpy as np

from .fma import fma32

_F32 = np.dtype(np.float32)
_F64 = np.float64


def _is32(a) -> bool:
    return isinstance(a, np.ndarray) and a.dtype == _F32


def _rounded(f64_fn, plain_fn):
    """float32 input: the float64 value rounded once; otherwise the plain numpy function."""
    def fn(a):
        if _is32(a):
            return f64_fn(a.astype(_F64)).astype(_F32)
        return plain_fn(a)
    fn.__name__ = getattr(plain_fn, "__name__", "fn")
    return fn


def _erf64(x):
    return np.vectorize(math.erf, otypes=[_F64])(x) if x.size else x.copy()


exp = _rounded(np.exp, np.exp)
log = _rounded(np.log, np.log)
log1p = _rounded(np.log1p, np.log1p)
sqrt = _rounded(np.sqrt, np.sqrt)
sin = _rounded(np.sin, np.sin)
cos = _rounded(np.cos, np.cos)
tan = _rounded(np.tan, np.tan)
atan = _rounded(np.arctan, np.arctan)
asin = _rounded(np.arcsin, np.arcsin)
tanh = _rounded(np.tanh, np.tanh)


def erf(a):
    if a.dtype.kind == "f":
        return _erf64(a.astype(_F64)).astype(a.dtype)
    return _erf64(a.astype(_F64))


def rsqrt(a):
    if _is32(a):
        return np.float32(1) / sqrt(a)
    return 1 / np.sqrt(a)


def sigmoid(a):
    if _is32(a):
        return np.float32(1) / (np.float32(1) + exp(-a))
    return 1 / (1 + np.exp(-a))


def softplus(a, beta=1.0, threshold=20.0):
    if _is32(a) and beta == 1.0:
        return np.where(a > threshold, a, log1p(exp(np.minimum(a, threshold))))
    z = a * beta
    return np.where(z > threshold, a, np.log1p(np.exp(np.minimum(z, threshold))) / beta)


def gelu(a):
    if _is32(a):
        half = a * np.float32(0.5)
        return half * (np.float32(1) + erf(a * np.float32(math.sqrt(0.5))))
    return 0.5 * a * (1 + erf(a / math.sqrt(2)))


def leaky_relu(a, negative_slope=0.01):
    return np.where(a > 0, a, a * a.dtype.type(negative_slope)).astype(a.dtype)


def pow_scalar(a, p):
    """x ** p for a Python-number exponent: small integer powers are products, as in
    PyTorch's pow_tensor_scalar kernel; other exponents round the float64 power once."""
    if _is32(a):
        p = float(p)
        if p == 2.0:
            return a * a
        if p == 3.0:
            return a * a * a
        if p == 0.5:
            return sqrt(a)
        if p == -0.5:
            return rsqrt(a)
        if p == -1.0:
            return np.float32(1) / a
        return np.power(a.astype(_F64), p).astype(_F32)
    return np.power(a, p)


def tanh_backward(g, y):
    """grad * (1 - y * y) with 1 - y*y fused (one rounding) for float32 arrays; None when
    the arguments are not plain float32 arrays (the caller's generic rule applies)."""
    if _is32(g) and _is32(y):
        return (g * fma32(-y, y, np.float32(1))).astype(_F32)
    return None


def sigmoid_backward(g, y):
    """PyTorch's sigmoid_backward: grad * (1 - y) * y, left to right in float32."""
    if _is32(g) and _is32(y):
        return (g * (np.float32(1) - y)) * y
    return None
