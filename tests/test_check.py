"""gradcli check: the numeric checker must catch a wrong VJP, claims must be judged right,
kinks reported as kinks, and exit codes follow SPEC (0 all right, 1 anything wrong)."""

import json

import numpy as np
import pytest
from conftest import no_traceback, run_gradcli
from gradcli.engine.ops import OPS
from gradcli.parser.interpreter.case import CaseOptions, parse_binding
from gradcli.tasks.check import CheckOptions, check_case


def check(source, *bindings, **kw):
    case = CaseOptions(bindings=[parse_binding(b) for b in bindings],
                       grad=kw.pop("grad", None), wrt=kw.pop("wrt", None))
    return check_case(source, 1, CheckOptions(case=case, **kw))


@pytest.fixture
def broken_sin():
    """sin with a deliberately wrong rule (cos(1.01 x) instead of cos(x)), test-only."""
    from gradcli.engine import dual as D

    op = OPS["sin"]
    saved = op.vjps
    object.__setattr__(op, "vjps", (lambda g, o, a: D.mul(g, D.cos(D.mul(a, 1.01))),))
    yield
    object.__setattr__(op, "vjps", saved)


def test_correct_rules_pass_at_both_orders():
    r = check("y = (sin(x**2) * w + exp(-x) / (1 + w**2)).sum()", "x=[0.3, -1.2, 2.0]",
              "w=0.7", order=2)
    assert r.error is None and r.ok
    assert [c.name for c in r.gradcheck] == ["x", "w"]
    assert [c.name for c in r.gradgradcheck] == ["x,x", "x,w", "w,x", "w,w"]
    assert all(c.comparison.max_abs < 1e-5 for c in r.gradcheck + r.gradgradcheck)


def test_broken_vjp_is_found(broken_sin):
    r = check("y = sin(x * 3)", "x=[0.5, 1.0]", grad="ones(2)")
    assert not r.ok
    (c,) = r.gradcheck
    assert c.status == "fail" and c.comparison.max_abs > 1e-3
    expected = np.diag(3 * np.cos(3 * np.array([0.5, 1.0])))
    np.testing.assert_allclose(c.numeric, expected, rtol=1e-6)


def test_broken_vjp_through_the_cli(broken_sin):
    from gradcli.app import app
    from typer.testing import CliRunner

    res = CliRunner().invoke(app, ["check", "y=sin(x)", "--at", "x=1.0", "--format", "json"])
    assert res.exit_code == 1
    rec = json.loads(res.stdout.splitlines()[0])
    assert rec["ok"] is False and rec["gradcheck"][0]["status"] == "fail"
    assert rec["gradcheck"][0]["analytic"] != rec["gradcheck"][0]["numeric"]


def test_second_order_catches_a_wrong_rule_used_only_by_second_derivatives(broken_sin):
    # d/dx of cos(x) goes through sin's rule only in the second derivative
    r = check("y = cos(x)", "x=0.8", order=2)
    assert [c.status for c in r.gradcheck] == ["pass"]
    assert [c.status for c in r.gradgradcheck] == ["fail"]


@pytest.mark.parametrize("source,binding,kink", [
    ("y = relu(x).sum()", "x=[0., 1.]", "relu"),
    ("y = abs(x) * 2", "x=0.", "abs"),
    ("y = clamp(x, min=0.5).sum()", "x=[0.5, 1.]", "clamp"),
    ("y = x.max()", "x=[2., 2., 1.]", "max"),
    ("y = maximum(x, x * 0 + 1).sum()", "x=[1., 3.]", "maximum"),
])
def test_kinks_are_reported_as_kinks(source, binding, kink):
    r = check(source, binding)
    assert r.ok, "a kink is not an engine bug"
    assert any(k.startswith(kink + " at") for k in r.kinks)


def test_a_kink_that_breaks_agreement_is_status_kink():
    r = check("y = relu(x).sum()", "x=[0., 1.]")
    assert r.gradcheck[0].status == "kink"


def test_right_claim_passes_at_100_random_points():
    r = check("y = sin(x**2)", "x=1.5", claims=[("x", "2*x*cos(x**2)")], samples=100)
    (c,) = r.claims
    assert c.status == "pass" and c.samples == 100
    assert c.samples_passed + c.samples_skipped == 100 and c.samples_passed > 90


def test_subtly_wrong_claim_fails_with_the_point():
    r = check("y = sin(x**2)", "x=0.1", claims=[("x", "2*x*cos(x)")], samples=100, seed=3)
    (c,) = r.claims
    assert c.status == "fail" and not r.ok
    x = float(c.failure["point"]["x"])
    assert c.failure["claimed"] == pytest.approx(2 * x * np.cos(x), rel=1e-5)
    assert c.failure["engine"] == pytest.approx(2 * x * np.cos(x**2), rel=1e-5)


def test_claim_contracted_with_the_gradient_vector():
    r = check("y = x * w", "x=[1., 2.]", "w=[3., 4.]", grad="[1., 10.]",
              claims=[("x", "w * tensor([1., 10.])"), ("w", "x")])
    assert [c.status for c in r.claims] == ["pass", "fail"]


def test_claim_of_impossible_shape_is_an_error_not_a_failure():
    r = check("y = (x * x).sum()", "x=[1., 2.]", claims=[("x", "ones(3)")])
    assert r.error is not None and "shape" in r.error.message


def test_claim_about_a_non_input_is_an_error():
    r = check("y = x * 2", "x=1.", claims=[("q", "2")])
    assert r.error is not None and "q" in r.error.message


def test_cli_exit_codes_and_batch_summary():
    ok = run_gradcli("check", "y=x**3", "--at", "x=2", "--claim", "x: 3*x**2")
    assert ok.returncode == 0, ok.stderr
    assert "pass" in ok.stdout
    wrong = run_gradcli("check", "y=x**3", "--at", "x=2", "--claim", "x: 2*x**2")
    assert wrong.returncode == 1 and "FAIL" in wrong.stdout
    batch = run_gradcli("check", "--format", "json", "--claim", "x: 2*x",
                        input="x=1.; y=x*x\n# comment\nx=2.; y=x*x*x\nz=(\nx=3.; y=x**2\n")
    no_traceback(batch)
    assert batch.returncode == 1
    records = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 3, 4, 5]
    assert [r["ok"] for r in records] == [True, False, False, True]
    assert records[2]["error"]["type"] == "SyntaxError"
    assert "2 of 4 cases passed" in batch.stderr


def test_cli_usage_errors():
    bad = run_gradcli("check", "y=x", "--at", "x=1", "--claim", "no colon")
    assert bad.returncode == 2 and "--claim" in bad.stderr
    no_traceback(bad)
    bad = run_gradcli("check", "y=x", "--at", "x=1", "--range", "1")
    assert bad.returncode == 2


def test_cli_plain_and_table_show_jacobians_on_failure_and_kinks():
    plain = run_gradcli("check", "y=relu(x).sum()", "--at", "x=[0., 1.]", "--format", "plain")
    assert plain.returncode == 0
    assert "status=kink" in plain.stdout and "kink=relu at %1 (ReluBackward0)" in plain.stdout
    assert "analytic=[[0., 1.]]" in plain.stdout
    table = run_gradcli("check", "y=relu(x).sum()", "--at", "x=[0., 1.]")
    assert "analytic (reverse mode)" in table.stdout and "numeric" in table.stdout


def test_float64_numeric_side_regardless_of_dtype():
    # a float32-only numeric difference with eps=1e-6 would be swamped by rounding
    r = check("y = exp(x) * 1000", "x=3.")
    assert r.ok and r.gradcheck[0].comparison.max_rel < 1e-5
