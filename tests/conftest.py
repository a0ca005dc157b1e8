"""Shared test helpers: running the installed `gradcli` command as a user would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
SHARED = TESTS.parent.parent / "shared"


def run_gradcli(*args, input=None, env=None, timeout=120):
    """Run `gradcli ARGS...`; returns CompletedProcess with text stdout/stderr."""
    full_env = dict(os.environ, **(env or {}))
    full_env.pop("COLUMNS", None)
    return subprocess.run(["gradcli", *map(str, args)], input=input, capture_output=True,
                          text=True, env=full_env, timeout=timeout)


@pytest.fixture
def gradcli():
    return run_gradcli


def no_traceback(proc):
    assert "Traceback (most recent call last)" not in proc.stderr, proc.stderr


@pytest.fixture(autouse=True)
def _engine_defaults():
    """In-process tests share the engine's global settings: reset them around each test."""
    from gradcli.engine import apply, dtypes, grad_mode

    yield
    dtypes.set_default_float("float32")
    apply.set_max_elements(10**8)
    grad_mode._enabled[0] = True


sys.path.insert(0, str(TESTS))

# CI (CI=true, as .ci/run is run) draws the same hypothesis examples every time, so a
# landing is judged on a fixed sample; anywhere else each run explores new examples (and
# `-m fuzz` / bench/fuzz.py explore long). A finding outside CI becomes a recorded case.
try:
    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("ci", derandomize=True)
    if os.environ.get("CI"):
        _hypothesis_settings.load_profile("ci")
except ImportError:  # the test extra is not installed: hypothesis tests will not import
    pass
