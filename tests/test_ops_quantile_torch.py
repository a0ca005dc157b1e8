"""torch.quantile / nanquantile and torch.trapezoid / trapz / cumulative_trapezoid against
PyTorch 2.13 (the oracle): value, dtype, shape, the whole graph's grad_fn names, every
input's grad; errors word for word; NaN, integer and empty inputs."""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from oracle_graph import compare  # noqa: E402  (imports torch)

pytestmark = pytest.mark.torch
Q2 = np.array([0.0, 0.25, 1.0])

QUANTILE = [
    ((3, 4), (0.3,), {}), ((3, 4), (0.3,), {"dim": 0}), ((3, 4), (0.5,), {"dim": -1}),
    ((3, 4), (Q2,), {"dim": 1, "keepdim": True}), ((2, 3, 4), (Q2,), {"dim": 1}),
    ((2, 3, 4), (0.75,), {"keepdim": True}), ((5,), (Q2,), {}), ((), (0.5,), {}),
    ((), (0.5,), {"dim": 0, "keepdim": True}), ((4,), (1.0,), {}), ((4,), (0.0,), {}),
    ((3, 4), (0.4,), {"dim": 0, "interpolation": "lower"}),
    ((3, 4), (Q2,), {"dim": 1, "interpolation": "higher"}),
    ((3, 4), (0.5,), {"interpolation": "midpoint"}),
    ((3, 4), (np.array([0.5, 0.125]),), {"dim": 0, "interpolation": "nearest"}),
    # errors
    ((0,), (0.5,), {}), ((3,), (1.5,), {}), ((3,), (np.array([0.2, 1.5]),), {}),
    ((3,), (np.ones((2, 2)) / 2,), {}), ((3,), (np.array([0.5], np.float32),), {}),
    ((3,), (0.5,), {"interpolation": "foo"}), ((3, 4), (0.5,), {"dim": 2}),
    ((3,), (0.5,), {"foo": 1}), ((3,), ("a",), {}),
]
NAMES = ["torch.quantile", "torch.nanquantile", "Tensor.quantile"]


@pytest.mark.parametrize("shape,args,kwargs", QUANTILE, ids=[str(q) for q in QUANTILE])
@pytest.mark.parametrize("call", NAMES)
def test_quantile(shape, args, kwargs, call):
    compare(call, shape, kwargs, args=args)


@pytest.mark.parametrize("call", NAMES)
@pytest.mark.parametrize("dim", [None, 0, 1])
def test_quantile_with_nan(call, dim):
    a = np.array([[1.0, math.nan, 3.0, -2.0], [0.5, 2.0, 7.0, 1.0], [math.nan] * 4])
    compare(call, None, {"dim": dim}, data=a, args=(np.array([0.1, 0.5, 0.9]),))


@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_quantile_dtypes(dtype):
    compare("torch.quantile", (3, 5), {"dim": 1}, dtype=dtype, args=(0.3,))


TRAPEZOID = [
    ((3, 4), (), {}), ((3, 4), (), {"dim": 0}), ((3, 4), (), {"dx": 0.5}), ((3, 4), (), {"dx": 2}),
    ((3, 4), (np.array([0.0, 1.0, 3.0, 3.5]),), {}), ((4, 3), (np.array([0.0, 1.0, 3.0, 3.5]),), {"dim": 0}),
    ((2, 3, 4), (np.array([[0.0, 1.0, 3.0, 3.5], [1.0, 2.0, 2.5, 4.0], [0.0, 0.0, 1.0, 1.0]]),), {}),
    ((3, 4), (np.linspace(0, 1, 12).reshape(3, 4),), {"dim": 0}), ((1,), (), {}), ((5,), (), {}),
    # errors and edge cases
    ((2, 0), (), {}), ((), (), {}), ((3, 4), (np.arange(3.0),), {}), ((3, 4), (), {"dim": 2}),
    ((3, 4), (np.random.default_rng(0).random((2, 4)),), {}), ((3,), (), {"foo": 1}),
]
TRAP_NAMES = ["torch.trapezoid", "torch.trapz", "torch.cumulative_trapezoid"]


@pytest.mark.parametrize("shape,args,kwargs", TRAPEZOID, ids=[str(t) for t in TRAPEZOID])
@pytest.mark.parametrize("call", TRAP_NAMES)
def test_trapezoid(shape, args, kwargs, call):
    compare(call, shape, kwargs, args=args, grad_args=True)


@pytest.mark.parametrize("call", TRAP_NAMES)
@pytest.mark.parametrize("dtype,args", [("int64", ()), ("int64", (np.arange(4),)),
                                        ("float32", ()), ("bool", ()), ("float32", (np.arange(4.0) > 1,))])
def test_trapezoid_dtypes(call, dtype, args):
    kwargs = {"dx": 2} if not args and dtype == "int64" else {}
    compare(call, (3, 4), kwargs, dtype=dtype, args=args)
