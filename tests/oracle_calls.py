"""One call run in PyTorch and in gradcli's engine from the same description, compared:
value, dtype, shape, grad_fn name, every input's grad (or the error each raises, type and
message word for word). Used by the torch-oracle tests of the elementwise, binary and
activation rows (tests/test_ops_elementwise_torch.py).

A call is (kind, name, args, kwargs): kind "torch" (torch.X), "method" (args[0].X),
"nn" (torch.nn.functional.X), "special" (torch.special.X) or "op" (a Python operator from `operator`). numpy arrays in
args/kwargs become tensors in both libraries (floating ones require grad)."""

import operator

import numpy as np
from gradcli.engine import api
from gradcli.engine.autograd import run_backward
from gradcli.engine.errors import GradcliError
from gradcli.engine.tensor import Tensor


def _tensors(make, args, kwargs):
    made = []

    def conv(v):
        if isinstance(v, np.ndarray):
            t = make(v)
            made.append(t)
            return t
        return v
    return [conv(a) for a in args], {k: conv(v) for k, v in kwargs.items()}, made


def _torch_call(torch, kind, name, args, kwargs):
    def make(v):
        t = torch.tensor(v.copy())
        if v.dtype.kind == "f":
            t.requires_grad_(True)
        return t
    a, kw, made = _tensors(make, args, kwargs)
    if kind == "torch":
        fn = getattr(torch, name) if "." not in name else getattr(
            getattr(torch, name.split(".")[0]), name.split(".")[1])
    elif kind == "nn":
        fn = getattr(torch.nn.functional, name)
    elif kind == "special":
        fn = getattr(torch.special, name)
    elif kind == "method":
        return getattr(a[0], name)(*a[1:], **kw), made
    else:
        fn = getattr(operator, name)
    return fn(*a, **kw), made


def _gradcli_call(kind, name, args, kwargs):
    def make(v):
        return Tensor(v.copy(), v.dtype.kind == "f")
    a, kw, made = _tensors(make, args, kwargs)
    if kind == "torch":
        fn = api.FUNCTIONS[name]
    elif kind == "nn":
        fn = api.NN_FUNCTIONS[name]
    elif kind == "special":
        fn = api.SPECIAL_FUNCTIONS[name]
    elif kind == "method":
        fn = api.METHODS[name]
    else:
        fn = getattr(operator, name)
    return fn(*a, **kw), made


def _error(e):
    if isinstance(e, GradcliError):
        return e.type_name, e.message
    return type(e).__name__, str(e)


def _errors_agree(werr, gerr, label):
    if gerr is not None and werr is None and _error(gerr)[0] == "UnsupportedError":
        return
    assert werr is not None and gerr is not None, (label, werr, gerr)
    wt, wm = _error(werr)
    gt, gm = _error(gerr)
    # gradcli's own refusal (UnsupportedError naming the argument) is allowed where torch
    # computes or fails at run time, never where torch refuses the call's arguments
    if gt == "UnsupportedError" and wt != "TypeError":
        return
    assert (gt, gm) == (wt, wm), label


def _run(fn):
    try:
        return fn(), None
    except (GradcliError, TypeError, ValueError, RuntimeError, IndexError, ZeroDivisionError,
            NotImplementedError) as e:
        return None, e


def compare(torch, kind, name, args, kwargs=None, rtol=1e-6, atol=1e-7, grad_rtol=None):
    """Assert gradcli's call agrees with torch's; returns torch's result (or None)."""
    kwargs = kwargs or {}
    label = f"{kind} {name} {[getattr(a, 'shape', a) for a in args]} {kwargs}"
    want, werr = _run(lambda: _torch_call(torch, kind, name, args, kwargs))
    got, gerr = _run(lambda: _gradcli_call(kind, name, args, kwargs))
    if werr is not None or gerr is not None:
        _errors_agree(werr, gerr, label)
        return None
    (wout, wmade), (gout, gmade) = want, got
    wv = wout.detach().numpy()
    assert gout.data.shape == wv.shape, label
    assert str(gout.data.dtype) == str(wv.dtype), (label, gout.data.dtype, wv.dtype)
    if wv.dtype.kind in "fc":
        np.testing.assert_allclose(gout.data, wv, rtol=rtol, atol=atol, equal_nan=True,
                                   err_msg=label)
    else:
        np.testing.assert_array_equal(gout.data, wv, err_msg=label)
    wname = type(wout.grad_fn).__name__ if wout.grad_fn is not None else None
    gname = gout.grad_fn.name() if gout.grad_fn is not None else None
    assert gname == wname, (label, gname, wname)
    assert gout.requires_grad == wout.requires_grad, label
    if not wout.requires_grad:
        return wout
    seed = np.linspace(-1.0, 1.5, wv.size).reshape(wv.shape).astype(wv.dtype)
    _, werr = _run(lambda: wout.backward(torch.tensor(seed)))
    _, gerr = _run(lambda: run_backward([gout], [Tensor(seed.copy())]))
    if werr is not None or gerr is not None:
        _errors_agree(werr, gerr, label)
        return wout
    for w, g in zip(wmade, gmade, strict=True):
        if w.grad is None:
            assert g.grad is None, label
            continue
        assert g.grad is not None, label
        np.testing.assert_allclose(g.grad.data, w.grad.numpy(force=True), rtol=grad_rtol or rtol,
                                   atol=atol, equal_nan=True, err_msg=f"{label}: grad")
    return wout
