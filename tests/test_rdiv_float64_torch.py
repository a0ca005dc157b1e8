"""`number / x` is reciprocal(x) * number in PyTorch (torch/_tensor.py's __rdiv__): two
roundings in float64 too, not one true division (found by helper G's differential runs)."""

import random

import pytest
from oracle_program import assert_agree

pytest.importorskip("torch")


def test_number_over_float64_tensor_rounds_twice():
    rng = random.Random(7)
    cases = [(rng.uniform(-5, 5), rng.uniform(1e-3, 9)) for _ in range(60)]
    cases += [(0.1, 3.000001), (2.2, 7.1), (0.9, 1e-3 + 1e-6)]
    setup = "vals = []"
    exprs = []
    for m, t in cases:
        exprs.append(f"({m!r} / torch.tensor({t!r}, dtype=torch.float64)).item()")
        exprs.append(f"({m!r} / torch.tensor([{t!r}, {-t!r}], dtype=torch.float64)).tolist()")
    assert_agree(setup, exprs)
