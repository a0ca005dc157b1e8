"""Random autograd programs (tests/differential_autograd.py) run by `gradcli run` and by
python + torch: each program's stdout (its error's `Type: message` line included) must be
PyTorch's. CI runs a fixed sample of seeds; `pytest -m fuzz` runs many more.

Agreement must be at least 99%, and every disagreement left must be a sign-of-zero or
last-bit float difference (DOCUMENTED below): the same text once numbers are compared with
a float32 tolerance and -0. read as 0."""

import os
import re

import pytest
from differential_autograd import program, run_both

pytest.importorskip("torch")
pytestmark = pytest.mark.torch

CI_SEEDS = range(0, 200)
LONG_SEEDS = range(0, int(os.environ.get("GRADCLI_DIFF_PROGRAMS", "2000")))
BATCH = 50

# Known remaining disagreements, each a documented float difference:
#   -0. vs 0. in a second derivative through abs/sgn at 0 (PyTorch's sgn backward returns a
#   ZeroTensor, which additions skip, so a -0. from another path survives; gradcli adds a
#   real +0. there): seeds 167 and 197 (and 475 in the long run).
#   Rounding noise of a second derivative that is 0 in exact arithmetic (std's, in float32:
#   1e-8 against PyTorch's exact 0, seed 589 in the long run) - the float32 sums' order.
# Seeds 200-699 (the long run's next 500): 497 of 500 agree once the fixes here landed; of
# the three left, 475 and 589 are the float differences above and 531 (double backward through huber_loss with mixed dtypes: gradcli says
# its double backward is not supported before PyTorch's dtype error) is not a float
# difference and is left to the loss rows.
DOCUMENTED = {167, 197}

_NUMBER = re.compile(r"-?\d+\.\d*(?:e[+-]?\d+)?|-?\d+e[+-]?\d+|nan|-?inf")


def _numbers_close(a: str, b: str) -> bool:
    """Same text once each number is read as a float (tolerance 1e-5 relative, -0. == 0.)
    and runs of spaces as one (a column's width follows its widest number, '-0.' included)."""
    if " ".join(_NUMBER.sub("#", a).split()) != " ".join(_NUMBER.sub("#", b).split()):
        return False
    for x, y in zip(_NUMBER.findall(a), _NUMBER.findall(b), strict=True):
        fx, fy = float(x), float(y)
        if fx != fy and not (fx != fx and fy != fy) and abs(fx - fy) > 1e-5 * max(1.0, abs(fy)):
            return False
    return True


def _differential(seeds):
    seeds = list(seeds)
    disagree, float_only = [], []
    for start in range(0, len(seeds), BATCH):
        chunk = seeds[start:start + BATCH]
        got, want, gerr, _ = run_both(chunk)
        assert "Traceback" not in gerr, gerr[-2000:]
        for s in chunk:
            assert s in want, f"torch did not run seed {s}"
            if got.get(s) == want[s]:
                continue
            disagree.append(s)
            if got.get(s) is not None and _numbers_close(got[s], want[s]):
                float_only.append(s)
            else:
                print(f"seed {s}:\n{program(s)}\n--- gradcli\n{got.get(s)}\n--- torch\n{want[s]}")
    return disagree, float_only


def _check(seeds):
    disagree, float_only = _differential(seeds)
    n = len(list(seeds))
    assert len(disagree) <= n // 100, f"{len(disagree)} of {n} programs disagree: {disagree}"
    assert set(disagree) <= set(float_only), \
        f"not a float difference: {sorted(set(disagree) - set(float_only))}"


def test_programs_agree_with_torch():
    _check(CI_SEEDS)


def test_documented_disagreements_are_float_only():
    """The documented seeds still differ only by the sign of a zero (they fail loudly here
    the day they agree, so the list stays true)."""
    disagree, float_only = _differential(sorted(DOCUMENTED))
    assert sorted(disagree) == sorted(DOCUMENTED) == sorted(float_only)


@pytest.mark.fuzz
def test_many_programs_agree_with_torch():
    _check(LONG_SEEDS)
