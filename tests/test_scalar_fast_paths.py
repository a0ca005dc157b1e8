"""Issue 23's engine fast paths give what the general paths give.

- engine/scalar_math.py: + - * / of 0-d floats by numpy's scalar math, against the ufunc
  on 0-d arrays (bit for bit, same result type), over values, dtypes and operand kinds;
- apply's scalar path (engine/apply.py), against the same calls with it turned off:
  values, dtypes, grad_fn names, recorded inputs, grads and errors;
- autograd's plain backward walk against the general loop (PLAIN_LOOP off), over random
  graphs with shared inputs, broadcasting, retain_grad and a second backward."""

import math

import numpy as np
import pytest
from gradcli.engine import autograd, scalar_math
from gradcli.engine.apply import apply
from gradcli.engine.ops import OPS
from gradcli.engine.tensor import Tensor
from hypothesis import given, settings
from hypothesis import strategies as st

SPECIAL = [0.0, -0.0, 1.0, -1.0, math.inf, -math.inf, math.nan, 1e-45, 1e-310, 3.4e38,
           3.5e38, 1e300, -1e300, 1.0000001, 16777217.0, 0.1, 2.0**-149, 2.0**128]
BINARY = (np.add, np.subtract, np.multiply, np.true_divide)
floats = st.one_of(st.sampled_from(SPECIAL), st.floats(allow_nan=True, allow_infinity=True),
                   st.floats(width=32))
ints = st.one_of(st.integers(-2**60, 2**60), st.sampled_from([0, 1, -1, 2**53, 2**53 + 1, 2**24 + 1,
                                                               -2**53, -2**53 - 1, 10**30]))


def _same(x, y) -> bool:
    """Identical type and bits (nan payloads and -0.0 included)."""
    if type(x) is not type(y):
        return False
    if isinstance(x, np.generic):
        return x.tobytes() == y.tobytes()
    return np.asarray(x).tobytes() == np.asarray(y).tobytes()


def _kinds(v, dt):
    """The forms one value takes as an operand: numpy scalar, 0-d array, Python number."""
    return [dt.type(v), np.array(v, dtype=dt), float(v)]


@settings(max_examples=1500, deadline=None)
@given(a=floats, b=st.one_of(floats, ints), dt=st.sampled_from([np.float32, np.float64]),
       dt2=st.sampled_from([np.float32, np.float64]))
def test_scalar_math_equals_the_ufunc(a, b, dt, dt2):
    np.seterr(all="ignore")
    dt, dt2 = np.dtype(dt), np.dtype(dt2)
    lefts = _kinds(a, dt)
    rights = ([b] if isinstance(b, int) else _kinds(b, dt2)) + [np.array(1, dtype=np.int64),
                                                                True, np.float16(1.5)]
    for ufunc in BINARY:
        fn = scalar_math.SCALAR_MATH[ufunc]
        for x in lefts:
            for y in rights:
                for p, q in ((x, y), (y, x)):
                    try:
                        want = ufunc(p, q)
                    except Exception as e:  # noqa: BLE001 - the fast path must not hide it
                        want = e
                    got = scalar_math.binary(fn, p, q)
                    if got is None:
                        continue  # declined: the ufunc runs
                    assert not isinstance(want, Exception), (ufunc, p, q, want)
                    assert _same(got, want), (ufunc, p, q, got, want)


def _declined_kinds():
    assert scalar_math.binary(np.add, 1.0, 2.0) is None  # Python numbers: not numpy's
    assert scalar_math.binary(np.add, np.float32(1), True) is None
    assert scalar_math.binary(np.add, np.float32(1), 2**60) is None
    assert scalar_math.binary(np.add, np.ones(1, np.float32), np.float32(1)) is None
    assert scalar_math.binary(np.add, np.float16(1), np.float32(1)) is None


def test_scalar_math_declines_what_it_does_not_do():
    _declined_kinds()


