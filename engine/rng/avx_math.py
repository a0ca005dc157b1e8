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


_LOW29, _HALF29 = np.uint64(0x1FFFFFFF), np.uint64(0x10000000)


class Work:
    """Scratch arrays of one block's shape, reused from block to block: every step below
    writes into them (out=), since allocating fresh arrays for each of the ~150 steps costs
    more than the arithmetic."""

    def __init__(self, rows: int, width: int = 8):
        self.shape, self._bufs = (rows, width), {}

    def __call__(self, name, dtype=F32):
        buf = self._bufs.get(name)
        if buf is None:
            buf = self._bufs[name] = np.empty(self.shape, dtype)
        return buf


def _fma(a, b, c, out, w: Work):
    """out = float32 a*b + c rounded once. The float64 product of two float32 is exact; the
    float64 sum can round, and rounding that again to float32 differs from one rounding
    only when the float64 sum lands exactly halfway between two float32 and is itself
    inexact: those few are nudged toward the exact value (round to odd) before the cast."""
    n = out.shape[0]
    p, s = w("p", np.float64)[:n], w("s", np.float64)[:n]
    np.multiply(a, b, out=p, dtype=np.float64)
    np.add(p, c, out=s)
    u, tie = w("u", np.uint64)[:n], w("tie", np.bool_)[:n]
    np.bitwise_and(s.view(np.uint64), _LOW29, out=u)
    np.equal(u, _HALF29, out=tie)
    if tie.any():
        idx = np.nonzero(tie.reshape(-1))[0]  # 1-d: numpy's 2-d nonzero is 10x slower
        flat, pf = s.reshape(-1), p.reshape(-1)
        st, pt = flat[idx], pf[idx]
        ct = np.broadcast_to(np.asarray(c, np.float64), s.shape).reshape(-1)[idx]
        bb = st - pt
        err = (pt - (st - bb)) + (ct - bb)  # TwoSum: the rounding error of p + c
        flat[idx] = np.where(err == 0, st, np.nextafter(st, st + err))
    np.copyto(out, s, casting="same_kind")
    return out


def log256(x, out, w: Work):
    """log256_ps for x in (0, 1] (Box–Muller's 1 - u): Cephes logf's range reduction and
    polynomial. The denormal/negative guards of the original never fire on that range."""
    n = x.shape[0]
    bits = x.view(np.int32)
    ei, e = w("ei", np.int32)[:n], w("e")[:n]
    np.right_shift(bits, 23, out=ei)
    np.subtract(ei, 0x7F, out=ei)
    np.copyto(e, ei, casting="unsafe")
    np.add(e, _ONE, out=e)
    mi = w("mi", np.int32)[:n]
    np.bitwise_and(bits, ~0x7F800000, out=mi)
    np.bitwise_or(mi, 0x3F000000, out=mi)        # the mantissa, in [0.5, 1)
    m = mi.view(F32)
    mask, xm, tmp = w("mask", np.bool_)[:n], w("xm")[:n], w("tmp")[:n]
    np.less(m, _SQRTHF, out=mask)
    np.subtract(m, _ONE, out=xm)
    np.multiply(m, mask, out=tmp)                 # x & mask: m where m < SQRTHF, else +0
    np.add(xm, tmp, out=xm)
    np.subtract(e, mask, out=e)                   # e - (1 & mask)
    z, y = w("z")[:n], w("y")[:n]
    np.multiply(xm, xm, out=z)
    _fma(_LOG_P[0], xm, _LOG_P[1], y, w)          # contracted Horner steps
    for p in _LOG_P[2:]:
        _fma(y, xm, p, y, w)
    np.multiply(y, xm, out=y)
    np.multiply(e, _LOG_Q1, out=tmp)
    _fma(y, z, tmp, y, w)                         # y*z + e*q1: the first product is fused
    np.multiply(z, _HALF, out=tmp)                # y - z*0.5: z*0.5 is exact, one rounding
    np.subtract(y, tmp, out=y)
    np.add(xm, y, out=out)
    np.multiply(e, _LOG_Q2, out=tmp)              # (x + y) + e*q2: e*q2 is exact (q2 has 9 bits)
    np.add(out, tmp, out=out)
    return out


