"""float32 elementwise forwards and backwards as PyTorch 2.13's CPU kernels round them.

Each op's evaluation was chosen by measurement against torch (bench/numerics.py prints
the bit-identical fractions; tests/test_numerics_torch.py holds the floors):
- sin, cos, tan, tanh: MKL VML's values as measured and reproduced in numerics/vml_trig.py
  and numerics/vml_tanh.py.
- Other SLEEF / MKL functions (exp, log, log1p, atan, asin, erf, sqrt,
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

from . import onednn, vml_tanh, vml_trig
from .fma import fma32
from .ranges import _chunks

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
    if x.size == 1:  # (np.vectorize's set-up costs ~20 us; math.erf is the same function)
        return np.full(x.shape, math.erf(float(x.reshape(()))), dtype=_F64)
    return np.vectorize(math.erf, otypes=[_F64])(x) if x.size else x.copy()


exp = _rounded(np.exp, np.exp)
log = _rounded(np.log, np.log)
log1p = _rounded(np.log1p, np.log1p)
sqrt = _rounded(np.sqrt, np.sqrt)


def _vml(vml_fn, plain_fn):
    """float32 input: MKL VML's result as reproduced (numerics/vml_*.py); else numpy's."""
    def fn(a):
        return vml_fn(a) if _is32(a) else plain_fn(a)
    fn.__name__ = plain_fn.__name__
    return fn


sin = _vml(vml_trig.sin, np.sin)
cos = _vml(vml_trig.cos, np.cos)
tan = _vml(vml_trig.tan, np.tan)
atan = _rounded(np.arctan, np.arctan)
asin = _rounded(np.arcsin, np.arcsin)
tanh = _vml(vml_tanh.tanh, np.tanh)
_expm1_rounded = _rounded(np.expm1, np.expm1)


def expm1(a):
    """SLEEF's expm1f returns -1 below -16.635532 (float64 rounded once would give
    -0.99999994 down to -17.33; torch's gradient there is then exactly 0)."""
    out = _expm1_rounded(a)
    if _is32(a):
        return np.where(a < np.float32(-16.635532333438687426013570), np.float32(-1), out)
    return out


log2 = _rounded(np.log2, np.log2)


def erf(a):
    if a.dtype.kind == "f":
        return _erf64(a.astype(_F64)).astype(a.dtype)
    return _erf64(a.astype(_F64))


# torch's float32 erf (MKL's vsErf) is exactly +-1 only from |x| = 3.927734375 on; below
# that it stays at +-0.99999994 where the correctly rounded value is already +-1
# (3.9192 <= |x| < 3.9277: about 0.2% of a [-5, 5] sweep)
_ERF_ONE = np.float32(3.927734375)
_ERF_BELOW_ONE = np.float32(0.99999994)


def erf_mkl(a):
    """torch.erf's float32 values: erf rounded once, with MKL's saturation point."""
    out = erf(a)
    if _is32(a):
        if a.size == 1 and abs(float(out.reshape(()))) != 1:  # (the 0-d case, cheaply)
            return out
        near = (np.abs(out) == 1) & (np.abs(a) < _ERF_ONE)
        if near.any():
            out = np.where(near, np.copysign(_ERF_BELOW_ONE, a), out).astype(_F32)
    return out


def rsqrt(a):
    if _is32(a):
        return np.float32(1) / sqrt(a)
    return 1 / np.sqrt(a)


# SLEEF's expf (xexpf, u10), which ATen's Vectorized<float>::exp() calls inside sigmoid,
# softplus and their backwards (torch.exp itself goes to MKL and is rounded above)
_R_LN2F = np.float32(1.442695040888963407359924681001892137426645954152985934135449406931)
_L2UF = np.float32(0.693145751953125)
_L2LF = np.float32(1.428606765330187045e-06)
_EXPF_POLY = [np.float32(c) for c in (0.000198527617612853646278381, 0.00139304355252534151077271,
                                     0.00833336077630519866943359, 0.0416664853692054748535156,
                                     0.166666671633720397949219, 0.5)]


def sleef_expf(d):
    d = np.asarray(d, dtype=_F32)
    q = np.rint(d * _R_LN2F).astype(np.int32)
    qf = q.astype(_F32)
    s = fma32(qf, -_L2UF, d)
    s = fma32(qf, -_L2LF, s)
    u = np.full(d.shape, _EXPF_POLY[0], dtype=_F32)
    for c in _EXPF_POLY[1:]:
        u = fma32(u, s, c)
    u = np.float32(1) + fma32(s * s, u, s)
    half = q >> 1  # vldexp2: two exact power-of-two products
    u = u * np.ldexp(np.float32(1), half).astype(_F32) * np.ldexp(np.float32(1), q - half).astype(_F32)
    u = np.where(d < -104, np.float32(0), u)
    return np.where(d > 100, np.float32(np.inf), u).astype(_F32)


def scalar_lanes(shape) -> np.ndarray:
    """Where cpu_kernel_vec takes its scalar path: the tail of each thread's chunk that does
    not fill two 8-lane vectors (the rest goes through the Vectorized lambda)."""
    n = int(np.prod(shape))
    mask = np.zeros(n, dtype=bool)
    for b, e in _chunks(n):
        mask[e - (e - b) % 16:e] = True
    return mask.reshape(shape)


def _by_path(a, vec_fn, scalar_fn):
    out = vec_fn(a)
    tail = scalar_lanes(a.shape)
    if tail.any():
        out = np.where(tail, scalar_fn(a), out).astype(_F32)
    return out


