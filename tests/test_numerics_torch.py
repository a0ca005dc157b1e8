"""PyTorch's numbers, measured against torch 2.13 itself (engine/numerics).

- linspace/arange: bit-identical for generated sizes (across the vector-block and thread
  boundaries), ranges and dtypes.
- Elementwise ops: each op is swept over its domain; the fraction of float32 forward
  values and gradients bit-identical to torch's must stay above the floor measured for the
  chosen kernel (averages measured over 32 ops: 98.85% forward, 98.35% gradient), and no
  swept value may be further than the op's measured ulp bound
  (gradient bounds count ulps near 0 too); PyTorch's saturation values exact.
- float32 sum/mean: PyTorch's cascade order, bit-identical in >= 90% of trials up to 10**6
  elements (all elements and along a dim)."""

import math
import random
from contextlib import contextmanager

import numpy as np
import pytest
from gradcli.engine import api, autograd
from gradcli.engine.tensor import Tensor

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

N = 20001  # inputs per op sweep

TDT = {np.float32: torch.float32, np.float64: torch.float64, np.int64: torch.int64}


def _t(x, requires_grad=False):
    """A gradcli leaf holding the numpy array itself (no conversion through lists)."""
    t = Tensor(np.asarray(x))
    t.requires_grad = requires_grad
    return t


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def test_linspace_bit_identical():
    rng = random.Random(19)
    for _ in range(120):
        dt = rng.choice(list(TDT))
        steps = rng.choice([0, 1, 2, 3, 25, 2000, 20001, rng.randint(2, 70000)])
        lo, hi = (rng.uniform(-100, 100) if rng.random() < 0.7 else rng.randint(-50, 50)
                  for _ in range(2))
        if rng.random() < 0.2:
            lo, hi = -math.pi, math.pi
        ours = api.FUNCTIONS["linspace"](lo, hi, steps, dtype=dt).data
        ref = torch.linspace(lo, hi, steps, dtype=TDT[dt]).numpy()
        assert _same(ours, ref), (lo, hi, steps, dt)


def test_arange_bit_identical():
    rng = random.Random(20)
    checked = 0
    for _ in range(160):
        dt = rng.choice(list(TDT))
        start = rng.choice([rng.uniform(-100, 100), rng.randint(-50, 50)])
        step = rng.choice([rng.uniform(0.001, 3), 0.3, 0.1, rng.randint(1, 5), -0.7, -2])
        n = rng.choice([5, 30, 100, 1000, 40000, 70001])
        end = start + step * n if rng.random() < 0.5 else start + step * n * rng.random()
        if dt is np.int64 and not all(isinstance(v, int) for v in (start, end, step)):
            dt = np.float32
        try:
            ref = torch.arange(start, end, step, dtype=TDT[dt]).numpy()
        except RuntimeError:
            continue
        ours = api.FUNCTIONS["arange"](start, end, step, dtype=dt).data
        assert _same(ours, ref), (start, end, step, dt)
        checked += 1
    assert checked > 100


