"""engine/numerics/blas.py against torch: the layouts where MKL's gemm sums each output
left to right (a row times a row-major matrix; a column-major matrix times a column) are
bit-identical for random shapes and dtypes, through the mm row as programs reach it."""

import subprocess
import sys

import numpy as np
import pytest
from conftest import run_gradcli
from gradcli.engine.numerics import blas

torch = pytest.importorskip("torch")


def _layout(a: np.ndarray, transposed: bool) -> np.ndarray:
    """The same values laid out column-major (a transposed view) or row-major."""
    return np.ascontiguousarray(a.T).T if transposed else np.ascontiguousarray(a)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", ["row_times_matrix", "colmajor_times_column"])
def test_axpy_layouts_bit_identical(dtype, case):
    rng = np.random.default_rng(7)
    for _ in range(60):
        m, k, n = (int(v) for v in rng.integers(2, 300, 3))
        if case == "row_times_matrix":
            a, b = _layout(rng.standard_normal((1, k)), False), _layout(
                rng.standard_normal((k, n)), False)
        else:
            a, b = _layout(rng.standard_normal((m, k)), True), _layout(
                rng.standard_normal((k, 1)), False)
        a, b = a.astype(dtype, copy=False), b.astype(dtype, copy=False)
        assert blas._axpy_order(a, b)
        want = (torch.from_numpy(a) @ torch.from_numpy(b)).numpy()
        got = blas.mm(a, b)
        assert got.dtype == want.dtype and np.array_equal(got, want), (case, m, k, n)


def test_other_layouts_are_numpy_matmul():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((5, 7)).astype(np.float32), rng.standard_normal((7, 3))
    b = b.astype(np.float32)
    assert not blas._axpy_order(a, b)
    assert np.array_equal(blas.mm(a, b), a @ b)


def test_linear_weight_grad_through_run(tmp_path):
    """mat1.T @ grad in Linear's backward with one output: the seed's logistic regression."""
    prog = tmp_path / "p.py"
    prog.write_text(
        "import torch\ntorch.manual_seed(3)\nx = torch.randn(257, 3)\nlin = torch.nn.Linear(3, 1)\n"
        "out = torch.sigmoid(lin(x)).sum()\nout.backward()\n"
        "print(lin.weight.grad.tolist(), lin.bias.grad.tolist())\n")
    got = run_gradcli("run", prog)
    want = subprocess.run([sys.executable, str(prog)], capture_output=True, text=True)
    assert got.stdout == want.stdout, (got.stdout, got.stderr, want.stdout)
