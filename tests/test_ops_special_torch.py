"""Issue 18's special functions and pointwise ops of several tensors against PyTorch (the
oracle): erfinv, lgamma, digamma, polygamma, i0, float_power, lerp, addcmul, addcdiv, xlogy,
copysign, dist and the torch.special namespace, over generated shapes (broadcasting, empty),
dtypes (float32/float64/int64/bool) and values (poles, zeros, infinities, nan), with every
grad and PyTorch's errors word for word (tests/oracle_calls.py)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle_calls import compare

pytestmark = pytest.mark.torch
torch = pytest.importorskip("torch")

SHAPES = [(), (0,), (1,), (3,), (2, 3), (2, 1), (1, 3)]
DTYPES = ["float32", "float64", "int64", "bool"]
VALUES = [0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 2.5, -2.5, 0.3, 0.05, 0.95, -0.7, 3.0,
          10.0, 12.5, -3.3, np.inf, -np.inf, np.nan]
# the kernels are ports computed in float64: a few float32 ulps from PyTorch's float kernels
TOL = {"rtol": 3e-6, "atol": 1e-6}


def _array(draw, shape, dtype, values=VALUES):
    n = int(np.prod(shape)) if shape else 1
    a = np.array(draw(st.lists(st.sampled_from(values), min_size=n, max_size=n)),
                 dtype=np.float64).reshape(shape)
    if dtype == "bool":
        return np.asarray(a > 0)
    if dtype == "int64":
        return np.asarray(np.nan_to_num(a, posinf=7, neginf=-7).astype(np.int64))
    return a.astype(dtype)


UNARY = ["erfinv", "lgamma", "digamma", "i0"]
SPECIAL_UNARY = ["expit", "ndtr", "log_ndtr", "erf", "erfc", "erfcx", "erfinv", "digamma",
                 "psi", "gammaln", "i0", "i1", "sinc", "entr", "log1p", "expm1", "exp2", "round",
                 "logit"]
SPECIAL_ARGS = {"round": [{"decimals": 1}], "logit": [{"eps": 0.2}]}


@st.composite
def unary_case(draw):
    kind = draw(st.sampled_from(["torch", "method", "special"]))
    name = draw(st.sampled_from(SPECIAL_UNARY if kind == "special" else UNARY))
    a = _array(draw, draw(st.sampled_from(SHAPES)), draw(st.sampled_from(DTYPES)))
    kwargs = draw(st.sampled_from([{}] + SPECIAL_ARGS.get(name, []))) if kind == "special" else {}
    return kind, name, a, kwargs


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(unary_case())
def test_generated_unary(case):
    kind, name, a, kwargs = case
    compare(torch, kind, name, (a,), kwargs, **TOL)


@pytest.mark.parametrize("name", UNARY)
def test_unary_each_dtype(name):
    base = np.array([0.3, -0.6, 0.05, 0.75, 2.0, 7.5, -3.3, 0.0, 1.0, 2.0, 15.0])
    for dt in ("float64", "float32"):
        compare(torch, "torch", name, (base.astype(dt),), **TOL)
        compare(torch, "method", name, (base.astype(dt),), **TOL)
    compare(torch, "torch", name, (np.array([1, 2, 0, -3]),), **TOL)
    compare(torch, "torch", name, (np.array([True, False]),), **TOL)
    compare(torch, "torch", name, (np.array([1.0]),), {"foo": 1})  # TypeError word for word
    compare(torch, "torch", name, (1.5,))


def test_wide_ranges_against_torch():
    """The ported algorithms over thousands of points (float64), beyond the drawn values."""
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.uniform(-30, 30, 3000), rng.uniform(-1, 3, 1000), [1e5, -1e5 + 0.5]])
    y = rng.uniform(-1, 1, 2000)
    for name, a in (("digamma", x), ("lgamma", x), ("i0", x), ("erfinv", y)):
        compare(torch, "torch", name, (a,), rtol=1e-9, atol=1e-12, grad_rtol=1e-6)
    compare(torch, "special", "erfcx", (rng.uniform(-20, 60, 3000),), rtol=1e-10, atol=1e-300)
    compare(torch, "special", "log_ndtr", (rng.uniform(-40, 40, 3000),), rtol=1e-9, atol=1e-300)
    compare(torch, "special", "i1", (x,), rtol=1e-9, atol=1e-12, grad_rtol=1e-6)
    for n in (1, 2, 3, 5):
        compare(torch, "torch", "polygamma", (n, x), rtol=1e-8, atol=1e-12, grad_rtol=1e-6)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, -1])
def test_polygamma_orders(n):
    a = np.array([0.3, 1.5, 4.0, -2.5, 0.0, -1.0, 11.0])
    for dt in ("float64", "float32"):
        compare(torch, "torch", "polygamma", (n, a.astype(dt)), **TOL)
        compare(torch, "special", "polygamma", (n, a.astype(dt)), **TOL)
        compare(torch, "method", "polygamma", (a.astype(dt), n), **TOL)
    compare(torch, "torch", "polygamma", (n, np.array([1, 2, 3])), **TOL)
    compare(torch, "torch", "polygamma", (1.5, a))  # n must be int: TypeError


@pytest.mark.parametrize("p", [1, 2, 3, 0])
def test_mvlgamma(p):
    a = np.array([[2.5, 3.0], [1.75, 4.5]])
    compare(torch, "torch", "mvlgamma", (a, p), **TOL)
    compare(torch, "method", "mvlgamma", (a.astype("float32"), p), **TOL)
    compare(torch, "special", "multigammaln", (a,), {"p": p}, **TOL)
    compare(torch, "torch", "mvlgamma", (a - 2.0, p), **TOL)  # elements <= (p-1)/2: inf, nan


def test_softmax_forms():
    a = np.array([[0.5, -1.0, 2.0], [0.0, 3.0, 1.0]], dtype=np.float32)
    for name in ("softmax", "log_softmax"):
        compare(torch, "special", name, (a, 1), **TOL)
        compare(torch, "special", name, (a,))  # dim is required: TypeError
    compare(torch, "special", "round", (a, 1))  # decimals is keyword-only
    compare(torch, "special", "erf", (1.0,))


# ---- several tensors
BINARY = ["xlogy", "copysign", "float_power"]


@st.composite
def binary_case(draw):
    kind = draw(st.sampled_from(["torch", "method", "special"]))
    name = draw(st.sampled_from(["xlogy", "xlog1py"] if kind == "special" else BINARY))
    a = _array(draw, draw(st.sampled_from(SHAPES)), draw(st.sampled_from(DTYPES)))
    b = _array(draw, draw(st.sampled_from(SHAPES)), draw(st.sampled_from(DTYPES)))
    form = draw(st.sampled_from(["tensors", "number other", "number self"]))
    if form == "number other":
        b = draw(st.sampled_from([1.5, -2.0, 0.0, 3]))
    elif form == "number self" and kind != "method" and name != "copysign":
        a = draw(st.sampled_from([1.5, -2.0, 0.0, 3]))
    return kind, name, a, b


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(binary_case())
def test_generated_binary(case):
    kind, name, a, b = case
    compare(torch, kind, name, (a, b), **TOL)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(SHAPES), st.sampled_from(SHAPES), st.sampled_from(SHAPES),
       st.sampled_from(["float32", "float64", "int64"]), st.sampled_from(["float32", "float64"]),
       st.sampled_from(["addcmul", "addcdiv", "lerp", "lerp_scalar", "dist"]),
       st.sampled_from([0.5, 2, -1.0, 0.0, 3.0, np.inf]), st.data())
def test_generated_three_tensors(s1, s2, s3, d1, d2, name, number, data):
    vals = [-2.0, -0.5, 0.0, 0.25, 1.0, 1.5, 3.0]
    a, b, c = (_array(data.draw, s, d, vals) for s, d in ((s1, d1), (s2, d2), (s3, d2)))
    if name in ("addcmul", "addcdiv"):
        compare(torch, "torch", name, (a, b, c), {"value": number}, **TOL)
        compare(torch, "method", name, (a, b, c), **TOL)
    elif name == "lerp":
        compare(torch, "torch", "lerp", (a, b, c), **TOL)
    elif name == "lerp_scalar":
        compare(torch, "torch", "lerp", (a, b, number), **TOL)
        compare(torch, "method", "lerp", (a, b), {"weight": number}, **TOL)
    else:
        compare(torch, "torch", "dist", (a, b, number), **TOL)
        compare(torch, "method", "dist", (a, b), **TOL)


def test_fixed_forms():
    x = np.array([-2.0, 0.0, 1.5, 3.0])
    y = np.array([0.5, 2.0, -1.0, 0.0])
    for p in (2, 1, 0, 3, 0.5, np.inf, -np.inf):
        compare(torch, "torch", "dist", (x, y, p), **TOL)
    compare(torch, "torch", "dist", (x, x, 2), **TOL)  # a zero distance: zero grads
    compare(torch, "torch", "dist", (x, np.ones(3)))  # shapes that do not broadcast
    compare(torch, "torch", "lerp", (x, y.astype("float32"), 0.5))  # dtypes must agree
    compare(torch, "torch", "lerp", (x, y, "a"))
    compare(torch, "torch", "addcmul", (x, y, y, 2))  # value is keyword-only
    compare(torch, "torch", "addcdiv", (x, np.array([1, 2, 3, 4]), np.array([1, 1, 2, 2])))
    compare(torch, "torch", "xlogy", (2.0, 3.0))
    compare(torch, "torch", "float_power", (x.astype("float32"), 2), **TOL)
    compare(torch, "torch", "float_power", (2, y), **TOL)
    compare(torch, "torch", "copysign", (x, -0.0), **TOL)
