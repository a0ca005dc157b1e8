"""Rows: activations of torch.nn.functional (relu also torch.relu / Tensor.relu)."""

import math

import numpy as np

from .. import dual as D
from .helpers import _erf, _first_max, _select, raw
from .signature import Signature
from .table import op, unary


def _softplus(a, beta=1.0, threshold=20.0):
    z = a * beta
    return np.where(z > threshold, a, np.log1p(np.exp(np.minimum(z, threshold))) / beta)


def _gelu_tanh_grad(a):
    """d/da of gelu's tanh form, written with dual ops (second derivatives)."""
    inner = D.mul(D.add(a, D.mul(D.pow_scalar(a, 3.0), 0.044715)), _K)
    t = D.tanh(inner)
    left = D.mul(D.add(t, 1.0), 0.5)
    dinner = D.mul(D.add(D.mul(D.mul(a, a), 3 * 0.044715), 1.0), _K)
    return D.add(left, D.mul(D.mul(D.mul(a, 0.5), D.rsub(D.mul(t, t), 1.0)), dinner))


def _gelu(a):
    return 0.5 * a * (1 + _erf(a / math.sqrt(2)))


op("relu", "ReluBackward0", lambda a: _first_max(a, 0).astype(a.dtype),
   lambda g, o, a: _select(g, (raw(o) > 0).astype(raw(o).dtype)),
   formulas=("grad * (result > 0)",), dtype_rule="same",
   kink=lambda a: bool(np.any(a == 0)),
   torch=('relu',), methods=('relu',), signature=unary('relu'),
   nn=('relu',), nn_signature=Signature('relu', '(Tensor input, bool inplace = False)', style="python"),
   elementwise=True,
   samples=lambda s: [((s.away_from_zero(2, 3),), {})])
op("leaky_relu", "LeakyReluBackward0",
   lambda a, negative_slope=0.01: np.where(a > 0, a, a * negative_slope).astype(a.dtype),
   lambda g, o, a, negative_slope=0.01: D.mul(
       g, np.where(raw(a) > 0, 1.0, negative_slope).astype(raw(a).dtype)),
   formulas=("grad * (self > 0 ? 1 : negative_slope)",), dtype_rule="same",
   kink=lambda a, negative_slope=0.01: bool(np.any(a == 0)),
   torch=("leaky_relu",), nn=("leaky_relu",), params=("negative_slope",),
   signature=Signature("leaky_relu", "(Tensor input, Number negative_slope = 0.01, "
                       "bool inplace = False)", style="python"),
   elementwise=True,
   samples=lambda s: [((s.away_from_zero(2, 3),), {"negative_slope": 0.1})])
op("softplus", "SoftplusBackward0", _softplus,
   lambda g, o, a, beta=1.0, threshold=20.0: D.mul(g, D.where(
       D.sigmoid(D.mul(a, beta)), 1.0, cond=raw(a) * beta <= threshold)),
   formulas=("grad * sigmoid(beta * self)",), dtype_rule="float",
   torch=("softplus",), nn=("softplus",), params=("beta", "threshold"),
   signature=Signature("softplus", "(Tensor input, Number beta = 1.0, Number threshold = 20.0, "
                       "*, Tensor? out = None)"),
   elementwise=True,
   samples=lambda s: [((s.normal(2, 3),), {"beta": 1.0, "threshold": 20.0}), ((s.normal(5) * 3,), {"beta": 2.0, "threshold": 1.5})])
op("gelu", "GeluBackward0", _gelu,
   lambda g, o, a: D.mul(g, D.add(
       D.mul(D.add(D.erf(D.mul(a, 1 / math.sqrt(2))), 1.0), 0.5),
       D.mul(D.mul(a, D.exp(D.mul(D.mul(a, a), -0.5))), 1 / math.sqrt(2 * math.pi)))),
   formulas=("grad * (Phi(self) + self * phi(self))",), dtype_rule="float",
   nn=('gelu',),
   elementwise=True,
   samples=lambda s: [((s.normal(2, 3),), {})])
_K = math.sqrt(2 / math.pi)


def _gelu_tanh(a):
    return 0.5 * a * (1 + np.tanh(_K * (a + 0.044715 * a ** 3)))


# F.gelu(approximate='tanh'): GeluBackward0 too (one node class, its approximate attribute)
op("gelu_tanh", "GeluBackward0", _gelu_tanh,
   lambda g, o, a: D.mul(g, _gelu_tanh_grad(a)),
   formulas=("grad * d/dself [0.5 * self * (1 + tanh(sqrt(2/pi) * (self + 0.044715 * self**3)))]",),
   dtype_rule="float", text="gelu", latex=r"\operatorname{gelu}", elementwise=True,
   samples=lambda s: [((s.normal(2, 3),), {})])


op("silu", "SiluBackward0", lambda a: a / (1 + np.exp(-a)),
   lambda g, o, a: D.mul(D.mul(g, D.sigmoid(a)),
                         D.add(D.mul(a, D.rsub(D.sigmoid(a), 1.0)), 1.0)),
   formulas=("grad * sigmoid(self) * (1 + self * (1 - sigmoid(self)))",), dtype_rule="float",
   nn=("silu",), signature=Signature("silu", "(Tensor input, bool inplace = False)",
                                     style="python"),
   latex=r"\operatorname{silu}", elementwise=True,
   samples=lambda s: [((s.normal(2, 3),), {})])
