"""torch.sqrt on this CPU, bit for bit: MKL VML's vsSqrt / vdSqrt (HA mode) as PyTorch 2.13 calls
them (aten/src/ATen/cpu/vml.h, IMPLEMENT_VML_MKL(sqrt, Sqrt)).

MKL picks its kernel by CPU vendor: on this AMD EPYC it runs `mkl_vml_kernel_sSqrt_EXHAynn` and
`mkl_vml_kernel_dSqrt_EXHAynn` (seen in gdb), SSE code seeded by the `rsqrtps` instruction (a 12-bit
reciprocal square root approximation), then refined with plain (unfused) SSE arithmetic. The
instruction sequences below are transcribed from their disassembly (tools/vml_sqrt_table.py
regenerates the seed table and checks every case against torch). The result is not correctly
rounded: float32 differs from IEEE sqrt by one ulp on 9% of [1, 2) and 25% of [2, 4).

The seed: rsqrtps's value depends only on the exponent's parity and the top 12 mantissa bits of
its input, and it has 12 significant bits; its 2 x 4096 values (AMD's, measured on this machine
with the instruction itself; Intel's `rsqrtps` differs) are stored below as zlib'd decrements.

Inputs outside the fast path (zero, subnormals, negatives, inf, nan, the largest finite values)
take MKL's rare-case path, which is correctly rounded (numpy's sqrt), except that a negative
non-nan input gives the positive quiet nan 0x7fc00000 (x86's default nan is negative).
"""

import base64
import zlib

import numpy as np

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)

# rsqrtps(f) for f in [1, 2) (row 0) and [2, 4) (row 1): 0.5 * (1 + q / 4096), q from the top 12
# mantissa bits of f; each row starts at its first q and steps down by the stored decrements
_Q_FIRST = (4095, 1696)
_Q_DECREMENTS = (
    "eNrdlgkOwzAIBBf+/+hKvRx8UQrGbptGZLKDI1mRAtH9h0chpjkT+Xxy+l5GJ7/e44n7Sb67wp6jXKNhVvLVjGC/n4udEcxK"
    "vpoR7Nc5F7r+h2z1dzM0v5jdujrH4n61Pq/l/nzPCPaj846PpkyYjX42w+qTPEhhHJa7ffzXgW/7qv2og1Fu9bNz1bc0d5ic"
    "/bv5jfV2DBhGP3q9aB/izuv9KJyd7/CNLS7Ofp7OMvPW09bT+02DNSs5ggd5BPtNLkbi8oUYMRt9K2Nx/yh/FTaOnnzwKGxj"
    "8UW8hlNGcJ7t48/GWVhzZZDw5l4/ur/hzWMokvsnfmccXJ9n+21/4KzyAxVoX3w5F84ZRt/aj+T1cNh6Xt+8XuDav8h1hsXP"
    "RnJ/tJ+9XnTe+s/rwanl2f5p/ac/Tztv4CUP/w==")


def _seed_table():
    dec = np.frombuffer(zlib.decompress(base64.b64decode(_Q_DECREMENTS)), np.uint8)
    dec = dec.astype(np.int64).reshape(2, 4095)
    q = np.empty((2, 4096), np.int64)
    for row in (0, 1):
        q[row, 0] = _Q_FIRST[row]
        q[row, 1:] = _Q_FIRST[row] - np.cumsum(dec[row])
    return q


_Q = _seed_table()
# indexed by (input bits >> 11) & 0x1fff: the exponent's lowest bit (1: f in [1, 2)) and the top
# 12 mantissa bits; the value is rsqrtps's mantissa field (q << 11)
_T32 = (np.concatenate([_Q[1], _Q[0]]) << 11).astype(np.uint32)
_T64 = _T32.astype(np.uint64) << np.uint64(29)
_NAN32 = np.uint32(0x7FC00000)
_NAN64 = np.uint64(0x7FF8000000000000)


def _rare_lanes(a, out, rare, nan_bits):
    """MKL's rare path: IEEE sqrt, with the positive nan for negative non-nan inputs."""
    with np.errstate(invalid="ignore"):
        ieee = np.sqrt(a)
    out = np.where(rare, ieee, out)
    neg = a < 0
    if neg.any():
        out = np.where(neg, nan_bits.view(a.dtype), out)
    return out


