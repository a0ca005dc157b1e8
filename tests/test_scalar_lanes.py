"""Backward's scalar fast paths give what the general paths give (issue 23, third round).

- every scalar lane (engine/scalar_lanes.py, registered by the op rows) against its row's
  VJP rule on 0-d arrays: the same bits and dtype whenever the lane answers (hypothesis
  over values incl. nan, ±0, subnormals, overflow, both float dtypes);
- `loss.backward()` three ways on generated 0-d graphs (chains of lane nodes with shared
  leaves, constants, other ops, nan, retain_grad, retain_graph, saved tensors changed in
  place, a second backward): the scalar chain (autograd.SCALAR_CHAIN), the plain walk
  with its lanes (chain off), run_backward's general loop (PLAIN_LOOP off). Grads (bits,
  dtype), errors and the second backward's outcome must be identical;
- the torch oracle on the benchmarked loop's graph and on a grad reaching zeros_like."""

import math

import numpy as np
import pytest
from gradcli.engine import api, autograd, grad_mode
from gradcli.engine.errors import GradcliError
from gradcli.engine.ops import OPS
from gradcli.engine.scalar_lanes import LANES
from gradcli.engine.tensor import Tensor
from hypothesis import given, settings
from hypothesis import strategies as st

SPECIAL = [0.0, -0.0, 1.0, -1.0, 2.0, math.inf, -math.inf, math.nan, 1e-45, 1e-310, 3.4e38,
           -3.5e38, 1e300, 1.0000001, 0.1, 2.0**-149, 2.0**127]
floats = st.one_of(st.sampled_from(SPECIAL), st.floats(allow_nan=True, allow_infinity=True),
                   st.floats(width=32))
ROWS = {id(op): op for op in OPS.values()}
LANE_ROWS = sorted(ROWS[k].name for k in LANES)


def test_the_lane_rows():
    """The rows the loop's graph needs have lanes (else the chain never runs)."""
    assert {"add", "sub", "mul", "div", "pow_scalar"} <= set(LANE_ROWS)


@settings(max_examples=300, deadline=None)
@given(g=floats, a=floats, b=st.one_of(floats, st.sampled_from([2.0, 3.0, 0.0, 0.5])),
       dt=st.sampled_from([np.float32, np.float64]))
@pytest.mark.parametrize("name", LANE_ROWS)
def test_each_lane_equals_its_rule(name, g, a, b, dt):
    np.seterr(all="ignore")
    op = OPS[name]
    lanes = LANES[id(op)]
    arrays = [np.array(v, dtype=dt) for v in (a, b)[:len(op.vjps)]]
    out = np.asarray(op.forward(*arrays), dtype=dt)
    if out.dtype != dt:
        return
    ga = np.array(g, dtype=dt)
    for i, (lane, rule) in enumerate(zip(lanes, op.vjps, strict=True)):
        if lane is None:
            continue
        got = lane(ga[()], out[()], *[x[()] for x in arrays])
        if got is None or got != got:  # declined: the walk runs the rule
            continue
        want = np.asarray(rule(ga, out, *arrays))
        assert type(got) is dt, (name, i)
        assert np.asarray(got).tobytes() == want.astype(dt).tobytes(), (name, i, g, a, b)
        assert want.dtype == dt and want.shape == ()