def sincos256(x, s_out, c_out, w: Work):
    """sincos256_ps for x >= 0 (theta = 2*pi*u) into s_out, c_out."""
    n = x.shape[0]
    j, tmp = w("j", np.int32)[:n], w("tmp")[:n]
    np.multiply(x, _FOPI, out=tmp)
    np.copyto(j, tmp, casting="unsafe")           # truncation, as cvttps2dq
    np.add(j, 1, out=j)
    np.bitwise_and(j, ~1, out=j)
    y = w("yj")[:n]
    np.copyto(y, j, casting="unsafe")
    sign_sin, sign_cos, poly = w("ss", np.int32)[:n], w("sc", np.int32)[:n], w("poly", np.bool_)[:n]
    np.bitwise_and(j, 4, out=sign_sin)            # sign bits to xor in, as the kernel does
    np.left_shift(sign_sin, 29, out=sign_sin)
    np.bitwise_and(j, 2, out=sign_cos)
    np.equal(sign_cos, 0, out=poly)               # where the sine takes the sine polynomial
    np.subtract(j, 2, out=sign_cos)
    np.invert(sign_cos, out=sign_cos)
    np.bitwise_and(sign_cos, 4, out=sign_cos)
    np.left_shift(sign_cos, 29, out=sign_cos)
    # y is an even integer <= 8 and DP1, DP2 have 8 and 11 significant bits: those products
    # are exact in float32, so their fused adds are plain adds
    xr = w("xr")[:n]
    np.multiply(y, _DP1, out=tmp)
    np.add(x, tmp, out=xr)
    np.multiply(y, _DP2, out=tmp)
    np.add(xr, tmp, out=xr)
    _fma(y, _DP3, xr, xr, w)
    z, yc, ys = w("z")[:n], w("yc")[:n], w("ys")[:n]
    np.multiply(xr, xr, out=z)
    _fma(_COS_P[0], z, _COS_P[1], yc, w)
    _fma(yc, z, _COS_P[2], yc, w)
    np.multiply(yc, z, out=yc)
    np.multiply(z, -_HALF, out=tmp)
    _fma(yc, z, tmp, yc, w)                       # y*z - z*0.5: the first product is fused
    np.add(yc, _ONE, out=yc)
    _fma(_SIN_P[0], z, _SIN_P[1], ys, w)
    _fma(ys, z, _SIN_P[2], ys, w)
    np.multiply(ys, z, out=ys)
    _fma(ys, xr, xr, ys, w)
    np.copyto(s_out, yc)
    np.copyto(s_out, ys, where=poly)
    np.copyto(c_out, ys)
    np.copyto(c_out, yc, where=poly)
    si, ci = s_out.view(np.int32), c_out.view(np.int32)
    np.bitwise_xor(si, sign_sin, out=si)
    np.bitwise_xor(ci, sign_cos, out=ci)
    return s_out, c_out


def box_muller_rows(d, mean, std, w: Work):
    """NormalFill16<float> (AVX2) in place over rows of 16 uniforms: lanes 0-7 are u1, 8-15
    u2; out come radius*cos*std + mean and radius*sin*std + mean (fmadd)."""
    n = d.shape[0]
    u1, radius = w("u1")[:n], w("radius")[:n]
    np.subtract(_ONE, d[:, :8], out=u1)
    log256(u1, radius, w)
    np.multiply(radius, F32(-2.0), out=radius)
    np.sqrt(radius, out=radius)
    theta, sin, cos = w("theta")[:n], w("sin")[:n], w("cos")[:n]
    np.multiply(TWO_PI, d[:, 8:], out=theta)
    sincos256(theta, sin, cos, w)
    lo, hi = d[:, :8], d[:, 8:]
    np.multiply(radius, cos, out=lo)
    np.multiply(radius, sin, out=hi)
    m, s = F32(mean), F32(std)
    if m != 0 or s != 1:  # fmadd(n, 1, 0) is n
        _fma(lo, s, m, lo, w)
        _fma(hi, s, m, hi, w)
    return d
