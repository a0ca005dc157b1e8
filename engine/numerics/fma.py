"""Fused multiply-add emulated with numpy, for kernels PyTorch's compiler contracts into an
FMA (x86-64 builds with -mfma: `a + b * c` becomes one rounding, not two).

float32: the float64 product of two float32 values is exact; the float64 sum is then
corrected so its one rounding to float32 is the rounding of the exact sum.
float64: Dekker's exact product (Veltkamp split) and Knuth's TwoSum give the exact sum as
a double-double, rounded once (correct except in vanishingly rare ties)."""

import numpy as np

_SPLIT = 134217729.0  # 2**27 + 1


def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _two_prod(a, b):
    p = a * b
    ca = _SPLIT * a
    ah = ca - (ca - a)
    al = a - ah
    cb = _SPLIT * b
    bh = cb - (cb - b)
    bl = b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def fma64(a, b, c):
    """a * b + c in float64 with one rounding."""
    a, b, c = (np.asarray(v, dtype=np.float64) for v in (a, b, c))
    p, pe = _two_prod(a, b)
    s, se = _two_sum(c, p)
    return s + (se + pe)


def round32(hi, lo):
    """Round the exact value hi + lo (float64 hi, |lo| < ulp(hi)/2) to float32 once.
    Double rounding only errs when hi sits exactly halfway between two float32 values
    and lo is not zero: nudge hi one float64 step toward lo first."""
    hi = np.asarray(hi, dtype=np.float64)
    bits = hi.view(np.uint64) & np.uint64(0x1FFFFFFF)
    tie = (bits == np.uint64(0x10000000)) & (lo != 0)
    if np.any(tie):
        hi = np.where(tie, np.nextafter(hi, np.where(lo > 0, np.inf, -np.inf)), hi)
    return hi.astype(np.float32)


def fma32(a, b, c):
    """a * b + c for float32 operands with one rounding to float32."""
    p = np.asarray(a, dtype=np.float32).astype(np.float64) * np.asarray(b, dtype=np.float32)
    c = np.asarray(c, dtype=np.float32).astype(np.float64)
    s, e = _two_sum(c, p)
    return round32(s, e)
