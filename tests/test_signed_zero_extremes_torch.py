"""max/min/amax/amin along a dim keep the first of equal extremes, as torch's kernels do:
which zero comes back shows in print (`tensor(-0.)`). Found by the random programs of
tests/test_run_torch.py (`.max(dim=0)` of [0., 0., -0.] printed -0.)."""

import itertools

import pytest
from oracle_program import assert_agree

pytest.importorskip("torch")


def test_first_of_equal_zeros_along_a_dim():
    vals = ["0.", "-0.", "1.", "-1."]
    exprs = []
    for combo in itertools.product(vals, repeat=3):
        t = f"torch.tensor([[{', '.join(combo)}], [{', '.join(reversed(combo))}]])"
        for dim in (0, 1, -1):
            exprs += [f"{t}.max(dim={dim})", f"{t}.min({dim}, keepdim=True)",
                      f"{t}.amax({dim})", f"{t}.amin(dim=({dim},), keepdim=True)"]
    assert_agree("", exprs)
