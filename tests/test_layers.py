"""Layers point down: the cli edge (gradcli.*) -> gradcli.tasks -> gradcli.parser ->
gradcli.engine, and no import cycles. Every module's imports are read from its syntax
tree, the ones inside functions included (a lazy import is still a dependency). A
module's layer is read from its package path, so new subpackages (gradcli.engine.symbolic,
...) are placed without changing this test."""

import ast
import importlib
from pathlib import Path

# lower number = lower layer; a module may import its own layer or lower ones
LAYERS = {"gradcli.engine": 0, "gradcli.grammars": 1, "gradcli.parser": 1,
          "gradcli.tasks": 2}
EDGE = 3  # everything else under gradcli: the command-line edge


def layer(module: str) -> int:
    for prefix, rank in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            return rank
    return EDGE


def _modules() -> dict:
    """{module name: source path} for every module of the installed package (editable
    or not: each top package is walked where it is installed)."""
    found = {}
    for package in ("gradcli", "gradcli.tasks", "gradcli.parser", "gradcli.engine"):
        root = Path(importlib.import_module(package).__path__[0])
        for path in sorted(root.rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found.setdefault(".".join([package, *parts]), path)
    return found


MODULES = _modules()


def _resolve(importer: str, is_package: bool, node) -> list:
    """The gradcli modules one import statement loads (a `from X import name` loads X.name
    when that is a module, X otherwise)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "gradcli"]
    if node.level:
        base = importer.split(".")
        if not is_package:
            base = base[:-1]
        base = base[:len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if target.split(".")[0] != "gradcli":
        return []
    names = [f"{target}.{a.name}" for a in node.names]
    return [n if n in MODULES else target for n in names]


def _imports() -> dict:
    """{module: {imported gradcli module: first line importing it}}."""
    graph = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        edges = {}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _resolve(name, path.name == "__init__.py", node):
                    while target not in MODULES and "." in target:
                        target = target.rsplit(".", 1)[0]
                    if target != name:
                        edges.setdefault(target, node.lineno)
        graph[name] = edges
    return graph


GRAPH = _imports()


def test_the_walk_sees_every_layer():
    layers = {layer(m) for m in MODULES}
    assert layers == {0, 1, 2, 3}, sorted(MODULES)
    # the edge imports tasks, tasks import the parser: the walk follows function-level
    # and relative imports (cmd_eval's run goes through batch.py's lazy import)
    assert "gradcli.tasks.eval" in GRAPH["gradcli.batch"]
    assert "gradcli.parser.interpreter.case" in GRAPH["gradcli.tasks.eval"]


def test_no_import_points_up():
    upward = [f"{m} (layer {layer(m)}) imports {t} (layer {layer(t)}) at line {line}"
              for m, edges in GRAPH.items() for t, line in edges.items()
              if layer(t) > layer(m)]
    assert upward == []


def _cycles(modules) -> list:
    """The strongly connected components of more than one module (Tarjan's algorithm,
    iterative), among `modules`."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = [0]
    for start in modules:
        if start in index:
            continue
        work = [(start, iter(t for t in GRAPH[start] if t in modules))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(t for t in GRAPH[w] if t in modules)))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def test_no_import_cycles_above_the_engine():
    above = [m for m in MODULES if layer(m) > 0]
    assert _cycles(above) == []


def test_no_import_cycles_in_the_engine():
    engine = [m for m in MODULES if layer(m) == 0]
    assert _cycles(engine) == []


def test_the_cycle_finder_finds_cycles():
    """The test above must be able to fail: a planted cycle is found."""
    GRAPH["gradcli.tasks.eval"]["gradcli.tasks.steps"] = 1
    GRAPH["gradcli.tasks.steps"]["gradcli.tasks.eval"] = 1
    try:
        assert ["gradcli.tasks.eval", "gradcli.tasks.steps"] in _cycles(list(MODULES))
    finally:
        GRAPH["gradcli.tasks.eval"].pop("gradcli.tasks.steps", None)
        GRAPH["gradcli.tasks.steps"].pop("gradcli.tasks.eval", None)