# op: (domain, gradcli call, torch call, forward floor, gradient floor, max ulp fwd/grad)
F = torch.nn.functional
SWEEP = {
    "exp": ((-20, 20), lambda t: api.FUNCTIONS["exp"](t), torch.exp, 0.985, 0.986, 1, 2),
    "log": ((0.001, 100), lambda t: api.FUNCTIONS["log"](t), torch.log, 0.964, 0.995, 1, 0),
    "log1p": ((-0.99, 100), lambda t: api.FUNCTIONS["log1p"](t), torch.log1p, 0.993, 0.995, 1, 0),
    # MKL VML's sqrt reproduced (engine/numerics/vml_sqrt.py): every value, to the bit
    "sqrt": ((0.01, 100), lambda t: api.FUNCTIONS["sqrt"](t), torch.sqrt, 1.0, 1.0, 0, 0),
    "rsqrt": ((0.01, 100), lambda t: api.FUNCTIONS["rsqrt"](t), torch.rsqrt, 0.995, 0.995, 0, 0),
    # MKL VML's sin/cos/tan as reproduced (engine/numerics/vml_trig.py)
    "sin": ((-10, 10), lambda t: api.FUNCTIONS["sin"](t), torch.sin, 0.999, 0.999, 0, 0),
    "cos": ((-10, 10), lambda t: api.FUNCTIONS["cos"](t), torch.cos, 0.999, 0.999, 0, 0),
    "tan": ((-1.5, 1.5), lambda t: api.FUNCTIONS["tan"](t), torch.tan, 0.999, 0.999, 1, 1),
    "atan": ((-10, 10), lambda t: api.FUNCTIONS["atan"](t), torch.atan, 0.936, 0.995, 1, 0),
    "asin": ((-0.999, 0.999), lambda t: api.FUNCTIONS["asin"](t), torch.asin, 0.941, 0.995, 1, 0),
    # MKL VML's tanh as reproduced (engine/numerics/vml_tanh.py); it was 99.88% with a
    # 38042-ulp gradient (1 - y*y after a 1-ulp forward near |y| = 1)
    "tanh": ((-10, 10), lambda t: api.FUNCTIONS["tanh"](t), torch.tanh, 0.999, 0.999, 0, 0),
    "sigmoid": ((-20, 20), lambda t: api.FUNCTIONS["sigmoid"](t), torch.sigmoid, 0.995, 0.995, 0, 0),
    # erf rounded once, with MKL's saturation point (numerics.unary.erf_mkl)
    "erf": ((-5, 5), lambda t: api.FUNCTIONS["erf"](t), torch.erf, 0.987, 0.99, 1, 3),
    "pow2": ((-10, 10), lambda t: api.FUNCTIONS["pow"](t, 2), lambda t: t ** 2, 0.995, 0.995, 0, 0),
    "pow3": ((-10, 10), lambda t: api.FUNCTIONS["pow"](t, 3), lambda t: t ** 3, 0.995, 0.995, 0, 0),
    "leaky_relu": ((-10, 10), lambda t: api.FUNCTIONS["leaky_relu"](t), F.leaky_relu, 0.995, 0.995, 0, 0),
    "softplus": ((-30, 30), lambda t: api.FUNCTIONS["softplus"](t), F.softplus, 0.994, 0.995, 1, 0),
    # the rest of gradcli's float32 elementwise ops (exact in PyTorch and here)
    "abs": ((-10, 10), lambda t: api.FUNCTIONS["abs"](t), torch.abs, 0.995, 0.995, 0, 0),
    "neg": ((-10, 10), lambda t: api.FUNCTIONS["neg"](t), torch.neg, 0.995, 0.995, 0, 0),
    "relu": ((-10, 10), lambda t: api.FUNCTIONS["relu"](t), torch.relu, 0.995, 0.995, 0, 0),
    "sign": ((-10, 10), lambda t: api.FUNCTIONS["sign"](t), torch.sign, 0.995, 0.995, 0, 0),
    "floor": ((-10, 10), lambda t: api.FUNCTIONS["floor"](t), torch.floor, 0.995, 0.995, 0, 0),
    "clamp": ((-10, 10), lambda t: api.FUNCTIONS["clamp"](t, -1.0, 1.0),
              lambda t: torch.clamp(t, -1.0, 1.0), 0.995, 0.995, 0, 0),
    "square": ((-10, 10), lambda t: api.FUNCTIONS["square"](t), torch.square, 0.995, 0.995, 0, 0),
    # 1/x: the gradient from the saved result (version counters), not from x as torch
    "reciprocal": ((0.01, 10), lambda t: 1.0 / t, lambda t: 1.0 / t, 0.995, 0.655, 0, 2),
    "div3": ((-10, 10), lambda t: t / 3, lambda t: t / 3, 0.995, 0.995, 0, 0),
    "pow2.5": ((0.01, 10), lambda t: api.FUNCTIONS["pow"](t, 2.5), lambda t: t ** 2.5, 0.978, 0.982, 1, 3),
    "rpow2": ((-20, 20), lambda t: api.FUNCTIONS["pow"](2, t), lambda t: 2 ** t, 0.98, 0.982, 1, 3),
    "silu": ((-20, 20), lambda t: api.NN_FUNCTIONS["silu"](t), F.silu, 0.995, 0.995, 0, 0),
    "expm1": ((-20, 20), lambda t: api.FUNCTIONS["expm1"](t), torch.expm1, 0.998, 0.998, 1, 2),
    "log2": ((0.001, 100), lambda t: api.FUNCTIONS["log2"](t), torch.log2, 0.998, 0.995, 1, 0),
    # oneDNN's kernel (engine/numerics/onednn.py)
    "gelu": ((-6, 6), lambda t: api.FUNCTIONS["gelu"](t), F.gelu, 0.995, 0.995, 0, 0),
}


