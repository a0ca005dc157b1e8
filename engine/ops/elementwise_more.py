"""Rows: more elementwise functions of one tensor (issue 18): exp2, log10, reciprocal, the
inverse and hyperbolic trigonometric functions, erfc, sgn, rounding (ceil, trunc, frac),
sinc, degree conversions, nan_to_num, logit. Formulas are derivatives.yaml's."""

import math

import numpy as np

from .. import dual as D
from ..errors import TorchError
from .backward_ops import times
from .helpers import _erf, _select, raw, zeros_like
from .signature import Signature
from .table import op, unary


def _row(name, grad_fn, forward, vjp, formula, sample, aliases=(), latex=None, kink=None,
         dtype_rule="float", saves=True):
    """A native unary function: torch.X(input, *, out=None) and Tensor.X, aliases too."""
    for n in (name, *aliases):  # an alias is its own row: torch's errors name the alias
        op(n, grad_fn, forward, vjp, formulas=(formula,), dtype_rule=dtype_rule,
           torch=(n,), methods=(n,), signature=unary(n), saves=saves,
           latex=latex or rf"\operatorname{{{name}}}", kink=kink, elementwise=True,
           text=None if n == name else name, samples=lambda s: [((sample(s),), {})])


_LN2, _LN10 = math.log(2), math.log(10)
_SCALAR = {"b": "Bool", "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char",
           "uint8": "Byte"}


def _kernel(fn, kernel, kinds="b"):
    """fn, refusing the dtypes torch has no `kernel` for (its NotImplementedError)."""
    def forward(a, *args, **kw):
        if a.dtype.kind in kinds:
            name = "Bool" if a.dtype.kind == "b" else _SCALAR.get(str(a.dtype), str(a.dtype))
            raise TorchError(f'"{kernel}" not implemented for \'{name}\'',
                             type_name="NotImplementedError")
        return fn(a, *args, **kw)
    return forward


_row("exp2", "Exp2Backward0", np.exp2, lambda g, o, a: times(D.mul(g, o), _LN2),
     "grad * result * log(2)", lambda s: s.normal(2, 3))
_row("log10", "Log10Backward0", np.log10, lambda g, o, a: D.div(g, times(a, _LN10)),
     "grad / (self * log(10))", lambda s: s.positive(2, 3), latex=r"\log_{10}")
_row("reciprocal", "ReciprocalBackward0", lambda a: np.reciprocal(a),
     lambda g, o, a: D.mul(D.neg(g), D.mul(o, o)),
     "-grad * result * result", lambda s: s.away_from_zero(2, 3))
_row("acos", "AcosBackward0", np.arccos,
     lambda g, o, a: D.mul(g, D.neg(D.rsqrt(D.add(D.mul(D.neg(a), a), 1.0)))),
     "grad * -((-self * self + 1).rsqrt())", lambda s: s.unit(2, 3), aliases=("arccos",),
     latex=r"\arccos")
_row("sinh", "SinhBackward0", np.sinh, lambda g, o, a: D.mul(g, D.cosh(a)),
     "grad * cosh(self)", lambda s: s.normal(2, 3), latex=r"\sinh")
_row("cosh", "CoshBackward0", np.cosh, lambda g, o, a: D.mul(g, D.sinh(a)),
     "grad * sinh(self)", lambda s: s.normal(2, 3), latex=r"\cosh")
_row("asinh", "AsinhBackward0", np.arcsinh,
     lambda g, o, a: D.mul(g, D.rsqrt(D.add(D.pow_scalar(a, 2.0), 1.0))),
     "grad * (self.pow(2) + 1).rsqrt()", lambda s: s.normal(2, 3), aliases=("arcsinh",),
     latex=r"\operatorname{arsinh}")
_row("acosh", "AcoshBackward0", np.arccosh,
     lambda g, o, a: D.mul(g, D.rsqrt(D.sub(D.mul(a, a), 1.0))),
     "grad * (self.pow(2) - 1).rsqrt()", lambda s: s.positive(2, 3) + 1.0,
     aliases=("arccosh",), latex=r"\operatorname{arcosh}")
