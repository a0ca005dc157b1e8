"""The engine's rooms: no import cycle between its modules (module- or function-level
imports alike, read from the source), and no file over 600 lines."""

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "engine"
LIMIT = 600


def _module_name(path: Path) -> str:
    rel = path.relative_to(ENGINE).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(["engine", *parts])


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _imports(path: Path, modules: set) -> set:
    """The engine modules `path` imports anywhere in its body."""
    name = _module_name(path)
    package = name if _is_package(path) else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        base = package.split(".")
        base = base[:len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
        for alias in node.names:  # `from . import dual` names a module
            sub = f"{target}.{alias.name}"
            found.add(sub if sub in modules else target)
    return {m for m in found if m in modules and m != name}


def test_no_import_cycles_in_engine():
    files = [p for p in ENGINE.rglob("*.py")]
    modules = {_module_name(p) for p in files}
    graph = {_module_name(p): _imports(p, modules) for p in files}
    # a package's __init__ imported by its own submodules is how Python runs them,
    # not a dependency of ours: drop edges from a module to its own packages
    for m, deps in graph.items():
        graph[m] = {d for d in deps if not m.startswith(d + ".")}
    state, stack, cycles = {}, [], []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_no_engine_file_over_the_limit():
    big = {str(p.relative_to(ENGINE)): n for p in ENGINE.rglob("*.py")
           if (n := len(p.read_text().splitlines())) > LIMIT}
    assert not big, f"engine files over {LIMIT} lines: {big}"