def _measure(name):
    (lo, hi), ours_fn, ref_fn = SWEEP[name][:3]
    x = np.linspace(lo, hi, N).astype(np.float32)
    g = np.linspace(-2, 2, N).astype(np.float32)
    t = torch.from_numpy(x.copy()).requires_grad_()
    ry = ref_fn(t)
    ry.backward(torch.from_numpy(g))
    ours_t = _t(x, requires_grad=True)
    oy = ours_fn(ours_t)
    autograd.backward(oy, _t(g))
    fwd = (oy.data, ry.detach().numpy())
    grad = (ours_t.grad.data, t.grad.numpy())
    return [_stats(*pair) for pair in (fwd, grad)]


# The forwards torch computes with its own transcendental kernels (MKL VML, SLEEF, libm):
# under torch_forwards() gradcli's rows take torch's values for float32 arrays, so a
# gradient measured there differs from torch's only by the backward formula itself.
TORCH_FORWARD = {
    "exp": torch.exp, "log": torch.log, "log1p": torch.log1p, "sqrt": torch.sqrt,
    "rsqrt": torch.rsqrt, "sin": torch.sin, "cos": torch.cos, "tan": torch.tan,
    "atan": torch.atan, "asin": torch.asin, "tanh": torch.tanh, "erf": torch.erf,
    "expm1": torch.expm1, "log2": torch.log2,
    "pow_scalar": lambda t, p: torch.pow(t, p), "rpow": lambda t, base: torch.pow(base, t),
}


def _torch_valued(fn, orig):
    def forward(*args, **params):
        a = args[0]
        if isinstance(a, np.ndarray) and a.dtype == np.float32 and not params:
            return fn(torch.from_numpy(np.ascontiguousarray(a)), *args[1:]).numpy()
        return orig(*args, **params)
    return forward


@contextmanager
def torch_forwards():
    """gradcli's transcendental rows (and the numerics kernels their backwards call)
    computing torch's float32 values."""
    from gradcli.engine import dual
    from gradcli.engine.numerics import unary as U
    from gradcli.engine.ops.table import OPS
    saved = []
    for name, fn in TORCH_FORWARD.items():
        entry = OPS[name]
        saved.append((entry, entry.forward, getattr(dual, name)))
        object.__setattr__(entry, "forward", _torch_valued(fn, entry.forward))
        setattr(dual, name, dual.make(entry))
    kernels = {k: getattr(U, k) for k in ("rsqrt", "pow_scalar", "exp", "erf")}
    U.rsqrt = _torch_valued(torch.rsqrt, kernels["rsqrt"])
    U.pow_scalar = _torch_valued(lambda t, p: torch.pow(t, float(p)), kernels["pow_scalar"])
    U.exp = _torch_valued(torch.exp, kernels["exp"])
    U.erf = _torch_valued(torch.erf, kernels["erf"])
    try:
        yield
    finally:
        for entry, forward, call in saved:
            object.__setattr__(entry, "forward", forward)
            setattr(dual, entry.name, call)
        for k, v in kernels.items():
            setattr(U, k, v)


def measure_formula(name):
    """The gradient's and forward's stats with every transcendental value taken from torch:
    what remains is the backward formula's float32 operation order alone."""
    with torch_forwards():
        return _measure(name)


def _stats(ours, ref):
    both_nan = np.isnan(ours) & np.isnan(ref)
    same = (ours.view(np.int32) == ref.view(np.int32)) | both_nan
    ulp = np.abs(ours.view(np.int32).astype(np.int64) - ref.view(np.int32).astype(np.int64))
    ulp[both_nan] = 0
    return float(same.mean()), int(ulp.max())


@pytest.fixture(scope="module")
def measured():
    return {name: _measure(name) for name in SWEEP}


@pytest.mark.parametrize("name", list(SWEEP))
def test_op_sweep_floor(measured, name):
    (fwd, fwd_ulp), (grad, grad_ulp) = measured[name]
    floor_f, floor_g, ulp_f, ulp_g = SWEEP[name][3:]
    assert fwd >= floor_f and grad >= floor_g, (name, fwd, grad)
    assert fwd_ulp <= ulp_f and grad_ulp <= ulp_g, (name, fwd_ulp, grad_ulp)


# ops whose backward formula alone (torch's forward values given) is bit-identical to torch's
FORMULA_EXACT = ["exp", "log", "log1p", "rsqrt", "sin", "cos", "tan", "atan", "asin", "tanh",
                 "erf", "pow2.5", "rpow2", "expm1", "log2"]


