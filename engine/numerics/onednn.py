"""float32 GELU as PyTorch 2.13's CPU build computes it: through oneDNN (mkldnn).

ATen's gelu and gelu_backward (Activation.cpp) hand a float32 tensor of more than one
element to oneDNN's eltwise_gelu_erf when mkldnn is enabled (the default). On AVX-512
machines oneDNN's JIT injector evaluates:
- forward: a piecewise minimax polynomial of degree 5 for erf(x / sqrt 2), 25 pieces picked
  from the float's bits (gelu_erf_minimax_approx_compute_vector_fwd), then
  (x * (1 + erf)) * 0.5. Past |x| > 5.5426 the piece is erf = +-1 exactly, hence PyTorch's
  gelu(-5.54) = -0.
- backward: Abramowitz-Stegun's erf with oneDNN's own exp (range reduction by ln 2 and a
  degree-5 polynomial, gelu_erf_compute_vector_bwd), dy * (0.5 + R/sqrt(pi) * exp(-R*R)
  + 0.5 * erf(R)) with R = x / sqrt 2.
Every fused multiply-add of the JIT code is one rounding here (fma32). Constants are the
injector's table entries, bit for bit. Measured against torch: 100% of the swept forward
values and gradients (tests/test_numerics_torch.py)."""

import numpy as np

from .fma import fma32

_F32 = np.float32


def _bits(*words) -> np.ndarray:
    return np.array(words, dtype=np.uint32).view(_F32)


# gelu_erf_minimax_pol: coefficients of degree 0..5 for the 25 pieces
_POL = [_bits(*row) for row in (
    (0xa6f2cb94, 0x32827792, 0x3381cc0c, 0x34523d4a, 0x351ac44d, 0x35f36d88, 0x36ee8229,
     0x37b8a3bb, 0x3867a213, 0x3940033b, 0x3a2a5a1d, 0x3ae35863, 0x3b7828f2, 0x3c08b14b,
     0x3c515ed3, 0xbb503236, 0xbd8d8e5e, 0xbe8abcd9, 0xbf0c19a2, 0xbeccb328, 0x3e176ced,
     0x3f470d99, 0x3f7abb28, 0x3f800000, 0x00000000),
    (0x3f4c422a, 0x3f4c421f, 0x3f4c4207, 0x3f4c41cb, 0x3f4c413b, 0x3f4c3fad, 0x3f4c3a2f,
     0x3f4c2d40, 0x3f4c146a, 0x3f4bc341, 0x3f4ad08c, 0x3f48f8cf, 0x3f45fac7, 0x3f404e07,
     0x3f3b980f, 0x3f48dff3, 0x3f78b21b, 0x3fbb0704, 0x40019c32, 0x3fe536d6, 0x3f81331e,
     0x3e6c8684, 0x3c98f936, 0x00000000, 0x3f800000),
    (0xb62173f4, 0x3735e4cf, 0x37f2ff89, 0x388c23be, 0x3917535c, 0x39ab2ab0, 0x3a60fadb,
     0x3af9b960, 0x3b6e5491, 0x3c0a4ec5, 0x3ca5aa8c, 0x3d2138d9, 0x3d8737d4, 0x3ddfb660,
     0x3e0f27ab, 0x3d94004b, 0xbe0efdeb, 0xbf1d96c3, 0xbf89db58, 0xbf6d9897, 0xbef69fb8,
     0xbdc4f8a8, 0xbbde6422, 0x00000000, 0x00000000),
    (0xbe081a19, 0xbe084570, 0xbe08639b, 0xbe089837, 0xbe08f409, 0xbe09ab95, 0xbe0b66d0,
     0xbe0e400a, 0xbe124df8, 0xbe1bde02, 0xbe2f19c9, 0xbe4931bf, 0xbe685fbc, 0xbe89c95f,
     0xbe96cbca, 0xbe8044aa, 0xbe0550f2, 0x3dcfd6a1, 0x3e94c826, 0x3e79345f, 0x3decec91,
     0x3ca46568, 0x3aa1e00a, 0x00000000, 0x00000000),
    (0xba3d61db, 0x39f097a3, 0x3a5845dc, 0x3ab1fa35, 0x3b0cefb8, 0x3b653ab6, 0x3bcae527,
     0x3c221712, 0x3c6c5840, 0x3cc0a703, 0x3d1dcc19, 0x3d63656d, 0x3d955907, 0x3dbf9910,
     0x3dd53f69, 0x3db7dcef, 0x3d639ebe, 0xba6ede48, 0xbd22be69, 0xbd041cf1, 0xbc64f5ab,
     0xbb097a32, 0xb8ebf380, 0x00000000, 0x00000000),
    (0x3cb7d80c, 0x3c9b6050, 0x3c978d11, 0x3c92e850, 0x3c8d058b, 0x3c848454, 0x3c6cd623,
     0x3c4c824b, 0x3c2a7935, 0x3be0b390, 0x3b0651ac, 0xbb232f53, 0xbbd42fa0, 0xbc2c5366,
     0xbc492c9e, 0xbc2a7aa6, 0xbbd55d04, 0xba823a76, 0x3b102aa8, 0x3ae25a7e, 0x3a31f792,
     0x38b84375, 0x3689bb5a, 0x00000000, 0x00000000))]
