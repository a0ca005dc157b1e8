"""Rows: torch.nn.functional activations of issue 18 (relu6, selu, celu, mish, hardsigmoid,
hardswish, softshrink, hardshrink, threshold). Composites PyTorch builds from other ops
(softsign, tanhshrink, softmin) are wrappers in engine/torch_api/activations.py.
Formulas are derivatives.yaml's (and FunctionsManual's elu/hardswish backward)."""

import numpy as np

from .. import dual as D
from ..errors import TorchError, runtime
from .backward_ops import elu_vjp, named
from .helpers import _first_max, _first_min, _select, raw
from .signature import Signature
from .table import op

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _py(name, params=""):
    """A Python def of torch.nn.functional: (input, <params>, inplace=False)."""
    return Signature(name, f"(Tensor input, {params}bool inplace = False)", style="python")


def _floats_only(fn, kernel):
    """torch has these kernels for floating dtypes only (its NotImplementedError)."""
    def forward(a, *args, **kw):
        if a.dtype.kind != "f":
            name = {"b": "Bool", "i": "Long"}.get(a.dtype.kind, str(a.dtype))
            raise TorchError(f'"{kernel}" not implemented for \'{name}\'',
                             type_name="NotImplementedError")
        return fn(a, *args, **kw)
    return forward


def _mask(cond):
    def vjp(g, o, a, **kw):
        return _select(g, cond(raw(a), **kw).astype(raw(g).dtype))
    return vjp


def _act(name, grad_fn, forward, vjp, formula, sig, params=(), dtype_rule="same",
         kink=None, sample=None, sample_params=None, kernel=None):
    if kernel:
        forward = _floats_only(forward, kernel)
    op(name, grad_fn, forward, vjp, formulas=(formula,), dtype_rule=dtype_rule,
       nn=(name,), signature=sig, params=params, latex=rf"\operatorname{{{name}}}",
       elementwise=True, kink=kink,
       samples=lambda s: [((sample(s) if sample else s.normal(2, 3),), sample_params or {})])


_act("relu6", "HardtanhBackward0",
     lambda a: _first_min(_first_max(a, 0), 6).astype(a.dtype),
     lambda g, o, a: named("hardtanh_backward", lambda: _mask(lambda x: (x > 0) & (x < 6))(g, o, a),
                           g, a, min_val=0.0, max_val=6.0),
     "grad * (0 < self < 6)  (hardtanh(self, 0, 6))",
     _py("relu6"), dtype_rule="same", kink=lambda a: bool(np.any((a == 0) | (a == 6))),
     sample=lambda s: s.away_from_zero(2, 3) * 3)


def _elu(a, alpha, scale):
    return np.where(a > 0, a * scale, scale * alpha * np.expm1(np.minimum(a, 0)))


_act("selu", "EluBackward0", lambda a: _elu(a, _SELU_ALPHA, _SELU_SCALE),
     lambda g, o, a: elu_vjp(g, a, _SELU_ALPHA, _SELU_SCALE, 1.0, lambda: D.mul(g, D.where(
         D.mul(D.exp(a), _SELU_ALPHA * _SELU_SCALE), _SELU_SCALE, cond=raw(a) <= 0))),
     "elu_backward(grad, alpha, scale, 1, false, self): grad * scale * (self > 0 ? 1 : "
     "alpha * exp(self))", _py("selu"), kink=lambda a: bool(np.any(a == 0)),
     sample=lambda s: s.away_from_zero(2, 3), kernel="elu_cpu")


def _celu(a, alpha=1.0):
    if alpha == 0:
        raise runtime("ZeroDivisionError: alpha cannot be 0 for CELU")  # before the dtype's
    return _floats_only(lambda x: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha)),
                        "elu_cpu")(a)


_act("celu", "CeluBackward0", _celu,
     lambda g, o, a, alpha=1.0: elu_vjp(g, a, alpha, 1.0, 1.0 / float(np.float32(alpha)), lambda: D.mul(  # 1/alpha.toFloat()
         g, D.where(D.exp(D.div(a, alpha)), 1.0, cond=raw(a) <= 0))),
     "grad * (self > 0 ? 1 : exp(self / alpha))", _py("celu", "float alpha = 1.0, "),
     params=("alpha",), kink=lambda a, alpha=1.0: bool(np.any(a == 0)),
     sample=lambda s: s.away_from_zero(2, 3), sample_params={"alpha": 0.7})


def _softplus(a):
    return np.where(a > 20, a, np.log1p(np.exp(np.minimum(a, 20))))


