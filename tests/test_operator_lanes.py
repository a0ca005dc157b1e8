"""Tensor's operator lanes (engine/torch_api/operators.py: `w * x`, `+ b`, `- y`, `/`,
`** 2` on 0-d float tensors) and the run loop's in-place lanes, held to the general path:
the same values, dtypes, nodes, recorded inputs, gradients, warnings and errors with the
lanes on and off (scalar_math.ENABLED turns off the lanes and apply's scalar path together;
the general path is then the op table's ufuncs). Plus the torch oracle on a sample."""

import math
import operator
import warnings

import numpy as np
import pytest
from gradcli.engine import autograd, grad_mode, scalar_math
from gradcli.engine.nn.parameter import Parameter
from gradcli.engine.tensor import Tensor
from hypothesis import given, settings
from hypothesis import strategies as st

SPECIAL = [0.0, -0.0, 1.0, -1.0, 2.0, math.inf, -math.inf, math.nan, 1e-45, 3.4e38, 3.5e38,
           1e300, 1.0000001, 16777217.0, 0.1, 2.0**-149]
floats = st.one_of(st.sampled_from(SPECIAL), st.floats(allow_nan=True, allow_infinity=True),
                   st.floats(width=32))
KINDS = ("tensor", "tensor grad", "parameter", "vector", "int tensor", "bool tensor", "float",
         "int", "big int", "bool", "f16 tensor")
PYTHON_NUMBERS = ("float", "int", "big int", "bool")
OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
             "**": operator.pow}


def _operand(kind, v, dt):
    if kind == "tensor":
        return Tensor(np.array(v, dtype=dt))
    if kind == "tensor grad":
        return Tensor(np.array(v, dtype=dt), requires_grad=True)
    if kind == "parameter":
        return Parameter(Tensor(np.array(v, dtype=dt)))
    if kind == "vector":
        return Tensor(np.array([v, 1.5], dtype=dt), requires_grad=True)
    if kind == "int tensor":
        return Tensor(np.array(3, dtype=np.int64))
    if kind == "bool tensor":
        return Tensor(np.array(True))
    if kind == "f16 tensor":
        return Tensor(np.array(v, dtype=np.float16), requires_grad=True)
    if kind == "float":
        return float(v)
    if kind == "int":
        return int(v) if math.isfinite(v) and abs(v) < 2**53 else 2
    if kind == "big int":
        return 2**60 + 1
    return True  # bool


def _outcome(symbol, args, seed):
    """Everything observable of one operator and its backward."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = OPERATORS[symbol](*args)
        except Exception as e:  # noqa: BLE001
            return ("error", type(e).__name__, str(e))
        rec = [out.data.dtype.str, out.data.shape, out.data.tobytes(), out.requires_grad,
               out.grad_fn.name() if out.grad_fn is not None else None, type(out.data)]
        fn = out.grad_fn
        if fn is not None:
            rec.append([(any(t is a for a in args), t.data.dtype.str, t.data.tobytes(),
                         t.requires_grad, type(t)) for t in fn.inputs])
            rec.append((fn.params, fn.versions))
            g = np.asarray(seed, dtype=out.data.dtype)
            try:
                autograd.run_backward([out], [Tensor(np.broadcast_to(g, out.data.shape).copy())])
            except Exception as e:  # noqa: BLE001
                rec.append(("backward error", type(e).__name__, str(e)))
            rec.append([(a.grad.data.dtype.str, a.grad.data.tobytes()) if isinstance(a, Tensor)
                        and a.grad is not None else None for a in args])
    rec.append([str(w.message) for w in caught])
    return rec


@settings(max_examples=600, deadline=None)
@given(symbol=st.sampled_from(sorted(OPERATORS)), ka=st.sampled_from(KINDS),
       kb=st.sampled_from(KINDS), a=floats, b=st.one_of(floats, st.sampled_from([2, 2.0, 3])),
       seed=floats, dta=st.sampled_from([np.float32, np.float64]),
       dtb=st.sampled_from([np.float32, np.float64]), grad=st.booleans())
def test_operator_lanes_equal_the_general_path(symbol, ka, kb, a, b, seed, dta, dtb, grad):
    np.seterr(all="ignore")
    if ka in PYTHON_NUMBERS and kb in PYTHON_NUMBERS:
        return  # Python's own arithmetic (2 ** (2**60 + 1) would not end)
    results = []
    for enabled in (True, False):
        scalar_math.ENABLED[0] = enabled
        before = grad_mode._enabled[0]
        grad_mode._enabled[0] = grad
        try:
            args = (_operand(ka, a, dta), _operand(kb, b, dtb) if kb != "float" else float(b))
            results.append(_outcome(symbol, args, seed))
        finally:
            scalar_math.ENABLED[0] = True
            grad_mode._enabled[0] = before
    assert results[0] == results[1], (symbol, ka, kb, a, b)


def test_loop_expression_against_torch():
    """`(w * x + b - y) ** 2` and its gradients on 0-d float32/float64 leaves, as torch."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(23)
    for _ in range(300):
        dt = [np.float32, np.float64][int(rng.integers(2))]
        wv, bv = (float(np.asarray(rng.standard_normal() * 10, dtype=dt)) for _ in range(2))
        x, y = float(rng.standard_normal() * 5), int(rng.integers(-9, 9))
        w = Tensor(np.array(wv, dtype=dt), requires_grad=True)
        b = Tensor(np.array(bv, dtype=dt), requires_grad=True)
        loss = (w * x + b - y) ** 2 / 3.0
        autograd.run_backward([loss], [Tensor(np.ones((), dtype=dt))])
        tdt = torch.float32 if dt is np.float32 else torch.float64
        tw = torch.tensor(wv, dtype=tdt, requires_grad=True)
        tb = torch.tensor(bv, dtype=tdt, requires_grad=True)
        tl = (tw * x + tb - y) ** 2 / 3.0
        tl.backward()
        for ours, theirs in ((loss.data, tl), (w.grad.data, tw.grad), (b.grad.data, tb.grad)):
            assert ours.tobytes() == theirs.detach().numpy().tobytes()
        assert loss.grad_fn.name() == tl.grad_fn.name()


