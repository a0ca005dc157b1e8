"""Rows: arithmetic on two operands (and their scalar overloads), comparisons, where."""

import math

import numpy as np

from .. import dual as D
from ..errors import runtime
from ..numerics import unary as U
from .helpers import _first_max, _first_min, _fused, _select, raw, zeros_like
from .table import op


def _minmax_pair_vjp(first_wins):
    """maximum/minimum: the grad goes to the winner; ties split it evenly."""
    def vjp(g, out, a, b):
        x, y = raw(a), raw(b)
        w = np.where(x == y, 0.5, np.where((x > y) if first_wins else (x < y), 1.0, 0.0))
        return _select(g, w.astype(raw(out).dtype))
    return vjp


def _where_mask(cond, dtype):
    return cond.astype(dtype)



def _int_safe_power(a, b):
    """np.power, except integers to negative powers: torch gives 1 for 1, +-1 for -1 and 0
    otherwise (numpy refuses)."""
    if a.dtype.kind in "iu" and np.asarray(b).dtype.kind in "iu" and np.any(np.asarray(b) < 0):
        neg = np.asarray(b) < 0
        out = np.power(a, np.where(neg, 0, b))
        odd = np.abs(np.asarray(b)) % 2 == 1
        small = np.where(a == 1, 1, np.where(a == -1, np.where(odd, -1, 1), 0)).astype(out.dtype)
        return np.where(neg, small, out).astype(out.dtype)
    return np.power(a, b)


def _floor_divide_vjp(g, o, a, b):
    # derivatives.yaml has no formula for floor_divide: torch records a NotImplemented node
    # that raises when backward reaches it
    raise runtime("derivative for aten::floor_divide is not implemented")

op("add", "AddBackward0", np.add, lambda g, o, a, b: g, lambda g, o, a, b: g,
   formulas=("grad", "grad"), saves=False, broadcast=True,
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3)), {}), ((s.normal(2, 1), s.normal(1, 3)), {}), ((s.normal(3), s.normal(2, 3)), {})])
op("sub", "SubBackward0", np.subtract, lambda g, o, a, b: g, lambda g, o, a, b: D.neg(g),
   formulas=("grad", "-grad"), saves=False, broadcast=True,
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3)), {}), ((s.normal(2, 1), s.normal(3)), {})])
op("mul", "MulBackward0", np.multiply,
   lambda g, o, a, b: D.mul(g, b), lambda g, o, a, b: D.mul(g, a),
   formulas=("grad * other", "grad * self"), broadcast=True,
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3)), {}), ((s.normal(2, 1), s.normal(1, 3)), {})])
op("div", "DivBackward0", np.true_divide,
   lambda g, o, a, b: D.div(g, b),
   lambda g, o, a, b: D.neg(D.div(D.mul(g, a), D.mul(b, b))),
   formulas=("grad / other", "-grad * self / other**2"), dtype_rule="float", broadcast=True,
   samples=lambda s: [((s.normal(2, 3), s.away_from_zero(2, 3)), {}), ((s.normal(3), s.away_from_zero(2, 1)), {})])
op("neg", "NegBackward0", np.negative, lambda g, o, a: D.neg(g),
   formulas=("-grad",), saves=False, dtype_rule="same",
   elementwise=True,
   samples=lambda s: [((s.normal(2, 3),), {})])
op("rsub", "RsubBackward1", lambda a, s: np.subtract(s, a), lambda g, o, a, s: D.neg(g), None,
   formulas=("-grad",), saves=False, scalar_overload=True,
   samples=lambda s: [((s.normal(2, 3), 2.5), {})])
op("rdiv", "MulBackward0", U.rdiv,
   # from the saved result only (torch: reciprocal(self) * other saves the reciprocal), so
   # changing self in place after the call does not change the gradient; the float32
   # kernel (numerics.unary.rdiv_backward) needs self, so the last bit differs from torch's
   # for about a third of the inputs (tests/test_numerics_torch.py's reciprocal floor)
   lambda g, o, a, s: (D.neg(D.div(D.mul(D.mul(g, o), o), s)) if float(raw(s)) != 0
                       else D.mul(D.mul(g, s), D.neg(D.mul(o, o)))), None,
   formulas=("-grad * result**2 / other",), dtype_rule="float",
   samples=lambda s: [((s.away_from_zero(2, 3), 2.5), {})])
