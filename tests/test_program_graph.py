"""graph and explain of a program's tensor (`--program FILE`): the graph a program built,
custom autograd.Functions included, compared with the graph real PyTorch builds for the
same program (its grad_fn.next_functions walked here); explain's per-tensor gradients
compared with torch.autograd.grad; the program's .grad left alone; errors at the edge."""

import contextlib
import io
import json

import numpy as np
import pytest
from conftest import no_traceback, run_gradcli

CUSTOM = """import torch

class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g

class MulAdd(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b + a, a - b

    @staticmethod
    def backward(ctx, g1, g2):
        a, b = ctx.saved_tensors
        return g1 * (b + 1) + g2, g1 * a - g2

x = torch.tensor([1., 2., 3.], requires_grad=True)
w = torch.tensor(0.5, requires_grad=True)
s = Square.apply(x)
p, q = MulAdd.apply(s, w.expand(3))
v = p[1:]
loss = (v.sum() + q.mean()) * w
print(loss)
"""

# one output, a non-tensor argument, a tensor hook, a view, the program's own backward
CUBE = """import torch

class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        ctx.save_for_backward(x)
        ctx.k = k
        return k * x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * ctx.k * x ** 2 * g, None

x = torch.tensor([1., 2.], requires_grad=True)
w = torch.tensor(0.5, requires_grad=True)
h = x * w
h.register_hook(lambda g: g * 2)
y = Cube.apply(h, 2.0)
v = y.view(2, 1)
loss = v.sum() + (w * 3).exp()
loss.backward(retain_graph=True)
print(x.grad, w.grad)
"""

# in-place on a view of a non-leaf (CopySlices), an in-place op after use, setup_context
INPLACE = """import torch

class Scale(torch.autograd.Function):
    @staticmethod
    def forward(x, k):
        return x * k

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.k = inputs[1]

    @staticmethod
    def backward(ctx, g):
        return g * ctx.k, None

a = torch.tensor([1., -2., 3., 0.5], requires_grad=True)
b = a * 2
b[1:3].mul_(torch.tensor([4., 5.]))
c = b.exp()
b.mul_(3)
d = Scale.apply(b, 0.25)
out = (c * d).sum() + d.tanh().mean()
"""

PROGRAMS = {"custom": (CUSTOM, "loss"), "cube": (CUBE, "loss"), "inplace": (INPLACE, "out")}


def torch_globals(program: str) -> dict:
    torch = pytest.importorskip("torch")
    ns: dict = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(program, "<program>", "exec"), ns)  # noqa: S102 - the test's own text
    return {k: v for k, v in ns.items() if isinstance(v, torch.Tensor)}


def torch_structure(fn):
    """Every grad_fn reachable from fn: (name, next_functions names), None for None."""
    out, stack, seen = [], [fn], set()
    while stack:
        f = stack.pop()
        if f is None or id(f) in seen:
            continue
        seen.add(id(f))
        name = f.name().replace("torch::autograd::", "")
        out.append((name, tuple(None if g is None else g.name().replace("torch::autograd::", "")
                                for g, _ in f.next_functions)))
        stack.extend(g for g, _ in f.next_functions)
    return sorted(out, key=str)


def our_structure(rec):
    nodes = {n["id"]: n for n in rec["nodes"]}
    kids: dict = {}
    for e in sorted(rec["edges"], key=lambda e: e["input_index"]):
        kids.setdefault(e["to"], []).append(e["from"])
    out = []
    for n in rec["nodes"]:
        if n["kind"] == "op":
            out.append((n["grad_fn"].replace("torch::autograd::", ""),
                        tuple(None if nodes[k]["kind"] == "constant"
                              else nodes[k]["grad_fn"].replace("torch::autograd::", "")
                              for k in kids.get(n["id"], []))))
        elif n["kind"] == "accumulate":
            out.append(("AccumulateGrad", ()))
    return sorted(out, key=str)


def write(tmp_path, program: str) -> str:
    path = tmp_path / "prog.py"
    path.write_text(program)
    return str(path)


def graph_record(tmp_path, program, *args):
    proc = run_gradcli("graph", "--program", write(tmp_path, program), "--format", "json",
                       *args)
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    (line,) = proc.stdout.splitlines()
    return json.loads(line)


@pytest.mark.parametrize("kind", sorted(PROGRAMS))
def test_graph_of_a_program_is_torchs_graph(tmp_path, kind):
    program, name = PROGRAMS[kind]
    tg = torch_globals(program)
    rec = graph_record(tmp_path, program)
    assert rec["output"] == name and rec["line"] is None and rec["error"] is None
    assert our_structure(rec) == torch_structure(tg[name].grad_fn)
    # the default output is the last global tensor with a grad_fn; --of picks another
    for other in ("v", "s", "d", "c"):
        if other in tg and tg[other].grad_fn is not None:
            rec = graph_record(tmp_path, program, "--of", other)
            assert our_structure(rec) == torch_structure(tg[other].grad_fn)


