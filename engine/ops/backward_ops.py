"""Rows PyTorch records as one node where a naive composition would record several:
add/sub with `alpha` (one AddBackward0 / SubBackward0 whose `other` grad is grad * alpha,
so `torch.add(x, x, alpha=2)` has two edges to x's AccumulateGrad and saves nothing)."""

import numpy as np

from .. import dual as D
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
