"""The minimal programs of issue 17 (tests/found/, a copy of ../shared/conformance/found):
each through `gradcli run`, with exactly the stdout PyTorch 2.13 printed and, for .err
cases, PyTorch's error line on stderr and exit 1.

The cases still open are xfail (strict=False, so they turn green when fixed) with the
reason they still fail."""

import filecmp
from pathlib import Path

import pytest
from conftest import SHARED, TESTS, no_traceback, run_gradcli

FOUND = TESTS / "found"
OPEN: dict = {}  # name -> why it still fails (xfail); all 26 pass now
CASES = sorted(FOUND.glob("*.py"))


def _param(case: Path):
    reason = OPEN.get(case.stem)
    marks = [pytest.mark.xfail(reason=reason, strict=False)] if reason else []
    return pytest.param(case, id=case.stem, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_found_program_prints_what_pytorch_printed(case: Path):
    proc = run_gradcli("run", case)
    no_traceback(proc)
    assert proc.stdout == case.with_suffix(".out").read_text()
    err = case.with_suffix(".err")
    if err.exists():
        assert proc.returncode == 1
        assert err.read_text().strip() in proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr


@pytest.mark.skipif(not (SHARED / "conformance" / "found").is_dir(), reason="../shared not present")
def test_found_copy_is_in_sync_with_shared():
    cmp = filecmp.dircmp(FOUND, SHARED / "conformance" / "found")
    assert not cmp.left_only and not cmp.right_only and not cmp.diff_files, (
        cmp.left_only, cmp.right_only, cmp.diff_files)
