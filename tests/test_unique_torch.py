"""torch.unique / Tensor.unique against torch (found missing by tests/differential_programs.py,
seed 11: `x.unique()` was an AttributeError): values, return_inverse, return_counts, dim,
NaNs, and the named refusals (sorted=False, a tensor that requires grad)."""

import pytest
from oracle_program import assert_agree

pytest.importorskip("torch")
pytestmark = pytest.mark.torch

SETUP = """
x = torch.tensor([3., float('nan'), 1., float('nan'), 3., -2.5])
y = torch.tensor([[1, 2], [1, 2], [0, 5]])
b = torch.tensor([True, False, True])
"""

EXPRS = ["torch.unique(x)", "x.unique(return_counts=True, return_inverse=True)",
         "y.unique()", "torch.unique(y, return_inverse=True)", "y.unique(dim=0)",
         "y.unique(dim=0, return_counts=True)", "y.unique(dim=1, return_inverse=True)",
         "y.unique(dim=-1)", "torch.unique(torch.tensor(5))", "b.unique(return_counts=True)",
         "torch.unique(y, dim=2)", "torch.unique(torch.tensor([], dtype=torch.int64))",
         "torch.unique(y.double(), return_counts=True)", "torch.unique(y.t(), dim=0)",
         "torch.unique(torch.tensor([2, 2, 2]), return_inverse=True, return_counts=True)"]


def test_unique_agrees_with_torch():
    assert_agree(SETUP, EXPRS)


def test_unique_refusals_are_named(tmp_path):
    from conftest import run_gradcli

    for line in ("torch.unique(torch.tensor([3, 1]), sorted=False)",
                 "torch.ones(2, requires_grad=True).unique()"):
        r = run_gradcli("run", "-", input=f"import torch\n{line}\n")
        assert r.returncode == 1 and "NotImplementedError: gradcli: unique(" in r.stderr, r.stderr
