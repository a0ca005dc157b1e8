"""torch.sqrt is MKL VML's (not IEEE's); engine/numerics/vml_sqrt.py reproduces it bit for bit.

float32: MKL's result depends only on the exponent's parity and the mantissa (its seed is
rsqrtps of x, exact powers of 4 scale through), so [1, 2) and [2, 4) - 2^24 inputs - are every
case of the fast path; both are swept whole. Random bit patterns cover the other exponents,
signs, subnormals, inf and nan (MKL's rare path). float64 (also VML's, about 1.4% off IEEE):
random bit patterns and dense samples. Then the ops that reach it, as torch routes them:
torch.sqrt / Tensor.sqrt / sqrt_, pow with exponent 0.5 (ATen sends it to sqrt's kernel),
integer inputs, and sqrt's gradient grad / (2 * result)."""

import numpy as np
import pytest
from gradcli.engine import api, autograd
from gradcli.engine.numerics.vml_sqrt import vml_sqrt
from gradcli.engine.tensor import Tensor

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch


def _torch(x):
    return torch.sqrt(torch.from_numpy(np.array(x))).numpy()


def _same(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("exponent", [127, 128])
def test_float32_every_mantissa(exponent):
    chunk = 1 << 20
    for start in range(0, 1 << 23, chunk):
        m = np.arange(start, start + chunk, dtype=np.uint32)
        x = ((np.uint32(exponent) << np.uint32(23)) | m).view(np.float32)
        ours, ref = vml_sqrt(x), _torch(x)
        if not _same(ours, ref):
            bad = np.flatnonzero(ours.view(np.uint32) != ref.view(np.uint32))
            pytest.fail(f"{bad.size} differ, e.g. sqrt({x[bad[0]]!r}): "
                        f"{ours[bad[0]]!r} vs torch {ref[bad[0]]!r}")
    assert (np.sqrt(x) != ref).any()  # the premise: IEEE's sqrt is not torch's


def test_float32_every_exponent_sign_and_special():
    r = np.random.default_rng(16)
    x = r.integers(0, 1 << 32, 1 << 21, dtype=np.uint64).astype(np.uint32).view(np.float32)
    assert _same(vml_sqrt(x), _torch(x))
    edges = np.array([0, 1, 0x7FFFFF, 0x800000, 0x800001, 0x7F7FEFFF, 0x7F7FF000, 0x7F7FF001,
                      0x7F7FFFFF, 0x7F800000, 0x7FC00000, 0x7FA00001, 0x80000000, 0x80000001,
                      0xBF800000, 0xFF800000, 0xFFC00000, 0x3F800000, 0x40800000],
                     dtype=np.uint32).view(np.float32)
    with np.errstate(invalid="ignore"):
        assert _same(vml_sqrt(edges), _torch(edges))
    for shape in [(), (1,), (3,), (15,), (17,), (4, 5)]:  # MKL's vector body and its tail
        a = r.uniform(0, 50, shape).astype(np.float32)
        assert _same(vml_sqrt(a), _torch(a))
    with np.errstate(invalid="ignore"):
        for v in np.concatenate([x[:500], edges]):  # one element: the numpy-scalar path
            assert _same(vml_sqrt(np.array(v)), _torch(np.array(v))), v


def test_float64():
    r = np.random.default_rng(19)
    b = r.integers(0, 1 << 63, 1 << 20, dtype=np.uint64)
    b |= r.integers(0, 2, 1 << 20, dtype=np.uint64) << np.uint64(63)
    for x in (b.view(np.float64), r.uniform(0.5, 4, 1 << 20), r.uniform(0, 1e-300, 4096),
              np.array([0.0, -0.0, 5e-324, 2.0**1022, np.nextafter(2.0**1022, 0), 1.7e308,
                        np.inf, -np.inf, np.nan, -1.0, -5e-324])):
        assert _same(vml_sqrt(x), _torch(x))
    x = r.uniform(0.5, 4, 1 << 20)
    assert (np.sqrt(x) != _torch(x)).mean() > 0.005  # VML's float64 sqrt is not IEEE's either


def test_the_ops_that_reach_it():
    r = np.random.default_rng(1)
    x32 = r.uniform(0, 9, (40, 30)).astype(np.float32)
    for x in (x32, x32.T, x32[0, 0], x32.astype(np.float64)):
        ref = _torch(x)
        t = Tensor(np.array(x))
        assert _same(api.FUNCTIONS["sqrt"](t).data, ref)
        assert _same(t.sqrt().data, ref)
        assert _same((t ** 0.5).data, torch.from_numpy(np.array(x)).pow(0.5).numpy())
        assert _same(api.FUNCTIONS["pow"](t, 0.5).data, ref)
        assert _same(Tensor(np.array(x)).sqrt_().data, ref)
    n = np.arange(0, 5000)
    assert _same(Tensor(n).sqrt().data, torch.from_numpy(n).sqrt().numpy())
    assert _same((Tensor(n) ** 0.5).data, (torch.from_numpy(n) ** 0.5).numpy())


def test_gradient_is_torchs():
    r = np.random.default_rng(2)
    x = r.uniform(0.01, 100, 20001).astype(np.float32)
    g = r.uniform(-2, 2, 20001).astype(np.float32)
    t = torch.from_numpy(x.copy()).requires_grad_()
    torch.sqrt(t).backward(torch.from_numpy(g))
    ours = Tensor(x.copy())
    ours.requires_grad = True
    autograd.backward(api.FUNCTIONS["sqrt"](ours), Tensor(g))
    assert _same(ours.grad.data, t.grad.numpy())
