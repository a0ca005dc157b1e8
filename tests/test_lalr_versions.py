"""The lean LALR driver reads lark's internals, so it runs only on the lark versions its
tests ran (parser/lalr_driver.py TESTED_LARK: 1.1.9 up to 1.3.x), its cached tables are
named by lark's version, and on any other lark the parser is lark's own loop. The driver's
tests are run again under the lowest and the highest lark pyproject allows."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from gradcli.parser import grammar, lalr_driver

TESTS = Path(__file__).parent
STARTS = ("case", "expr")
BOUNDS = ["1.1.9", "1.3.1"]  # pyproject: lark>=1.1.9,<1.4 (1.3.1 is the last 1.3.x)


@pytest.mark.parametrize("version,ok", [
    ("1.1.8", False), ("1.1.9", True), ("1.2.2", True), ("1.3.1", True), ("1.3.9", True),
    ("1.4.0", False), ("1.4.0rc1", False), ("2.0", False), ("0.12.0", False),
    ("1.3.1rc1", True), ("odd", False), (None, False)])
def test_tested_versions(version, ok):
    assert lalr_driver.tested(version) is ok


def test_the_installed_lark_version_is_read_without_importing_lark():
    code = ("import sys; from gradcli.parser.lalr_driver import lark_version; "
            "v = lark_version(); print(v, 'lark' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    import lark

    assert out.stdout.split() == [lark.__version__, "False"], out.stderr


def test_the_cache_name_holds_lark_version():
    a = grammar.tables_path("case.lark", STARTS, "1.2.2")
    b = grammar.tables_path("case.lark", STARTS, "1.3.1")
    assert a is not None and a != b
    assert grammar.tables_path("case.lark", STARTS) == grammar.tables_path(
        "case.lark", STARTS, lalr_driver.lark_version())


def test_an_untested_lark_gets_lark_own_loop(monkeypatch):
    """On a lark the driver was not tested on (here: claimed 1.4.0), no driver: cases are
    parsed by lark itself, with the same trees and errors."""
    from gradcli.parser.ast import Node

    grammar.lean_driver.cache_clear()
    monkeypatch.setattr(lalr_driver, "lark_version", lambda: "1.4.0")
    try:
        assert grammar.lean_driver("case.lark", STARTS) is None
        [stmt] = grammar.parse("y = x * 2")
        assert isinstance(stmt, Node) and stmt.kind == "assign" and stmt.value == "y"
        with pytest.raises(Exception, match="unexpected"):
            grammar.parse("y = x *")
    finally:
        grammar.lean_driver.cache_clear()


def _lark_at(version: str, folder: Path) -> Path:
    """lark `version` unpacked into folder (from $GRADCLI_LARK_WHEELS, or pip download)."""
    target = folder / f"lark-{version}"
    if (target / "lark" / "__init__.py").is_file():
        return target
    wheels = os.environ.get("GRADCLI_LARK_WHEELS")
    found = sorted(Path(wheels).glob(f"lark-{version}-*.whl")) if wheels else []
    if not found:
        proc = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                               f"lark=={version}", "-d", str(folder)],
                              capture_output=True, text=True, timeout=300)
        found = sorted(folder.glob(f"lark-{version}-*.whl"))
        if not found:
            pytest.skip(f"lark {version} could not be had (pip download: "
                        f"{proc.stderr.strip()[-200:]}); set GRADCLI_LARK_WHEELS to a folder "
                        f"holding its wheel")
    with zipfile.ZipFile(found[0]) as z:
        z.extractall(target)
    return target


@pytest.fixture(scope="session")
def lark_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("lark-versions")


@pytest.mark.slow
@pytest.mark.parametrize("version", BOUNDS)
def test_driver_tests_pass_under_each_bound_of_lark(version, lark_folder, tmp_path):
    """tests/test_lalr_driver.py (the driver against lark, on examples and generated
    input, and that the driver is in use) under that lark, ahead of the installed one."""
    site = _lark_at(version, lark_folder)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(site), str(TESTS), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        XDG_CACHE_HOME=str(tmp_path))
    env.pop("GRADCLI_PURE_PARSER", None)
    seen = subprocess.run([sys.executable, "-c", "import lark; print(lark.__version__)"],
                          capture_output=True, text=True, env=env)
    assert seen.stdout.strip() == version, seen.stderr
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(TESTS / "test_lalr_driver.py")],
                          capture_output=True, text=True, env=env, timeout=1200)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "skipped" not in proc.stdout, proc.stdout[-500:]
