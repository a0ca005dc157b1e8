"""Rows: elementwise functions of one tensor (torch.X and Tensor.X)."""

import math

import numpy as np

from .. import dual as D
from ..errors import UnsupportedError
from ..numerics import unary as U
from ..numerics.vml_sqrt import vml_sqrt
from .backward_ops import named
from .backward_ops import times as _times
from .helpers import _first_max, _first_min, _fused, _select, raw, zeros_like
from .signature import Signature
from .table import op, unary


def _clamp_kink(a, min=None, max=None) -> bool:
    return bool((min is not None and np.any(a == min)) or (max is not None and np.any(a == max)))


def _clamp(a, min=None, max=None):
    if min is not None:
        a = _first_max(a, min)
    if max is not None:
        a = _first_min(a, max)
    return a



def _sign(a):
    """torch.sign: sign(nan) is 0 (numpy's is nan); abs's grad uses it too."""
    if isinstance(a, np.ndarray) and a.dtype.kind == "b":  # (numpy has no bool sign loop)
        return a.copy()
    out = np.sign(a)
    if isinstance(out, (np.ndarray, np.generic)) and out.dtype.kind == "f":  # (not symbols)
        out = np.where(np.isnan(out), 0, out).astype(out.dtype)
    return out


_sign.ufunc = np.sign  # derive maps np.sign on its symbols to this row

op("exp", "ExpBackward0", U.exp, lambda g, o, a: D.mul(g, o),
   formulas=("grad * result",), dtype_rule="float",
   torch=('exp',), methods=('exp',), signature=unary('exp'),
   elementwise=True,
   samples=lambda s: [((s.normal(2, 3),), {})])
op("log", "LogBackward0", U.log, lambda g, o, a: D.div(g, a),
   formulas=("grad / self",), dtype_rule="float",
   torch=('log',), methods=('log',), signature=unary('log'),
   latex='\\log',
   elementwise=True,
   samples=lambda s: [((s.positive(2, 3),), {})])
op("log1p", "Log1PBackward0", U.log1p, lambda g, o, a: D.div(g, D.add(a, 1.0)),
   formulas=("grad / (self + 1)",), dtype_rule="float",
   torch=('log1p',), methods=('log1p',), signature=unary('log1p'),
   elementwise=True,
   samples=lambda s: [((s.positive(2, 3),), {})])
# forward: MKL VML's sqrt as torch calls it, bit for bit (not IEEE's: numerics/vml_sqrt.py)
op("sqrt", "SqrtBackward0", vml_sqrt, lambda g, o, a: D.div(g, D.mul(o, 2.0)),
   formulas=("grad / (2 * result)",), dtype_rule="float",
   kink=lambda a: bool(np.any(a == 0)),
   torch=('sqrt',), methods=('sqrt',), signature=unary('sqrt'),
   elementwise=True,
   samples=lambda s: [((s.positive(2, 3),), {})])
op("rsqrt", "RsqrtBackward0", U.rsqrt,
   lambda g, o, a: D.mul(D.mul(g, -0.5), D.pow_scalar(o, 3.0)),
   formulas=("-0.5 * grad * result**3",), dtype_rule="float",
   torch=('rsqrt',), methods=('rsqrt',), signature=unary('rsqrt'),
   elementwise=True,
   samples=lambda s: [((s.positive(2, 3),), {})])
op("sin", "SinBackward0", U.sin, lambda g, o, a: D.mul(g, D.cos(a)),
   formulas=("grad * cos(self)",), dtype_rule="float",
   torch=('sin',), methods=('sin',), signature=unary('sin'),
   latex='\\sin',
   elementwise=True,
   samples=lambda s: [((s.normal(2, 3),), {})])
op("cos", "CosBackward0", U.cos, lambda g, o, a: D.mul(D.neg(g), D.sin(a)),
   formulas=("-grad * sin(self)",), dtype_rule="float",
   torch=('cos',), methods=('cos',), signature=unary('cos'),
   latex='\\cos',
   elementwise=True,
   samples=lambda s: [((s.normal(2, 3),), {})])
