"""Shared test helpers: running the installed `gradcli` command as a user would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
SHARED = TESTS.parent.parent / "shared"  # the project's shared material, when beside us


def _entry_point() -> list:
    """The installed `gradcli` command, by its path: the console script next to this
    Python (a venv's bin, whether or not it is on PATH), else `python -m gradcli`."""
    folder = Path(sys.executable).parent
    for name in ("gradcli", "gradcli.exe"):
        if (folder / name).is_file():
            return [str(folder / name)]
    return [sys.executable, "-m", "gradcli"]


GRADCLI = _entry_point()


def run_gradcli(*args, input=None, env=None, timeout=120):
    """Run `gradcli ARGS...`; returns CompletedProcess with text stdout/stderr."""
    full_env = dict(os.environ, **(env or {}))
    full_env.pop("COLUMNS", None)
    return subprocess.run([*GRADCLI, *map(str, args)], input=input, capture_output=True,
                          text=True, env=full_env, timeout=timeout)


def _have(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def pytest_collection_modifyitems(config, items):
    """Tests marked `torch`, `sympy` or `graphviz` need that oracle or tool: each skips,
    saying so, where it is missing (the rest of its module still runs)."""
    import shutil

    missing = {"torch": not _have("torch"), "sympy": not _have("sympy"),
               "graphviz": shutil.which("dot") is None}
    for item in items:
        for name, absent in missing.items():
            if absent and item.get_closest_marker(name) is not None:
                item.add_marker(pytest.mark.skip(reason=f"needs {name}, not installed"))


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
