"""Vectorized numpy ports of PyTorch's special-function kernels (aten/src/ATen/native/
Math.h): calc_digamma, trigamma, the Cephes zeta behind polygamma, calc_i0 / calc_i1
(Chebyshev series), calc_erfinv (rational start, two Newton steps), and lgamma (std::lgamma:
shifted Stirling series with reflection). Every loop runs over a fixed count of terms, never
over elements; each computes in float64 and the row casts to the input's dtype, which is
within float32's rounding of PyTorch's float kernels."""

import math

import numpy as np

from .helpers import _erf

_PSI_10 = 2.25175258906672110764
_DIGAMMA_A = (8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3,
              -4.16666666666666666667E-3, 3.96825396825396825397E-3, -8.33333333333333333333E-3,
              8.33333333333333333333E-2)
_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9,
           7.47242496e10, -2.950130727918164224e12, 1.1646782814350067249e14,
           -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18)
_I0_A = (-4.41534164647933937950E-18, 3.33079451882223809783E-17, -2.43127984654795469359E-16,
         1.71539128555513303061E-15, -1.16853328779934516808E-14, 7.67618549860493561688E-14,
         -4.85644678311192946090E-13, 2.95505266312963983461E-12, -1.72682629144155570723E-11,
         9.67580903537323691224E-11, -5.18979560163526290666E-10, 2.65982372468238665035E-9,
         -1.30002500998624804212E-8, 6.04699502254191894932E-8, -2.67079385394061173391E-7,
         1.11738753912010371815E-6, -4.41673835845875056359E-6, 1.64484480707288970893E-5,
         -5.75419501008210370398E-5, 1.88502885095841655729E-4, -5.76375574538582365885E-4,
         1.63947561694133579842E-3, -4.32430999505057594430E-3, 1.05464603945949983183E-2,
         -2.37374148058994688156E-2, 4.93052842396707084878E-2, -9.49010970480476444210E-2,
         1.71620901522208775349E-1, -3.04682672343198398683E-1, 6.76795274409476084995E-1)
_I0_B = (-7.23318048787475395456E-18, -4.83050448594418207126E-18, 4.46562142029675999901E-17,
         3.46122286769746109310E-17, -2.82762398051658348494E-16, -3.42548561967721913462E-16,
         1.77256013305652638360E-15, 3.81168066935262242075E-15, -9.55484669882830764870E-15,
         -4.15056934728722208663E-14, 1.54008621752140982691E-14, 3.85277838274214270114E-13,
         7.18012445138366623367E-13, -1.79417853150680611778E-12, -1.32158118404477131188E-11,
         -3.14991652796324136454E-11, 1.18891471078464383424E-11, 4.94060238822496958910E-10,
         3.39623202570838634515E-9, 2.26666899049817806459E-8, 2.04891858946906374183E-7,
         2.89137052083475648297E-6, 6.88975834691682398426E-5, 3.36911647825569408990E-3,
         8.04490411014108831608E-1)
_I1_A = (2.77791411276104639959E-18, -2.11142121435816608115E-17, 1.55363195773620046921E-16,
         -1.10559694773538630805E-15, 7.60068429473540693410E-15, -5.04218550472791168711E-14,
         3.22379336594557470981E-13, -1.98397439776494371520E-12, 1.17361862988909016308E-11,
         -6.66348972350202774223E-11, 3.62559028155211703701E-10, -1.88724975172282928790E-9,
         9.38153738649577178388E-9, -4.44505912879632808065E-8, 2.00329475355213526229E-7,
         -8.56872026469545474066E-7, 3.47025130813767847674E-6, -1.32731636560394358279E-5,
         4.78156510755005422638E-5, -1.61760815825896745588E-4, 5.12285956168575772895E-4,
         -1.51357245063125314899E-3, 4.15642294431288815669E-3, -1.05640848946261981558E-2,
         2.47264490306265168283E-2, -5.29459812080949914269E-2, 1.02643658689847095384E-1,
         -1.76416518357834055153E-1, 2.52587186443633654823E-1)
