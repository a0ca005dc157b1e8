"""torch.any/all, logical_* / bitwise_* and Tensor's `&`, `|`, `^`, `~` (found missing by
tests/differential_programs.py: `(x > 0) & (x < 1)` was a TypeError), run by `gradcli run`
and by python + torch on the same program: stdout byte for byte, errors included."""

import pytest
from oracle_program import assert_agree

pytest.importorskip("torch")
pytestmark = pytest.mark.torch

CASES = """
x = torch.tensor([[1., 0.], [2., -1.]], requires_grad=True)
i = torch.tensor([[3, 5], [0, -2]], dtype=torch.int32)
b = x > 0
x.any()
x.all(dim=(0, 1))
i.all(0, keepdim=True)
torch.tensor(3).any()
torch.tensor(0.).all(0)
torch.any(b)
torch.all(b, dim=1)
b.any()
x.all(1, keepdim=True)
torch.any(x, 0, True)
x.all(2)
(x > 0).all().item()
torch.tensor([], dtype=torch.bool).all()
i.any(1).dtype
b & (x < 2)
b | (x < 0)
b ^ b
~b
~torch.tensor([1, 2])
~x
torch.tensor([6]) & 3
i & 6
i | torch.tensor([1, 2])
3 ^ i
~i
i & True
True & b
b & 1
b | torch.tensor(True)
b ^ True
b & [1]
x & x
b & torch.ones(3, dtype=torch.bool)
torch.logical_and(b, x)
torch.logical_xor(i, x)
x.logical_not()
torch.logical_and(x, torch.ones(3))
torch.bitwise_and(b, b)
torch.bitwise_or(i, 2.5)
torch.bitwise_not(b)
torch.bitwise_and(x, x)
"""


def test_logical_and_bitwise_agree_with_torch():
    setup = [line for line in CASES.strip().splitlines() if " = " in line]
    exprs = [line for line in CASES.strip().splitlines() if " = " not in line]
    assert_agree("\n".join(setup), exprs)


def test_isclose_allclose_agree_with_torch():
    """torch.isclose / allclose (found missing by a tutorial probe)."""
    setup = ("a = torch.tensor([1., 2., float('inf'), float('nan'), 0., -float('inf')])\n"
             "b = torch.tensor([1., 2.00001, float('inf'), float('nan'), 1e-9, float('inf')])")
    assert_agree(setup, [
        "torch.isclose(a, b)", "torch.isclose(a, b, equal_nan=True)", "torch.allclose(a[:3], b[:3])",
        "a.allclose(b, equal_nan=True)", "torch.isclose(a, b.double())",
        "torch.isclose(torch.tensor([1, 2]), torch.tensor([1, 3]))", "torch.isclose(a, torch.ones(2))",
        "torch.allclose(a, 1.0)", "torch.isclose(a, b, rtol=-1)", "torch.isclose(a, b, atol=-1.)",
        "torch.isclose(torch.tensor([1, 2]), torch.tensor([1., 3]))",
        "torch.isclose(torch.tensor([True]), torch.tensor([True]))",
        "torch.isclose(a, b, atol=1e-3, rtol=0)",
        "torch.isclose(torch.tensor([100000, 3]), torch.tensor([100001, 3]))",
        "torch.isclose(torch.tensor([1.0001]), torch.tensor([1.]), rtol=1e-4, atol=0.)",
        "torch.allclose(torch.ones(2, 3), torch.ones(3))", "torch.isclose(-a, -b)",
        "a.isclose(b, 0.1, 0.1)", "torch.isclose(a.double(), b.double())"])
