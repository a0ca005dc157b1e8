"""PyTorch's float32 Box–Muller kernel (NormalFill16<float> under CPU_CAPABILITY_AVX2), emulated
operation by operation in numpy float32.

torch.randn / normal_ on a contiguous float32 tensor of >= 16 elements computes log, sin and
cos with the Cephes-style polynomials of aten/src/ATen/native/cpu/avx_mathfun.h
(`log256_ps`, `sincos256_ps`), compiled with FMA contraction: a product whose only use is an
addition becomes one fused multiply-add (rounded once). numpy's float32 +, -, *, sqrt are
IEEE operations like the AVX ones, so each step below is one vector instruction of the
kernel; `_fma` rounds a*b+c once, as vfmadd does. Which products are fused is what GCC's
contraction pass does (the first product in statement order wins an add of two products);
tests compare the whole kernel with torch bit for bit."""

import numpy as np

F32 = np.float32
_ONE = F32(1.0)
_HALF = F32(0.5)
_SQRTHF = F32(0.707106781186547524)
_LOG_P = [F32(v) for v in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1,
                           -1.2420140846E-1, 1.4249322787E-1, -1.6668057665E-1,
                           2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1)]
_LOG_Q1 = F32(-2.12194440e-4)
_LOG_Q2 = F32(0.693359375)
_DP1, _DP2, _DP3 = F32(-0.78515625), F32(-2.4187564849853515625e-4), F32(-3.77489497744594108e-8)
_SIN_P = [F32(v) for v in (-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1)]
_COS_P = [F32(v) for v in (2.443315711809948E-005, -1.388731625493765E-003,
                           4.166664568298827E-002)]
_FOPI = F32(1.27323954473516)
TWO_PI = F32(2.0 * np.pi)


def _fma(a, b, c):
    """float32 a*b + c rounded once. The float64 product of two float32 is exact; the float64
    sum can round, and rounding that again to float32 differs from one rounding only when the
    float64 sum lands exactly halfway between two float32 (then it is nudged toward the exact
    value, the round-to-odd fix)."""
    p = np.multiply(a, b, dtype=np.float64)
    s = p + c
    bits = s.view(np.uint64)
    tie = (bits & np.uint64(0x1FFFFFFF)) == np.uint64(0x10000000)
    if tie.any():
        idx = np.nonzero(tie)
        pt, ct = p[idx], np.broadcast_to(np.asarray(c, np.float64), s.shape)[idx]
        st = s[idx]
        bb = st - pt
        err = (pt - (st - bb)) + (ct - bb)  # TwoSum: the rounding error of p + c
        s[idx] = np.where(err == 0, st, np.nextafter(st, st + err))
    return s.astype(F32)


def log256(x):
    """log256_ps for x in (0, 1] (Box–Muller's 1 - u): Cephes logf's range reduction and
    polynomial. The denormal/negative guards of the original never fire on that range."""
    bits = x.view(np.int32)
    e = ((bits >> 23) - 0x7F).astype(F32) + _ONE
    m = ((bits & ~0x7F800000) | 0x3F000000).view(F32)  # mantissa in [0.5, 1)
    mask = m < _SQRTHF
    xm = (m - _ONE) + np.where(mask, m, F32(0))
    e = e - np.where(mask, _ONE, F32(0))
    z = xm * xm
    y = _fma(_LOG_P[0], xm, _LOG_P[1])
    for p in _LOG_P[2:]:
        y = _fma(y, xm, p)
    y = y * xm
    y = _fma(y, z, e * _LOG_Q1)          # y*z + e*q1: the first product is fused
    y = _fma(-z, _HALF, y)               # y - z*0.5
    return (xm + y) + e * _LOG_Q2        # (x + y) + e*q2: e*q2 is exact (q2 has 9 bits)


def sincos256(x):
    """sincos256_ps for x >= 0 (theta = 2*pi*u): returns (sin, cos)."""
    j = (x * _FOPI).astype(np.int32)
    j = (j + 1) & ~1
    y = j.astype(F32)
    sign_sin = (j & 4) << 29           # sign bits to xor in, as the kernel does
    poly_sin = (j & 2) == 0            # True where the sine takes the sine polynomial
    # y is an even integer <= 8 and DP1, DP2 have 8 and 11 significant bits: those products
    # are exact in float32, so their fused add is a plain add
    xr = (x + y * _DP1) + y * _DP2
    xr = _fma(y, _DP3, xr)
    sign_cos = (~(j - 2) & 4) << 29
    z = xr * xr
    yc = _fma(_COS_P[0], z, _COS_P[1])
    yc = _fma(yc, z, _COS_P[2])
    yc = yc * z
    yc = _fma(yc, z, -(z * _HALF))     # y*z - z*0.5: the first product is fused
    yc = yc + _ONE
    ys = _fma(_SIN_P[0], z, _SIN_P[1])
    ys = _fma(ys, z, _SIN_P[2])
    ys = ys * z
    ys = _fma(ys, xr, xr)
    s = np.where(poly_sin, ys, yc).view(np.int32)
    c = np.where(poly_sin, yc, ys).view(np.int32)
    s ^= sign_sin
    c ^= sign_cos
    return s.view(F32), c.view(F32)
