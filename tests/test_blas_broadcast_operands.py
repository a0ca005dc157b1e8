"""blas.mm makes a broadcast operand (stride 0: sum's backward grad) contiguous before the
product, for speed (issue 23's matmul row): the values must be those of the product of the
materialised operand, bit for bit, including the signs of zeros."""

import numpy as np
import pytest
from gradcli.engine.numerics.blas import mm


@pytest.mark.parametrize("shape", [(100, 80), (300, 700), (64, 500), (1, 5000)])
def test_broadcast_operand_gives_the_materialised_products(shape):
    rng = np.random.default_rng(sum(shape))
    x = rng.standard_normal(shape).astype(np.float32)
    m = shape[0]
    for g in (np.broadcast_to(np.float32(rng.standard_normal()), (m, m)),
              np.broadcast_to(rng.standard_normal((1, m)).astype(np.float32), (m, m)),
              np.broadcast_to(np.float32(-0.0), (m, m))):
        for got, want in ((mm(g, x), mm(np.array(g), x)), (mm(x.T, g), mm(x.T, np.array(g)))):
            assert got.dtype == want.dtype
            assert np.array_equal(got.view(np.uint32), want.view(np.uint32))
