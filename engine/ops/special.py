"""Rows: the special functions of issue 18 (erfinv, lgamma, digamma, polygamma, i0, and
torch.special's i1, erfcx, log_ndtr, entr, xlog1py, multigammaln) and the pointwise ops of
several tensors (xlogy, copysign, lerp, addcmul, addcdiv, dist). Forwards are the
vectorized kernels of special_numerics.py; formulas are derivatives.yaml's. Wrappers that
pick among the rows (scalar or tensor arguments) live in engine/torch_api/special.py."""

import math

import numpy as np

from .. import dual as D
from ..errors import TorchError, runtime
from . import special_numerics as N
from .helpers import raw, zeros_like
from .signature import Signature
from .table import op, unary

_SCALAR = {"b": "Bool", "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char",
           "uint8": "Byte"}
_SQRT_PI = math.sqrt(math.pi)


def _name(dt) -> str:
    return "Bool" if dt.kind == "b" else _SCALAR.get(str(dt), str(dt))


def _no_kernel(kernel, *arrays):
    for a in arrays:
        if isinstance(a, np.ndarray) and a.dtype.kind in "biu":
            raise TorchError(f'"{kernel}" not implemented for \'{_name(a.dtype)}\'',
                             type_name="NotImplementedError")


def _unary(name, grad_fn, forward, vjp, formula, sample, torch=None, methods=None,
           latex=None, params=(), signature=None, kink=None):
    op(name, grad_fn, forward, vjp, formulas=(formula,), dtype_rule="float",
       torch=(name,) if torch is None else torch, methods=(name,) if methods is None else methods,
       signature=signature or unary(name), params=params, elementwise=True, kink=kink,
       latex=latex or rf"\operatorname{{{name}}}", generated=signature is not False,
       samples=lambda s: [((sample(s),), {})])


_unary("erfinv", "ErfinvBackward0", N.erfinv,  # PyTorch's order: its create_graph nodes
       lambda g, o, a: D.mul(D.mul_scalar(D.exp(D.pow_scalar(D.erfinv(a), 2.0)),
                                          0.5 * _SQRT_PI), g),
       "0.5 * sqrt(M_PI) * exp(self.erfinv().pow(2)) * grad", lambda s: s.unit(2, 3),
       latex=None)
_unary("lgamma", "LgammaBackward0", N.lgamma, lambda g, o, a: D.mul(g, D.digamma(a)),
       "grad * digamma(self)", lambda s: s.positive(2, 3) + 0.3, latex=None)
op("digamma", "DigammaBackward0", N.digamma,
   lambda g, o, a: D.mul(g, D.polygamma(a, n=1)), formulas=("grad * polygamma(1, self)",),
   dtype_rule="float", torch=("digamma",), methods=("digamma",), signature=unary("digamma"),
   elementwise=True, latex=r"\operatorname{digamma}", samples=lambda s: [((s.positive(2, 3) + 0.3,), {})])


def _polygamma(a, n=0):
    return N.polygamma(n, a)


# torch.polygamma(n, input): the order comes first, so its wrappers are hand-written
op("polygamma", "PolygammaBackward0", _polygamma,
   lambda g, o, a, n=0: D.mul(g, D.polygamma(a, n=n + 1)),
   formulas=("grad * polygamma(n + 1, self)",), dtype_rule="float", elementwise=True,
   signature=Signature("polygamma", "(int n, Tensor input, *, Tensor out = None)"),
   generated=False, args=("self",), latex=r"\operatorname{polygamma}",
   samples=lambda s: [((s.positive(2, 3) + 0.3,), {"n": 1}), ((s.positive(3),), {"n": 2})])


def _i1_vjp(g, o, a):
    # i1_backward: i0(x) - i1(x) / x, 1/2 where |x| <= eps (x == 0's limit)
    x = raw(a)
    eps = float(np.finfo(x.dtype).eps) if x.dtype.kind == "f" else 2.220446049250313e-16
    tiny = ~(np.abs(x) > eps)  # nan too: PyTorch's mask is `self.abs() > eps`
    safe = D.where(a, eps, cond=~tiny)
    d = D.sub(D.i0(safe), D.div(o, safe))
    return D.mul(g, D.where(d, 0.5, cond=~tiny))


_unary("i0", "I0Backward0", N.i0, lambda g, o, a: D.mul(g, D.special_i1(a)),
       "grad * at::special_i1(self)", lambda s: s.normal(2, 3) * 3, latex=None)
_unary("special_i1", "SpecialI1Backward0", N.i1, _i1_vjp, "i1_backward(grad, self, result)",
       lambda s: s.away_from_zero(2, 3) * 3, torch=(), methods=(), latex=None)
