"""Every folder with an __init__.py is listed in pyproject's packages: an editable install
finds a forgotten subpackage anyway, a real install (CI's, a user's) does not."""

import pathlib

import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_every_subpackage_is_installed():
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    dirs = conf["package-dir"]
    listed = set(conf["packages"])
    found = set()
    for top, folder in (("gradcli", "cli"), ("gradcli.engine", "engine"),
                        ("gradcli.parser", "parser"), ("gradcli.grammars", "grammars")):
        assert dirs[top] == folder
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
                continue
            name = ".".join((top, *rel.parts)) if rel.parts else top
            if rel.parts and rel.parts[0] in ("engine", "parser", "grammars") and top == "gradcli":
                continue
            found.add(name)
    assert found - listed == set(), f"add to pyproject packages: {sorted(found - listed)}"