def _mish_grad(a):
    t = D.tanh(D.log1p(D.exp(a)))
    return D.add(t, D.mul(D.mul(a, D.sigmoid(a)), D.rsub(D.mul(t, t), 1.0)))


_act("mish", "MishBackward0", lambda a: a * np.tanh(_softplus(a)),
     lambda g, o, a: D.mul(g, _mish_grad(a)),
     "grad * (tanh(softplus(self)) + self * sigmoid(self) * (1 - tanh(softplus(self))**2))",
     _py("mish"), kernel="mish_cpu")
_act("hardsigmoid", "HardsigmoidBackward0",
     lambda a: (_first_min(_first_max(a + 3, 0), 6) / 6).astype(a.dtype),
     lambda g, o, a: named("hardsigmoid_backward", lambda: _select(
         D.mul(g, 1 / 6), ((raw(a) > -3) & (raw(a) < 3)).astype(raw(g).dtype)), g, a),
     "grad * (-3 < self < 3) / 6", _py("hardsigmoid"),
     kink=lambda a: bool(np.any(np.abs(a) == 3)), sample=lambda s: s.normal(2, 3) * 2.5,
     kernel="hardsigmoid_cpu")
_act("hardswish", "HardswishBackward0",
     lambda a: (a * _first_min(_first_max(a + 3, 0), 6) / 6).astype(a.dtype),
     lambda g, o, a: named("hardswish_backward", lambda: D.mul(g, D.where(D.where(
         D.add(D.div(a, 3.0), 0.5), 1.0, cond=raw(a) < 3), 0.0, cond=raw(a) > -3)), g, a),
     "self <= -3 ? 0 : self < 3 ? grad * (self / 3 + 0.5) : grad", _py("hardswish"),
     kink=lambda a: bool(np.any(np.abs(a) == 3)), sample=lambda s: s.normal(2, 3) * 2.5,
     kernel="hardswish_cpu")


def _lambd_checked(fn):
    def forward(a, lambd=0.5):
        if lambd < 0:
            kind, top = ("Double", 1.79769e+308) if a.dtype == np.float64 else ("Float", 3.40282e+38)
            raise runtime(f"lambda must be in range [0, {top:g}] for input dtype {kind}, but "
                          f"found {lambd:g}")
        return fn(a, lambd)
    return forward


def _shrink_sig(name):
    return Signature(name, "(Tensor input, Number lambd = 0.5)")


_act("softshrink", "SoftshrinkBackward0",
     _lambd_checked(lambda a, l: np.where(a > l, a - l, np.where(a < -l, a + l, 0)).astype(a.dtype)),
     lambda g, o, a, lambd=0.5: named("softshrink_backward", lambda: _mask(
         lambda x, lambd: np.abs(x) > lambd)(g, o, a, lambd=lambd), g, a, lambd=lambd),
     "grad * (|self| > lambd)", _shrink_sig("softshrink"), params=("lambd",),
     kink=lambda a, lambd=0.5: bool(np.any(np.abs(a) == lambd)),
     sample=lambda s: s.away_from_zero(2, 3), sample_params={"lambd": 0.25},
     kernel="softshrink_check")
_act("hardshrink", "HardshrinkBackward0",
     lambda a, lambd=0.5: np.where(np.abs(a) > lambd, a, 0).astype(a.dtype),
     lambda g, o, a, lambd=0.5: named("hardshrink_backward", lambda: _mask(
         lambda x, lambd: np.abs(x) > lambd)(g, o, a, lambd=lambd), g, a, lambd=lambd),
     "grad * (|self| > lambd)", _shrink_sig("hardshrink"), params=("lambd",),
     kink=lambda a, lambd=0.5: bool(np.any(np.abs(a) == lambd)),
     sample=lambda s: s.away_from_zero(2, 3), sample_params={"lambd": 0.25},
     kernel="hardshrink_cpu")
_act("threshold", "ThresholdBackward0",
     lambda a, threshold, value: np.where(a > threshold, a, value).astype(a.dtype),
     lambda g, o, a, threshold, value: named("threshold_backward", lambda: _mask(
         lambda x, threshold, value: x > threshold)(g, o, a, threshold=threshold, value=value),
         g, a, threshold=threshold),
     "grad * (self > threshold)",
     Signature("_threshold", "(Tensor input, float threshold, float value, "
               "bool inplace = False)", style="python"),
     params=("threshold", "value"), dtype_rule="same",
     kink=lambda a, threshold, value: bool(np.any(a == threshold)),
     sample_params={"threshold": 0.1, "value": -2.0})
