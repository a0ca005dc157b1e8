"""gradcli explain: every number is the engine's (checked against torch and against eval),
contributions add up to the grads, broadcasting says which axes were summed, the Jacobian
and vᵀJ are right, each None has its reason, and the plain text is stable (golden)."""

import json
import os
from pathlib import Path

import numpy as np
import pytest
from conftest import no_traceback, run_gradcli

GOLDEN = Path(__file__).parent / "golden"
SEED = ["y=(x+w)*(w+1)", "--at", "x=2", "--at", "w=1"]
VJP_SEED = ["z = 2*x", "-a", "x=[[1., 2., 3., 4.]]", "-g", "[[1., 0.1, 0.01, 0.001]]"]
BROADCAST = ["y = x * w + b", "-a", "x=[[1., 2., 3.], [4., 5., 6.]]", "-a", "w=[1., 2., 3.]",
             "-a", "b=[[1.], [2.]]", "-g", "[[1., 0.5, 0.25], [2., 3., 4.]]"]
GRAD_OUTPUTS = ["x = w1 + w2; y = w2 * w3; z = x + y", "-a", "w1=ones(2, 2) * 2",
                "-a", "w2=ones(2, 2) * 3", "-a", "w3=tensor([[5., 6.], [7., 8.]])",
                "-g", "tensor([[1., 2.], [3., 4.]])"]


def explain_json(*args, input=None):
    proc = run_gradcli("explain", *args, "--format", "json", input=input)
    no_traceback(proc)
    return proc, [json.loads(line) for line in proc.stdout.splitlines()]


def eval_grads(*args) -> dict:
    rec = json.loads(run_gradcli("eval", *args, "--format", "json").stdout)
    return {n["id"]: n["grad"] for n in rec["nodes"]}


def close(a, b):
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float),
                               rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------- golden plain text


@pytest.mark.parametrize("name,args", [("explain_accumulate", SEED),
                                       ("explain_vjp_weights", VJP_SEED)])
def test_golden_plain_text(name, args):
    proc = run_gradcli("explain", *args, "--format", "plain")
    assert proc.returncode == 0, proc.stderr
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("GRADCLI_UPDATE_GOLDEN"):
        path.write_text(proc.stdout)
    assert proc.stdout == path.read_text()


# ---------------------------------------------------------------- the seed, step by step


def test_seed_steps_in_reverse_topological_order_with_accumulation():
    proc, (rec,) = explain_json(*SEED)
    assert proc.returncode == 0 and rec["error"] is None
    assert [s["id"] for s in rec["steps"]] == ["y", "%2", "%1", "w", "x"]
    first = rec["steps"][0]
    assert first["arrivals"] == [{"from": "seed", "input_index": None, "value": 1.0}]
    assert rec["implicit_seed"] is True and rec["seed"] == 1.0
    rules = {r["to"]: r for r in first["rules"]}
    assert rules["%1"]["formula"] == "grad * other" and rules["%1"]["values"] == {
        "grad": 1.0, "other": 2.0}
    assert rules["%2"]["formula"] == "grad * self" and rules["%2"]["values"]["self"] == 3.0
    w = next(s for s in rec["steps"] if s["id"] == "w")
    assert sorted((a["from"], a["value"]) for a in w["arrivals"]) == [("%1", 2.0), ("%2", 3.0)]
    assert w["stored"] == "leaf" and w["grad"] == 5.0
    skipped = next(r for r in rec["steps"][1]["rules"] if r["to"] == "#1")
    assert skipped["sent"] is None and "does not require grad" in skipped["skipped"]


@pytest.mark.parametrize("args", [SEED, VJP_SEED, BROADCAST, GRAD_OUTPUTS],
                         ids=["accumulate", "vjp_weights", "broadcast", "grad_outputs"])
def test_contributions_sum_to_the_grads_eval_computes(args):
    _, (rec,) = explain_json(*args)
    grads = eval_grads(*args)
    sent = {}
    for s in rec["steps"]:
        total = sum(np.asarray(a["value"], dtype=float) for a in s["arrivals"])
        close(total, s["grad"])
        for a in s["arrivals"]:
            if a["from"] != "seed":
                sent_value = sent.pop((a["from"], a["input_index"], s["id"]))
                close(sent_value, a["value"])
        for r in s["rules"]:
            if r["sent"] is not None:
                sent[(s["id"], r["input_index"], r["to"])] = r["sent"]
        if s["kind"] == "leaf":
            close(s["grad"], grads[s["id"]])
            close(rec["grads"][s["id"]], grads[s["id"]])
    assert sent == {}, "every gradient sent arrives somewhere"
    leaves = {k for k, v in grads.items() if v is not None}
    assert set(rec["grads"]) == leaves