_IDX_BIAS = np.int64(np.uint32(0xc21fffff).view(np.int32))
_RBOUND = _bits(0x40b15cee)[0]

# exp_compute_vector_fwd
_LN_FLT_MAX, _LN_FLT_MIN, _LOG2E, _LN2 = _bits(0x42b17218, 0xc2aeac50, 0x3fb8aa3b, 0x3f317218)
_EXP_POL = _bits(0x3f7ffffb, 0x3efffee3, 0x3e2aad40, 0x3d2b9d0d, 0x3c07cfce)

# gelu_erf_Abramowitz_Stegun_*
_AS_P, _INV_SQRT2, _INV_SQRTPI = _bits(0x3ea7ba05, 0x3f3504f3, 0x3f106eba)
_AS_POL = _bits(0x3e827906, 0xbe91a98e, 0x3fb5f0e3, 0xbfba00e3, 0x3f87dc22)

_ONE, _HALF = _F32(1), _F32(0.5)


def _erf_minimax(x):
    """erf(x / sqrt 2) by the piece the float's bits select (sign restored at the end)."""
    xp = np.abs(x)
    idx = ((xp.view(np.int32).astype(np.int64) + _IDX_BIAS).astype(np.int32)) >> 21
    idx = np.clip(idx, 1, 24)
    idx = np.where(_RBOUND < xp, 23, idx)
    pol = _POL[5][idx]
    for deg in range(4, -1, -1):
        pol = fma32(pol, xp, _POL[deg][idx])
    return np.where(np.signbit(x), -pol, pol).astype(_F32)


def gelu(x):
    """oneDNN's forward on a float32 array."""
    return (x * (_erf_minimax(x) + _ONE)) * _HALF


def exp(x):
    """oneDNN's exp: 2 * 2**(n-1) * p(r), r = x - n ln 2, zero below ln(FLT_MIN)."""
    tiny = x < _LN_FLT_MIN
    x = np.maximum(np.minimum(x, _LN_FLT_MAX), _LN_FLT_MIN)
    fx = np.floor(x * _LOG2E + _HALF)
    r = fma32(-fx, _LN2, x)
    scale = np.left_shift((fx - _ONE).astype(np.int32) + 127, 23).astype(np.int32).view(_F32)
    scale = np.where(tiny, _F32(0), scale)
    y = _EXP_POL[4]
    for c in (_EXP_POL[3], _EXP_POL[2], _EXP_POL[1], _EXP_POL[0], _ONE):
        y = fma32(y, r, c)
    return ((y * scale) * _F32(2)).astype(_F32)


def gelu_backward(dy, x):
    """oneDNN's gelu_erf backward on float32 arrays of one shape."""
    r = x * _INV_SQRT2
    q = exp(-(r * r))
    t = (r * _INV_SQRTPI) * q
    w = _ONE / fma32(_AS_P, np.abs(r), _ONE)
    qw = (-q) * w
    pol = _AS_POL[4]
    for c in (_AS_POL[3], _AS_POL[2], _AS_POL[1], _AS_POL[0]):
        pol = fma32(pol, w, c)
    erf = fma32(qw, pol, _ONE)
    erf = np.where(np.signbit(r), -erf, erf)
    return (dy * fma32(erf, _HALF, t + _HALF)).astype(_F32)