_I1_B = (7.51729631084210481353E-18, 4.41434832307170791151E-18, -4.65030536848935832153E-17,
         -3.20952592199342395980E-17, 2.96262899764595013876E-16, 3.30820231092092828324E-16,
         -1.88035477551078244854E-15, -3.81440307243700780478E-15, 1.04202769841288027642E-14,
         4.27244001671195135429E-14, -2.10154184277266431302E-14, -4.08355111109219731823E-13,
         -7.19855177624590851209E-13, 2.03562854414708950722E-12, 1.41258074366137813316E-11,
         3.25260358301548823856E-11, -1.89749581235054123450E-11, -5.58974346219658380687E-10,
         -3.83538038596423702205E-9, -2.63146884688951950684E-8, -2.51223623787020892529E-7,
         -3.88256480887769039346E-6, -1.10588938762623716291E-4, -9.76109749136146840777E-3,
         7.78576235018280120474E-1)


def _f64(a):
    return np.asarray(a, dtype=np.float64)


def _own(a):
    """float32 stays float32 (PyTorch's float kernels: their rounding at the poles, where
    float64's would differ by orders of magnitude); everything else float64. Python float
    constants stay weak under numpy 2, so the arithmetic runs in that dtype."""
    a = np.asarray(a)
    return a if a.dtype == np.float32 else a.astype(np.float64)


def _chbevl(x, coeffs):
    b0, b1, b2 = np.full_like(x, coeffs[0]), np.zeros_like(x), np.zeros_like(x)
    for c in coeffs[1:]:
        b2, b1 = b1, b0
        b0 = x * b1 - b2 + c
    return 0.5 * (b0 - b2)


def digamma(a):
    x = _own(a)
    with np.errstate(all="ignore"):
        neg = x < 0
        # reflection for x < 0: digamma(1 - x) - pi / tan(pi * frac(x))
        refl = np.where(neg, -math.pi / np.tan(math.pi * np.fmod(x, 1.0)), 0.0).astype(x.dtype)
        z = np.where(neg, 1 - x, x)
        result = np.zeros_like(z)
        for _ in range(10):  # push z to >= 10 (at most 10 steps from z > 0)
            small = z < 10
            result = np.where(small, result - 1 / np.where(small, z, 1.0), result)
            z = np.where(small, z + 1, z)
        zz = 1.0 / (z * z)
        poly = np.zeros_like(z)
        for c in _DIGAMMA_A:
            poly = poly * zz + c
        y = np.where(z < 1.0e17, zz * poly, 0.0)
        out = np.where(z == 10, result + _PSI_10, result + np.log(z) - 0.5 / z - y)
        out = out + refl
        out = np.where(x == 0, np.copysign(np.inf, -x), out)
        out = np.where(neg & (x == np.trunc(x)), np.nan, out)
    return out


def trigamma(a):
    x = _own(a)
    with np.errstate(all="ignore"):
        low = x < 0.5
        s = np.sin(math.pi * x)
        result = np.where(low, -(math.pi * math.pi) / (s * s), 0.0)
        sign = np.where(low, -1.0, 1.0)
        x = np.where(low, 1 - x, x)
        for _ in range(6):
            result = result + 1 / (x * x)
            x = x + 1
        ixx = 1 / (x * x)
        result = result + (1 + 1 / (2 * x) + ixx * (1. / 6 - ixx * (1. / 30 - ixx * (1. / 42)))) / x
    return sign * result


def zeta(x, q):
    """Cephes' Hurwitz zeta(x, q) (x a float >= 1, q an array), summing every term of its
    two series (its early exits drop terms below 1e-16 of the sum)."""
    q = _f64(q)
    with np.errstate(all="ignore"):
        s = np.power(q, -x)
        a = q.copy()
        b = np.zeros_like(q)
        finite = q[np.isfinite(q)]
        qmin = float(finite.min()) if finite.size else 0.0
        steps = max(9, int(math.ceil(9 - qmin)) + 1)  # until every finite a passes 9
        active = np.ones(q.shape, bool)
        for i in range(steps):
            go = active & ((i < 9) | (a <= 9.0))
            a = np.where(go, a + 1, a)
            b = np.where(go, np.power(a, -x), b)
            s = np.where(go, s + b, s)
            active = go
        w = a
        s = s + b * w / (x - 1) - 0.5 * b
        aa = np.ones_like(q)
        k = 0.0
        for c in _ZETA_A:
            aa = aa * (x + k)
            b = b / w
            s = s + aa * b / c
            k += 1
            aa = aa * (x + k)
            b = b / w
            k += 1
        s = np.where((q <= 0) & (q == np.floor(q)), np.inf, s)
    if x == 1:
        return np.full_like(q, np.inf)
    return s