def test_custom_function_nodes_are_named_and_one_node_per_application(tmp_path):
    rec = graph_record(tmp_path, CUSTOM)
    names = [n["grad_fn"] for n in rec["nodes"] if n["kind"] == "op"]
    assert names.count("MulAddBackward") == 1 and names.count("SquareBackward") == 1
    by_id = {n["id"]: n for n in rec["nodes"]}
    # x, a leaf that requires grad, reaches SquareBackward through its AccumulateGrad
    (sq,) = [n["id"] for n in rec["nodes"] if n["grad_fn"] == "SquareBackward"]
    into_sq = [e["from"] for e in rec["edges"] if e["to"] == sq]
    assert [by_id[i]["grad_fn"] for i in into_sq] == ["AccumulateGrad"]
    assert by_id[into_sq[0]]["variable"] == "x"


def test_grads_shown_are_the_programs_own(tmp_path):
    tg = torch_globals(CUBE)
    rec = graph_record(tmp_path, CUBE)
    by_id = {n["id"]: n for n in rec["nodes"]}
    for leaf in ("x", "w"):
        np.testing.assert_allclose(by_id[leaf]["grad"], tg[leaf].grad.numpy(), rtol=1e-6)
    assert rec["backward"] is False and "no backward" in rec["note"]


@pytest.mark.parametrize("fmt", ["dot", "mermaid", "plain"])
def test_other_formats_name_the_custom_nodes(tmp_path, fmt):
    proc = run_gradcli("graph", "--program", write(tmp_path, CUSTOM), "--format", fmt)
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    assert "MulAddBackward" in proc.stdout and "SquareBackward" in proc.stdout
    assert "AccumulateGrad" in proc.stdout and "program " in proc.stdout
    assert "tensor(" not in proc.stdout  # the program's own print is not shown


def explain_record(tmp_path, program, *args):
    proc = run_gradcli("explain", "--program", write(tmp_path, program), "--format", "json",
                       *args)
    no_traceback(proc)
    (line,) = proc.stdout.splitlines()
    return proc, json.loads(line)


@pytest.mark.parametrize("kind", ["cube", "inplace"])
def test_explain_steps_are_torchs_gradients(tmp_path, kind):
    torch = pytest.importorskip("torch")
    program, name = PROGRAMS[kind]
    tg = torch_globals(program)
    out = tg[name]
    proc, rec = explain_record(tmp_path, program)
    assert proc.returncode == 0 and rec["error"] is None, proc.stderr
    checked = 0
    for step in rec["steps"]:
        t = tg.get(step["id"])
        # a global tensor changed in place after use is not the tensor the step saw
        if t is None or t._version != 0:
            continue
        (g,) = torch.autograd.grad(out, t, retain_graph=True)
        np.testing.assert_allclose(np.asarray(step["grad"], dtype=np.float32), g.numpy(),
                                   rtol=1e-5, atol=1e-6)
        checked += 1
    assert checked >= 3
    for leaf, grad in rec["grads"].items():  # afresh: not added to the program's .grad
        (g,) = torch.autograd.grad(out, tg[leaf], retain_graph=True)
        np.testing.assert_allclose(np.asarray(grad, dtype=np.float32), g.numpy(), rtol=1e-5)


def test_explain_names_the_functions_backward(tmp_path):
    proc, rec = explain_record(tmp_path, CUBE)
    (step,) = [s for s in rec["steps"] if s["grad_fn"] == "CubeBackward"]
    (rule,) = step["rules"]
    assert rule["input"] == "x" and rule["formula"] == "Cube.backward(ctx, grad)[0]"


def test_explain_leaves_the_programs_grads_alone(monkeypatch):
    torch = pytest.importorskip("torch")
    from gradcli.tasks import explain as task
    from gradcli.tasks import program

    seen = {}
    real = program.run_for_tensors

    def spy(text, warn, max_steps):
        nodes = real(text, warn, max_steps)
        seen["before"] = {n.id: None if n.tensor.grad is None else n.tensor.grad.data.copy()
                          for n in nodes}
        seen["nodes"] = nodes
        return nodes

    monkeypatch.setattr(program, "run_for_tensors", spy)
    r = task.explain_program("prog.py", CUBE, None, None, True, lambda *a: None, 10**6)
    assert r.error is None
    for n in seen["nodes"]:
        before = seen["before"][n.id]
        after = None if n.tensor.grad is None else n.tensor.grad.data
        assert (before is None) == (after is None)
        if before is not None:
            np.testing.assert_array_equal(before, after)
        assert n.tensor.retains_grad is False
    tg = torch_globals(CUBE)
    (gx,) = torch.autograd.grad(tg["loss"], tg["x"])
    np.testing.assert_allclose(r.explanation.grads["x"], gx.numpy(), rtol=1e-6)


