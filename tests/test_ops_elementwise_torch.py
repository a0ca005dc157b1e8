"""The elementwise, binary and activation rows against PyTorch (the oracle): fixed forms
that were once silently wrong (fmod as remainder, div's rounding_mode ignored, pow's grad
at 0 ** 0, floor_divide's zero grads, clamp with tensor bounds, torch.sub(1.0, x), gelu's
tanh form), then generated shapes, dtypes and values over the rows (hypothesis; CI draws
fixed examples). Compared by tests/oracle_calls.py: value, dtype, shape, grad_fn, every
grad, or the error word for word."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle_calls import compare

pytestmark = pytest.mark.torch
torch = pytest.importorskip("torch")

X = np.array([-2.0, 2.0, 3.5, -0.0, 1.5])
W = np.array([1.5, 1.5, -1.0, 2.0, -1.5])
I = np.array([-7, 7, 5, 0, -3])  # noqa: E741
J = np.array([2, -2, 3, 4, 3])

FIXED = [
    ("torch", "fmod", (X, 1.5), {}), ("torch", "fmod", (X, W), {}), ("method", "fmod", (X, W), {}),
    ("torch", "fmod", (I, 3), {}), ("torch", "fmod", (I, J), {}), ("torch", "fmod", (I, 0), {}),
    ("torch", "fmod", (2.0, X), {}), ("torch", "fmod", (X,), {"other": W}),
    ("torch", "remainder", (X, W), {}), ("torch", "remainder", (X, 1.5), {}),
    ("torch", "remainder", (2.0, X), {}), ("op", "mod", (X, 1.5), {}), ("op", "mod", (2.0, X), {}),
    ("torch", "div", (X, W), {"rounding_mode": "trunc"}),
    ("torch", "div", (X, W), {"rounding_mode": "floor"}),
    ("torch", "div", (X, W), {"rounding_mode": None}),
    ("torch", "div", (X, 1.5), {"rounding_mode": "trunc"}),
    ("method", "div", (X, 1.5), {"rounding_mode": "floor"}),
    ("torch", "div", (I, J), {"rounding_mode": "trunc"}),
    ("torch", "div", (I, J), {"rounding_mode": "floor"}),
    ("torch", "div", (I, J), {"rounding_mode": None}),
    ("torch", "div", (I, np.array([0, 1, 1, 1, 1])), {"rounding_mode": "floor"}),
    ("torch", "div", (X, 1.5), {"rounding_mode": "round"}),
    ("torch", "div", (2.0, X), {}), ("op", "truediv", (2.0, X), {}),
    ("torch", "pow", (np.array([0.0, 0.0, 2.0, 0.0]), np.array([0.0, 1.0, -1.0, 2.0])), {}),
    ("torch", "floor_divide", (X, W), {}), ("op", "floordiv", (X, 1.5), {}),
    ("op", "floordiv", (2.0, X), {}), ("torch", "floor_divide", (I, J), {}),
    ("torch", "clamp", (X,), {"min": W}),
    ("torch", "clamp", (X,), {"min": np.array([0.0, 3.0, 1.0, 0.0, 1.0]),
                              "max": np.array([1.0, 2.0, 0.5, 0.0, 1.0])}),
    ("method", "clamp", (X,), {"max": np.array([1.0])}),
    ("torch", "clamp", (X, np.array([[0.0], [1.0]])), {}),
    ("torch", "clamp", (X,), {"min": np.array([0.0, 3.0, 1.0, 0.0, 1.0]), "max": 2.0}),
    ("torch", "clamp", (X,), {"min": 0.5}), ("torch", "clamp", (X,), {}),
    ("torch", "clamp", (I,), {"min": np.array(1.5)}),
    ("torch", "sub", (1.0, X), {}), ("torch", "sub", (1.0, X), {"alpha": 2}),
    ("op", "sub", (1.0, X), {}), ("torch", "sub", (X, 2), {}),
    ("nn", "gelu", (X,), {"approximate": "tanh"}), ("nn", "gelu", (X,), {}),
    ("nn", "gelu", (X,), {"approximate": "foo"}), ("nn", "gelu", (X,), {"approximate": None}),
]


@pytest.mark.parametrize("kind,name,args,kwargs", FIXED,
                         ids=[f"{k}-{n}-{i}" for i, (k, n, _, _) in enumerate(FIXED)])
def test_fixed_forms_agree_with_torch(kind, name, args, kwargs):
    compare(torch, kind, name, args, kwargs)


def test_pow_grad_at_zero_is_zero_not_nan():
    out = compare(torch, "torch", "pow", (np.zeros(2), np.zeros(2)))
    assert out is not None


# ---- generated: shapes that broadcast, dtypes, values (ties and zeros included)
SHAPES = [(), (0,), (1,), (3,), (2, 3), (2, 1), (1, 3)]
DTYPES = ["float32", "float64", "int64", "bool"]


def _array(draw, shape, dtype):
    n = int(np.prod(shape)) if shape else 1
    vals = draw(st.lists(st.sampled_from([-2.5, -1.0, -0.5, 0.0, 0.25, 1.0, 1.5, 3.0]),
                         min_size=n, max_size=n))
    a = np.array(vals, dtype=np.float64).reshape(shape)
    if dtype == "bool":
        return np.asarray(a > 0)
    return a.astype(dtype)


@st.composite
def binary_case(draw, names):
    name = draw(st.sampled_from(names))
    s1, s2 = draw(st.sampled_from(SHAPES)), draw(st.sampled_from(SHAPES))
    d1, d2 = draw(st.sampled_from(DTYPES)), draw(st.sampled_from(DTYPES))
    a = _array(draw, s1, d1)
    b = draw(st.one_of(st.just(None), st.sampled_from([1.5, -2, 0.5])))
    b = _array(draw, s2, d2) if b is None else b
    return name, a, b


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(binary_case(["fmod", "remainder", "floor_divide", "sub", "div", "pow"]))
def test_generated_binary_forms(case):
    name, a, b = case
    compare(torch, "torch", name, (a, b))
    if name == "div":
        for mode in ("trunc", "floor", None):
            compare(torch, "torch", name, (a, b), {"rounding_mode": mode})


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(SHAPES), st.sampled_from(SHAPES), st.sampled_from(SHAPES),
       st.sampled_from(["float32", "float64"]), st.data())
def test_generated_clamp_with_tensor_bounds(s1, s2, s3, dt, data):
    a = _array(data.draw, s1, dt)
    lo = _array(data.draw, s2, dt)
    hi = data.draw(st.one_of(st.none(), st.just(s3)))
    kwargs = {"min": lo} if hi is None else {"min": lo, "max": _array(data.draw, hi, dt)}
    compare(torch, "torch", "clamp", (a,), kwargs)


# ---- the unary rows added by issue 18 (engine/ops/elementwise_more.py): generated
UNARY = ["exp2", "log10", "reciprocal", "acos", "arccos", "sinh", "cosh", "asinh", "arcsinh",
         "acosh", "arccosh", "atanh", "arctanh", "erfc", "deg2rad", "rad2deg", "sinc", "sgn",
         "ceil", "trunc", "fix", "frac", "round", "nan_to_num", "logit"]
UNARY_ARGS = {"round": [{"decimals": 1}, {"decimals": -1}, {"decimals": 2}],
              "logit": [{"eps": 0.2}, {"eps": None}],
              "nan_to_num": [{"nan": 1.5, "posinf": 9.0, "neginf": -9.0}, {"nan": 2.0}]}
SPECIAL = np.array([0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.5, -2.5, 1.25, 0.3, 0.05, 3.0, 10.0,
                    np.inf, -np.inf, np.nan])


@st.composite
def unary_case(draw):
    name = draw(st.sampled_from(UNARY))
    shape = draw(st.sampled_from(SHAPES))
    dtype = draw(st.sampled_from(DTYPES))
    n = int(np.prod(shape)) if shape else 1
    vals = np.array(draw(st.lists(st.sampled_from(list(SPECIAL)), min_size=n, max_size=n)))
    a = vals.reshape(shape)
    a = np.asarray(a > 0) if dtype == "bool" else (
        np.asarray(np.nan_to_num(a).astype(dtype)) if dtype == "int64" else a.astype(dtype))
    kwargs = draw(st.sampled_from([{}] + UNARY_ARGS.get(name, [])))
    kind = draw(st.sampled_from(["torch", "method"]))
    return kind, name, a, kwargs


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(unary_case())
def test_generated_unary_rows(case):
    kind, name, a, kwargs = case
    compare(torch, kind, name, (a,), kwargs, rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("name", UNARY)
def test_unary_rows_each_form(name):
    """Every row once at fixed values, float64 and float32, with each argument form."""
    for dt in ("float64", "float32"):
        a = np.array([0.3, -0.6, 0.05, 0.75, 2.0, 0.0]).astype(dt)
        if name in ("acosh", "arccosh"):
            a = a + 1.5
        for kwargs in [{}] + UNARY_ARGS.get(name, []):
            compare(torch, "torch", name, (a,), kwargs, rtol=2e-6, atol=1e-6)
    compare(torch, "torch", name, (np.array([1.0, 2.0]),), {"foo": 1})  # TypeError word for word


# ---- torch.nn.functional activations of issue 18 (engine/ops/activations.py and the
# composites of engine/torch_api/activations.py)
ACTIVATIONS = {"relu6": [{}], "selu": [{}], "celu": [{}, {"alpha": 0.5}, {"alpha": 0.0}],
               "mish": [{}], "hardsigmoid": [{}], "hardswish": [{}],
               "softshrink": [{}, {"lambd": 1.0}, {"lambd": -1.0}, {"lambd": "a"}],
               "hardshrink": [{}, {"lambd": 1.0}], "softsign": [{}], "tanhshrink": [{}],
               "threshold": [{"threshold": 0.5, "value": -3.0}, {}],
               "softmin": [{"dim": 0}, {"dim": -1}, {}, {"dim": 0, "dtype": "float64"}],
               "relu6 ": [{"inplace": True}, {"foo": 1}]}


@st.composite
def activation_case(draw):
    name = draw(st.sampled_from(sorted(ACTIVATIONS)))
    shape = draw(st.sampled_from(SHAPES))
    dtype = draw(st.sampled_from(["float32", "float64"] + ([] if name == "softmin" else ["int64"])))
    kwargs = dict(draw(st.sampled_from(ACTIVATIONS[name])))
    if "dtype" in kwargs:
        kwargs["dtype"] = getattr(torch, kwargs["dtype"])
    n = int(np.prod(shape)) if shape else 1
    vals = np.array(draw(st.lists(st.sampled_from([-4.0, -3.0, -1.5, -0.5, 0.0, 0.25, 0.5, 1.0,
                                                   2.5, 3.0, 6.0, 7.5]), min_size=n, max_size=n)))
    return name.strip(), np.asarray(vals.reshape(shape).astype(dtype)), kwargs


def _gradcli_dtype(kwargs):
    from gradcli.engine import dtypes
    return {k: dtypes.TORCH_DTYPES[str(v)[6:]] if k == "dtype" else v for k, v in kwargs.items()}


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(activation_case())
def test_generated_activations(case):
    name, a, kwargs = case
    if "dtype" in kwargs:  # the dtype object differs between the libraries: compared by hand
        from gradcli.engine import api
        from gradcli.engine.tensor import Tensor
        want = torch.nn.functional.softmin(torch.tensor(a), kwargs["dim"], dtype=kwargs["dtype"])
        got = api.NN_FUNCTIONS["softmin"](Tensor(a.copy()), **_gradcli_dtype(kwargs))
        assert str(got.data.dtype) == str(want.numpy().dtype)
        np.testing.assert_allclose(got.data, want.numpy(), rtol=1e-6)
        return
    compare(torch, "nn", name, (a,), kwargs, rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("name", sorted(n.strip() for n in ACTIVATIONS))
def test_activations_each_form(name):
    for dt in ("float64", "float32"):
        a = np.array([[-4.0, -3.0, -0.5, 0.0], [0.25, 2.5, 3.0, 7.5]]).astype(dt)
        for kwargs in ACTIVATIONS[name] + ACTIVATIONS.get(name + " ", []):
            if "dtype" not in kwargs:
                compare(torch, "nn", name, (a,), kwargs, rtol=2e-6, atol=1e-6)


# ---- the two-tensor rows of issue 18 (engine/ops/binary_more.py)
BINARY_MORE = ["atan2", "arctan2", "hypot", "fmax", "fmin", "logaddexp", "logaddexp2"]


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(binary_case(BINARY_MORE), st.sampled_from(["torch", "method"]))
def test_generated_binary_more(case, kind):
    name, a, b = case
    compare(torch, kind, name, (a, b), rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("name", BINARY_MORE)
def test_binary_more_each_form(name):
    a = np.array([[0.5, -1.5, 0.0, np.nan], [2.0, -0.0, 3.0, 1.0]])
    b = np.array([1.0, -1.5, np.nan, 0.5])
    for dt in ("float64", "float32"):
        compare(torch, "torch", name, (a.astype(dt), b.astype(dt)), rtol=2e-6, atol=1e-6)
    compare(torch, "torch", name, (a, 1.5))  # PyTorch's TypeError, word for word
    compare(torch, "torch", name, (a,), {"other": b, "foo": 1})
    compare(torch, "method", name, (a, b[:3]))  # broadcast error
