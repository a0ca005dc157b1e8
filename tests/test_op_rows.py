"""Every row of the op table is complete, and the rows added as one row each (expm1,
log2, F.silu) agree with PyTorch through the CLI: values, grads, grad_fn names, explain
and derive."""

import json
import subprocess
import sys

import numpy as np
import pytest
from gradcli.engine import api
from gradcli.engine.ops import OPS
from gradcli.engine.ops.samples import Sampler
from gradcli.parser.runtime import NN_FUNCTIONAL

# printed by the LaTeX printer's own structural forms (e^{x}, \sqrt{}, |x|, \lfloor\rfloor)
STRUCTURAL_LATEX = {"exp", "sqrt", "abs", "floor", "neg", "rsqrt", "clamp", "logical_not",
                    "relu", "leaky_relu", "softplus", "gelu", "erf", "log1p"}


@pytest.mark.parametrize("name", sorted(OPS))
def test_row_is_complete(name):
    op = OPS[name]
    if not op.differentiable:
        return
    assert op.grad_fn, f"{name}: no grad_fn name"
    n_inputs = len(op.vjps)
    assert op.formulas and (op.variadic or len(op.formulas) == sum(v is not None
                                                                   for v in op.vjps)), \
        f"{name}: one formula per differentiable input"
    assert op.samples is not None and op.samples(Sampler(0)), f"{name}: no sample inputs"
    for arrays, _params in op.samples(Sampler(0)):
        assert op.variadic or len(arrays) == n_inputs, f"{name}: samples do not fit the inputs"
    if op.elementwise:
        assert op.latex or name in STRUCTURAL_LATEX, f"{name}: elementwise row without LaTeX"
    if op.torch or op.methods or (op.nn and op.signature is not None):
        assert op.signature is not None, f"{name}: public names without a signature"
    for n in op.torch:
        assert n in api.FUNCTIONS, f"{name}: torch.{n} not registered"
    for n in op.methods:
        assert n in api.METHODS, f"{name}: Tensor.{n} not registered"
    for n in op.nn:
        assert n in NN_FUNCTIONAL, f"{name}: F.{n} not in torch.nn.functional"


def _gradcli(*args):
    r = subprocess.run([sys.executable, "-m", "gradcli", *args], capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


NEW = [("y = torch.expm1(x).sum()", "x", [0.5, -1.25, 2.0], "expm1", "Expm1Backward0"),
       ("y = x.log2().sum()", "x", [0.5, 1.25, 3.0], "log2", "Log2Backward0"),
       ("y = torch.nn.functional.silu(x).sum()", "x", [0.5, -1.25, 2.0], "silu",
        "SiluBackward0")]


@pytest.mark.torch
@pytest.mark.parametrize("case,leaf,vals,fname,grad_fn", NEW, ids=[n[3] for n in NEW])
def test_new_rows_agree_with_torch(case, leaf, vals, fname, grad_fn):
    torch = pytest.importorskip("torch")
    x = torch.tensor(vals, dtype=torch.float64, requires_grad=True)
    f = getattr(torch.nn.functional, fname, None) if fname == "silu" else getattr(torch, fname)
    out = f(x)
    assert type(out.grad_fn).__name__ == grad_fn
    out.sum().backward()
    lit = "[" + ", ".join(repr(v) for v in vals) + "]"
    code, stdout, err = _gradcli("eval", case, "--at", f"{leaf}=torch.tensor({lit})",
                                 "--dtype", "float64", "--format", "json")
    assert code == 0, err
    rows = json.loads(stdout.splitlines()[0])["nodes"]
    by_id = {r["id"]: r for r in rows}
    assert np.allclose(np.array(by_id[leaf]["grad"], float), x.grad.numpy(), rtol=1e-12)
    assert any(r.get("grad_fn") == grad_fn for r in rows)
    # explain: the row's grad_fn and formula, and PyTorch's grad; derive: a derivative
    # whose value at the point is PyTorch's grad
    at = ("--at", f"{leaf}=torch.tensor({lit})")
    code, stdout, err = _gradcli("explain", case, *at, "--dtype", "float64", "--format", "json")
    assert code == 0, err
    record = json.loads(stdout.splitlines()[0])
    step = next(s for s in record["steps"] if s.get("grad_fn") == grad_fn)
    assert step["rules"][0]["formula"] == OPS[fname].formulas[0]
    assert np.allclose(np.array(record["grads"][leaf], float), x.grad.numpy(), rtol=1e-12)
    code, stdout, err = _gradcli("derive", case, *at, "--format", "json")
    assert code == 0, err
    (d,) = json.loads(stdout.splitlines()[0])["derivatives"]
    assert d["match"] and np.allclose(np.array(d["value"], float), x.grad.numpy(), rtol=1e-12)
    assert d["text"] and d["latex"]


@pytest.mark.torch
def test_new_rows_second_derivative_grad_fn():
    torch = pytest.importorskip("torch")
    from gradcli.engine.autograd import grad
    from gradcli.engine.tensor import Tensor
    for fname in ("expm1", "log2", "silu"):
        v = np.array([0.5, 1.25, 2.0])
        xt = torch.tensor(v, requires_grad=True)
        f = torch.nn.functional.silu if fname == "silu" else getattr(torch, fname)
        gt, = torch.autograd.grad(f(xt).sum(), xt, create_graph=True)
        x = Tensor(v.copy(), True)
        fn = api.NN_FUNCTIONS["silu"] if fname == "silu" else api.FUNCTIONS[fname]
        g, = grad([api.FUNCTIONS["sum"](fn(x))], [x], create_graph=True)
        assert g.grad_fn.name() == type(gt.grad_fn).__name__
        np.testing.assert_allclose(g.data, gt.detach().numpy(), rtol=1e-12)
        (g2,), (gt2,) = grad([api.FUNCTIONS["sum"](g)], [x]), torch.autograd.grad(gt.sum(), xt)
        np.testing.assert_allclose(g2.data, gt2.numpy(), rtol=1e-10)


@pytest.mark.torch
@pytest.mark.parametrize("call", ["torch.exp(x, foo=1)", "torch.exp(x, 1)", "torch.exp()",
                                  "x.exp(foo=1)", "x.exp(1)", "torch.log2('a')",
                                  "torch.nn.functional.silu(x, foo=1)",
                                  "torch.nn.functional.silu()", "torch.expm1(1.0)",
                                  "x.sum(dims=0)", "torch.sum(x, dims=0)", "x.mean(dims=0)",
                                  "x.sum(0, foo=1)", "x.sum(keepdim=True)", "x.sum(True)",
                                  "x.sum(0, True, torch.float64)", "torch.sum(dim=0)",
                                  "x.sum('a')", "torch.nn.functional.softplus(x, 'a')",
                                  "torch.nn.functional.leaky_relu(x, 'a')",
                                  "torch.nn.functional.softplus(x, foo=1)",
                                  "torch.nn.functional.leaky_relu(x, 0.1, False, 1)",
                                  "torch.nn.functional.softplus(x, 1, 2, 3)",
                                  "torch.nn.functional.softplus()",
                                  "torch.nn.functional.leaky_relu()"])
def test_generated_argument_errors_match_torch(call):
    torch = pytest.importorskip("torch")
    x = torch.tensor([1.0, 2.0])
    with pytest.raises(TypeError) as want:
        eval(call, {"torch": torch, "x": x})
    code, stdout, err = _gradcli("eval", f"x = torch.tensor([1.0, 2.0]); {call}",
                                 "--format", "json")
    got = json.loads(stdout.splitlines()[0])["error"]
    assert got["type"] == "TypeError" and got["message"] == str(want.value), got
