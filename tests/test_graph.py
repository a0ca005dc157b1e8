"""gradcli graph: the graph PyTorch holds (compared with torch's own next_functions),
its JSON structure, DOT that Graphviz accepts, Mermaid, the tree, --render, batches and
100,000-deep chains."""

import io
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import no_traceback, run_gradcli

SEED = ["y=(x+w)*(w+1)", "--at", "x=2", "--at", "w=1"]


def graph_json(*args, input=None):
    proc = run_gradcli("graph", *args, "--format", "json", input=input)
    no_traceback(proc)
    return proc, [json.loads(line) for line in proc.stdout.splitlines()]


def inputs_of(rec) -> dict:
    """node id -> [input node ids] in next_functions order."""
    kids: dict = {}
    for e in sorted(rec["edges"], key=lambda e: e["input_index"]):
        kids.setdefault(e["to"], []).append(e["from"])
    return kids


# ---------------------------------------------------------------- the seed case, exactly


def test_seed_case_nodes_edges_and_accumulate_grad():
    proc, (rec,) = graph_json(*SEED)
    assert proc.returncode == 0 and rec["error"] is None and rec["backward"] is True
    kinds = {n["id"]: n["kind"] for n in rec["nodes"]}
    assert kinds == {"y": "op", "%1": "op", "%2": "op", "x": "leaf", "w": "leaf",
                     "acc:x": "accumulate", "acc:w": "accumulate", "#1": "constant"}
    edges = {(e["from"], e["to"], e["input_index"]) for e in rec["edges"]}
    assert edges == {("%1", "y", 0), ("%2", "y", 1), ("acc:x", "%1", 0), ("acc:w", "%1", 1),
                     ("acc:w", "%2", 0), ("#1", "%2", 1), ("x", "acc:x", 0),
                     ("w", "acc:w", 0)}
    nodes = {n["id"]: n for n in rec["nodes"]}
    # AccumulateGrad sits between each leaf and every op using it, and only there
    for n in rec["nodes"]:
        if n["kind"] == "accumulate":
            assert n["grad_fn"] == "AccumulateGrad" and nodes[n["variable"]]["kind"] == "leaf"
            assert [e["from"] for e in rec["edges"] if e["to"] == n["id"]] == [n["variable"]]
    for e in rec["edges"]:
        if nodes[e["from"]]["kind"] == "leaf":
            assert nodes[e["to"]]["kind"] == "accumulate"
    assert nodes["y"]["is_output"] and nodes["y"]["grad_fn"] == "MulBackward0"
    assert nodes["x"]["grad"] == 2.0 and nodes["w"]["grad"] == 5.0 and nodes["y"]["grad"] is None
    assert nodes["%1"]["value"] == 3.0 and nodes["#1"]["value"] == 1.0


def test_grads_in_the_graph_are_evals():
    _, (rec,) = graph_json(*SEED)
    ev = json.loads(run_gradcli("eval", *SEED, "--format", "json").stdout)
    by_id = {n["id"]: n for n in rec["nodes"]}
    for n in ev["nodes"]:
        assert by_id[n["id"]]["grad"] == n["grad"] and by_id[n["id"]]["value"] == n["value"]


# ---------------------------------------------------------------- torch as the oracle


def _torch_structure(fn):
    """Every grad_fn reachable from fn: (name, next_functions names), None for None."""
    out, stack, seen = [], [fn], set()
    while stack:
        f = stack.pop()
        if f is None or id(f) in seen:
            continue
        seen.add(id(f))
        name = f.name().replace("torch::autograd::", "")
        out.append((name, tuple(None if g is None else
                                g.name().replace("torch::autograd::", "")
                                for g, _ in f.next_functions)))
        stack.extend(g for g, _ in f.next_functions)
    return sorted(out, key=str)


def _our_structure(rec):
    nodes = {n["id"]: n for n in rec["nodes"]}
    kids = inputs_of(rec)
    out = []
    for n in rec["nodes"]:
        if n["kind"] == "op":
            out.append((n["grad_fn"], tuple(None if nodes[k]["kind"] == "constant"
                                            else nodes[k]["grad_fn"] for k in kids[n["id"]])))
        elif n["kind"] == "accumulate":
            out.append(("AccumulateGrad", ()))
    return sorted(out, key=str)