_unary("special_erfcx", "SpecialErfcxBackward0", N.erfcx,
       lambda g, o, a: D.mul(D.sub(D.mul(D.mul(a, 2.0), o), 2.0 / _SQRT_PI), g),
       "(2.0 * self * result - 2.0 / sqrt(M_PI)) * grad", lambda s: s.normal(2, 3) * 2,
       torch=(), methods=(), latex=None)


def _log_ndtr(a):
    x = np.asarray(a, dtype=np.float64)
    with np.errstate(all="ignore"):
        t = x / math.sqrt(2.0)
        low = np.log(N.erfcx(-t) / 2) - x * x / 2
        # erfc(t) / 2 without cancellation: erfcx(t) exp(-t^2) once t >= 2
        erfc = np.where(t >= 2, N.erfcx(np.maximum(t, 2)) * np.exp(-t * t), 1 - N._erf(t))
        high = np.log1p(-erfc / 2)
    return np.where(x < -1, low, high)


_unary("special_log_ndtr", "SpecialLogNdtrBackward0", _log_ndtr,
       lambda g, o, a: D.mul(D.div(g, math.sqrt(2 * math.pi)),
                             D.exp(D.neg(D.add(o, D.div(D.mul(a, a), 2.0))))),
       "grad / std::sqrt(2 * M_PI) * (result + self.pow(2) / 2).neg().exp()",
       lambda s: s.normal(2, 3) * 2, torch=(), methods=(), latex=None)


def _entr(a):
    x = np.asarray(a)
    with np.errstate(all="ignore"):
        out = -x * np.log(np.where(x > 0, x, 1))
    return np.where(x > 0, out, np.where(x == 0, 0, np.where(x < 0, -np.inf, x)))


_unary("special_entr", "SpecialEntrBackward0", _entr,
       lambda g, o, a: D.mul(g, D.neg(D.add(D.log(a), 1.0))), "grad * (-(1 + self.log()))",
       lambda s: s.positive(2, 3), torch=(), methods=(), latex=None)


def _mvlgamma(a, p=1):
    x = np.asarray(a, dtype=np.float64)
    # torch: lgamma(x + arange(-p/2 + 1/2, 1/2, 1/2)).sum(-1) + p(p-1)/4 log(pi)
    total = np.zeros_like(x)
    for j in range(p - 1, -1, -1):
        total = total + N.lgamma(x - j / 2)
    return total + p * (p - 1) * math.log(math.pi) / 4


def _mvlgamma_vjp(g, o, a, p=1):
    acc = D.digamma(a)
    for j in range(1, p):
        acc = D.add(acc, D.digamma(D.sub(a, j / 2)))
    return D.mul(g, acc)


op("mvlgamma", "MvlgammaBackward0", _mvlgamma, _mvlgamma_vjp,
   formulas=("mvlgamma_backward(grad, self, p)",), dtype_rule="float", elementwise=True,
   signature=Signature("mvlgamma", "(Tensor input, int p, *, Tensor out = None)"),
   generated=False, args=("self",), latex=r"\operatorname{mvlgamma}",
   samples=lambda s: [((s.positive(2, 3) + 1.5,), {"p": 2}), ((s.positive(3) + 2.0,), {"p": 3})])


# ---------------------------------------------------------------- several tensors
def _xlogy(x, y):
    with np.errstate(all="ignore"):
        out = x * np.log(y)
    return np.where((x == 0) & ~np.isnan(y), np.zeros((), out.dtype), out)


def _xlog1py(x, y):
    with np.errstate(all="ignore"):
        out = x * np.log1p(y)
    return np.where((x == 0) & ~np.isnan(y), np.zeros((), out.dtype), out)


def _xlogy_self(g, x, y, log, pole, name):
    # derivatives.yaml: at::xlogy(grad, other).masked_fill((self == 0.) & (other <= pole), 0.)
    # -- recorded as those two nodes under create_graph, as PyTorch's graph has them
    if raw(y).dtype.kind != "f":  # an integer / bool other: log in grad's dtype (numpy's
        y = raw(y).astype(raw(g).dtype)  # log1p of bool is float16)
    yv, gv = raw(y), raw(g)
    if isinstance(g, D.Traced):  # derive's symbols: the same value as a product
        keep = ~((gv == 0) & (yv == yv)) & ~((raw(x) == 0) & (yv <= pole))  # (not nan)
        return D.where(D.mul(g, log(y)), 0.0, cond=keep)
    out = getattr(D, name)(g, y)
    mask = (raw(x) == 0) & (yv <= pole)
    return D.masked_fill(out, mask=np.broadcast_to(mask, raw(out).shape), value=0.0)