op("tan", "TanBackward0", U.tan, lambda g, o, a: D.mul(g, D.add(D.mul(o, o), 1.0)),
   formulas=("grad * (1 + result**2)",), dtype_rule="float",
   torch=('tan',), methods=('tan',), signature=unary('tan'),
   latex='\\tan',
   elementwise=True,
   samples=lambda s: [((s.unit(2, 3),), {})])
op("atan", "AtanBackward0", U.atan, lambda g, o, a: D.div(g, D.add(D.mul(a, a), 1.0)),
   formulas=("grad / (1 + self**2)",), dtype_rule="float",
   torch=('atan', 'arctan'), methods=('atan', 'arctan'), signature=unary('atan'),
   latex='\\arctan',
   elementwise=True,
   samples=lambda s: [((s.normal(2, 3),), {})])
op("asin", "AsinBackward0", U.asin,
   lambda g, o, a: _fused(U.asin_backward(g, a),
                          lambda: D.mul(g, D.rsqrt(D.add(D.mul(D.neg(a), a), 1.0)))),
   formulas=("grad / sqrt(1 - self**2)",), dtype_rule="float",
   torch=('asin', 'arcsin'), methods=('asin', 'arcsin'), signature=unary('asin'),
   latex='\\arcsin',
   elementwise=True,
   samples=lambda s: [((s.unit(2, 3),), {})])
op("tanh", "TanhBackward0", U.tanh, lambda g, o, a: named(  # tanh_backward: its own node
   "tanh_backward", lambda: D.mul(g, D.rsub(D.mul(o, o), 1.0)), g, o),
   formulas=("grad * (1 - result**2)",), dtype_rule="float",
   torch=('tanh',), methods=('tanh',), signature=unary('tanh'),
   nn=('tanh',), nn_signature=Signature('tanh', '(Tensor input)', style="python"),
   latex='\\tanh',
   elementwise=True,
   samples=lambda s: [((s.normal(2, 3),), {})])
op("sigmoid", "SigmoidBackward0", U.sigmoid,
   lambda g, o, a: named("sigmoid_backward", lambda: D.mul(D.mul(g, o), D.rsub(o, 1.0)), g, o),
   formulas=("grad * result * (1 - result)",), dtype_rule="float",
   torch=('sigmoid',), methods=('sigmoid',), signature=unary('sigmoid'),
   nn=('sigmoid',), nn_signature=Signature('sigmoid', '(Tensor input)', style="python"),
   latex='\\sigma',
   elementwise=True,
   samples=lambda s: [((s.normal(2, 3),), {})])
op("erf", "ErfBackward0", U.erf_mkl,  # (erfc, gelu keep _erf: not vsErf)
   lambda g, o, a: D.mul(D.mul(D.exp(D.neg(D.pow_scalar(a, 2.0))), 2 / math.sqrt(math.pi)), g),
   formulas=("grad * 2 / sqrt(pi) * exp(-self**2)",), dtype_rule="float",
   torch=('erf',), methods=('erf',), signature=unary('erf'),
   elementwise=True,
   samples=lambda s: [((s.normal(2, 3),), {})])
def _abs(a):
    if a.dtype.kind == "b":
        raise NotImplementedError('"abs_cpu" not implemented for \'Bool\'')
    return np.abs(a)


_abs.ufunc = np.abs  # derive maps np.abs on its symbols to this row (engine/symbolic/sym.py)


op("abs", "AbsBackward0", _abs,  # grad * self.sgn(): the sign is a node under create_graph
   lambda g, o, a: D.mul(g, D.sgn(a) if isinstance(a, D.Tensor) else _sign(raw(a))),
   formulas=("grad * sign(self)",), dtype_rule="same",
   kink=lambda a: bool(np.any(a == 0)),
   torch=('abs', 'absolute'), methods=('abs',), signature=unary('abs'),
   elementwise=True,
   samples=lambda s: [((s.away_from_zero(2, 3),), {})])
op("sign", "SignBackward0", _sign, lambda g, o, a: zeros_like(g),
   formulas=("0",), saves=False, dtype_rule="same",
   kink=lambda a: bool(np.any(a == 0)),
   torch=('sign',), methods=('sign',), signature=unary('sign'),
   latex='\\operatorname{sgn}',
   elementwise=True,
   samples=lambda s: [((s.away_from_zero(2, 3),), {})])