CASES = [
    (SEED, lambda t: (lambda x, w: (x + w) * (w + 1))(
        t.tensor(2., requires_grad=True), t.tensor(1., requires_grad=True))),
    (["z = 2*x", "-a", "x=[[1., 2., 3., 4.]]"],
     lambda t: 2 * t.tensor([[1., 2., 3., 4.]], requires_grad=True)),
    (["out = x * 3; loss = mse_loss(out, target)", "-a", "x=[[1., 2.], [3., 4.]]",
      "-a", "target=[[0., 1.], [1., 0.]]", "--const", "target"],
     lambda t: t.nn.functional.mse_loss(t.tensor([[1., 2.], [3., 4.]], requires_grad=True) * 3,
                                        t.tensor([[0., 1.], [1., 0.]]))),
    (["y = (x.detach() * x).sum() + x.pow(2).mean() - (1 - x).sum() / x.norm()",
      "-a", "x=[1., 2.]"],
     lambda t: (lambda x: (x.detach() * x).sum() + x.pow(2).mean() - (1 - x).sum() / x.norm())(
         t.tensor([1., 2.], requires_grad=True))),
    (["y = where(x > 2, x, x * 2).sum() + cat([x, x]).max()", "-a", "x=[1., 3.]"],
     lambda t: (lambda x: t.where(x > 2, x, x * 2).sum() + t.cat([x, x]).max())(
         t.tensor([1., 3.], requires_grad=True))),
]


@pytest.mark.parametrize("args,build", CASES, ids=[c[0][0] for c in CASES])
def test_graph_matches_torch_next_functions(args, build):
    torch = pytest.importorskip("torch")
    _, (rec,) = graph_json(*args)
    assert rec["error"] is None
    assert _our_structure(rec) == _torch_structure(build(torch).grad_fn)


def test_detached_and_constant_inputs_are_shown_as_such():
    _, (rec,) = graph_json("a = x.detach(); u = q * 2; y = (a * w + c).sum()",
                           "-a", "x=[1., 2.]", "-a", "w=3.", "-a", "q=1.", "-a", "c=2.",
                           "--const", "c")
    nodes = {n["id"]: n for n in rec["nodes"]}
    assert nodes["a"]["kind"] == "constant" and nodes["a"]["detached"] is True
    assert nodes["c"]["kind"] == "constant" and nodes["c"]["detached"] is False
    assert "x" not in nodes and "acc:x" not in nodes  # detach cut it off
    assert set(rec["unreachable"]) == {"x", "q", "u"}
    assert inputs_of(rec)["%1"] == ["a", "acc:w"]


def test_non_scalar_output_without_grad_still_has_a_graph():
    proc, (rec,) = graph_json("y = x * 2", "-a", "x=[1., 2.]")
    assert proc.returncode == 0 and rec["error"] is None
    assert rec["backward"] is False and "--grad" in rec["note"]
    assert {n["id"] for n in rec["nodes"]} == {"y", "x", "acc:x", "#1"}
    assert all(n["grad"] is None for n in rec["nodes"])
    _, (rec,) = graph_json("y = x * 2", "-a", "x=[1., 2.]", "--grad", "[1., 10.]")
    assert rec["backward"] is True
    assert {n["id"]: n["grad"] for n in rec["nodes"]}["x"] == [2.0, 20.0]


def test_retain_grad_puts_grads_on_ops():
    _, (rec,) = graph_json(*SEED, "--retain-grad")
    grads = {n["id"]: n["grad"] for n in rec["nodes"]}
    assert grads["%1"] == 2.0 and grads["%2"] == 3.0 and grads["y"] == 1.0


# ---------------------------------------------------------------- DOT, Mermaid, tree