GRID_A = [0.0, -0.0, 1.5, -2.25, 1e-45, 3.4e38, math.inf, -math.inf, math.nan, 0.1, 16777217.0,
          1e300, -7.0]
GRID_B = [2, 2.0, 3, 0.5, -1.5, 0, 0.0, -0.0, math.nan, math.inf, 1e300, 2**53 + 1, 1e-45]


def test_operator_lanes_grid():
    """Every operator on the loop's operand kinds (a 0-d tensor with or without grad; a
    Python float or int, or a 0-d tensor) over special values, both dtypes, grad mode on
    and off: the lanes give what the general path gives."""
    np.seterr(all="ignore")
    for symbol in OPERATORS:
        for dt in (np.float32, np.float64):
            for a in GRID_A:
                for b in GRID_B:
                    for ka in ("tensor", "tensor grad"):
                        for kb in ("float", "int", "tensor", "tensor grad"):
                            for grad in (True, False):
                                results = []
                                for enabled in (True, False):
                                    scalar_math.ENABLED[0] = enabled
                                    before = grad_mode._enabled[0]
                                    grad_mode._enabled[0] = grad
                                    try:
                                        bb = (_operand(kb, b, dt) if kb != "int" else
                                              b if type(b) is int else _operand(kb, b, dt))
                                        args = (_operand(ka, a, dt), bb)
                                        results.append(_outcome(symbol, args, 1.5))
                                    finally:
                                        scalar_math.ENABLED[0] = True
                                        grad_mode._enabled[0] = before
                                assert results[0] == results[1], (symbol, dt, a, b, ka, kb)


def _update_outcome(symbol, t, value, grad):
    from gradcli.parser.program import guards

    g = guards.Guards(lambda s: None, lambda line, text: None, 10**6, set())
    before = grad_mode._enabled[0]
    grad_mode._enabled[0] = grad
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                out = g.inplace(symbol, t, value)
            except Exception as e:  # noqa: BLE001
                return ("error", type(e).__name__, str(e))
    finally:
        grad_mode._enabled[0] = before
    return [out is t, t.data.dtype.str, t.data.shape, t.data.tobytes(), t._version,
            t.grad_fn.name() if t.grad_fn is not None else None,
            [str(w.message) for w in caught]]


@settings(max_examples=500, deadline=None)
@given(symbol=st.sampled_from(["+=", "-=", "*=", "/="]), kt=st.sampled_from(KINDS[:6]),
       kv=st.sampled_from(KINDS), a=floats, b=floats, dta=st.sampled_from([np.float32, np.float64]),
       dtb=st.sampled_from([np.float32, np.float64]), grad=st.booleans())
def test_inplace_update_lane_equals_the_general_path(symbol, kt, kv, a, b, dta, dtb, grad):
    """`w -= lr * w.grad` and the other augmented assignments through the guards: the
    scalar lane, the direct write and the general inplace() agree (value bits, version,
    node, errors)."""
    from gradcli.engine.torch_api import indexing

    np.seterr(all="ignore")
    results = []
    for lane, fast in ((True, True), (False, True), (False, False)):
        scalar_math.ENABLED[0], indexing.FAST_INPLACE[0] = lane, fast
        try:
            t = _operand(kt, a, dta)
            results.append(_update_outcome(symbol, t, _operand(kv, b, dtb), grad))
        finally:
            scalar_math.ENABLED[0], indexing.FAST_INPLACE[0] = True, True
    assert results[0] == results[1] == results[2], (symbol, kt, kv, a, b)
