"""Tensor.type() and the device flags (found by a tutorial probe: `x.type()` returned the
tensor itself where PyTorch returns 'torch.FloatTensor', and `x.is_cuda` was an
AttributeError)."""

import pytest
from oracle_program import assert_agree

pytest.importorskip("torch")
pytestmark = pytest.mark.torch

SETUP = "x = torch.ones(2)"
EXPRS = ["x.type()", "x.type('torch.DoubleTensor')", "x.type(torch.int64)",
         "x.type('torch.LongTensor')", "torch.ones(1, dtype=torch.int32).type()",
         "torch.ones(1, dtype=torch.bool).type()", "x.double().type()", "x.long().type()",
         "x.type(torch.float64, foo=1)", "x.type('float')", "x.type(dtype=torch.int32)",
         "x.type(x.type()) is x", "x.is_cuda", "x.is_cpu", "x.is_sparse", "x.is_quantized"]


def test_type_and_flags_agree_with_torch():
    assert_agree(SETUP, EXPRS)