_row("atanh", "AtanhBackward0", np.arctanh,
     lambda g, o, a: D.div(D.mul(g, 1.0), D.rsub(D.pow_scalar(a, 2.0), 1.0)),
     "grad * 1 / (1 - self.pow(2))", lambda s: s.unit(2, 3), aliases=("arctanh",),
     latex=r"\operatorname{artanh}")
_row("erfc", "ErfcBackward0", lambda a: 1.0 - _erf(a),
     lambda g, o, a: D.mul(D.mul(D.exp(D.neg(D.pow_scalar(a, 2.0))), -2 / math.sqrt(math.pi)), g),
     "-2.0 / sqrt(M_PI) * exp(-(self.pow(2))) * grad", lambda s: s.normal(2, 3))
_row("deg2rad", "Deg2RadBackward0", lambda a: a * (math.pi / 180),
     lambda g, o, a: D.mul(g, math.pi / 180), "grad * M_PI / 180",
     lambda s: s.normal(2, 3), saves=False)
_row("rad2deg", "Rad2DegBackward0", lambda a: a * (180 / math.pi),
     lambda g, o, a: D.mul(g, 180 / math.pi), "grad * 180 / M_PI",
     lambda s: s.normal(2, 3), saves=False)


def _sinc(a):
    pa = a * math.pi
    with np.errstate(all="ignore"):
        return np.where(a == 0, np.ones_like(a), np.sin(pa) / pa)


def _sinc_vjp(g, o, a):
    x = raw(a)
    # FunctionsManual's sinc_backward: where(self_squared_pi == 0, 0, grad * (...) / sq)
    pa = D.mul(a, math.pi)
    sq = D.mul(D.mul(a, a), math.pi)
    out = D.mul(g, D.div(D.sub(D.mul(pa, D.cos(pa)), D.sin(pa)), sq))
    return D.where(out, 0.0, cond=(x != 0) if isinstance(a, D.Traced) else (raw(sq) != 0))


_row("sinc", "SincBackward0", _sinc, _sinc_vjp,
     "((M_PI * self * (M_PI * self).cos() - (M_PI * self).sin()) / (M_PI * self * self))"
     ".masked_fill_(self == 0, 0) * grad", lambda s: s.away_from_zero(2, 3))

# piecewise constant (zero grads) and frac (grad): the input's dtype
def _sgn(a):
    """(0 < a) - (a < 0), as torch computes it: nan gives 0, bool stays bool."""
    if a.dtype == bool:
        return a.copy()
    return ((a > 0).astype(a.dtype) - (a < 0).astype(a.dtype)).astype(a.dtype)


_row("sgn", "SgnBackward0", _sgn, lambda g, o, a: zeros_like(g), "0 (real input)",
     lambda s: s.away_from_zero(2, 3), dtype_rule="same", saves=False,
     kink=lambda a: bool(np.any(a == 0)))
_row("ceil", "CeilBackward0", _kernel(np.ceil, "ceil_vml_cpu"), lambda g, o, a: zeros_like(g), "zeros_like(grad)",
     lambda s: s.positive(2, 3) + 0.05, dtype_rule="same", saves=False,
     kink=lambda a: bool(np.any(a == np.ceil(a))), latex=r"\operatorname{ceil}")
_row("trunc", "TruncBackward0", _kernel(np.trunc, "trunc_vml_cpu"), lambda g, o, a: zeros_like(g), "zeros_like(grad)",
     lambda s: s.positive(2, 3) + 0.05, aliases=("fix",), dtype_rule="same", saves=False,
     kink=lambda a: bool(np.any(a == np.trunc(a))))
_row("frac", "FracBackward0", _kernel(lambda a: a - np.trunc(a), "frac_cpu", "biu"), lambda g, o, a: g, "grad",
     lambda s: s.positive(2, 3) + 0.05, dtype_rule="same", saves=False,
     kink=lambda a: bool(np.any(a == np.trunc(a))))


