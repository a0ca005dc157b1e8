"""Rows: arithmetic on two operands (and their scalar overloads), comparisons, where."""

import math

import numpy as np

from .. import dual as D
from ..errors import TorchError, runtime
from ..numerics import unary as U
from ..numerics.vml_sqrt import vml_sqrt
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
    if a.dtype == np.bool_ and np.asarray(b).dtype == np.bool_:  # no bool kernel, even empty
        raise TorchError('"pow" not implemented for \'Bool\'', type_name="NotImplementedError")
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


def _no_derivative(aten):
    def vjp(g, out, *inputs, **params):
        raise runtime(f"derivative for aten::{aten} is not implemented")
    return vjp


_KERNEL = {np.fmod: "fmod_cpu", np.remainder: "remainder_cpu", np.floor_divide: "div_floor_cpu"}


def _int_checked(fn, a, b, kernel=None):
    """Integer division by zero raises in torch (numpy gives 0); bool has no kernel."""
    if np.asarray(a).dtype == bool and np.asarray(b).dtype == bool:
        name = kernel or _KERNEL.get(fn, "div_floor_cpu")
        raise TorchError(f'"{name}" not implemented for \'Bool\'', type_name="NotImplementedError")
    ints = np.asarray(a).dtype.kind in "iub" and np.asarray(b).dtype.kind in "iub"
    if (ints and np.any(np.asarray(b) == 0)
            and np.prod(np.broadcast_shapes(np.shape(a), np.shape(b))) > 0):
        raise runtime("ZeroDivisionError")
    return fn(a, b)


def _remainder(a, b):
    """torch.remainder: ATen's fmod(a, b), then + b where the signs differ, so a zero result
    keeps the dividend's sign (0. % -7 is 0., numpy's -0.; 3. % -3. is 0., numpy's -0.)."""
    out = np.remainder(a, b)
    if isinstance(out, np.ndarray) and out.dtype.kind == "f":
        zero = out == 0
        if zero.any():
            out = np.where(zero, np.copysign(out, a), out).astype(out.dtype, copy=False)
    return out


def _floor_div(a, b):
    # numpy's float floor_divide is torch's div_floor (fmod-based, a / b at b == 0)
    return np.floor_divide(a, b)


def _div_mode(a, b, mode):
    if np.result_type(a, b).kind in "iub":
        if mode == "floor":
            return _int_checked(np.floor_divide, a, b)
        q = _int_checked(np.floor_divide, a, b, "div_trunc_cpu")
        return q + ((np.remainder(a, b) != 0) & ((np.asarray(a) < 0) != (np.asarray(b) < 0)))
    if mode == "floor":
        return _floor_div(a, b)
    return np.trunc(np.true_divide(a, b))


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
   lambda g, o, a, b: D.mul(D.neg(g), D.div(D.div(a, b), b)),  # torch: -grad * ((self / other) / other)
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
def _pow_scalar(a, p):
    if a.dtype.kind in "iub" and np.asarray(p).dtype.kind in "iub" and np.any(np.asarray(p) < 0):
        raise runtime("Integers to negative integer powers are not allowed.")
    if a.dtype.kind == "f" and np.asarray(p).dtype.kind == "f" and float(p) == 0.5:
        return vml_sqrt(a)  # ATen's pow_tensor_scalar dispatches exponent 0.5 to sqrt's kernel
    if a.dtype.kind == "f" and isinstance(p, (int, float)) and not isinstance(p, bool):
        # ATen's pow_tensor_scalar_optimized_kernel: x*x*x, 1/(x*x) and 1/sqrt(x) in the
        # tensor's dtype (numpy's pow rounds differently in ~1/4 of float64 elements)
        if p == -2:
            with np.errstate(divide="ignore", over="ignore"):
                return np.divide(a.dtype.type(1), a * a)
        if a.dtype == np.float64 and p == 3:
            return a * a * a
        if a.dtype == np.float64 and p == -0.5:
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.divide(1.0, np.sqrt(a))
    return U.pow_scalar(a, p)


