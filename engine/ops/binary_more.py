"""Rows: functions of two tensors of issue 18 (atan2, hypot, fmax, fmin, logaddexp,
logaddexp2). Their torch.X / Tensor.X take two tensors, so the wrappers are hand-written
(engine/torch_api/binary_more.py) from the signature here. Formulas: derivatives.yaml."""

import math

import numpy as np

from .. import dual as D
from ..errors import TorchError, runtime
from .helpers import _select, raw
from .signature import Signature
from .table import op

TWO = "(Tensor input, Tensor other, *, Tensor out = None)"


def _floats(fn, kernel):
    def forward(a, b):
        if a.dtype.kind != "f":
            name = {"b": "Bool", "i": "Long"}.get(a.dtype.kind, str(a.dtype))
            raise TorchError(f'"{kernel}" not implemented for \'{name}\'',
                             type_name="NotImplementedError")
        return fn(a, b)
    return forward


def _no_bool(a, b):
    """torch's logaddexp backward subtracts the inputs: a bool one fails there."""
    if raw(a).dtype == bool or raw(b).dtype == bool:
        raise runtime("Subtraction, the `-` operator, with a bool tensor is not supported. "
                      "If you are trying to invert a mask, use the `~` or `logical_not()` "
                      "operator instead.")
    return D.sub(b, a)


def _neg_checked(a):
    """torch's atan2 backward negates self: a bool self fails there."""
    if raw(a).dtype == bool:
        raise runtime("Negation, the `-` operator, on a bool tensor is not supported. If you "
                      "are trying to invert a mask, use the `~` or `logical_not()` operator "
                      "instead.")
    return D.neg(a)


def _row(name, grad_fn, forward, vjp_self, vjp_other, formulas, samples, aliases=(),
         dtype_rule="float", kink=None):
    for n in (name, *aliases):
        op(n, grad_fn, forward, vjp_self, vjp_other, formulas=formulas, broadcast=True,
           dtype_rule=dtype_rule, torch=(n,), methods=(n,), signature=Signature(n, TWO),
           generated=False, text=None if n == name else name, kink=kink,
           samples=samples)


def _two(f):
    return lambda s: [((f(s), f(s)), {}), ((f(s)[:1], f(s)), {})]


def _recip(a, b):
    """1 / (self² + other²), 0 where that is inf (torch's atan2_backward: grads 0 at 0, 0)."""
    r = D.reciprocal(D.add(D.mul(a, a), D.mul(b, b)))
    return D.where(r, 0.0, cond=~np.isinf(raw(r)))


_row("atan2", "Atan2Backward0", np.arctan2,
     lambda g, o, a, b: D.mul(D.mul(g, b), _recip(a, b)),
     lambda g, o, a, b: D.mul(D.mul(g, _neg_checked(a)), _recip(a, b)),
     ("grad * other / (self * self + other * other)",
      "grad * -self / (self * self + other * other)"),
     _two(lambda s: s.away_from_zero(2, 3)), aliases=("arctan2",))
_row("hypot", "HypotBackward0", _floats(np.hypot, "hypot_cpu"),
     lambda g, o, a, b: D.div(D.mul(g, a), o), lambda g, o, a, b: D.div(D.mul(g, b), o),
     ("grad * self / result", "grad * other / result"),
     _two(lambda s: s.away_from_zero(2, 3)), dtype_rule="promote")


_row("fmax", "FmaxBackward0", np.fmax,
     lambda g, o, a, b: _select(g, ((raw(a) >= raw(b)) | np.isnan(raw(b))).astype(raw(g).dtype)),
     lambda g, o, a, b: _select(g, ~((raw(a) >= raw(b)) | np.isnan(raw(b))) * np.ones((), raw(g).dtype)),
     ("grad.masked_fill((self >= other).logical_or_(other.isnan()).logical_not_(), 0)",
      "grad.masked_fill((self >= other).logical_or_(other.isnan()), 0)"),
     lambda s: [((s.distinct(2, 3), s.distinct(2, 3) + 0.05), {}),
                ((s.distinct(1, 3), s.distinct(2, 3) + 0.05), {})], dtype_rule="promote",
     kink=lambda a, b: bool(np.any(a == b)))
_row("fmin", "FminBackward0", np.fmin,
     lambda g, o, a, b: _select(g, ((raw(a) <= raw(b)) | np.isnan(raw(b))).astype(raw(g).dtype)),
     lambda g, o, a, b: _select(g, ~((raw(a) <= raw(b)) | np.isnan(raw(b))) * np.ones((), raw(g).dtype)),
     ("grad.masked_fill((self <= other).logical_or_(other.isnan()).logical_not_(), 0)",
      "grad.masked_fill((self <= other).logical_or_(other.isnan()), 0)"),
     lambda s: [((s.distinct(2, 3), s.distinct(2, 3) + 0.05), {}),
                ((s.distinct(1, 3), s.distinct(2, 3) + 0.05), {})], dtype_rule="promote",
     kink=lambda a, b: bool(np.any(a == b)))
_row("logaddexp", "LogaddexpBackward0", _floats(np.logaddexp, "logaddexp_cpu"),
     lambda g, o, a, b: D.div(g, D.add(D.exp(_no_bool(a, b)), 1.0)),
     lambda g, o, a, b: D.div(g, D.add(D.exp(_no_bool(b, a)), 1.0)),
     ("grad / (1 + exp(other - self))", "grad / (1 + exp(self - other))"),
     _two(lambda s: s.normal(2, 3)), dtype_rule="promote")
_row("logaddexp2", "Logaddexp2Backward0", _floats(np.logaddexp2, "logaddexp2_cpu"),
     lambda g, o, a, b: D.div(g, D.add(D.exp(D.mul(_no_bool(a, b), math.log(2))), 1.0)),
     lambda g, o, a, b: D.div(g, D.add(D.exp(D.mul(_no_bool(b, a), math.log(2))), 1.0)),
     ("grad / (1 + pow(2, other - self))", "grad / (1 + pow(2, self - other))"),
     _two(lambda s: s.normal(2, 3)), dtype_rule="promote")
