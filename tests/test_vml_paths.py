"""The one-element paths of the reproduced MKL VML functions (Python floats, for 0-d speed)
give the array paths' values bit for bit (the fast-path rule; no torch needed: the array
paths themselves are held against torch in tests/test_numerics_torch.py)."""

import numpy as np
import pytest
from gradcli.engine.numerics import unary as U
from gradcli.engine.numerics import vml_tanh, vml_trig

FUNCS = {"sin": vml_trig.sin, "cos": vml_trig.cos, "tan": vml_trig.tan,
         "tanh": vml_tanh.tanh, "erf": U.erf_mkl}


def _bits_equal(a, b):
    return (a.view(np.int32) == b.view(np.int32)) | (np.isnan(a) & np.isnan(b))


@pytest.mark.parametrize("name", list(FUNCS))
def test_one_element_path_equals_array_path(name):
    fn = FUNCS[name]
    rng = np.random.default_rng(31)
    x = np.concatenate([rng.uniform(-12, 12, 2500), rng.uniform(-3e4, 3e4, 500),
                        [0.0, -0.0, 1e-45, -1e-45, np.inf, -np.inf, np.nan, 4.0, 5.0, 5.9,
                         10000.0, 3.927734375, -3.9277341, 3.92]]).astype(np.float32)
    with np.errstate(all="ignore"):
        whole = fn(x)
        for shape in ((), (1,), (1, 1)):
            one = np.array([fn(np.full(shape, v, dtype=np.float32)).reshape(()) for v in x],
                           dtype=np.float32)
            assert _bits_equal(one, whole).all(), (name, shape, x[~_bits_equal(one, whole)])
        assert fn(np.full((1, 1), np.float32(0.5))).shape == (1, 1)
        assert fn(np.zeros((0, 3), dtype=np.float32)).shape == (0, 3)
