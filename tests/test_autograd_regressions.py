"""The minimal disagreements the differential test (tests/test_differential_autograd.py) and
the create_graph comparison (tests/test_create_graph_torch.py) found and the engine now
fixes, as programs in tests/autograd_regressions/: each is run by the installed `gradcli
run` and by python + torch, and stdout and the last error line must be the same."""

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_gradcli

pytest.importorskip("torch")
pytestmark = pytest.mark.torch

CASES = sorted((Path(__file__).parent / "autograd_regressions").glob("*.py"))


def _last_error(stderr: str):
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return lines[-1] if lines else None


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_regression_program_agrees_with_torch(case):
    want = subprocess.run([sys.executable, str(case)], capture_output=True, text=True,
                          timeout=300)
    got = run_gradcli("run", case)
    assert got.stdout == want.stdout
    assert (got.returncode == 0) == (want.returncode == 0), got.stderr
    if want.returncode != 0:
        # gradcli: "gradcli: line N: Type: message"; Python: "Type: message"
        assert _last_error(got.stderr).endswith(_last_error(want.stderr)), got.stderr
