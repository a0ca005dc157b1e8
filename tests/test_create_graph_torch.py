"""create_graph's graph against PyTorch, over every op row with samples and a public name:
`g, = torch.autograd.grad(f(x).sum(), x, create_graph=True)`, then the grad of g.sum() and
of that one again (second and third order): each grad's grad_fn name and value (or the
error each raises) must be PyTorch's. Named backward functions (tanh_backward,
_softmax_backward_data, mse_loss_backward, ...) are rows of engine/ops/backward_ops.py;
broadcast gradients are reduced as at::sum_to does (SumBackward1, then ViewBackward0)."""

import numpy as np
import pytest
from gradcli.engine import api
from gradcli.engine.autograd import grad as gradcli_grad
from gradcli.engine.errors import GradcliError
from gradcli.engine.ops import OPS
from gradcli.engine.ops.samples import Sampler
from gradcli.engine.tensor import Tensor

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

ORDERS = 3
_SAMPLER = Sampler(4321)


def _callables(op):
    return ([("torch", n) for n in op.torch] + [("method", n) for n in op.methods]
            + [("nn", n) for n in op.nn])


def _torch_fn(kind, name):
    if kind == "torch":
        fn = torch
        for part in name.split("."):
            fn = getattr(fn, part, None)
            if fn is None:
                return None
        return fn
    if kind == "nn":
        return getattr(torch.nn.functional, name, None)
    return lambda a, *rest, **kw: getattr(a, name)(*rest, **kw)


def _gradcli_fn(kind, name):
    table = {"torch": api.FUNCTIONS, "nn": api.NN_FUNCTIONS, "method": api.METHODS}[kind]
    return table[name]


def _name(t):
    fn = getattr(t, "grad_fn", None)
    if fn is None:
        return None
    return fn.name() if hasattr(fn, "op") else type(fn).__name__


def _message(e):
    return e.message if isinstance(e, GradcliError) else str(e)


def _chain(make, fn, grad, args, kwargs):
    """[(grad_fn name, value)] for each order, ending with ('error', message) if one raises."""
    tensors = [make(a) if isinstance(a, np.ndarray) else a for a in args]
    x = next(t for t in tensors if not isinstance(t, (int, float)) and t.requires_grad)
    out = fn(*tensors, **kwargs)
    if isinstance(out, tuple):
        out = out[0]
    steps, current = [], out.sum()
    for _ in range(ORDERS):
        try:
            g = grad(current, x, create_graph=True)[0]
        except (GradcliError, RuntimeError) as e:
            steps.append(("error", _message(e)))
            break
        value = g.detach().numpy(force=True) if isinstance(g, torch.Tensor) else g.data
        steps.append((_name(g), np.array(value)))
        if not g.requires_grad:
            break
        current = g.sum()
    return steps


def _torch_grad(out, x, create_graph):
    return torch.autograd.grad(out, x, create_graph=create_graph)


def _cases():
    cases = []
    for name, op in OPS.items():
        if op.samples is None or not op.differentiable:
            continue
        calls = [c for c in _callables(op) if _torch_fn(*c) is not None]
        if not calls:
            continue
        for i, (args, params) in enumerate(op.samples(_SAMPLER)):
            if not any(isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in args):
                continue
            cases.append(pytest.param(calls, args, params, id=f"{name}-{i}"))
    return cases


def _accepting(calls, args, params):
    """The first public name PyTorch itself accepts these arguments under (a row's sample
    params are its forward's, which may not be the public keyword names)."""
    for kind, name in calls:
        def make(a):
            return torch.tensor(a.copy()).requires_grad_(a.dtype.kind == "f")
        try:
            _torch_fn(kind, name)(*[make(a) if isinstance(a, np.ndarray) else a for a in args],
                                  **params)
        except (TypeError, RuntimeError, ValueError, IndexError):
            continue
        return kind, name
    return None


@pytest.mark.parametrize("calls, args, params", _cases())
def test_higher_order_graph_is_torchs(calls, args, params):
    call = _accepting(calls, args, params)
    if call is None:
        pytest.skip("no public name takes the row's sample arguments")
    want = _chain(lambda a: torch.tensor(a.copy()).requires_grad_(a.dtype.kind == "f"),
                  _torch_fn(*call), _torch_grad, args, params)
    got = _chain(lambda a: Tensor(a.copy(), a.dtype.kind == "f"), _gradcli_fn(*call),
                 gradcli_grad, args, params)
    assert [s[0] for s in got] == [s[0] for s in want], (call, got, want)
    for (kind, g), (_, w) in zip(got, want, strict=True):
        if kind == "error":
            assert g == w, call
        else:
            np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12, equal_nan=True,
                                       err_msg=str(call))


BROADCASTS = [
    ("mul", (3,), (2, 3)), ("mul", (2, 1), (2, 3)), ("mul", (1, 3), (4, 2, 3)),
    ("mul", (), (2, 3)), ("div", (3,), (2, 3)), ("div", (2, 3), (1,)),
    ("atan2", (2, 1), (1, 3)), ("pow", (3,), (2, 3)), ("add", (3,), (2, 3)),
    ("sub", (1,), (2, 3)), ("maximum", (3,), (2, 3)),
]


@pytest.mark.parametrize("name, sa, sb", BROADCASTS)
def test_broadcast_grads_reduce_as_sum_to(name, sa, sb):
    """Each input's create_graph grad, its node and its inputs' nodes (at::sum_to:
    SumBackward1 over the broadcast dims, ViewBackward0 when leading dims went)."""
    rng = np.random.default_rng(abs(hash((name, sa, sb))) % 2**32)
    a, b = rng.uniform(0.5, 2.0, sa), rng.uniform(0.5, 2.0, sb)

    def run(make, fn, grad):
        x, y = make(a), make(b)
        outs = grad((fn(x, y) * fn(y, x)).sum(), (x, y), create_graph=True)
        return [(_name(g), [_name(n[0]) if n[0] is not None else None
                            for n in getattr(g.grad_fn, "next_functions", ())]
                 if g.grad_fn is not None else None) for g in outs], outs

    want, wv = run(lambda v: torch.tensor(v, requires_grad=True), getattr(torch, name),
                   lambda o, i, create_graph: torch.autograd.grad(o, i, create_graph=True))
    got, gv = run(lambda v: Tensor(v.copy(), True), api.FUNCTIONS[name], gradcli_grad)
    assert [w[0] for w in got] == [w[0] for w in want]
    for g, w in zip(gv, wv, strict=True):
        # (sums of cancelling float64 terms: summation order gives last-bit noise near 0)
        np.testing.assert_allclose(g.data, w.detach().numpy(), rtol=1e-12, atol=1e-13)
