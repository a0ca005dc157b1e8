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