op("pow_scalar", "PowBackward0", _pow_scalar,
   lambda g, o, a, p: (zeros_like(g) if float(raw(p)) == 0 else _fused(
       U.pow_backward(g, a, float(raw(p))),
       lambda: D.mul(g, D.mul(D.pow_scalar(a, float(raw(p)) - 1), float(raw(p)))))),  # torch's order
   None, formulas=("grad * exponent * self**(exponent - 1)",), scalar_overload=True,
   args=('self', 'exponent'),
   samples=lambda s: [((s.positive(2, 3), 3.0), {}), ((s.positive(4), 0.5), {}), ((s.normal(3), 2.0), {})],
   text="pow")
def _scalar_log(b: float) -> float:
    """log of a number base as torch's tensor log gives it: -inf at 0, nan below (math.log
    raises there)."""
    return math.log(b) if b > 0 else (-math.inf if b == 0 else math.nan)


def _rpow_exponent_grad(g, o, a, base):
    # pow_backward_exponent: 0 where base == 0 and exponent >= 0, else grad * result * log(base)
    r = D.mul(D.mul(g, o), _scalar_log(base))
    return D.where(r, 0.0, cond=raw(a) < 0) if base == 0 else r


op("rpow", "PowBackward2", U.rpow,
   lambda g, o, a, base: _fused(U.rpow_backward(g, o, float(raw(base))),
                                lambda: _rpow_exponent_grad(g, o, a, float(raw(base)))), None,
   formulas=("grad * result * log(base)",), dtype_rule="float", scalar_overload=True,
   args=('self', 'base'),
   samples=lambda s: [((s.normal(2, 3), 2.0), {})])
def _pow_vjp_self(g, o, a, b):
    # torch: where(exponent == 0, 0, grad * (exponent * self**(exponent - 1))): 0**0 gives 0
    if raw(b).dtype == np.bool_:  # its `exponent - 1` on a bool exponent, even when empty
        raise runtime("Subtraction, the `-` operator, with a bool tensor is not supported. If "
                      "you are trying to invert a mask, use the `~` or `logical_not()` "
                      "operator instead.")
    return D.where(D.mul(g, D.mul(b, D.pow(a, D.sub(b, 1.0)))), 0.0, cond=raw(b) != 0)


op("pow", "PowBackward1", _int_safe_power, _pow_vjp_self,
   lambda g, o, a, b: D.mul(D.mul(g, o), D.where(D.log(a), 0.0,
                            cond=~((raw(a) == 0) & (raw(b) >= 0)))),
   formulas=("grad * exponent * self**(exponent - 1)", "grad * result * log(self)"),
   broadcast=True,
   args=('self', 'exponent'),
   samples=lambda s: [((s.positive(2, 3), s.normal(2, 3)), {}), ((s.positive(2, 1), s.normal(3)), {})])
op("remainder", "RemainderBackward1", lambda a, b: _int_checked(_remainder, a, b, "remainder_cpu"),
   lambda g, o, a, b: g, lambda g, o, a, b: D.mul(D.neg(g), np.floor(raw(a) / raw(b))),
   formulas=("grad", "-grad * floor(self / other)"), broadcast=True,
   kink=lambda a, b: bool(np.any(np.remainder(a, b) == 0)),
   samples=lambda s: [((s.positive(5) * 3, np.full(5, 1.3)), {})])
op("remainder_scalar", "RemainderBackward0", lambda a, s: _int_checked(_remainder, a, s, "remainder_cpu"),
   lambda g, o, a, s: g, None, formulas=("grad",), saves=False, scalar_overload=True,
   kink=lambda a, s: bool(np.any(np.remainder(a, s) == 0)), text="remainder",
   samples=lambda s: [((s.positive(5) * 3, 1.3), {})])
# fmod: C's fmod (the sign of the dividend), its own rows (not remainder's)
op("fmod", "FmodBackward0", lambda a, s: _int_checked(np.fmod, a, s),
   lambda g, o, a, s: g, None, formulas=("grad",), saves=False, scalar_overload=True,
   kink=lambda a, s: bool(np.any(np.fmod(a, s) == 0)),
   samples=lambda s: [((s.normal(5) * 3, 1.3), {})])
