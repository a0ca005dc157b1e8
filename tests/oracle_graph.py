"""One call run in PyTorch and in gradcli from the same description, compared: value,
dtype, shape, the grad_fn names of the whole graph (depth first), every input's grad, or the
error each raises (type and message word for word). Used by the torch-oracle tests of the
norms, quantiles and trapezoids (tests/test_ops_linalg_norms_torch.py,
tests/test_ops_quantile_torch.py). Extra positional arguments that are numpy arrays become
tensors on both sides (floating ones require grad when grad_args is set)."""

import numpy as np
import torch
from gradcli.engine import api
from gradcli.engine.autograd import run_backward
from gradcli.engine.errors import GradcliError
from gradcli.engine.tensor import Tensor
from gradcli.parser.runtime import modules


def _fns(path):
    if path.startswith("Tensor."):
        name = path[len("Tensor."):]
        return (lambda x, *a, **k: getattr(x, name)(*a, **k),
                lambda x, *a, **k: api.METHODS[name](x, *a, **k))
    mod, _, name = path.rpartition(".")
    tfn = torch
    for part in path.split(".")[1:]:
        tfn = getattr(tfn, part)
    return tfn, modules()[mod].members[name]


def _graph(node, ours):
    """The grad_fn names of a graph, depth first (AccumulateGrad included)."""
    if node is None:
        return []
    name = node.name() if ours else type(node).__name__
    nxt = node.next_functions
    return [name, *(n for f, _ in nxt for n in _graph(f, ours))]


def _outcome(fn, args, kwargs):
    try:
        return fn(*args, **kwargs), None
    except GradcliError as e:
        return None, (e.type_name, e.message)
    except Exception as e:  # noqa: BLE001  (PyTorch's, compared with ours)
        return None, (type(e).__name__, str(e))


def _data(shape, seed, dtype):
    a = np.random.default_rng(seed).standard_normal(shape)
    return a.astype(dtype)


def compare(path, shape, kwargs, dtype="float64", args=(), seed=0, grad_args=False, data=None):
    tfn, gfn = _fns(path)
    a = _data(shape, seed, dtype) if data is None else np.asarray(data, dtype)
    ta = torch.tensor(a, requires_grad=a.dtype.kind == "f")
    ga = Tensor(a.copy(), a.dtype.kind == "f")
    extra = [(torch.tensor(v, requires_grad=grad_args and v.dtype.kind == "f"),
              Tensor(v.copy(), grad_args and v.dtype.kind == "f"))
             if isinstance(v, np.ndarray) else (v, v) for v in args]
    targs, gargs = [e[0] for e in extra], [e[1] for e in extra]
    tkw = {k: getattr(torch, v) if k == "dtype" else torch.tensor(v) if isinstance(v, np.ndarray)
           else v for k, v in kwargs.items()}
    gkw = {k: modules()["torch"].members[v] if k == "dtype" else Tensor(v.copy())
           if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    tout, terr = _outcome(tfn, (ta, *targs), tkw)
    gout, gerr = _outcome(gfn, (ga, *gargs), gkw)
    assert gerr == terr, (gerr, terr)
    if terr is not None:
        return
    if isinstance(tout, tuple):  # a torch.return_types: each field, one backward of them all
        return _compare_tuple(tout, gout, (ta, *targs), (ga, *gargs), seed)
    assert gout.data.dtype == tout.detach().numpy().dtype
    assert gout.data.shape == tuple(tout.shape)
    tol = 1e-5 if "32" in str(tout.dtype) or dtype == "float32" else 1e-10
    np.testing.assert_allclose(gout.data, tout.detach().numpy(), rtol=tol, atol=tol)
    assert _graph(gout.grad_fn, True) == _graph(tout.grad_fn, False)
    if tout.grad_fn is None:
        return
    g = np.random.default_rng(seed + 1).standard_normal(tout.shape)
    tout.backward(torch.tensor(g, dtype=tout.dtype))
    run_backward([gout], [Tensor(g.astype(gout.data.dtype))])
    for t, g in [(ta, ga), *zip(targs, gargs, strict=True)]:
        if not isinstance(t, torch.Tensor):
            continue
        if t.grad is None:
            assert g.grad is None
            continue
        np.testing.assert_allclose(g.grad.data, t.grad.numpy(), rtol=tol * 10, atol=tol * 10)


def _compare_tuple(touts, gouts, tins, gins, seed):
    assert len(gouts) == len(touts) and type(gouts).__name__ != "list"
    assert repr(gouts).split("(")[0] == repr(touts).split("(")[0]
    tl, gl = 0, None
    for k, (t, g) in enumerate(zip(touts, gouts, strict=True)):
        assert g.data.dtype == t.detach().numpy().dtype and g.data.shape == tuple(t.shape)
        np.testing.assert_allclose(g.data, t.detach().numpy(), rtol=1e-6, atol=1e-6)
        assert _graph(g.grad_fn, True) == _graph(t.grad_fn, False)
        if t.grad_fn is not None:
            w = np.random.default_rng(seed + 2 + k).standard_normal(t.shape)
            tl = tl + (t * torch.tensor(w, dtype=t.dtype)).sum()
            term = api.FUNCTIONS["sum"](g * Tensor(w.astype(g.data.dtype)))
            gl = term if gl is None else gl + term
    if gl is None:
        return
    tl.backward()
    run_backward([gl], [Tensor(np.ones((), gl.data.dtype))])
    for t, g in zip(tins, gins, strict=True):
        if isinstance(t, torch.Tensor) and t.grad is not None:
            tol = 1e-4 if t.dtype == torch.float32 else 1e-8  # (LAPACK builds round apart)
            np.testing.assert_allclose(g.grad.data, t.grad.numpy(), rtol=tol, atol=tol)
