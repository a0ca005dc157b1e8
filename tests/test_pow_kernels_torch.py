"""x ** 3, x ** -2 and x ** -0.5 bit for bit: ATen's pow_tensor_scalar kernel computes them as
x*x*x, 1/(x*x) and 1/sqrt(x) in the tensor's dtype; numpy's pow rounds differently in about a
quarter of float64 elements (found by tests/differential_programs.py: (x ** 3).sum().item()
of a float64 tensor printed 999701.2799989998 for torch's ...9999)."""

import numpy as np
import pytest
from gradcli.engine.tensor import Tensor

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("p", [2.0, 3.0, 3, -1.0, -2.0, -2, 0.5, -0.5])
def test_pow_scalar_bit_identical(dtype, p):
    rng = np.random.default_rng(0)
    x = (rng.normal(size=20000) * 10).astype(dtype)
    x[:4] = [0.0, -0.0, np.inf, -np.inf]
    want = (torch.from_numpy(x) ** p).numpy()
    got = (Tensor(x) ** p).data
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
