"""Rows of torch.quantile's composite (engine/torch_api/reductions_quantile.py) that no
other family has: the in-place lerp_ of the two gathered neighbours (LerpBackward1, the
weights a constant: they come from q, which gradcli does not differentiate) and the
in-place unsqueeze_ (UnsqueezeBackward1) that moves the quantiles first."""

import numpy as np

from .. import dual as D
from .table import op


def _lerp(a, b, weight):
    """ATen's CPU lerp: self + w (end - self) below w = 0.5, end - (end - self)(1 - w) above."""
    w = np.asarray(weight, dtype=a.dtype)
    return np.where(np.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w)).astype(a.dtype)


op("quantile_lerp", "LerpBackward1", _lerp,
   lambda g, o, a, b, weight: D.mul(g, 1 - np.asarray(weight)),
   lambda g, o, a, b, weight: D.mul(g, np.asarray(weight)),
   formulas=("grad * (1 - weight)", "grad * weight"), args=("self", "end"), text="lerp",
   dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3)), {"weight": s.rng.uniform(0, 1, (2, 3))})])
op("unsqueeze_inplace", "UnsqueezeBackward1", lambda a, dim: np.expand_dims(a, dim),
   lambda g, o, a, dim: D.squeeze_dim(g, dim=dim), formulas=("grad.squeeze(dim)",),
   saves=False, dtype_rule="same", samples=lambda s: [((s.normal(2, 3),), {"dim": 0})])