@pytest.mark.parametrize("name", FORMULA_EXACT)
def test_backward_formula_alone_exact(name):
    (fwd, _), (grad, grad_ulp) = measure_formula(name)
    assert fwd == 1.0, (name, fwd)  # torch's forward values really were taken
    assert grad == 1.0 and grad_ulp == 0, (name, grad, grad_ulp)


def test_sweep_averages(measured):
    fwd = np.mean([m[0][0] for m in measured.values()])
    grad = np.mean([m[1][0] for m in measured.values()])
    # measured: 98.85% forward, 98.35% gradient; issue 19 asks 97% / 95%
    assert fwd >= 0.97 and grad >= 0.95, (fwd, grad)


def _bits_equal(a, b):
    return (a.view(np.int32) == b.view(np.int32)) | (np.isnan(a) & np.isnan(b))


def test_vml_tanh_random_inputs():
    """10**6 random inputs over [-10, 10]: measured 99.99% (the float64 value rounded once
    gave 99.88%); over MKL's polynomial pieces 2 <= |x| < 6, 99.99% (was 99.5%)."""
    from gradcli.engine.numerics import vml_tanh
    rng = np.random.default_rng(23)
    for lo, hi, floor in ((-10, 10, 0.9998), (2, 6, 0.9997), (-6, -2, 0.9997)):
        x = rng.uniform(lo, hi, 10**6).astype(np.float32)
        ours = vml_tanh.tanh(x)
        ref = torch.tanh(torch.from_numpy(x)).numpy()
        assert _bits_equal(ours, ref).mean() >= floor, (lo, hi, _bits_equal(ours, ref).mean())


def test_vml_tanh_special_values_and_scalar_path():
    from gradcli.engine.numerics import vml_tanh
    x = np.array([0.0, -0.0, 1e-45, -1e-45, 4.0, -4.0, 5.0, -5.0, 6.0, -2.0, 2.5, -3.5, np.inf,
                  -np.inf, np.nan, 20, -20, 9.999, -9.999, 3.9999998], dtype=np.float32)
    ref = torch.tanh(torch.from_numpy(x)).numpy()
    assert _bits_equal(vml_tanh.tanh(x), ref).all()
    one = np.array([vml_tanh.tanh(np.array(v))[()] for v in x], dtype=np.float32)
    assert _bits_equal(one, ref).all()
    xs = np.random.default_rng(3).uniform(-8, 8, 3000).astype(np.float32)
    one = np.array([vml_tanh.tanh(xs[i:i + 1])[0] for i in range(len(xs))], dtype=np.float32)
    assert _bits_equal(one, vml_tanh.tanh(xs)).all()


@pytest.mark.parametrize("name,floor", [("sin", 0.9999), ("cos", 0.9999), ("tan", 0.999)])
def test_vml_trig_random_inputs(name, floor):
    """Random inputs over MKL's polynomial range (|x| <= 10000, spread over magnitudes)
    and past it (its correctly rounding path): measured 99.9999% / 99.96% (tan)."""
    from gradcli.engine.numerics import vml_trig
    rng = np.random.default_rng(19)
    small = (rng.uniform(-1, 1, 200000) * 10.0 ** rng.uniform(-3, 4, 200000)).astype(np.float32)
    big = rng.uniform(1e4, 1e7, 50000).astype(np.float32) * rng.choice([-1, 1], 50000)
    for x, fl in ((small, floor), (big.astype(np.float32), 0.985)):
        ours = getattr(vml_trig, name)(x)
        ref = getattr(torch, name)(torch.from_numpy(x)).numpy()
        assert _bits_equal(ours, ref).mean() >= fl, (name, _bits_equal(ours, ref).mean())


@pytest.mark.parametrize("name", ["sin", "cos", "tan"])
def test_vml_trig_special_values_and_scalar_path(name):
    """Signed zeros, infinities, NaN, subnormals, the 10000 switch and the reduction edges
    exactly as torch; the one-element path (Python floats) equal to the array path."""
    from gradcli.engine.numerics import vml_trig
    fn = getattr(vml_trig, name)
    x = np.array([0.0, -0.0, 1e-45, -1e-45, 1e-38, -1e-30, np.inf, -np.inf, np.nan, 3.4e38,
                  -3.4e38, 0.7853982, -0.7853982, 1.5707964, -1.5707964, 3.1415927, 10000,
                  -10000, 10000.001, 9999.999, 4.712389], dtype=np.float32)
    with np.errstate(all="ignore"):
        ref = getattr(torch, name)(torch.from_numpy(x)).numpy()
        assert _bits_equal(fn(x), ref).all()
        assert _bits_equal(np.array([fn(np.array(v))[()] for v in x], dtype=np.float32), ref).all()
    rng = np.random.default_rng(7)
    xs = np.concatenate([rng.uniform(-20, 20, 1500), rng.uniform(-2e4, 2e4, 500)]).astype(np.float32)
    one = np.array([fn(xs[i:i + 1])[0] for i in range(len(xs))], dtype=np.float32)
    assert _bits_equal(one, fn(xs)).all()