op("fmod_tensor", "FmodBackward1", lambda a, b: _int_checked(np.fmod, a, b),
   lambda g, o, a, b: g, lambda g, o, a, b: D.mul(D.neg(g), np.trunc(raw(a) / raw(b))),
   formulas=("grad", "-grad * self.div(other, rounding_mode=\"trunc\")"), broadcast=True,
   kink=lambda a, b: bool(np.any(np.fmod(a, b) == 0)), text="fmod",
   samples=lambda s: [((s.normal(5) * 3, s.rng.choice([-1.3, 1.3], 5)), {})])
# torch has no derivative for these: the result requires grad, backward raises (grad_fn
# NotImplemented), never zeros
op("floor_divide", "NotImplemented", lambda a, b: _int_checked(_floor_div, a, b),
   _no_derivative("floor_divide"), _no_derivative("floor_divide"),
   formulas=('not_implemented("floor_divide")', 'not_implemented("floor_divide")'),
   saves=False, broadcast=True,
   samples=lambda s: [((s.positive(5) * 3 + 0.05, np.full(5, 0.7)), {})])
op("rremainder", "NotImplemented", lambda a, s: _int_checked(_remainder, s, a, "remainder_cpu"),
   _no_derivative("remainder"), None, formulas=('not_implemented("remainder")',),
   saves=False, scalar_overload=True,
   samples=lambda s: [((s.positive(5) + 1.0, 2.5), {})])
# div with rounding_mode given: DivBackward2, whose grads are zeros for 'trunc'/'floor'
# and true division's for an explicit rounding_mode=None
op("div_mode", "DivBackward2", lambda a, b, rounding_mode: _div_mode(a, b, rounding_mode),
   lambda g, o, a, b, rounding_mode: zeros_like(g),
   lambda g, o, a, b, rounding_mode: zeros_like(g),
   formulas=("0 (rounding_mode given)", "0 (rounding_mode given)"), saves=False,
   broadcast=True, text="div",
   kink=lambda a, b, rounding_mode: bool(np.any(np.remainder(a, b) == 0)),
   samples=lambda s: [((s.normal(2, 3) * 3, s.away_from_zero(2, 3)), {"rounding_mode": "trunc"}),
                      ((s.normal(2, 3) * 3, s.away_from_zero(2, 3)), {"rounding_mode": "floor"})])
op("div_none", "DivBackward2", np.true_divide,
   lambda g, o, a, b: D.div(g, b),
   lambda g, o, a, b: D.mul(D.neg(g), D.div(D.div(a, b), b)),  # torch: -grad * ((self / other) / other)
   formulas=("grad / other", "-grad * self / other**2"), dtype_rule="float", broadcast=True,
   text="div",
   samples=lambda s: [((s.normal(2, 3), s.away_from_zero(2, 3)), {})])
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

# Scalar lanes (engine/scalar_lanes.py): the rules above once more on numpy scalars of one
# float dtype, for the 0-d graphs of training loops; tests/test_scalar_lanes.py holds each
# to its rule bit for bit (a nan, or an exponent other than 2, takes the rule itself)
from ..scalar_lanes import lane  # noqa: E402
from .table import OPS  # noqa: E402

lane(OPS["add"], lambda g, o, a, b: g, lambda g, o, a, b: g)
lane(OPS["sub"], lambda g, o, a, b: g, lambda g, o, a, b: -g)
lane(OPS["mul"], lambda g, o, a, b: g * b, lambda g, o, a, b: g * a)
lane(OPS["div"], lambda g, o, a, b: g / b, lambda g, o, a, b: -g * (a / b / b))
lane(OPS["neg"], lambda g, o, a: -g)
lane(OPS["rsub"], lambda g, o, a, s: -g, None)
lane(OPS["pow_scalar"], lambda g, o, a, p: g * (a * p) if p == 2 else None, None)