def test_grads_match_torch():
    torch = pytest.importorskip("torch")
    _, (rec,) = explain_json(*GRAD_OUTPUTS)
    w1 = torch.ones(2, 2, requires_grad=True)
    w1.data *= 2
    w2 = (torch.ones(2, 2) * 3).requires_grad_()
    w3 = torch.tensor([[5., 6.], [7., 8.]], requires_grad=True)
    z = (w1 + w2) + w2 * w3
    z.backward(torch.tensor([[1., 2.], [3., 4.]]))
    for name, t in (("w1", w1), ("w2", w2), ("w3", w3)):
        close(rec["grads"][name], t.grad.numpy())


# ---------------------------------------------------------------- broadcasting


def test_broadcasting_names_the_summed_axes():
    torch = pytest.importorskip("torch")
    _, (rec,) = explain_json(*BROADCAST)
    rules = {r["to"]: r for s in rec["steps"] for r in s["rules"] if r["sent"] is not None}
    assert rules["w"]["rule_shape"] == [2, 3] and rules["w"]["summed_axes"] == [0]
    assert rules["w"]["kept_axes"] == []
    assert rules["b"]["rule_shape"] == [2, 3] and rules["b"]["summed_axes"] == [1]
    assert rules["b"]["kept_axes"] == [1]
    assert rules["x"]["summed_axes"] == []
    close(np.asarray(rules["w"]["rule_output"]).sum(axis=0), rules["w"]["sent"])
    x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
    w = torch.tensor([1., 2., 3.], requires_grad=True)
    b = torch.tensor([[1.], [2.]], requires_grad=True)
    (x * w + b).backward(torch.tensor([[1., 0.5, 0.25], [2., 3., 4.]]))
    close(rules["w"]["sent"], w.grad.numpy())
    close(rules["b"]["sent"], b.grad.numpy())
    text = run_gradcli("explain", *BROADCAST, "--format", "plain").stdout
    assert "summed over axis 0" in text and "summed over axis 1 (kept as size 1)" in text


# ---------------------------------------------------------------- the VJP made visible


@pytest.mark.parametrize("args,leaves", [(VJP_SEED, ["x"]), (BROADCAST, ["x", "w", "b"]),
                                         (GRAD_OUTPUTS, ["w1", "w2", "w3"])],
                         ids=["vjp_weights", "broadcast", "grad_outputs"])
def test_jacobian_and_vjp(args, leaves):
    torch = pytest.importorskip("torch")
    _, (rec,) = explain_json(*args)
    vjp = rec["vjp"]
    assert vjp is not None and vjp["skipped"] is None
    assert [b["wrt"] for b in vjp["jacobians"]] == leaves
    grads = eval_grads(*args)
    v = np.asarray(vjp["v"], dtype=float).reshape(-1)
    leaf_values = {k: torch.tensor(rec_value, dtype=torch.float32)
                   for k, rec_value in _leaf_values(args).items()}

    for block in vjp["jacobians"]:
        J = np.asarray(block["jacobian"], dtype=float)
        # torch's Jacobian of the same function of this one leaf
        def f(t, name=block["wrt"]):
            vals = dict(leaf_values, **{name: t})
            return _torch_fn(args[0])(vals)
        expected = torch.autograd.functional.jacobian(f, leaf_values[block["wrt"]])
        close(J, expected.reshape(J.shape).numpy())
        close(np.asarray(block["vjp"], dtype=float).reshape(-1), v @ J)
        close(block["vjp"], grads[block["wrt"]])  # vᵀJ is what eval puts in .grad
        assert block["matches"] is True


def _leaf_values(args) -> dict:
    out = {}
    recs = json.loads(run_gradcli("eval", *args, "--format", "json").stdout)
    for n in recs["nodes"]:
        if n["is_leaf"] and n["requires_grad"]:
            out[n["id"]] = n["value"]
    return out


def _torch_fn(source):
    return {
        VJP_SEED[0]: lambda v: 2 * v["x"],
        BROADCAST[0]: lambda v: v["x"] * v["w"] + v["b"],
        GRAD_OUTPUTS[0]: lambda v: (v["w1"] + v["w2"]) + v["w2"] * v["w3"],
    }[source]