def test_dot_is_accepted_by_graphviz(tmp_path):
    proc = run_gradcli("graph", *SEED, "--format", "dot")
    assert proc.returncode == 0
    text = proc.stdout
    assert text.startswith("digraph") and text.rstrip().endswith("}")
    assert "fillcolor=lightblue" in text and "fillcolor=darkolivegreen1" in text
    assert text.count(" -> ") == 8
    assert 'label="AccumulateGrad"' in text and "MulBackward0" in text
    dot = shutil.which("dot")
    if dot is None:
        pytest.skip("graphviz not installed")
    import subprocess

    res = subprocess.run([dot, "-Tsvg"], input=text, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "<svg" in res.stdout and "MulBackward0" in res.stdout


def test_dot_escapes_quotes_and_backslashes():
    from gradcli.render_graph import _dot_str

    assert _dot_str('a"b\\c') == '"a\\"b\\\\c"'


def test_mermaid_has_every_node_and_edge():
    _, (rec,) = graph_json(*SEED)
    text = run_gradcli("graph", *SEED, "--format", "mermaid").stdout
    lines = text.splitlines()
    assert lines[1] == "flowchart TB"
    assert sum(" --> " in ln for ln in lines) == len(rec["edges"])
    assert sum(ln.strip().startswith("n") and "[" in ln or "{{" in ln for ln in lines
               if "-->" not in ln) == len(rec["nodes"])
    assert "#35;1 constant" in text  # '#' is an entity in Mermaid labels


def test_tree_piped_has_no_colour_and_shows_accumulate_grad():
    proc = run_gradcli("graph", *SEED)
    assert proc.returncode == 0
    assert "\x1b[" not in proc.stdout
    assert "y MulBackward0" in proc.stdout
    assert "AccumulateGrad → x (leaf)" in proc.stdout and "grad 5." in proc.stdout
    assert "#1 constant" in proc.stdout
    assert "expanded elsewhere" in proc.stdout  # w is used twice; shown once


# ---------------------------------------------------------------- --render


def test_render_writes_an_svg(tmp_path):
    if shutil.which("dot") is None:
        pytest.skip("graphviz not installed")
    target = tmp_path / "g.svg"
    proc = run_gradcli("graph", *SEED, "--render", target)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert target.read_text().lstrip().startswith(("<?xml", "<svg"))


def test_render_without_graphviz_says_how_to_install(tmp_path):
    env = {"PATH": str(Path(sys.executable).parent)}  # the venv's bin (no dot there)
    if shutil.which("dot", path=env["PATH"]):
        pytest.skip("dot sits next to gradcli")
    proc = run_gradcli("graph", *SEED, "--render", tmp_path / "g.svg", env=env)
    no_traceback(proc)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "apt install graphviz" in lines[0] and "brew install graphviz" in lines[0]
    assert "--format dot" in lines[0]
    assert not (tmp_path / "g.svg").exists()


def test_render_rejects_other_extensions(tmp_path):
    proc = run_gradcli("graph", *SEED, "--render", tmp_path / "g.txt")
    assert proc.returncode == 2 and "svg" in proc.stderr


# ---------------------------------------------------------------- batches and errors


def test_bad_line_in_a_batch():
    proc, recs = graph_json("-a", "x=3", input="y = x * 2\ny = x +\n# note\ny = x * x\n")
    assert proc.returncode == 1
    assert [r["line"] for r in recs] == [1, 2, 4]
    assert recs[1]["error"]["type"] == "SyntaxError" and recs[1]["nodes"] == []
    assert recs[0]["error"] is None and recs[2]["error"] is None
    assert inputs_of(recs[2])["y"] == ["acc:x", "acc:x"]
    assert "gradcli: line 2: SyntaxError" in proc.stderr


def test_bad_line_in_a_tree_batch_keeps_the_others():
    proc = run_gradcli("graph", "-a", "x=3", input="y = x * 2\ny = q\ny = sin(x)\n")
    no_traceback(proc)
    assert proc.returncode == 1
    assert "line 1: y = x * 2" in proc.stdout and "line 3: y = sin(x)" in proc.stdout
    assert "SinBackward0" in proc.stdout
    assert "gradcli: line 2: NameError: name 'q' is not defined" in proc.stderr


def test_backward_error_is_the_case_error_but_the_graph_is_given():
    proc, (rec,) = graph_json("y = x * 2", "-a", "x=[1., 2.]", "--grad", "[1., 2., 3.]")
    assert proc.returncode == 1
    assert rec["error"]["message"].startswith("Mismatch in shape")
    assert {n["id"] for n in rec["nodes"]} == {"y", "x", "acc:x", "#1"}


# ---------------------------------------------------------------- depth


class _Named:
    def __init__(self, id, tensor):
        self.id, self.tensor, self.expr = id, tensor, id


def _chain(n):
    from gradcli.engine.tensor import Tensor

    x = Tensor(np.array(0.5, dtype=np.float32), requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0
    return x, y


def test_hundred_thousand_deep_chain():
    from gradcli import render_graph
    from gradcli.engine.graph_view import build_graph
    from gradcli.tasks.graph import GraphResult
    from rich.console import Console

    x, y = _chain(100_000)
    view = build_graph(y, [_Named("x", x), _Named("y", y)])
    assert len(view.nodes) == 100_000 + 100_000 + 2  # ops, constants, leaf + acc
    assert len(view.edges) == 2 * 100_000 + 1
    result = GraphResult(1, "deep", "y", view=view)
    console = Console(file=io.StringIO(), width=400, no_color=True)
    console.print(render_graph.tree(result))
    shown = console.file.getvalue()
    assert "tree depth limit" in shown
    assert shown.count("MulBackward0") == render_graph.TREE_DEPTH + 1
    dot = render_graph.dot(result)
    assert dot.count(" -> ") == len(view.edges)
    assert len(render_graph.json_line(result)) > 0


def test_graph_modules_keep_help_light():
    import subprocess
    import sys

    code = ("import sys; import gradcli.cmd_graph, gradcli.cmd_explain; "
            "print([m for m in ('numpy', 'lark', 'rich') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ))
    assert out.stdout.strip() == "[]", out.stderr