def _operand(kind, v, dt, grad):
    if kind == "tensor":
        return Tensor(np.array(v, dtype=dt), requires_grad=grad)
    if kind == "vector":
        return Tensor(np.array([v, v], dtype=dt), requires_grad=grad)
    if kind == "int tensor":
        return Tensor(np.array(int(v) if math.isfinite(v) and abs(v) < 1e18 else 3,
                               dtype=np.int64))
    if kind == "float":
        return float(v)
    if kind == "int":
        return int(v) if math.isfinite(v) and abs(v) < 1e18 else 7
    if kind == "big int":
        return 10**20
    return True  # bool


def _outcome(op, args, seed):
    """Everything observable of one apply and its backward."""
    try:
        out = apply(op, args)
    except Exception as e:  # noqa: BLE001
        return ("error", type(e).__name__, str(e))
    rec = [out.data.dtype.str, out.data.shape, out.data.tobytes(), out.requires_grad,
           out.grad_fn.name() if out.grad_fn is not None else None, type(out.data)]
    if out.grad_fn is not None:
        rec.append([(t is a, t.data.dtype.str, t.data.tobytes(), t.requires_grad)
                    for t, a in zip(out.grad_fn.inputs, args, strict=True)])
        rec.append(out.grad_fn.params)
        g = np.asarray(seed, dtype=out.data.dtype)
        try:
            autograd.run_backward([out], [Tensor(np.broadcast_to(g, out.data.shape).copy())])
        except Exception as e:  # noqa: BLE001
            rec.append(("backward error", type(e).__name__, str(e)))
        rec.append([(a.grad.data.dtype.str, a.grad.data.tobytes()) if isinstance(a, Tensor)
                    and a.grad is not None else None for a in args])
    return rec


KINDS = ("tensor", "vector", "int tensor", "float", "int", "big int", "bool")
ROWS = ("add", "sub", "mul", "div", "div_none", "mul_scalar")


@settings(max_examples=150, deadline=None)
@given(row=st.sampled_from(ROWS), ka=st.sampled_from(KINDS), kb=st.sampled_from(KINDS),
       a=floats, b=floats, seed=floats, dta=st.sampled_from([np.float32, np.float64]),
       dtb=st.sampled_from([np.float32, np.float64]), ga=st.booleans(), gb=st.booleans())
def test_apply_scalar_path_equals_the_general_path(row, ka, kb, a, b, seed, dta, dtb, ga, gb):
    np.seterr(all="ignore")
    op = OPS[row]
    results = []
    for enabled in (True, False):
        scalar_math.ENABLED[0] = enabled
        try:
            args = (_operand(ka, a, dta, ga), _operand(kb, b, dtb, gb))
            results.append(_outcome(op, args, seed))
        finally:
            scalar_math.ENABLED[0] = True
    assert results[0] == results[1], (row, ka, kb, a, b)


def _random_graph(rng, dt):
    """A graph of + - * / on a few leaves (0-d and vectors), reusing intermediates."""
    leaves = [Tensor(np.array(rng.standard_normal(), dtype=dt), requires_grad=True)
              for _ in range(3)]
    leaves.append(Tensor(rng.standard_normal(3).astype(dt), requires_grad=True))
    pool = list(leaves) + [Tensor(np.array(0.5, dtype=dt))]
    names = ("add", "sub", "mul", "div", "mul", "add")
    for _ in range(rng.integers(3, 25)):
        x = pool[rng.integers(len(pool))]
        y = pool[rng.integers(len(pool))] if rng.random() < 0.7 else float(rng.standard_normal())
        out = apply(OPS[names[rng.integers(len(names))]], (x, y))
        if rng.random() < 0.1:
            out.retains_grad = True
        pool.append(out)
    root = pool[-1]
    for t in pool[len(leaves):]:
        if t.requires_grad and rng.random() < 0.3:
            root = apply(OPS["add"], (root, t))
    return leaves, pool, apply(OPS["sum"], (root,)) if root.data.ndim else root


