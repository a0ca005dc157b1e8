"""Depth: 100,000-op graphs and 100,000-term expressions must work (no recursion on graph or
expression depth anywhere: building, backward, printing, freeing), in the engine and
through the installed command."""

import json
import math
import sys

import numpy as np
import pytest
from conftest import no_traceback, run_gradcli
from gradcli.engine import api, autograd
from gradcli.engine.tensor import Tensor

DEPTH = 100_000


def test_depth_is_beyond_the_recursion_limit():
    # otherwise the tests below could pass with a recursive implementation
    assert sys.getrecursionlimit() < DEPTH // 2


def affine_chain(x: Tensor, steps: int, c: float) -> Tensor:
    """2 * steps ops: t = t * c + 0.5, repeated."""
    t = x
    for _ in range(steps):
        t = api.mul(t, c)
        t = api.add(t, 0.5)
    return t


def test_engine_100k_op_chain():
    steps, c = DEPTH // 2, 1.00001
    x = Tensor(np.array(1.0), True)  # float64: the closed forms below hold to ~1e-12
    y = affine_chain(x, steps, c)
    assert len(autograd.topological_order([y])) == DEPTH + 1
    assert y.grad_fn.name() == "AddBackward0"
    # t_k = c^k + 0.5 * (c^k - 1) / (c - 1)
    assert float(y.data) == pytest.approx(c**steps + 0.5 * (c**steps - 1) / (c - 1), rel=1e-9)
    # autograd.grad first (keeping the graph): it accumulates nothing
    (g,) = autograd.grad([y], [x], retain_graph=True)
    assert float(g.data) == pytest.approx(c**steps, rel=1e-12)
    assert x.grad is None
    autograd.run_backward([y], [None])
    assert float(x.grad.data) == pytest.approx(c**steps, rel=1e-12)
    del y, g  # freeing a 100,000-deep graph must not overflow the C stack either


def test_engine_100k_op_chain_with_branches():
    """t = t + 0.001 * sin(t): every step uses t twice, so gradients accumulate at each of
    the 33,334 levels. The oracle is forward-mode by hand: dt'/dt = 1 + 0.001 * cos(t)."""
    steps = DEPTH // 3 + 1
    start = np.array([0.3, -1.2, 2.0])
    sin, total = api.FUNCTIONS["sin"], api.FUNCTIONS["sum"]
    x = Tensor(start.copy(), True)
    t = x
    for _ in range(steps):
        t = api.add(t, api.mul(sin(t), 0.001))
    autograd.run_backward([total(t)], [None])

    value, slope = start.copy(), np.ones(3)
    for _ in range(steps):
        slope *= 1 + 0.001 * np.cos(value)
        value = value + np.sin(value) * 0.001
    np.testing.assert_allclose(t.data, value, rtol=1e-10)
    np.testing.assert_allclose(x.grad.data, slope, rtol=1e-9)
    assert not np.allclose(slope, 1.0, rtol=1e-3)  # the branches do contribute


def eval_json(text: str, *args) -> dict:
    """One case through the installed command (on stdin: 100,000 terms are more than one
    command-line argument may hold)."""
    proc = run_gradcli("eval", "--format", "json", *args, input=text + "\n", timeout=300)
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr[-2000:]
    [line] = proc.stdout.splitlines()
    record = json.loads(line)
    assert record["error"] is None
    return record


def test_cli_100k_term_sum():
    record = eval_json("y = " + " + ".join(["x"] * DEPTH), "--at", "x=1")
    nodes = record["nodes"]
    # x, then one node per addition: DEPTH - 2 intermediates and y
    assert len(nodes) == DEPTH
    x, y = nodes[0], nodes[-1]
    assert (x["id"], y["id"], nodes[-2]["id"]) == ("x", "y", f"%{DEPTH - 2}")
    assert x["grad"] == DEPTH
    assert y["value"] == DEPTH and y["grad_fn"] == "AddBackward0"
    assert nodes[1]["expr"] == "x + x" and nodes[1]["value"] == 2.0


def test_cli_5000_nested_parentheses():
    n = 5000
    record = eval_json("y=" + "(" * n + "x" + ")" * n + "+1", "--at", "x=2")
    assert [node["id"] for node in record["nodes"]] == ["x", "y"]  # parentheses make no node
    x, y = record["nodes"]
    assert x["grad"] == 1.0
    assert (y["value"], y["grad_fn"]) == (3.0, "AddBackward0")


def test_cli_5000_nested_calls_match_pytorch():
    torch = pytest.importorskip("torch")
    n = 5000
    record = eval_json("y = " + "sin(" * n + "x" + ")" * n, "--at", "x=1")
    tx = torch.tensor(1.0, requires_grad=True)
    t = tx
    for _ in range(n):
        t = torch.sin(t)
    t.backward()
    nodes = record["nodes"]
    assert len(nodes) == n + 1
    assert all(node["grad_fn"] == "SinBackward0" for node in nodes[1:])
    assert math.isclose(nodes[-1]["value"], t.item(), rel_tol=1e-5)
    assert math.isclose(nodes[0]["grad"], tx.grad.item(), rel_tol=1e-4)


def test_cli_long_multiplication_chain():
    n = 20_000
    record = eval_json("y = x" + " * 1" * n, "--at", "x=3")
    nodes = record["nodes"]
    assert len(nodes) == n + 1  # x, n - 1 intermediates, y
    assert nodes[0]["grad"] == 1.0
    assert nodes[-1]["value"] == 3.0 and nodes[-1]["grad_fn"] == "MulBackward0"
    assert all(node["grad"] is None for node in nodes[1:])
