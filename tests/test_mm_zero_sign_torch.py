"""The sign of an exact zero from a matrix product: PyTorch's BLAS sums start from +0., so
a product whose terms are all -0. is +0. (numpy's matmul keeps -0.), except an outer
product (inner size 1, both other sizes > 1), which keeps the products' signs. Found by the
random module-hook programs (a hook scaling a zero gradient by a negative factor)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from gradcli.engine.numerics import blas  # noqa: E402

pytestmark = pytest.mark.torch


@pytest.mark.parametrize("m,k,n", [(1, 1, 1), (2, 1, 1), (1, 1, 3), (2, 1, 3), (5, 1, 2),
                                   (1, 3, 4), (3, 2, 1), (4, 4, 4), (2, 5, 3)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_all_negative_zero_products_sum_to_positive_zero(m, k, n, dtype):
    rng = np.random.default_rng(m * 100 + k * 10 + n)
    a = rng.uniform(0.5, 2.0, size=(m, k)).astype(dtype)
    b = -np.zeros((k, n), dtype=dtype)
    for x in (a, np.asfortranarray(a)):  # row- and column-major (MKL's two sum orders)
        got = blas.mm(x, b)
        want = torch.from_numpy(a) @ torch.from_numpy(b)
        assert np.array_equal(np.signbit(got), torch.signbit(want).numpy())
        assert np.array_equal(got, want.numpy())