op("floor", "FloorBackward0", np.floor, lambda g, o, a: zeros_like(g),
   formulas=("0",), saves=False, dtype_rule="same",
   kink=lambda a: bool(np.any(a == np.floor(a))),
   torch=('floor',), methods=('floor',), signature=unary('floor'),
   elementwise=True,
   samples=lambda s: [((s.positive(2, 3) + 0.05,), {})])

def _clamp_vjp(g, a, min, max):
    """torch: where(min <= self <= max, grad, 0) (a WhereBackward0 under create_graph);
    derive's symbols keep the mask product."""
    inside = (((raw(a) >= min) if min is not None else True)
              & ((raw(a) <= max) if max is not None else True))
    if isinstance(g, D.Traced) or isinstance(a, D.Traced):
        return _select(g, inside.astype(raw(a).dtype))
    return D.where(g, 0.0, cond=np.broadcast_to(inside, raw(g).shape))

op("clamp", "ClampBackward1",
   lambda a, min=None, max=None: _clamp(a, min, max).astype(a.dtype),
   lambda g, o, a, min=None, max=None: _clamp_vjp(g, a, min, max),
   formulas=("grad * (min <= self <= max)",), dtype_rule="same",
   kink=_clamp_kink,
   elementwise=True,
   samples=lambda s: [((s.distinct(2, 3) - 1.0,), {"min": -0.55, "max": 0.6})])
def _clamp_grads_fit(a, lo, hi, out, both):
    """torch's ClampBackward0 with both bounds, when one of self/min/max is broadcast,
    combines masks in place and fails or not depending on which inputs need grad: gradcli
    refuses that backward instead of guessing (forward and every other form work)."""
    full = np.shape(raw(out))
    if both and any(np.shape(raw(x)) != full for x in (a, lo, hi)):
        raise UnsupportedError("clamp(): the backward of clamp with both min and max tensors "
                               "broadcast to a larger shape is not supported by gradcli")


def _clamp_tensor_vjp(mask):
    def vjp(g, o, a, lo, hi, both=False):
        _clamp_grads_fit(a, lo, hi, o, both)
        return _select(g, mask(raw(a), raw(lo), raw(hi)).astype(raw(g).dtype))
    return vjp


# clamp with tensor bounds (a missing one is passed as -inf / inf)
op("clamp_tensor", "ClampBackward0",
   lambda a, lo, hi, both=False: _first_min(_first_max(a, lo), hi),
   _clamp_tensor_vjp(lambda a, lo, hi: (a >= lo) & (a <= hi)),
   _clamp_tensor_vjp(lambda a, lo, hi: (a < lo) & (lo < hi)),
   _clamp_tensor_vjp(lambda a, lo, hi: (a > hi) | (lo > hi)),
   # torch's clamp_backward_min_max: max wins when the bounds cross, neither at min == max
   formulas=("grad * (min <= self <= max)", "grad * (self < min and min < max)",
             "grad * (self > max or min > max)"), broadcast=True,
   args=("self", "min", "max"), text="clamp",
   kink=lambda a, lo, hi, both=False: bool(np.any(a == lo) or np.any(a == hi) or np.any(lo == hi)),
   samples=lambda s: [((s.distinct(2, 3) - 1.0, np.full((2, 3), -0.55) + 0.01 * s.distinct(2, 3),
                        np.full((2, 3), 0.6)), {"both": True}),
                      ((s.distinct(2, 3) - 1.0, np.full((2, 3), -0.55), np.inf), {})])
op("expm1", "Expm1Backward0", U.expm1, lambda g, o, a: D.mul(g, D.add(o, 1.0)),
   formulas=("grad * (result + 1)",), dtype_rule="float",
   torch=("expm1",), methods=("expm1",), signature=unary("expm1"),
   latex=r"\operatorname{expm1}", elementwise=True,
   samples=lambda s: [((s.normal(2, 3),), {})])
op("log2", "Log2Backward0", U.log2, lambda g, o, a: D.div(g, _times(a, math.log(2))),
   formulas=("grad / (self * log(2))",), dtype_rule="float",
   torch=("log2",), methods=("log2",), signature=unary("log2"),
   latex=r"\log_{2}", elementwise=True,
   samples=lambda s: [((s.positive(2, 3),), {})])