def _glibc_expf(a):
    return np.exp(a.astype(_F64)).astype(_F32)


def sigmoid(a):
    if _is32(a):
        one = np.float32(1)
        return _by_path(a, lambda x: one / (one + sleef_expf(-x)),
                        lambda x: one / (one + _glibc_expf(-x)))
    return 1 / (1 + np.exp(-a))


def _sleef_sigmoid(a):
    one = np.float32(1)
    return _by_path(a, lambda x: one / (one + sleef_expf(-x)),
                    lambda x: one / (one + _glibc_expf(-x)))


def silu(a):
    """Activation.cpp silu_kernel: x / (1 + exp(-x)), SLEEF's expf on the vector lanes."""
    if _is32(a):
        one = np.float32(1)
        return _by_path(a, lambda x: x / (one + sleef_expf(-x)),
                        lambda x: x / (one + _glibc_expf(-x)))
    return a / (1 + np.exp(-a))


def silu_backward(g, a):
    """silu_backward_kernel: dy * s * (1 + x * (1 - s)) with s = 1 / (1 + exp(-x)); the
    compiler fuses 1 + x * (1 - s) into one multiply-add (measured: 100% bit-identical
    fused, 92% unfused)."""
    if _is32(g) and _is32(a) and g.shape == a.shape:
        s = _sleef_sigmoid(a)
        one = np.float32(1)
        return ((g * s) * fma32(a, one - s, one)).astype(_F32)
    return None


def softplus(a, beta=1.0, threshold=20.0):
    if _is32(a) and beta == 1.0:
        z = np.minimum(a, threshold)
        soft = _by_path(z, lambda x: log1p(sleef_expf(x)), lambda x: log1p(_glibc_expf(x)))
        return np.where(a > threshold, a, soft)
    z = a * beta
    return np.where(z > threshold, a, np.log1p(np.exp(np.minimum(z, threshold))) / beta)


def softplus_backward(g, a, beta=1.0, threshold=20.0):
    """grad * z / (z + 1) with z = exp(x) (Activation.cpp), grad itself past the threshold."""
    if _is32(g) and _is32(a) and beta == 1.0 and g.shape == a.shape:
        z = _by_path(np.minimum(a, threshold), sleef_expf, _glibc_expf)
        return np.where(a > threshold, g, (g * z) / (z + np.float32(1))).astype(_F32)
    return None


def asin_backward(g, a):
    """derivatives.yaml: grad * (-self * self + 1).rsqrt(), one float32 rounding a step."""
    if _is32(g) and _is32(a):
        return g * rsqrt(-a * a + np.float32(1))
    return None


def pow_backward(g, a, p):
    """derivatives.yaml pow_backward: grad * (exponent * self.pow(exponent - 1))."""
    if _is32(g) and _is32(a) and isinstance(p, (int, float)) and p != 0:
        return g * (pow_scalar(a, p - 1) * np.float32(p))
    return None


def gelu(a):
    """More than one float32 element: oneDNN's kernel (numerics/onednn.py), as ATen hands
    it over; one element: ATen's scalar x * 0.5 * (1 + erf(x * M_SQRT1_2))."""
    if _is32(a):
        if a.size > 1:
            return onednn.gelu(a)
        half = a * np.float32(0.5)
        return half * (np.float32(1) + erf(a * np.float32(math.sqrt(0.5))))
    return 0.5 * a * (1 + erf(a / math.sqrt(2)))


_GELU_BETA = np.float32(2 / math.sqrt(math.pi) * math.sqrt(0.5) * 0.5)


def gelu_backward(g, a):
    """oneDNN's backward for more than one element; ATen's scalar kernel for one:
    dy * (cdf + x * pdf), cdf = 0.5 * (1 + erf(x * M_SQRT1_2)), pdf = kBeta * exp(-x*x/2)."""
    if not (_is32(g) and _is32(a) and g.shape == a.shape):
        return None
    if a.size > 1:
        return onednn.gelu_backward(g, a)
    half = np.float32(0.5)
    cdf = half * (np.float32(1) + erf(a * np.float32(math.sqrt(0.5))))
    pdf = _GELU_BETA * exp(a * a * np.float32(-0.5))
    return (g * (cdf + a * pdf)).astype(_F32)


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


def rpow(a, base):
    """base ** x for a Python-number base (torch.pow(2, x), 2 ** x): the float64 power
    rounded once for float32 exponents."""
    if _is32(a):
        return np.power(np.float64(base), a.astype(_F64)).astype(_F32)
    return np.power(base, a)


def rpow_backward(g, result, base):
    """pow_backward_exponent: grad * (result * log(base)), log(base) a float32 scalar."""
    if _is32(g) and _is32(result) and isinstance(base, (int, float)) and base > 0:
        return g * (result * np.float32(math.log(base)))
    return None


def rdiv(a, s):
    """s / x for a Python-number s: Tensor.__rtruediv__ is reciprocal(x) * s, two float32
    roundings (one when s is a power of two)."""
    if _is32(a):
        return (np.float32(1) / a) * np.float32(s)
    if a.dtype == np.float64:  # the same two roundings in double
        return (np.float64(1) / a) * np.float64(s)
    return np.true_divide(s, a)


def rdiv_backward(g, a, s):
    """MulBackward0 then ReciprocalBackward0: -(grad * s) * (r * r) with r = 1 / x."""
    if _is32(g) and _is32(a) and isinstance(s, (int, float)):
        r = np.float32(1) / a
        return -(g * np.float32(s)) * (r * r)
    return None
