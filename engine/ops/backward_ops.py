"""Rows PyTorch records as one node where a naive composition would record several:
add/sub with `alpha` (one AddBackward0 / SubBackward0 whose `other` grad is grad * alpha,
so `torch.add(x, x, alpha=2)` has two edges to x's AccumulateGrad and saves nothing);
as_strided, the grad_fn a view gets once its base was changed in place (AsStridedBackward0:
the view's elements of the base, by size, stride and offset in elements)."""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import dual as D
from .helpers import raw, zeros_like
from .table import op


def _scaled(g, alpha):
    return g if alpha == 1 else D.mul(g, alpha)


op("add_alpha", "AddBackward0", lambda a, b, alpha: np.add(a, np.multiply(b, alpha)),
   lambda g, o, a, b, alpha: g, lambda g, o, a, b, alpha: _scaled(g, alpha),
   formulas=("grad", "grad * alpha"), saves=False, broadcast=True, text="add",
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3)), {"alpha": 2.0}),
                      ((s.normal(2, 1), s.normal(3)), {"alpha": -0.5})])
op("sub_alpha", "SubBackward0", lambda a, b, alpha: np.subtract(a, np.multiply(b, alpha)),
   lambda g, o, a, b, alpha: g, lambda g, o, a, b, alpha: D.neg(_scaled(g, alpha)),
   formulas=("grad", "-grad * alpha"), saves=False, broadcast=True, text="sub",
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3)), {"alpha": 2.0})])


def _as_strided(a, size, stride, offset):
    flat = np.ascontiguousarray(a).reshape(-1)
    item = flat.itemsize
    return as_strided(flat[offset:], shape=size, strides=tuple(s * item for s in stride))


def _as_strided_vjp(g, o, a, size, stride, offset):
    """The base's grad: g added at the view's elements (np.add.at: expanded views repeat)."""
    shape = raw(a).shape
    idx = _as_strided(np.arange(int(np.prod(shape)), dtype=np.int64), size, stride, offset)
    flat = np.zeros(int(np.prod(shape)), dtype=raw(g).dtype)
    np.add.at(flat, idx.reshape(-1), np.broadcast_to(raw(g), size).reshape(-1))
    grad = flat.reshape(shape)
    return D.Tensor(grad) if isinstance(g, D.Tensor) else grad


op("as_strided", "AsStridedBackward0", _as_strided, _as_strided_vjp,
   formulas=("grad placed at the view's elements in zeros",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(3, 4),), {"size": (2, 2), "stride": (4, 1), "offset": 1}),
                      ((s.normal(3, 4),), {"size": (3,), "stride": (5,), "offset": 0})])


# ---- backward formulas PyTorch implements as named functions: under create_graph they are
# recorded as their own nodes (ThresholdBackwardBackward0, ...), with their own VJPs, so
# grad_fn names and higher derivatives are PyTorch's
def _threshold_backward(g, s, threshold):
    # torch: self <= threshold ? 0 : grad (a NaN self passes the grad through)
    return np.where(s <= threshold, np.zeros((), g.dtype), g).astype(g.dtype, copy=False)


op("threshold_backward", "ThresholdBackwardBackward0", _threshold_backward,
   lambda gg, o, g, s, threshold: D.threshold_backward(gg, s, threshold=threshold),
   lambda gg, o, g, s, threshold: zeros_like(gg),
   formulas=("threshold_backward(grad, self, threshold)", "zeros_like(grad)"),
   args=("grad_output", "self"), dtype_rule="same",
   kink=lambda g, s, threshold: bool(np.any(s == threshold)),
   samples=lambda s: [((s.normal(2, 3), s.away_from_zero(2, 3)), {"threshold": 0.0})])


# Tensor * Scalar inside backward formulas (std_backward's 2 / (N - correction) * grad):
# torch's mul.Scalar overload, a node of its own (MulBackward1) without an edge for the number
op("mul_scalar", "MulBackward1", np.multiply, lambda g, o, a, s: D.mul_scalar(g, float(raw(s))),
   None, formulas=("grad * other",), saves=False, scalar_overload=True, text="mul",
   samples=lambda s: [((s.normal(2, 3), 1.5), {})])