def test_erf_saturates_where_torch_does():
    """torch.erf is exactly +-1 from |x| = 3.927734375 on and +-0.99999994 just below,
    where the correctly rounded value is already +-1."""
    x = np.arange(np.float32(3.9).view(np.int32), np.float32(4.0).view(np.int32), 7,
                  dtype=np.int32).view(np.float32)
    x = np.concatenate([x, -x])
    ours = api.FUNCTIONS["erf"](_t(x)).data
    ref = torch.erf(torch.from_numpy(x)).numpy()
    sat = np.abs(ref) == 1
    assert _same(ours[sat], ref[sat]) and ((np.abs(ours) == 1) == sat).all()


def test_saturation_values():
    a = _t(np.array([-9.999, 9.999, -20.0], dtype=np.float32), requires_grad=True)
    y = api.FUNCTIONS["tanh"](a)
    autograd.backward(api.FUNCTIONS["sum"](y))
    ref = torch.tensor([-9.999, 9.999, -20.0], requires_grad=True)
    torch.tanh(ref).sum().backward()
    assert _same(y.data, torch.tanh(ref).detach().numpy())
    assert _same(a.grad.data, ref.grad.numpy())
    assert y.data[0] == -1.0 and a.grad.data[0] == 0.0


def test_gelu_saturation_and_single_element():
    # oneDNN's erf piece is exactly -1 past -5.5426: torch's gelu(-5.6) is -0.
    x = np.array([-5.54, -5.6, 5.6, -4.8], dtype=np.float32)
    ours = api.FUNCTIONS["gelu"](_t(x)).data
    assert _same(ours, F.gelu(torch.from_numpy(x)).numpy())
    assert np.signbit(ours[1]) and ours[1] == 0
    # one element takes ATen's scalar kernel (no oneDNN): measured 99.0% / 99.1% identical
    hits = [0, 0]
    xs, gs = (np.linspace(lo, hi, 401).astype(np.float32) for lo, hi in ((-6, 6), (-2, 2)))
    for x, g in zip(xs, gs, strict=True):
        t = torch.tensor([x], requires_grad=True)
        y = F.gelu(t)
        y.backward(torch.tensor([g]))
        a = _t(np.array([x]), requires_grad=True)
        o = api.FUNCTIONS["gelu"](a)
        autograd.backward(o, _t(np.array([g])))
        hits[0] += _same(o.data, y.detach().numpy())
        hits[1] += _same(a.grad.data, t.grad.numpy())
    assert hits[0] >= 0.97 * 401 and hits[1] >= 0.97 * 401, hits


@pytest.mark.parametrize("n", [10, 1000, 10000, 40000, 100001, 1000000])
def test_sum_mean_bit_identical(n):
    rng = np.random.default_rng(n)
    hits = trials = 0
    for _ in range(5 if n < 10**6 else 2):
        x = (rng.standard_normal(n) * rng.choice([1, 1000]) + rng.choice([0, 3])).astype(np.float32)
        ours = _t(x)
        ref = torch.from_numpy(x)
        for o, r in ((api.FUNCTIONS["sum"](ours), ref.sum()), (api.FUNCTIONS["mean"](ours), ref.mean())):
            trials += 1
            hits += _same(o.data, r.numpy())
        if n % 10 == 0:
            o = api.FUNCTIONS["sum"](api.FUNCTIONS["reshape"](ours, 10, -1), 1)
            trials += 1
            hits += _same(o.data, ref.reshape(10, -1).sum(1).numpy())
            o = api.FUNCTIONS["mean"](api.FUNCTIONS["reshape"](ours, -1, 10), 0)
            trials += 1
            hits += _same(o.data, ref.reshape(-1, 10).mean(0).numpy())
    assert hits >= 0.9 * trials, (hits, trials)
