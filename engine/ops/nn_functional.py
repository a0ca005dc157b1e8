"""Rows: activations of torch.nn.functional (relu also torch.relu / Tensor.relu)."""

import math

import numpy as np

from .. import dual as D
from ..numerics import unary as U
from .backward_ops import named
from .helpers import _first_max, _fused, _select, raw
from .signature import Signature
from .table import op, unary


def _relu_vjp(g, o):
    """torch's named backward threshold_backward(grad, result, 0) (its own node under
    create_graph); derive's symbolic values keep the mask form (x > 0)."""
    if isinstance(g, D.Traced) or isinstance(o, D.Traced):
        return _select(g, (raw(o) > 0).astype(raw(o).dtype))
    return D.threshold_backward(g, o, threshold=0.0)


def _gelu_tanh_grad(a):
    """d/da of gelu's tanh form, written with dual ops (second derivatives)."""
    inner = D.mul(D.add(a, D.mul(D.pow_scalar(a, 3.0), 0.044715)), _K)
    t = D.tanh(inner)
    left = D.mul(D.add(t, 1.0), 0.5)
    dinner = D.mul(D.add(D.mul(D.mul(a, a), 3 * 0.044715), 1.0), _K)
    return D.add(left, D.mul(D.mul(D.mul(a, 0.5), D.rsub(D.mul(t, t), 1.0)), dinner))



op("relu", "ReluBackward0", lambda a: _first_max(a, 0).astype(a.dtype),
   lambda g, o, a: _relu_vjp(g, o),
   formulas=("threshold_backward(grad, result, 0)",), dtype_rule="same",
   kink=lambda a: bool(np.any(a == 0)),
   torch=('relu',), methods=('relu',), signature=unary('relu'),
   nn=('relu',), nn_signature=Signature('relu', '(Tensor input, bool inplace = False)', style="python"),
   elementwise=True,
   samples=lambda s: [((s.away_from_zero(2, 3),), {})])
op("leaky_relu", "LeakyReluBackward0", U.leaky_relu,
   lambda g, o, a, negative_slope=0.01: named("leaky_relu_backward", lambda: D.mul(
       g, np.where(raw(a) > 0, 1.0, negative_slope).astype(raw(a).dtype)), g, a,
       negative_slope=negative_slope),
   formulas=("grad * (self > 0 ? 1 : negative_slope)",), dtype_rule="same",
   kink=lambda a, negative_slope=0.01: bool(np.any(a == 0)),
   torch=("leaky_relu",), nn=("leaky_relu",), params=("negative_slope",),
   signature=Signature("leaky_relu", "(Tensor input, Number negative_slope = 0.01, "
                       "bool inplace = False)", style="python"),
   elementwise=True,
   samples=lambda s: [((s.away_from_zero(2, 3),), {"negative_slope": 0.1})])
op("softplus", "SoftplusBackward0", U.softplus,
   lambda g, o, a, beta=1.0, threshold=20.0: named("softplus_backward", lambda: D.mul(
       g, D.where(D.sigmoid(D.mul(a, beta)), 1.0, cond=raw(a) * beta <= threshold)),
       g, a, beta=beta, threshold=threshold),
   formulas=("grad * sigmoid(beta * self)",), dtype_rule="float",
   torch=("softplus",), nn=("softplus",), params=("beta", "threshold"),
   signature=Signature("softplus", "(Tensor input, Number beta = 1.0, Number threshold = 20.0, "
                       "*, Tensor? out = None)"),
   elementwise=True,
   samples=lambda s: [((s.normal(2, 3),), {"beta": 1.0, "threshold": 20.0}), ((s.normal(5) * 3,), {"beta": 2.0, "threshold": 1.5})])
op("gelu", "GeluBackward0", U.gelu,
   lambda g, o, a: named("gelu_backward", lambda: D.mul(g, D.add(
       D.mul(D.add(D.erf(D.mul(a, 1 / math.sqrt(2))), 1.0), 0.5),
       D.mul(D.mul(a, D.exp(D.mul(D.mul(a, a), -0.5))), 1 / math.sqrt(2 * math.pi)))), g, a),
   formulas=("grad * (Phi(self) + self * phi(self))",), dtype_rule="float",
   nn=('gelu',),
   elementwise=True,
   samples=lambda s: [((s.normal(2, 3),), {})])
_K = math.sqrt(2 / math.pi)


op("silu", "SiluBackward0", U.silu,
   lambda g, o, a: _fused(U.silu_backward(g, a), lambda: D.mul(
       D.mul(g, D.sigmoid(a)), D.add(D.mul(a, D.rsub(D.sigmoid(a), 1.0)), 1.0))),
   formulas=("grad * sigmoid(self) * (1 + self * (1 - sigmoid(self)))",), dtype_rule="float",
   nn=("silu",), signature=Signature("silu", "(Tensor input, bool inplace = False)",
                                     style="python"),
   latex=r"\operatorname{silu}", elementwise=True,
   samples=lambda s: [((s.normal(2, 3),), {})])