def _two_samples(s):
    return [((s.positive(2, 3), s.positive(2, 3)), {}), ((s.positive(1, 3), s.positive(2, 3)), {})]


def _log_rows(name, grad_fn, forward, log, pole, other_vjp, formulas, torch, methods):
    """name(tensor, tensor) Backward0, with a number self Backward1 and a number other
    Backward2 (PyTorch's Scalar overloads)."""
    op(name, f"{grad_fn}0", forward,
       lambda g, o, x, y: _xlogy_self(g, x, y, log, pole, name),
       lambda g, o, x, y: other_vjp(g, x, y),
       formulas=formulas, broadcast=True, dtype_rule="float", torch=torch, methods=methods,
       signature=Signature(torch[0] if torch else name, "(Tensor input, Tensor other, *, "
                           "Tensor out = None)"), generated=False, samples=_two_samples)
    op(f"{name}_scalar_self", f"{grad_fn}1", lambda y, x: forward(x, y),
       lambda g, o, y, x: other_vjp(g, x, y), None, formulas=(formulas[1],),
       dtype_rule="float", scalar_overload=True, args=("other", "self"), text=name,
       samples=lambda s: [((s.positive(2, 3), 1.5), {})])
    op(f"{name}_scalar_other", f"{grad_fn}2", forward,
       lambda g, o, x, y: _xlogy_self(g, x, y, log, pole, name), None,
       formulas=(formulas[0],),
       dtype_rule="float", scalar_overload=True, text=name,
       samples=lambda s: [((s.normal(2, 3), 1.5), {})])


_log_rows("xlogy", "XlogyBackward", _xlogy, D.log, 0.0,
          lambda g, x, y: D.div(D.mul(g, x), y),
          ("at::xlogy(grad, other).masked_fill((self == 0.) & (other <= 0.), 0.)",
           "grad * self / other"),
          ("xlogy",), ("xlogy",))
_log_rows("special_xlog1py", "SpecialXlog1PyBackward", _xlog1py, D.log1p, -1.0,
          lambda g, x, y: D.div(D.mul(g, x), D.add(y, 1.0)),
          ("at::special_xlog1py(grad, other).masked_fill((self == 0.) & (other <= -1.), 0.)",
           "grad * self / (other + 1)"), (), ())


def _copysign_self(g, o, a, b=None):
    # grad * result / self, 0 where self == 0
    x = raw(a)
    return D.mul(g, D.where(D.div(o, D.where(a, 1.0, cond=x != 0)), 0.0, cond=x != 0))


def _copysign(a, b):
    return np.copysign(a, b)


op("copysign", "CopysignBackward0", _copysign, _copysign_self,
   lambda g, o, a, b: zeros_like(g), formulas=("copysign_tensor_self_backward(grad, self, "
                                               "result)", "zeros_like(other)"),
   broadcast=True, dtype_rule="float", torch=("copysign",), methods=("copysign",),
   signature=Signature("copysign", "(Tensor input, Tensor other, *, Tensor out = None)"),
   generated=False, kink=lambda a, b: bool(np.any(a == 0)),
   samples=lambda s: [((s.away_from_zero(2, 3), s.away_from_zero(2, 3)), {})])
op("copysign_scalar", "CopysignBackward1", _copysign, _copysign_self, None,
   formulas=("copysign_tensor_self_backward(grad, self, result)",), dtype_rule="float",
   scalar_overload=True, text="copysign", kink=lambda a, b: bool(np.any(a == 0)),
   samples=lambda s: [((s.away_from_zero(2, 3), -1.0), {})])


def _lerp(a, b, w):
    """PyTorch's lerp kernel: the side of 0.5 the weight is on picks the formula."""
    w = np.asarray(w, dtype=np.result_type(a, b)) if not isinstance(w, np.ndarray) else w
    with np.errstate(all="ignore"):
        return np.where(np.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w))


op("lerp", "LerpBackward0", lambda a, b, weight=0.5: _lerp(a, b, weight),
   lambda g, o, a, b, weight=0.5: D.mul(g, 1.0 - weight),
   lambda g, o, a, b, weight=0.5: D.mul(g, weight),
   formulas=("grad * (1 - weight.toDouble())", "grad * weight"), broadcast=True,
   dtype_rule="promote", saves=False, args=("self", "end"),
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3)), {"weight": 0.3}),
                      ((s.normal(1, 3), s.normal(2, 3)), {"weight": 0.8})])
