"""torch.linalg.vector_norm / matrix_norm / norm and torch.norm / Tensor.norm against
PyTorch 2.13 (the oracle): value, dtype, shape, grad_fn name (PyTorch's composites: nuc is
SumBackward1, 2 and 1 are AmaxBackward0, ...), the grad_fn names of the whole graph, every
input's grad; errors word for word."""

import math

import numpy as np
import pytest
from gradcli.engine import api
from gradcli.engine.autograd import run_backward
from gradcli.engine.tensor import Tensor

torch = pytest.importorskip("torch")
from oracle_graph import compare  # noqa: E402  (imports torch)

pytestmark = pytest.mark.torch
INF = math.inf


VECTOR = [
    ((3, 4), {}), ((3, 4), {"ord": 3}), ((3, 4), {"ord": 0.5, "dim": 1}),
    ((3, 4), {"ord": 1, "dim": (0, 1)}), ((3, 4), {"ord": 0}), ((2, 3, 4), {"ord": INF, "dim": 2}),
    ((2, 3, 4), {"ord": -INF, "dim": (0, 2), "keepdim": True}), ((3, 4), {"ord": -1}),
    ((3, 4), {"ord": -2.5, "dim": 0}), ((3, 4), {"dim": ()}), ((3, 4), {"dim": -1, "keepdim": True}),
    ((3, 4), {"ord": 2, "dtype": "float64"}), ((), {"ord": 3}), ((0, 3), {"ord": 2}),
    ((0, 3), {"ord": INF}), ((0, 3), {"ord": INF, "dim": 1}), ((0, 3), {"ord": -1, "dim": 0}),
    ((3,), {"ord": "fro"}), ((3,), {"foo": 1}),
]


@pytest.mark.parametrize("shape,kwargs", VECTOR, ids=[str(v) for v in VECTOR])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_vector_norm(shape, kwargs, dtype):
    compare("torch.linalg.vector_norm", shape, kwargs, dtype)


MATRIX = [
    ((3, 4), {}), ((3, 4), {"ord": "nuc"}), ((3, 4), {"ord": 2}), ((4, 3), {"ord": -2}),
    ((3, 4), {"ord": 1}), ((3, 4), {"ord": -1}), ((3, 4), {"ord": INF}), ((3, 4), {"ord": -INF}),
    ((2, 3, 4), {"ord": "nuc", "dim": (0, 2)}), ((2, 3, 4), {"ord": 2, "dim": (2, 0), "keepdim": True}),
    ((2, 3, 4), {"ord": 1, "dim": (2, 1)}), ((2, 3, 4), {"ord": INF, "dim": (0, 1), "keepdim": True}),
    ((2, 3, 4), {"ord": -1, "dim": (1, 0)}), ((2, 3, 4), {"ord": "fro", "dim": (0, 2)}),
    ((2, 3, 4), {"ord": "nuc", "keepdim": True}), ((3, 4), {"ord": 3}), ((3, 4), {"ord": 0.1234567}),
    ((3, 4), {"ord": "foo"}), ((3,), {}), ((3, 4), {"dim": (1,)}), ((2, 3, 4), {"dim": (0, 1, 2)}),
    ((3, 4), {"dim": (1, -1)}), ((3, 4), {"dim": (1, 5)}), ((3, 4), {"ord": "nuc", "dtype": "float32"}),
    ((3, 4), {"ord": 2, "dtype": "float64"}),
    # empty matrices and batches
    ((0, 3), {}), ((0, 3), {"ord": "nuc"}), ((0, 3), {"ord": 2}), ((2, 0, 3), {"ord": 2, "keepdim": True}),
    ((2, 0, 3), {"ord": 2, "dim": (0, 2)}), ((2, 0, 3), {"ord": -2}), ((0, 2, 3), {"ord": 2}),
    ((2, 0, 3), {"ord": 1}), ((3, 0), {"ord": -1}), ((3, 0), {"ord": INF}),
]


@pytest.mark.parametrize("shape,kwargs", MATRIX, ids=[str(v) for v in MATRIX])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_matrix_norm(shape, kwargs, dtype):
    compare("torch.linalg.matrix_norm", shape, kwargs, dtype)


NORM = [
    ((3, 4), {}), ((2, 3, 4), {}), ((3, 4), {"ord": 2}), ((3, 4), {"ord": "fro"}),
    ((3, 4), {"ord": "nuc"}), ((3,), {"ord": 2}), ((3,), {"ord": INF}), ((3, 4), {"ord": 3}),
    ((3, 4), {"ord": 3, "dim": 1}), ((2, 3, 4), {"ord": 1, "dim": (0, 2)}),
    ((2, 3, 4), {"dim": (0, 2)}), ((2, 3, 4), {"ord": 2}), ((2, 3, 4), {"ord": "fro"}),
    ((2, 3, 4), {"dim": (0, 1, 2)}), ((2, 3, 4), {"ord": "nuc", "dim": (0, 1, 2)}),
    ((3,), {"ord": "fro"}), ((3, 4), {"ord": -INF, "keepdim": True}),
]


@pytest.mark.parametrize("shape,kwargs", NORM, ids=[str(v) for v in NORM])
def test_linalg_norm(shape, kwargs):
    compare("torch.linalg.norm", shape, kwargs)


TORCH_NORM = [
    ((3, 4), {}), ((3, 4), {"p": INF}), ((3, 4), {"p": -INF}), ((3, 4), {"p": 0}),
    ((3, 4), {"p": 3, "dim": 1}), ((3, 4), {"p": 1, "dim": 0, "keepdim": True}),
    ((3, 4), {"p": "fro", "dim": 1}), ((2, 3, 4), {"p": "fro", "dim": (0, 1)}),
    ((3, 4), {"p": "nuc"}), ((2, 3, 4), {"p": "nuc", "dim": (1, 0)}), ((2, 3, 4), {"p": "nuc"}),
    ((3, 4), {"p": "nuc", "dim": 1}), ((2, 3, 4), {"p": "fro", "dim": (0, 1, 2)}),
    ((3, 4), {"p": None}), ((3, 4), {"p": 3, "dtype": "float64"}), ((3, 4), {"p": "abc"}),
    ((3, 4), {"p": 0.5, "dim": (0, 1)}), ((0, 3), {"p": INF}),
]


@pytest.mark.parametrize("shape,kwargs", TORCH_NORM, ids=[str(v) for v in TORCH_NORM])
@pytest.mark.parametrize("call", ["torch.norm", "Tensor.norm"])
def test_torch_norm(shape, kwargs, call):
    compare(call, shape, kwargs)


def test_torch_norm_inf_and_zero_split_ties_like_torch():
    """norm(p=inf) shares the grad among the ties; norm(p=0) leaves no grad (issue 18)."""
    x = np.array([[3.0, -3.0], [1.0, 0.0]])
    for p in (INF, 0, -INF):
        ta, ga = torch.tensor(x, requires_grad=True), Tensor(x.copy(), True)
        tout, gout = torch.norm(ta, p=p), api.FUNCTIONS["norm"](ga, p=p)
        np.testing.assert_array_equal(gout.data, tout.detach().numpy())
        tout.backward()
        run_backward([gout], [Tensor(np.ones(()))])
        if ta.grad is None:  # p=0: no gradient at all
            assert ga.grad is None
            continue
        np.testing.assert_array_equal(ga.grad.data, ta.grad.numpy())


@pytest.mark.parametrize("call", ["torch.linalg.vector_norm", "torch.linalg.matrix_norm",
                                  "torch.norm"])
def test_norm_of_integers_is_refused_like_torch(call):
    compare(call, (3, 3), {}, dtype="int64")
