"""A reassigned name gets a distinct node id (issue 21.9): `y`, then `y@2`, `y@3`, in JSON
records, tables and graphs; the output names the node it is; --of NAME picks the latest
node of that name; derive still calls the output y."""

import json

import pytest
from conftest import no_traceback, run_gradcli


def _record(*args):
    p = run_gradcli(*args, "--format", "json")
    no_traceback(p)
    return p, json.loads(p.stdout.splitlines()[0])


def test_eval_ids_are_distinct_and_the_output_is_the_last():
    p, rec = _record("eval", "y = x*2; y = y.sum(); y = y*3", "-a", "x=[1., 2.]")
    assert p.returncode == 0
    ids = [n["id"] for n in rec["nodes"]]
    assert ids == ["x", "y", "y@2", "y@3"]
    assert rec["output"] == "y@3"
    by_id = {n["id"]: n for n in rec["nodes"]}
    assert by_id["y@3"]["value"] == 18.0 and by_id["x"]["grad"] == [6.0, 6.0]


def test_table_and_plain_show_the_ids():
    p = run_gradcli("eval", "y = x*2; y = y.sum()", "-a", "x=[1., 2.]")
    assert "(output: y@2)" in p.stdout
    rows = [ln.split()[0] for ln in p.stdout.splitlines() if ln.startswith("  ") and ln.strip()]
    assert "y" in rows and "y@2" in rows
    p = run_gradcli("eval", "y = x*2; y = y.sum()", "-a", "x=[1., 2.]", "--format", "plain")
    assert "id=y\t" in p.stdout and "id=y@2\t" in p.stdout


def test_a_rebound_at_name_and_a_reassigned_leaf():
    torch = pytest.importorskip("torch")
    p, rec = _record("eval", "x = 2.; y = x*x", "-a", "x=1.")
    assert [n["id"] for n in rec["nodes"]] == ["x", "x@2", "y"]
    x = torch.tensor(2., requires_grad=True)
    (x * x).backward()
    by_id = {n["id"]: n for n in rec["nodes"]}
    assert by_id["x@2"]["grad"] == x.grad.item()
    assert by_id["x"]["grad"] is None  # the first x is not in y's graph


def test_of_picks_the_latest_node_of_a_name():
    p, rec = _record("eval", "y = x*2; y = y*3; z = y.sum()", "-a", "x=[1., 2.]",
                     "--of", "y", "--grad", "ones_like(y)")
    assert p.returncode == 0, p.stderr
    assert rec["output"] == "y@2"
    assert {n["id"]: n for n in rec["nodes"]}["x"]["grad"] == [6.0, 6.0]


def test_graph_ids_are_distinct():
    p, rec = _record("graph", "y = x*2; y = y.sum()", "-a", "x=[1., 2.]")
    assert p.returncode == 0
    ids = [n["id"] for n in rec["nodes"]]
    assert len(ids) == len(set(ids)) and {"y", "y@2"} <= set(ids)


def test_explain_with_a_reassigned_leaf_matches_torch():
    """explain re-runs the case with its leaves pinned by NAME: a reassigned leaf must not
    take its first value the second time."""
    torch = pytest.importorskip("torch")
    p, rec = _record("explain", "x = [1., 2.]; x = [3., 4.]; y = x*x", "--grad", "ones_like(y)")
    assert p.returncode == 0, p.stderr
    x = torch.tensor([3., 4.], requires_grad=True)
    y = x * x
    y.backward(torch.ones_like(y))
    text = json.dumps(rec)
    assert "x@2" in text
    p2 = run_gradcli("eval", "x = [1., 2.]; x = [3., 4.]; y = x*x", "--grad", "ones_like(y)",
                     "--format", "json")
    nodes = {n["id"]: n for n in json.loads(p2.stdout)["nodes"]}
    assert nodes["x@2"]["grad"] == x.grad.tolist()
    # the Jacobian shown comes from the re-run: it must be taken at x@2's own value
    plain = run_gradcli("explain", "x = [1., 2.]; x = [3., 4.]; y = x*x", "--grad",
                        "ones_like(y)", "--format", "plain").stdout
    assert "vᵀJ = [6., 8.] (shape [2]), equals x@2.grad" in plain


def test_derive_still_names_the_output_y():
    p = run_gradcli("derive", "y = x*w; y = y*y")
    assert p.returncode == 0
    assert p.stdout.splitlines() == ["dy/dx = 2*x*w**2", "dy/dw = 2*x**2*w"]
