"""Run one program of expressions through `gradcli run` and python + torch: each expression
prints its value or its error's `Type: message`, so one process pair checks many cases."""

import subprocess
import sys

from conftest import run_gradcli


def program(setup: str, exprs: list) -> str:
    lines = ["import torch", "import torch.nn.functional as F", *setup.strip().splitlines()]
    for e in exprs:
        lines += ["try:", f"    print({e})", "except Exception as e:",
                  "    print(type(e).__name__ + ': ' + str(e))"]
    return "\n".join(lines) + "\n"


def outputs(prog: str):
    """(gradcli's completed process, torch's stdout)."""
    want = subprocess.run([sys.executable, "-"], input=prog, capture_output=True, text=True,
                          timeout=300)
    assert want.returncode == 0, want.stderr
    return run_gradcli("run", "-", input=prog), want.stdout


def assert_agree(setup: str, exprs: list) -> None:
    got, want = outputs(program(setup, exprs))
    assert got.returncode == 0, got.stderr
    for g, w in zip(got.stdout.splitlines(), want.splitlines(), strict=False):
        assert g == w, f"gradcli: {g!r}\ntorch:   {w!r}"
    assert got.stdout == want