def _round(a, decimals=0):
    """torch.round: nearbyint (half to even), scaled by 10**decimals as torch scales."""
    if a.dtype.kind in "iu":  # integers are already round
        return a.copy()
    if decimals == 0:
        return np.rint(a)
    if decimals > 0:
        p = a.dtype.type(10.0 ** decimals)
        return np.rint(a * p) / p
    p = a.dtype.type(10.0 ** -decimals)
    return np.rint(a / p) * p


op("round", "RoundBackward0", _kernel(_round, "round_vml_cpu"), lambda g, o, a: zeros_like(g),
   formulas=("zeros_like(grad)",), saves=False, dtype_rule="same", elementwise=True,
   latex=r"\operatorname{round}", generated=False, torch=("round",), methods=("round",),
   signature=Signature("round", "(Tensor input, *, Tensor out = None)",
                       "(Tensor input, *, int decimals, Tensor out = None)"),
   kink=lambda a: bool(np.any(np.abs(a - np.trunc(a)) == 0.5)),
   samples=lambda s: [((s.positive(2, 3) + 0.05,), {})])
def _round_decimals(a, decimals):
    # decimals=0 runs torch's plain round kernel (its name in the dtype error)
    kernel = "round_vml_cpu" if decimals == 0 else "round_cpu"
    return _kernel(_round, kernel, "biu")(a, decimals)


op("round_decimals", "RoundBackward1", _round_decimals,
   lambda g, o, a, decimals: zeros_like(g), formulas=("zeros_like(grad)",), saves=False,
   dtype_rule="same", text="round", internal=False,
   samples=lambda s: [((s.positive(2, 3) + 0.013,), {"decimals": 1})])


def _nan_to_num(a, nan=None, posinf=None, neginf=None):
    if a.dtype.kind != "f":
        return a.copy()
    return np.nan_to_num(a, nan=0.0 if nan is None else nan, posinf=posinf, neginf=neginf)


op("nan_to_num", "NanToNumBackward0", _nan_to_num,
   lambda g, o, a, nan=None, posinf=None, neginf=None: _select(
       g, np.isfinite(raw(a)).astype(raw(g).dtype)),
   formulas=("grad * at::isinf(self).logical_or_(at::isnan(self)).logical_not_()",),
   dtype_rule="same", elementwise=True, latex=r"\operatorname{nan\_to\_num}",
   torch=("nan_to_num",), methods=("nan_to_num",), params=("nan", "posinf", "neginf"),
   signature=Signature("nan_to_num", "(Tensor input, float? nan = None, float? posinf = None, "
                       "float? neginf = None, *, Tensor out = None)"),
   samples=lambda s: [((s.normal(2, 3),), {"nan": None, "posinf": None, "neginf": None})])


def _logit(a, eps=None):
    z = a if eps is None else np.clip(a, eps, 1 - eps)
    return np.log(z / (1 - z))


def _logit_vjp(g, o, a, eps=None):
    x = raw(a)
    if eps is None:  # torch: nan outside [0, 1]; the product's sign at -0. taken as +
        d = D.div(g, D.abs(D.mul(a, D.rsub(a, 1.0))))
        return D.where(d, np.nan, cond=(x >= 0) & (x <= 1))
    d = D.div(g, D.mul(a, D.rsub(a, 1.0)))
    return D.where(d, 0.0, cond=~(x < eps) & ~(x > 1 - eps))  # nan stays nan


op("logit", "LogitBackward0", _logit, _logit_vjp,
   formulas=("eps given: (self < eps || self > 1 - eps) ? 0 : grad / (self * (1 - self)); "
             "else (self < 0 || self > 1) ? nan : grad / (self * (1 - self))",),
   dtype_rule="float", elementwise=True, latex=r"\operatorname{logit}",
   torch=("logit",), methods=("logit",), params=("eps",),
   signature=Signature("logit", "(Tensor input, float? eps = None, *, Tensor out = None)"),
   kink=lambda a, eps=None: eps is not None and bool(np.any((a == eps) | (a == 1 - eps))),
   samples=lambda s: [((s.rng.uniform(0.1, 0.9, (2, 3)),), {"eps": None}),
                      ((s.rng.uniform(0.01, 0.99, (2, 3)),), {"eps": 0.2})])