def _graph(rng, dt):
    """A 0-d graph as a training step builds one: a chain of lane ops over shared leaves
    and Python numbers, now and then another op (exp, a vector sum) or a tensor used
    twice; returns (leaves, tensors, root, after) where after() may change tensors in
    place before the backward."""
    t = api.FUNCTIONS["tensor"]
    leaves = [t(float(v), requires_grad=True, dtype=dt) for v in rng.standard_normal(3)]
    if rng.random() < 0.3:
        leaves[0].grad = t(float(rng.standard_normal()), dtype=dt)
    pool = list(leaves)
    y = leaves[rng.integers(3)]
    specials = [0.0, -0.0, math.inf, math.nan, 1e-42, 2.0]
    for _ in range(rng.integers(1, 8)):
        r = rng.random()
        other = (leaves[rng.integers(3)] if rng.random() < 0.5 else
                 float(specials[rng.integers(len(specials))] if rng.random() < 0.15
                       else rng.standard_normal()))
        if r < 0.2:
            y = y * other
        elif r < 0.35:
            y = other - y if rng.random() < 0.3 else y - other
        elif r < 0.5:
            y = y + other
        elif r < 0.6:
            y = y / other
        elif r < 0.7:
            y = y ** (2 if rng.random() < 0.8 else 3)
        elif r < 0.75:
            y = -y
        elif r < 0.8:
            y = y.exp()
        elif r < 0.85:
            y = y * y  # the same non-leaf twice: the plain walk's order
        elif r < 0.9:
            y = (y * t([1.0, 2.0], dtype=dt)).sum()
        else:
            y = y + pool[rng.integers(len(pool))]  # a tensor reached twice
        pool.append(y)
    if rng.random() < 0.1 and pool[-1].grad_fn is not None:
        pool[len(pool) // 2].retain_grad()
    change = rng.random()

    def after():
        if change < 0.1:
            with grad_mode.no_grad():
                api.METHODS["add_"](leaves[rng.integers(3)], 1.0)
    return leaves, pool, y, after


def _outcome(root, tensors, retain):
    rec = []
    for _ in range(2):  # a second backward: freed nodes raise without retain_graph
        try:
            api.METHODS["backward"](root, retain_graph=retain)
            rec.append("ok")
        except GradcliError as e:
            rec.append((e.type_name, e.message))
        rec.append([None if x.grad is None else (x.grad.data.dtype.str, x.grad.data.tobytes(),
                                                 type(x.grad.data).__name__) for x in tensors])
    return rec


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_chain_plain_walk_and_general_loop_agree(dt):
    from gradcli.engine import dtypes

    np.seterr(all="ignore")
    dtype = dtypes.dtype_object(np.dtype(dt))
    modes = {"chain": (True, True), "plain": (False, True), "general": (False, False)}
    taken = 0
    for seed in range(400):
        got = {}
        for mode, (chain, plain) in modes.items():
            autograd.SCALAR_CHAIN[0], autograd.PLAIN_LOOP[0] = chain, plain
            calls = []
            real = autograd._chain
            autograd._chain = lambda *a, calls=calls, real=real: calls.append(real(*a)) or calls[-1]
            try:
                rng = np.random.default_rng(seed)
                leaves, pool, root, after = _graph(rng, dtype)
                after()
                got[mode] = _outcome(root, pool, seed % 3 == 0)
            finally:
                autograd._chain = real
                autograd.SCALAR_CHAIN[0] = autograd.PLAIN_LOOP[0] = True
            if mode == "chain":
                taken += bool(calls and calls[0])
        assert got["chain"] == got["plain"] == got["general"], seed
    assert taken > 100  # the chain served many of them (not only its fallbacks)


def test_hundred_thousand_deep_chain_by_the_scalar_chain():
    x = Tensor(np.array(1.0, dtype=np.float32), requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0000001
    assert autograd.plain_backward(y, None)
    want = np.float32(1)
    c = np.float32(1.0000001)
    for _ in range(100_000):
        want = want * c
    assert x.grad.data.tobytes() == np.asarray(want).tobytes()


def test_loop_graph_and_zeros_like_against_torch():
    torch = pytest.importorskip("torch")
    t = api.FUNCTIONS["tensor"]
    for dt, tdt in ((np.float32, torch.float32), (np.float64, torch.float64)):
        rng = np.random.default_rng(7)
        for _ in range(100):
            w0, b0, x, y = (float(v) for v in rng.standard_normal(4) * 3)
            w, b = t(w0, requires_grad=True, dtype=dt), t(b0, requires_grad=True, dtype=dt)
            tw = torch.tensor(w0, requires_grad=True, dtype=tdt)
            tb = torch.tensor(b0, requires_grad=True, dtype=tdt)
            for _ in range(2):  # accumulation into existing grads too
                api.METHODS["backward"]((w * x + b - y) ** 2)
                ((tw * x + tb - y) ** 2).backward()
            assert w.grad.data.tobytes() == tw.grad.numpy().tobytes()
            assert b.grad.data.tobytes() == tb.grad.numpy().tobytes()
    # a numpy-scalar grad reaching pow's zeros_like (exponent 0) gave -0.
    x = t(2.0, requires_grad=True)
    api.METHODS["backward"]((x ** 0) * -1.0)
    tx = torch.tensor(2.0, requires_grad=True)
    ((tx ** 0) * -1.0).backward()
    assert x.grad.data.tobytes() == tx.grad.numpy().tobytes()


def test_read_only_leaf_grad_takes_the_plain_walk():
    """A leaf grad the chain cannot write in place: the plain walk's error and state."""
    got = []
    for chain in (True, False):
        autograd.SCALAR_CHAIN[0] = chain
        try:
            a = Tensor(np.array(1.5, dtype=np.float32), requires_grad=True)
            b = Tensor(np.array(2.5, dtype=np.float32), requires_grad=True)
            ro = np.array(0.0, dtype=np.float32)
            ro.flags.writeable = False
            a.grad = Tensor(ro)
            y = (a * 3.0 + b) * 2.0
            try:
                api.METHODS["backward"](y)
                got.append("ok")
            except Exception as e:  # noqa: BLE001  (numpy's own error, as the walk raises it)
                got.append((type(e).__name__, str(e)))
            got.append((a.grad.data.tobytes(), None if b.grad is None else b.grad.data.tobytes(),
                        y.grad_fn.released))
        finally:
            autograd.SCALAR_CHAIN[0] = True
    assert got[:2] == got[2:] and got[0] != "ok"


@pytest.mark.parametrize("alias", ["shared grad", "grad is an input", "grad view"])
def test_leaf_grads_sharing_memory_take_the_plain_walk(alias):
    """Accumulating into a grad that another grad or a graph value shares: the order of
    the accumulations and of the reads is the plain walk's (y = a * a + b accumulates b
    before mul reads a; float32 sums in another order differ for these values)."""
    got = []
    for chain in (True, False):
        autograd.SCALAR_CHAIN[0] = chain
        try:
            a = Tensor(np.array(1.1, dtype=np.float32), requires_grad=True)
            b = Tensor(np.array(2.5, dtype=np.float32), requires_grad=True)
            a.grad = Tensor(np.array(0.1, dtype=np.float32))
            if alias == "shared grad":
                b.grad = a.grad
            elif alias == "grad is an input":
                b.grad = Tensor(a.data)
            else:
                b.grad = Tensor(a.grad.data[...])
            api.METHODS["backward"](a * a + b)
            got.append((a.data.tobytes(), a.grad.data.tobytes(), b.grad.data.tobytes()))
        finally:
            autograd.SCALAR_CHAIN[0] = True
    assert got[0] == got[1]