def _sqrt32(x):
    bits = x.view(np.uint32)
    # MKL's test: (bits + 0x7f800000) as int32 > (int32)0xfefff000 sends a lane to the rare path
    rare = (bits + np.uint32(0x7F800000)).view(np.int32) > np.int32(-16781312)
    any_rare = rare.any()
    b = np.where(rare, np.uint32(0x3F800000), bits) if any_rare else bits
    # rsqrtps(x) = rsqrtps(f) / 2**k for x = f * 4**k, f in [1, 4): biased exponent (380 - e) >> 1
    e = b >> np.uint32(23)
    r = (((np.uint32(380) - e) >> np.uint32(1)) << np.uint32(23))
    r |= _T32[(b >> np.uint32(11)) & np.uint32(0x1FFF)]
    r = r.view(_F32)
    xf = b.view(_F32)
    half = np.float32(0.5)
    y = xf * r
    h = r * half
    ee = half - y * h
    y1 = y * ee + y
    h1 = h * ee + h
    out = (xf - y1 * y1) * h1 + y1
    return _rare_lanes(x, out, rare, _NAN32) if any_rare else out


_C10 = np.uint64(0x7FF0000000000000)
_C11 = np.uint64(0x0010000000000000)
_C14 = np.uint64(0xBFD0000000000000)
_C15 = np.uint64(0xFFFFFFFFF8000000)
# (1 - eps)**-0.5 - 1 ~ eps * (c0 + eps * (c1 + eps * (c2 + eps * c3))), MKL's coefficients
_C = [np.array([v], np.uint64).view(_F64)[0] for v in (
    0x3FDFFFFFFFFFFE71, 0x3FD80000000000F6, 0x3FD40000B13001D9, 0x3FD1800032338CBB)]


def _sqrt64(x):
    bits = x.view(np.uint64)
    hi = (bits >> np.uint64(32)).astype(np.uint32)
    rare = (hi + np.uint32(0x7FF00000)).view(np.int32) > np.int32(-4194305)
    any_rare = rare.any()
    b = np.where(rare, np.uint64(0x3FF0000000000000), bits) if any_rare else bits
    # rsqrtps of the float32 f in [1, 2) (odd biased exponent) or [2, 4) holding x's top 23
    # mantissa bits, as a double in [0.5, 1], times MKL's power-of-two scale
    r = (_T64[(b >> np.uint64(40)) & np.uint64(0x1FFF)] | np.uint64(0x3FE0000000000000)).view(_F64)
    scale = ((((~b & _C11) - (b & _C10)) + _C14) >> np.uint64(1)).view(_F64)
    xf = b.view(_F64)
    y0 = scale * r
    t = y0 * y0
    xh = (b & _C15).view(_F64)
    xl = xf - xh
    eps = (1.0 - xh * t) - xl * t
    c0, c1, c2, c3 = _C
    p = ((((eps * c3 + c2) * eps + c1) * eps + c0) * eps * y0) * xf
    out = xh * y0 + (xl * y0 + p)
    return _rare_lanes(x, out, rare, _NAN64) if any_rare else out


_CHUNK = 1 << 14  # elements per pass: the temporaries stay in cache and in malloc's free lists
_T32_LIST = _T32.tolist()
_HALF = np.float32(0.5)


def _sqrt32_one(x):
    """One float32 on the fast path with numpy scalars (a 0-d tensor's sqrt, without the
    array machinery's fixed cost); None when MKL would take its rare path."""
    bits = int(x.view(np.uint32))
    if not 0x00800000 <= bits <= 0x7F7FF000:
        return None
    rb = (((380 - (bits >> 23)) >> 1) << 23) | _T32_LIST[(bits >> 11) & 0x1FFF]
    r = np.uint32(rb).view(_F32)
    y = x * r
    h = r * _HALF
    ee = _HALF - y * h
    y1 = y * ee + y
    h1 = h * ee + h
    return (x - y1 * y1) * h1 + y1


def _chunked(kernel, flat):
    if flat.size <= _CHUNK:
        return kernel(flat)
    out = np.empty_like(flat)
    for i in range(0, flat.size, _CHUNK):
        out[i:i + _CHUNK] = kernel(flat[i:i + _CHUNK])
    return out


def vml_sqrt(a):
    """torch.sqrt's values for float32/float64 numpy arrays (other dtypes: numpy's sqrt)."""
    a = np.asarray(a)
    if a.dtype == _F32:
        if a.size == 1:
            one = _sqrt32_one(a.reshape(-1)[0])
            if one is not None:
                return np.full(a.shape, one, _F32)
        return _chunked(_sqrt32, np.ascontiguousarray(a).reshape(-1)).reshape(a.shape)
    if a.dtype == _F64:
        return _chunked(_sqrt64, np.ascontiguousarray(a).reshape(-1)).reshape(a.shape)
    return np.sqrt(a)
