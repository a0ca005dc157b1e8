"""Ops PyTorch refuses for bool or integer inputs (found by tests/differential_programs.py:
softmax of a bool or int tensor, argmax of a bool tensor, median/topk/kthvalue of bools and
abs of bools returned values; sign of bools was numpy's UFuncTypeError): PyTorch's error,
word for word, and the ops PyTorch does run on them unchanged."""

import pytest
from oracle_program import assert_agree

pytest.importorskip("torch")
pytestmark = pytest.mark.torch

SETUP = """
b = torch.tensor([[True, False, True], [False, False, True]])
i = torch.tensor([[1, 2, 3], [4, 5, 6]])
"""

EXPRS = [
    "torch.softmax(b, -1)", "torch.softmax(b, 0)", "torch.softmax(i, 1)", "torch.softmax(i, 0)",
    "F.softmax(i, dim=0)", "b.softmax(0)", "torch.log_softmax(b, -1)", "torch.log_softmax(i, 0)",
    "F.log_softmax(i, 1)", "torch.softmax(i, 0, dtype=torch.float64)",
    "torch.softmax(torch.tensor(3), 0)", "i.int().softmax(1)", "torch.softmax(i.float(), 1)",
    "b.argmin()", "b.argmax(0)", "b.argmin(1, keepdim=True)", "torch.tensor(True).argmax()",
    "i.argmax(1)", "b.median(0)", "b.median()", "b.nanmedian()", "b.topk(1, 0)",
    "b.kthvalue(1)", "b.sort(0)", "b.abs()", "torch.abs(torch.tensor(True))", "i.abs()",
    "b.sign()", "b.sgn()", "i.sign()", "(-i).sign()", "b.min(0)", "b.amax(0)", "b.msort()",
    "b.cumprod(0)", "b.prod()",
]


def test_bool_and_int_inputs_agree_with_torch():
    assert_agree(SETUP, EXPRS)


def test_remainder_zero_signs_agree_with_torch():
    """0. % -7 is 0. in PyTorch (fmod keeps the dividend's sign), -0. in numpy: found by
    tests/differential_programs.py (seed 312)."""
    setup = ("a = torch.tensor([0., -0., 3., -3., 0., -0., 7., -7., 5., 1e-20, -1e-20])\n"
             "b = torch.tensor([-7., 7., -3., 3., 7., -7., float('inf'), float('inf'), "
             "-float('inf'), 1., -1.])")
    assert_agree(setup, ["a % b", "a.double() % b.double()", "torch.remainder(a, -3)",
                         "torch.remainder(a, 3.)", "0. % torch.tensor([-7., 7.])",
                         "-0. % torch.tensor([-7., 7.])", "torch.remainder(-0., b)",
                         "a.remainder(b)", "torch.tensor([0, -6, 6]) % -3",
                         "torch.tensor([0., -6., 6.]) % torch.tensor([-3, 3, -3])"])


def test_argsort_agrees_with_torch():
    """torch.argsort / Tensor.argsort (found missing by a tutorial probe)."""
    setup = "x = torch.tensor([[3., 1., 2.], [0., 5., 5.]], requires_grad=True)"
    assert_agree(setup, ["x.argsort()", "torch.argsort(x, dim=0)", "x.argsort(descending=True)",
                         "torch.argsort(x, stable=True, dim=1, descending=True)",
                         "torch.argsort(torch.tensor([1, 1, 0, 2]))", "torch.tensor(3.).argsort()",
                         "torch.tensor([True, False]).argsort()", "x.argsort(dim=2)",
                         "torch.argsort(torch.arange(20.).flip(0), stable=True)"])