def test_explain_non_scalar_output_with_grad_and_vjp(tmp_path):
    torch = pytest.importorskip("torch")
    tg = torch_globals(CUBE)
    proc, rec = explain_record(tmp_path, CUBE, "--of", "y", "--grad", "[1., -2.]")
    assert proc.returncode == 0, proc.stderr
    (gx,) = torch.autograd.grad(tg["y"], tg["x"], torch.tensor([1., -2.]))
    np.testing.assert_allclose(rec["grads"]["x"], gx.numpy(), rtol=1e-6)
    assert rec["vjp"] is not None and all(b["matches"] for b in rec["vjp"]["jacobians"])


def test_explain_of_several_output_function_is_refused_by_name(tmp_path):
    proc, rec = explain_record(tmp_path, CUSTOM)
    assert proc.returncode == 1
    assert rec["error"]["type"] == "NotImplementedError"
    assert "MulAddBackward" in rec["error"]["message"]


def test_explain_after_the_programs_backward_freed_the_graph(tmp_path):
    program = CUBE.replace("loss.backward(retain_graph=True)", "loss.backward()")
    proc, rec = explain_record(tmp_path, program)
    assert proc.returncode == 1
    assert rec["error"]["message"].startswith("Trying to backward through the graph a second")
    assert "hint: the program's own backward freed this graph" in proc.stderr


def test_program_errors_are_reported_as_run_reports_them(tmp_path):
    program = "import torch\nx = torch.ones(2, requires_grad=True)\ny = x @ torch.ones(3)\n"
    path = write(tmp_path, program)
    ran = run_gradcli("run", path)
    for cmd in ("graph", "explain"):
        proc = run_gradcli(cmd, "--program", path)
        no_traceback(proc)
        assert proc.returncode == 1 and proc.stdout == ""
        assert proc.stderr == ran.stderr and proc.stderr.startswith("gradcli: line 3: ")


def test_choosing_the_tensor(tmp_path):
    path = write(tmp_path, "import torch\nx = torch.ones(2)\nn = 3\n")
    proc = run_gradcli("graph", "--program", path)
    assert proc.returncode == 1
    assert "no global tensor with a grad_fn (its global tensors: x)" in proc.stderr
    proc = run_gradcli("graph", "--program", path, "--of", "q")
    assert proc.returncode == 2
    assert proc.stderr.startswith("gradcli: --of q: NameError: ")
    proc = run_gradcli("graph", "--program", path, "--of", "x", "--format", "json")
    rec = json.loads(proc.stdout)
    assert proc.returncode == 0 and [n["kind"] for n in rec["nodes"]] == ["constant"]


def test_program_excludes_case_options(tmp_path):
    path = write(tmp_path, CUBE)
    for extra in (["y=x*2"], ["--at", "x=1"], ["--file", path]):
        proc = run_gradcli("graph", "--program", path, *extra)
        assert proc.returncode == 2 and "takes no case" in proc.stderr
    proc = run_gradcli("graph", "--program", path, "--grad", "1")
    assert proc.returncode == 2


def test_program_from_standard_input():
    proc = run_gradcli("graph", "--program", "-", "--format", "json", input=CUBE)
    rec = json.loads(proc.stdout)
    assert proc.returncode == 0 and rec["source"] == "-" and rec["output"] == "loss"


def test_help_documents_program():
    for cmd in ("graph", "explain"):
        proc = run_gradcli(cmd, "--help")
        assert "--program" in proc.stdout and "--max-steps" in proc.stdout


MODULE = """import torch
import torch.nn as nn
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1))
x = torch.randn(4, 3)
loss = model(x).pow(2).mean()
"""


def test_module_parameters_go_by_their_qualified_names(tmp_path):
    torch = pytest.importorskip("torch")
    tg = torch_globals(MODULE)
    rec = graph_record(tmp_path, MODULE)
    assert our_structure(rec) == torch_structure(tg["loss"].grad_fn)
    leaves = {n["id"] for n in rec["nodes"] if n["kind"] == "leaf"}
    assert leaves == {"model.0.weight", "model.0.bias", "model.2.weight", "model.2.bias"}
    proc, exp = explain_record(tmp_path, MODULE)
    assert proc.returncode == 0, proc.stderr
    ns: dict = {}
    exec(compile(MODULE, "<program>", "exec"), ns)  # noqa: S102 - the test's own text
    params = dict(ns["model"].named_parameters())
    grads = torch.autograd.grad(ns["loss"], list(params.values()))
    for (name, _), g in zip(params.items(), grads, strict=True):
        np.testing.assert_allclose(exp["grads"][f"model.{name}"], g.numpy(), rtol=1e-5,
                                   atol=1e-7)