def test_large_jacobians_are_skipped_with_a_reason():
    _, (rec,) = explain_json("y = (x + 1).pow(2)", "-a", "x=eye(5)", "-g", "ones(5, 5)")
    assert rec["error"] is None and rec["vjp"]["skipped"] is None
    (block,) = rec["vjp"]["jacobians"]
    assert block["jacobian"] is None and "625 entries" in block["skipped"]
    _, (rec,) = explain_json("y = x * w", "-a", "x=ones(4)", "-a", "w=ones(20, 4)",
                             "-g", "ones(20, 4)")
    assert "80 elements" in rec["vjp"]["skipped"] and rec["vjp"]["jacobians"] == []


def test_scalar_output_has_no_vjp_section():
    _, (rec,) = explain_json(*SEED)
    assert rec["vjp"] is None


# ---------------------------------------------------------------- why None


def test_every_none_has_its_reason():
    _, (rec,) = explain_json("a = x.detach(); u = q * 2; y = (a * w + c).sum()",
                             "-a", "x=[1., 2.]", "-a", "w=3.", "-a", "q=1.", "-a", "c=2.",
                             "--const", "c")
    reasons = {n["id"]: n["reason"] for n in rec["none"]}
    assert reasons == {"x": "detached", "a": "detached", "q": "unreachable",
                       "u": "unreachable", "c": "constant", "%1": "non_leaf",
                       "%2": "non_leaf", "y": "non_leaf"}
    grads = eval_grads("a = x.detach(); u = q * 2; y = (a * w + c).sum()",
                       "-a", "x=[1., 2.]", "-a", "w=3.", "-a", "q=1.", "-a", "c=2.",
                       "--const", "c")
    assert {k for k, v in grads.items() if v is None} == set(reasons)


def test_retain_grad_keeps_non_leaf_grads():
    _, (rec,) = explain_json(*SEED, "--retain-grad")
    assert rec["none"] == []
    stored = {s["id"]: s["stored"] for s in rec["steps"]}
    assert stored == {"y": "retain_grad", "%2": "retain_grad", "%1": "retain_grad",
                      "w": "leaf", "x": "leaf"}


def test_scalar_arguments_are_not_graph_inputs():
    torch = pytest.importorskip("torch")
    _, (rec,) = explain_json("y = (1 - x.pow(2)).sum()", "-a", "x=[1., 2.]")
    pow_step = next(s for s in rec["steps"] if s["grad_fn"] == "PowBackward0")
    exponent = next(r for r in pow_step["rules"] if r["input"] == "exponent")
    assert exponent["to"] is None and "argument" in exponent["skipped"]
    x = torch.tensor([1., 2.], requires_grad=True)
    (1 - x.pow(2)).sum().backward()
    close(rec["grads"]["x"], x.grad.numpy())


# ---------------------------------------------------------------- batches, errors, forms


def test_bad_line_in_a_batch():
    proc, recs = explain_json("-a", "x=3", input="y = x * 2\ny = x +\ny = sin(x)\n")
    assert proc.returncode == 1
    assert [r["line"] for r in recs] == [1, 2, 3]
    assert recs[1]["error"]["type"] == "SyntaxError" and recs[1]["steps"] == []
    assert recs[2]["grads"]["x"] == pytest.approx(np.cos(3.0), rel=1e-6)
    assert "gradcli: line 2: SyntaxError" in proc.stderr


def test_non_scalar_without_grad_is_pytorchs_error():
    proc, (rec,) = explain_json("y = x * 2", "-a", "x=[1., 2.]")
    assert proc.returncode == 1
    assert rec["error"]["message"] == "grad can be implicitly created only for scalar outputs"


def test_rich_form_on_a_pipe_has_panels_and_no_colour():
    proc = run_gradcli("explain", *SEED)
    assert proc.returncode == 0
    assert "\x1b[" not in proc.stdout
    assert "step 4: w (leaf, AccumulateGrad)" in proc.stdout
    assert "3. (via %2) + 2. (via %1) = 5." in proc.stdout
    assert "╭" in proc.stdout


def test_hundred_thousand_deep_backward_is_explained():
    from gradcli.engine.explain import explain_backward
    from gradcli.engine.tensor import Tensor

    class Named:
        def __init__(self, id, tensor):
            self.id, self.tensor, self.expr = id, tensor, id

    x = Tensor(np.array(0.5, dtype=np.float32), requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    exp = explain_backward(y, None, [Named("x", x), Named("y", y)])
    assert len(exp.steps) == 100_001
    assert exp.steps[-1].id == "x" and float(exp.grads["x"]) == 1.0