op("lerp_tensor", "LerpBackward1", _lerp,
   lambda g, o, a, b, w: D.mul(g, D.rsub(w, 1.0)), lambda g, o, a, b, w: D.mul(g, w),
   lambda g, o, a, b, w: D.mul(g, D.sub(b, a)),
   formulas=("grad * (1 - weight)", "grad * weight", "grad * (end - self)"),
   broadcast=True, dtype_rule="promote", args=("self", "end", "weight"), text="lerp",
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3), s.unit(2, 3) + 0.5), {})])


def _addcmul(a, t1, t2, value=1):
    return a + value * t1 * t2


def _addcdiv(a, t1, t2, value=1):
    with np.errstate(all="ignore"):
        return a + value * t1 / t2


op("addcmul", "AddcmulBackward0", _addcmul, lambda g, o, a, t1, t2, value=1: g,
   lambda g, o, a, t1, t2, value=1: D.mul(D.mul(g, t2), value),
   lambda g, o, a, t1, t2, value=1: D.mul(D.mul(g, t1), value),
   formulas=("grad", "grad * tensor2 * value", "grad * tensor1 * value"), broadcast=True,
   dtype_rule="promote", args=("self", "tensor1", "tensor2"),
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3), s.normal(1, 3)), {"value": 0.5})])
op("addcdiv", "AddcdivBackward0", _addcdiv, lambda g, o, a, t1, t2, value=1: g,
   lambda g, o, a, t1, t2, value=1: D.div(D.mul(g, value), t2),
   lambda g, o, a, t1, t2, value=1: D.neg(D.div(D.mul(D.mul(g, value), t1), D.mul(t2, t2))),
   formulas=("grad", "grad * value / tensor2", "-grad * value * tensor1 / (tensor2 * tensor2)"),
   broadcast=True, dtype_rule="promote", args=("self", "tensor1", "tensor2"),
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3), s.away_from_zero(1, 3)), {"value": 2.0})])


def _dist(a, b, p=2.0):
    d = np.abs(np.asarray(a - b, dtype=np.float64))
    if p == 0:
        r = np.count_nonzero(d)
    elif p == math.inf:
        r = d.max() if d.size else 0.0
    elif p == -math.inf:
        r = d.min() if d.size else math.inf
    elif p == 1:
        r = d.sum()
    elif p == 2:
        r = math.sqrt(np.sum(d * d))
    else:
        r = np.sum(d ** p) ** (1.0 / p)
    return np.asarray(r, dtype=np.result_type(a, b))


def _dist_vjp(sign):
    def vjp(g, o, a, b, p=2.0):
        diff = D.sub(a, b) if sign > 0 else D.sub(b, a)
        d, r = raw(diff), raw(o)
        if p == 0:  # PyTorch's norm_backward returns an undefined tensor for p = 0
            raise runtime("Expected a proper Tensor but got None (or an undefined Tensor "
                          "in C++) for argument #0 'self'")
        if p in (math.inf, -math.inf):  # the gradient splits among the ties at the extreme
            hit = (np.abs(d) == r).astype(d.dtype)
            return D.mul(D.mul(g, np.sign(d) * hit / max(hit.sum(), 1)), 1.0)
        if p == 1:
            return D.mul(g, np.sign(d).astype(d.dtype))
        if p == 2:  # grad * diff / result, 0 where the result is 0
            return D.where(D.div(D.mul(g, diff), D.where(o, 1.0, cond=r != 0)), 0.0,
                           cond=np.broadcast_to(r != 0, d.shape))
        # norm_backward's three cases (p < 1, p < 2, p > 2): zeros of self and of the norm
        # masked as PyTorch masks them
        nz = d != 0
        if p < 1:
            scaled = D.mul(D.where(D.pow(D.abs(D.where(diff, 1.0, cond=nz)), p - 1), 0.0,
                                   cond=nz), np.sign(d))
            return D.mul(D.mul(scaled, g), D.pow(o, 1 - p))
        if p < 2:
            scaled = D.mul(D.pow(D.abs(diff), p - 1), np.sign(d))
        else:
            scaled = D.mul(diff, D.pow(D.abs(diff), p - 2))
        scale = D.div(g, D.pow(D.where(o, 1.0, cond=r != 0), p - 1))
        return D.mul(scaled, D.where(scale, 0.0, cond=r != 0))
    return vjp


op("dist", "DistBackward0", _dist, _dist_vjp(1), _dist_vjp(-1),
   formulas=("norm_backward(grad, self - other, p, result)",
             "-norm_backward(grad, self - other, p, result)"),
   broadcast=True, dtype_rule="promote", kink=lambda a, b, p=2.0: bool(np.any(a == b)),
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3)), {"p": 2.0}),
                      ((s.normal(2, 3), s.normal(2, 3)), {"p": 1.0}),
                      ((s.normal(2, 3), s.normal(1, 3)), {"p": 3.0})])