def polygamma(n, a):
    if n == 0:
        return digamma(a)
    if n == 1:
        return trigamma(a)
    sign = 1.0 if n % 2 else -1.0
    return sign * math.exp(math.lgamma(n + 1.0)) * zeta(float(n + 1), a)


def lgamma(a):
    """log|Gamma(x)|: shift x to >= 15, Stirling's series, reflection below 0.5."""
    x = _f64(a)
    with np.errstate(all="ignore"):
        refl = x < 0.5
        z = np.where(refl, 1 - x, x)
        prod = np.ones_like(z)
        for _ in range(15):
            small = z < 15
            prod = np.where(small, prod * z, prod)
            z = np.where(small, z + 1, z)
        iz = 1 / z
        iz2 = iz * iz
        series = iz * (1 / 12 - iz2 * (1 / 360 - iz2 * (1 / 1260 - iz2 * (1 / 1680 - iz2 * (
            1 / 1188 - iz2 * (691 / 360360 - iz2 / 156))))))
        big = (z - 0.5) * np.log(z) - z + 0.5 * math.log(2 * math.pi) + series
        g = big - np.log(prod)
        # Gamma(x) Gamma(1 - x) = pi / sin(pi x)
        s = np.abs(np.sin(math.pi * np.fmod(x, 2.0)))
        out = np.where(refl, math.log(math.pi) - np.log(s) - g, g)
        out = np.where((x <= 0) & (x == np.floor(x)), np.inf, out)
        out = np.where(np.isinf(x), np.inf, out)
        out = np.where((x == 1) | (x == 2), 0.0, out)
    return out


def i0(a):
    x = np.abs(_f64(a))
    with np.errstate(all="ignore"):
        lo = np.exp(x) * _chbevl(x / 2.0 - 2.0, _I0_A)
        hi = np.exp(x) * _chbevl(32.0 / x - 2.0, _I0_B) / np.sqrt(x)
    return np.where(x <= 8.0, lo, hi)


def i1(a):
    xs = _f64(a)
    x = np.abs(xs)
    with np.errstate(all="ignore"):
        lo = np.exp(x) * x * _chbevl(x / 2.0 - 2.0, _I1_A)
        hi = np.exp(x) * _chbevl(32.0 / x - 2.0, _I1_B) / np.sqrt(x)
    out = np.where(x <= 8.0, lo, hi)
    return np.where(xs < 0, -out, out)


def erfinv(a):
    y = _f64(a)
    ya = np.abs(y)
    with np.errstate(all="ignore"):
        z = y * y
        num = ((-0.140543331 * z + 0.914624893) * z - 1.645349621) * z + 0.886226899
        dem = (((0.012229801 * z - 0.329097515) * z + 1.442710462) * z - 2.118377725) * z + 1.0
        central = y * num / dem
        z = np.sqrt(-np.log((1.0 - ya) / 2.0))
        num = ((1.641345311 * z + 3.429567803) * z - 1.624906493) * z - 1.970840454
        dem = (1.637067800 * z + 3.543889200) * z + 1.0
        tail = np.copysign(num, y) / dem
        x = np.where(ya <= 0.7, central, tail)
        k = 2.0 / math.sqrt(math.pi)
        for _ in range(2):  # two Newton steps
            x = x - (_erf(x) - y) / (k * np.exp(-x * x))
        x = np.where(ya == 1.0, np.copysign(np.inf, y), x)
        x = np.where(ya > 1.0, np.nan, x)
    return x


def erfcx(a):
    """exp(x^2) erfc(x): the continued fraction of erfc for x >= 2 (no cancellation),
    exp(x^2) (1 - erf(x)) below."""
    x = _f64(a)
    with np.errstate(all="ignore"):
        t = np.where(x >= 2, x, 3.0)
        cf = t.copy()
        for k in range(120, 0, -1):
            cf = t + (k / 2.0) / cf
        big = 1.0 / (math.sqrt(math.pi) * cf)
        small = np.exp(x * x) * (1.0 - _erf(x))
        out = np.where(x >= 2, big, small)
        out = np.where(np.isposinf(x), 0.0, out)
    return out
