"""Leaves keep a WRITTEN dtype (issue 21.2; parser/leaf_dtypes.py), checked against PyTorch:

- a binding written with `dtype=`, a conversion method (`.long()`, `.double()`, ...) or a
  bool value has the dtype PyTorch gives the same expression; an unwritten one is a float
  of the default dtype, as before (`x = [1, 2]`, `x = tensor([1, 2])`);
- integer and bool leaves do not require grad; asking it (no --const) is PyTorch's
  RuntimeError, word for word, with exit status 1 and a hint naming --const;
- the issue's cross_entropy case gives PyTorch's loss and gradient."""

import json

import numpy as np
import pytest
from conftest import no_traceback, run_gradcli

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch


def _nodes(proc):
    rec = json.loads(proc.stdout.splitlines()[0])
    return rec, {n["id"]: n for n in rec["nodes"]}


# (gradcli binding text, the torch expression it means, const?)
WRITTEN = [
    ("tensor([0, 2], dtype=torch.long)", "torch.tensor([0, 2], dtype=torch.long)"),
    ("tensor([0, 2], dtype=torch.int32)", "torch.tensor([0, 2], dtype=torch.int32)"),
    ("tensor([1.5, 2.5]).long()", "torch.tensor([1.5, 2.5]).long()"),
    ("tensor([1.5, 2.5]).int()", "torch.tensor([1.5, 2.5]).int()"),
    ("tensor([True, False])", "torch.tensor([True, False])"),
    ("tensor([1., 0.]).bool()", "torch.tensor([1., 0.]).bool()"),
    ("tensor([1, 2]).to(torch.int64)", "torch.tensor([1, 2]).to(torch.int64)"),
    ("tensor([1, 2], dtype=torch.float64)", "torch.tensor([1, 2], dtype=torch.float64)"),
    ("tensor([1, 2]).double()", "torch.tensor([1, 2]).double()"),
]


@pytest.mark.parametrize("text,torch_text", WRITTEN)
@pytest.mark.parametrize("how", ["at", "case"])
def test_written_dtype_is_kept(text, torch_text, how):
    want = eval(torch_text, {"torch": torch})  # noqa: S307 - the oracle's own expression
    floating = want.dtype.is_floating_point
    args = ["--format", "json"] + ([] if floating else ["--const", "t"])
    if how == "at":
        p = run_gradcli("eval", "y = (x * t).sum()", "-a", "x=[1., 2.]", "-a", f"t={text}",
                        *args)
    else:
        p = run_gradcli("eval", f"t = {text}; y = (x * t).sum()", "-a", "x=[1., 2.]", *args)
    no_traceback(p)
    assert p.returncode == 0, p.stderr
    rec, nodes = _nodes(p)
    t = nodes["t"]
    assert t["dtype"] == str(want.dtype).removeprefix("torch.")
    assert t["value"] == want.tolist()
    # PyTorch's rule: a float leaf requires grad unless const; an int/bool one cannot
    assert t["requires_grad"] is floating
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * want).sum()
    y.backward()
    assert nodes["y"]["dtype"] == str(y.dtype).removeprefix("torch.")
    np.testing.assert_allclose(nodes["x"]["grad"], x.grad.tolist())


@pytest.mark.parametrize("text", ["[1, 2]", "tensor([1, 2])", "[[0, 1]]"])
def test_unwritten_dtype_is_the_default_float(text):
    """Unchanged: a leaf written without a dtype is float (SPEC section 2)."""
    p = run_gradcli("eval", "y = (x * t).sum()", "-a", "x=[1., 2.]", "-a", f"t={text}",
                    "--format", "json")
    assert p.returncode == 0, p.stderr
    _, nodes = _nodes(p)
    assert nodes["t"]["dtype"] == "float32" and nodes["t"]["requires_grad"] is True


@pytest.mark.parametrize("text,torch_text", [w for w in WRITTEN
                                             if "float" not in w[1] and "double" not in w[1]])
@pytest.mark.parametrize("how", ["at", "case"])
def test_integer_leaf_requiring_grad_is_pytorchs_error(text, torch_text, how):
    # a leaf is made as torch.tensor(value, requires_grad=True) makes one (the method
    # requires_grad_ words its error differently: not the form a leaf is written in)
    want = eval(torch_text, {"torch": torch})  # noqa: S307
    with pytest.raises(RuntimeError) as info:
        torch.tensor(want.tolist(), dtype=want.dtype, requires_grad=True)
    if how == "at":
        p = run_gradcli("eval", "y = (x * t).sum()", "-a", "x=[1., 2.]", "-a", f"t={text}")
    else:
        p = run_gradcli("eval", f"t = {text}; y = (x * t).sum()", "-a", "x=[1., 2.]")
    no_traceback(p)
    assert p.returncode == 1
    assert f"RuntimeError: {info.value}" in p.stderr
    assert "hint: " in p.stderr and "--const t" in p.stderr


def test_error_record_carries_the_hint():
    p = run_gradcli("eval", "y = (x * t).sum()", "-a", "x=[1., 2.]",
                    "-a", "t=tensor([0, 1], dtype=torch.long)", "--format", "json")
    assert p.returncode == 1
    rec, _ = _nodes(p)
    assert rec["error"]["type"] == "RuntimeError"
    assert rec["error"]["message"] == \
        "Only Tensors of floating point and complex dtype can require gradients"
    assert "--const t" in rec["error"]["hint"]


def test_issue_cross_entropy_with_a_long_target():
    p = run_gradcli("eval", "loss = cross_entropy(z, t)", "-a", "z=[[2.,1.,0.1]]",
                    "-a", "t=tensor([0], dtype=torch.long)", "--const", "t", "--format", "json")
    assert p.returncode == 0, p.stderr
    _, nodes = _nodes(p)
    z = torch.tensor([[2., 1., 0.1]], requires_grad=True)
    loss = torch.nn.functional.cross_entropy(z, torch.tensor([0], dtype=torch.long))
    loss.backward()
    # within float32 rounding (the engine's log-softmax sums in another order: 2 ulps)
    np.testing.assert_allclose(nodes["loss"]["value"], loss.item(), rtol=1e-6)
    np.testing.assert_allclose(nodes["z"]["grad"], z.grad.tolist(), rtol=1e-6)
    assert nodes["t"]["dtype"] == "int64"
    # and as the table shows it
    p = run_gradcli("eval", "loss = cross_entropy(z, t)", "-a", "z=[[2.,1.,0.1]]",
                    "-a", "t=tensor([0], dtype=torch.long)", "--const", "t")
    assert "0.4170" in p.stdout and "-0.3410" in p.stdout and "0.0986" in p.stdout


def test_bool_mask_in_a_case():
    p = run_gradcli("eval", "m = tensor([True, False, True]); y = x[m].sum()",
                    "-a", "x=[1., 2., 3.]", "--const", "m", "--format", "json")
    assert p.returncode == 0, p.stderr
    _, nodes = _nodes(p)
    x = torch.tensor([1., 2., 3.], requires_grad=True)
    x[torch.tensor([True, False, True])].sum().backward()
    assert nodes["m"]["dtype"] == "bool"
    assert nodes["x"]["grad"] == x.grad.tolist()