op("pow_scalar", "PowBackward0", U.pow_scalar,
   lambda g, o, a, p: (zeros_like(g) if float(raw(p)) == 0 else _fused(
       U.pow_backward(g, a, float(raw(p))),
       lambda: D.mul(g, D.mul(D.pow_scalar(a, float(raw(p)) - 1), float(raw(p)))))),  # torch's order
   None, formulas=("grad * exponent * self**(exponent - 1)",), scalar_overload=True,
   args=('self', 'exponent'),
   samples=lambda s: [((s.positive(2, 3), 3.0), {}), ((s.positive(4), 0.5), {}), ((s.normal(3), 2.0), {})],
   text="pow")
op("rpow", "PowBackward2", U.rpow,
   lambda g, o, a, base: _fused(U.rpow_backward(g, o, float(raw(base))),
                                lambda: D.mul(D.mul(g, o), math.log(float(raw(base))))), None,
   formulas=("grad * result * log(base)",), dtype_rule="float", scalar_overload=True,
   args=('self', 'base'),
   samples=lambda s: [((s.normal(2, 3), 2.0), {})])
op("pow", "PowBackward1", _int_safe_power,
   # torch: where(exponent == 0, 0, grad * (exponent * self**(exponent - 1))): 0**0 gives 0
   lambda g, o, a, b: D.where(D.mul(g, D.mul(b, D.pow(a, D.sub(b, 1.0)))), 0.0,
                              cond=raw(b) != 0),
   lambda g, o, a, b: D.mul(D.mul(g, o), D.where(D.log(a), 0.0,
                            cond=~((raw(a) == 0) & (raw(b) >= 0)))),
   formulas=("grad * exponent * self**(exponent - 1)", "grad * result * log(self)"),
   broadcast=True,
   args=('self', 'exponent'),
   samples=lambda s: [((s.positive(2, 3), s.normal(2, 3)), {}), ((s.positive(2, 1), s.normal(3)), {})])
op("remainder", "RemainderBackward0", lambda a, b: np.remainder(a, b),
   lambda g, o, a, b: g, lambda g, o, a, b: D.mul(D.neg(g), np.floor(raw(a) / raw(b))),
   formulas=("grad", "-grad * floor(self / other)"), broadcast=True,
   kink=lambda a, b: bool(np.any(np.remainder(a, b) == 0)),
   samples=lambda s: [((s.positive(5) * 3, np.full(5, 1.3)), {})])
op("floor_divide", "NotImplemented", np.floor_divide, _floor_divide_vjp, _floor_divide_vjp,
   formulas=("not implemented", "not implemented"), saves=False, broadcast=True,
   kink=lambda a, b: bool(np.any(np.remainder(a, b) == 0)),
   samples=lambda s: [((s.positive(5) * 3 + 0.05, np.full(5, 0.7)), {})])
op("maximum", "MaximumBackward0", _first_max, _minmax_pair_vjp(True), _minmax_pair_vjp(False),
   formulas=("grad * (self > other) (ties: grad / 2)", "grad * (other > self) (ties: grad / 2)"),
   broadcast=True,
   kink=lambda a, b: bool(np.any(a == b)),
   samples=lambda s: [((s.distinct(2, 3), s.distinct(2, 3) + 0.05), {})])
op("minimum", "MinimumBackward0", _first_min, _minmax_pair_vjp(False), _minmax_pair_vjp(True),
   formulas=("grad * (self < other) (ties: grad / 2)", "grad * (other < self) (ties: grad / 2)"),
   broadcast=True,
   kink=lambda a, b: bool(np.any(a == b)),
   samples=lambda s: [((s.distinct(2, 3), s.distinct(2, 3) + 0.05), {})])
op("where", "WhereBackward0", lambda a, b, cond: np.where(cond, a, b),
   lambda g, o, a, b, cond: _select(g, _where_mask(cond, raw(g).dtype)),
   lambda g, o, a, b, cond: _select(g, _where_mask(~cond, raw(g).dtype)),
   formulas=("grad * condition", "grad * ~condition"), saves=False, broadcast=True,
   args=('self', 'other', 'condition'),
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3)), {"cond": s.rng.random((2, 3)) > 0.5})])
for _name, _fn in (("lt", np.less), ("le", np.less_equal), ("gt", np.greater),
                   ("ge", np.greater_equal), ("eq", np.equal), ("ne", np.not_equal)):
    op(_name, "", _fn, dtype_rule="bool", differentiable=False, broadcast=True)
op("logical_not", "", np.logical_not, dtype_rule="bool", differentiable=False,
   elementwise=True)
