"""x.norm()'s and x.norm(dim=...)'s gradient bit for bit: torch computes grad * (self / norm);
gradcli computed (grad / norm) * self, which rounds differently in most elements (found by
tests/differential_programs.py: the gradient of a 0-d float64 norm printed -1.0000, not -1.)."""

import numpy as np
import pytest
from gradcli.engine.tensor import Tensor

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch


@pytest.mark.parametrize("seed", range(40))
def test_norm_gradients_bit_identical(seed):
    rng = np.random.default_rng(seed)
    dtype = (np.float32, np.float64)[seed % 2]
    shape = tuple(rng.integers(1, 5, size=rng.integers(0, 3)))
    x = rng.normal(size=shape).astype(dtype) * rng.choice([1e-3, 1.0, 250.5])
    g_scale = float(rng.normal())
    dim = None if not shape or seed % 3 == 0 else int(rng.integers(0, len(shape)))
    keepdim = bool(seed % 4 == 1)

    tx = torch.tensor(x, requires_grad=True)
    tn = tx.norm() if dim is None else tx.norm(dim=dim, keepdim=keepdim)
    (tn * g_scale).sum().backward()

    gx = Tensor(x.copy(), requires_grad=True)
    gn = gx.norm() if dim is None else gx.norm(dim=dim, keepdim=keepdim)
    (gn * g_scale).sum().backward()
    assert np.array_equal(gx.grad.data, tx.grad.numpy()), (gx.grad.data, tx.grad.numpy())