@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_plain_backward_walk_equals_the_general_loop(dt):
    np.seterr(all="ignore")
    for seed in range(60):
        runs = []
        for plain in (True, False):
            autograd.PLAIN_LOOP[0] = plain
            try:
                leaves, pool, root = _random_graph(np.random.default_rng(seed), dt)
                if not root.requires_grad:
                    break
                autograd.run_backward([root], [None], retain_graph=seed % 2 == 0)
                rec = [None if t.grad is None else (t.grad.data.dtype.str, t.grad.data.tobytes())
                       for t in pool]
                try:  # a second backward: PyTorch's error without retain_graph
                    autograd.run_backward([root], [None])
                    rec.append("again ok")
                except Exception as e:  # noqa: BLE001
                    rec.append((type(e).__name__, str(e)))
                rec.append([None if t.grad is None else t.grad.data.tobytes() for t in leaves])
                runs.append(rec)
            finally:
                autograd.PLAIN_LOOP[0] = True
        if runs:
            assert runs[0] == runs[1], seed


def test_hundred_thousand_deep_chain_backward_on_the_fast_paths():
    x = Tensor(np.array(1.0, dtype=np.float32), requires_grad=True)
    y = x
    for _ in range(100_000):
        y = apply(OPS["mul"], (y, 1.0000001))
    autograd.run_backward([y], [None])
    want = np.float32(1)
    c = np.float32(1.0000001)
    for _ in range(100_000):  # the grads multiply in the same order, float32 each step
        want = want * c
    assert x.grad.data.tobytes() == np.asarray(want).tobytes()


def test_scalar_path_against_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    for dt, tdt in ((np.float32, torch.float32), (np.float64, torch.float64)):
        for _ in range(200):
            a, b = rng.standard_normal(2) * 10.0 ** rng.integers(-3, 4, 2)
            c = float(rng.standard_normal())
            x = Tensor(np.array(a, dtype=dt), requires_grad=True)
            w = Tensor(np.array(b, dtype=dt), requires_grad=True)
            y = apply(OPS["div"], (apply(OPS["sub"], (apply(OPS["mul"], (x, c)), w)),
                                   apply(OPS["add"], (w, 3))))
            autograd.run_backward([y], [None])
            tx = torch.tensor(a, dtype=tdt, requires_grad=True)
            tw = torch.tensor(b, dtype=tdt, requires_grad=True)
            ty = (tx * c - tw) / (tw + 3)
            ty.backward()
            for ours, theirs in ((y.data, ty.detach()), (x.grad.data, tx.grad),
                                 (w.grad.data, tw.grad)):
                assert ours.tobytes() == theirs.numpy().tobytes()


def _inplace_program(case):
    """Graphs with in-place updates (engine/versions.py's snapshots and saved-tensor
    checks), through the torch API as programs write them."""
    from gradcli.engine import api

    t = api.FUNCTIONS["tensor"]
    x = t([1.5, -2.0], requires_grad=True)
    w = t(0.25, requires_grad=True)
    y = x * 2.0
    z = y * w
    if case == 0:  # y moves on after z saved w only: fine
        api.METHODS["add_"](y, 1.0)
        out = api.FUNCTIONS["sum"](z + y * w)
    elif case == 1:  # a saved input modified: PyTorch's version error
        s = y * y
        api.METHODS["mul_"](y, 3.0)
        out = api.FUNCTIONS["sum"](s)
    else:  # chains of in-place updates on a non-leaf, reused
        api.METHODS["sub_"](z, w)
        api.METHODS["div_"](z, 4.0)
        out = api.FUNCTIONS["sum"](z * z + y)
    try:
        autograd.run_backward([out], [None])
    except Exception as e:  # noqa: BLE001
        return (type(e).__name__, str(e))
    return [x.grad.data.tobytes(), w.grad.data.tobytes()]


@pytest.mark.parametrize("case", [0, 1, 2])
def test_plain_walk_with_in_place_history_equals_the_general_loop(case):
    runs = []
    for plain in (True, False):
        autograd.PLAIN_LOOP[0] = plain
        try:
            runs.append(_inplace_program(case))
        finally:
            autograd.PLAIN_LOOP[0] = True
    assert runs[0] == runs[1]
    if case == 1:
        assert "modified by an inplace operation" in runs[0][1]
