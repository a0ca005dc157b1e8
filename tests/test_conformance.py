"""Every PyTorch program of tests/conformance/ through the installed `gradcli run`: the
exact stdout PyTorch 2.13 printed, and for .err cases PyTorch's error line on stderr and
exit 1. tests/conformance/ is a copy of ../shared/conformance (checked to be in sync)."""

import filecmp
from pathlib import Path

import pytest
from conftest import SHARED, TESTS, no_traceback, run_gradcli

CASES = sorted((TESTS / "conformance").glob("*/*.py")) + sorted((TESTS / "run_cases").glob("*.py"))


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_program_prints_what_pytorch_printed(case: Path):
    proc = run_gradcli("run", case)
    no_traceback(proc)
    assert proc.stdout == case.with_suffix(".out").read_text()
    err = case.with_suffix(".err")
    if err.exists():
        assert proc.returncode == 1
        assert err.read_text().strip() in proc.stderr
        assert proc.stderr.startswith("gradcli: line ")
    else:
        assert proc.returncode == 0, proc.stderr


@pytest.mark.skipif(not (SHARED / "conformance").is_dir(), reason="../shared not present")
def test_copy_is_in_sync_with_shared():
    for sub in ("seeds", "ops"):
        ours, theirs = TESTS / "conformance" / sub, SHARED / "conformance" / sub
        cmp = filecmp.dircmp(ours, theirs)
        assert not cmp.left_only and not cmp.right_only and not cmp.diff_files, (
            sub, cmp.left_only, cmp.right_only, cmp.diff_files)
