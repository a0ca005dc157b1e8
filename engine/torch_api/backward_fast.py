"""`loss.backward()` with no arguments on a one-element result whose graph is plain op-table
nodes: the call every training loop makes once a step, in one lean pass.

engine/autograd.run_backward serves every form (gradients given, autograd.grad's inputs,
create_graph, hooks, traces, graphs changed in place) and pays for that generality per node:
~30 µs of bookkeeping around ~8 µs of VJP rules for a four-node scalar graph. Here the same
walk (the same topological order, the same rules called with the same arguments, the same
sums in the same order, the same accumulation into leaves) runs without those options.

Anything it does not cover it leaves to the general engine before it has changed anything:
hooks registered, a node that is not a table op (custom Functions, hook nodes), a node
already freed, a saved tensor changed in place since it was recorded (PyTorch's error or
the snapshot of an in-place op's history). tests/test_fast_paths.py holds it to the
general engine."""

import numpy as np

from .. import grad_mode
from .. import hooks as H
from ..ops import OPS
from ..tensor import Node, Tensor


# tests turn the lean walk off to hold it to the general engine
LEAN = [True]


def _current(t: Tensor, want) -> bool:
    """t is at the version a node recorded (None: all counters were 0 then)."""
    v = t._version
    return (0 if v is None else v[0]) == (0 if want is None else want)


def lean_backward(root: Tensor, retain_graph) -> bool:
    """Backward from `root` with gradient 1; False (nothing done) when the general engine
    must run."""
    if not LEAN[0] or H.ACTIVE[0] or not root.requires_grad or root.data.size != 1:
        return False
    ops = OPS
    # the order of engine/autograd.topological_order: iterative post-order DFS
    order, seen = [], set()
    stack = [(root, False)]
    pop, push, add = stack.pop, stack.append, seen.add
    while stack:
        t, done = pop()
        if done:
            order.append(t)
            continue
        key = id(t)
        if key in seen:
            continue
        add(key)
        push((t, True))
        fn = t.grad_fn
        if fn is None:
            continue
        op = fn.op
        if type(fn) is not Node or ops.get(op.name) is not op or op.variadic \
                or (fn.released and op.saves):
            return False
        inputs = fn.inputs
        vs = fn.versions
        # every counter where the node recorded it (None: all were 0), the result's too
        if vs is None:
            if t._version is not None and t._version[0]:
                return False
            for inp in reversed(inputs):
                if inp._prev is not None or inp._version is not None and inp._version[0]:
                    return False
                if inp.requires_grad and id(inp) not in seen:
                    push((inp, False))
            continue
        n = len(inputs)
        if len(vs) > n and not _current(t, vs[n]):
            return False
        for k in range(n - 1, -1, -1):
            inp = inputs[k]
            if inp._prev is not None or not _current(inp, vs[k]):
                return False
            if inp.requires_grad and id(inp) not in seen:
                push((inp, False))
    grads = {id(root): np.ones(root.data.shape, root.data.dtype)}
    mode = grad_mode._enabled
    before = mode[0]
    mode[0] = False
    try:
        for t in reversed(order):
            g = grads.pop(id(t), None)
            if g is None:
                continue
            fn = t.grad_fn
            if fn is None or t.retains_grad:
                # AccumulateGrad (engine/autograd._accumulate without create_graph)
                if t.grad is None:
                    t.grad = Tensor(np.array(g, dtype=t.data.dtype, copy=True))
                else:
                    np.add(t.grad.data, g, out=t.grad.data, casting="unsafe")
                if fn is None:
                    continue
            op = fn.op
            inputs = fn.inputs
            out = t.data
            if len(inputs) == 2:
                a0, a1 = inputs
                ins = (a0.data, a1.data)
            else:
                ins = [i.data for i in inputs]
            params = fn.params
            vjps = op.vjps
            for i, inp in enumerate(inputs):
                if not inp.requires_grad:
                    continue
                rule = vjps[i]
                if rule is None:
                    continue
                contrib = rule(g, out, *ins, **params) if params else rule(g, out, *ins)
                if contrib is None:
                    continue
                data = inp.data
                if contrib.shape != data.shape or (contrib.dtype is not data.dtype
                                                   and contrib.dtype != data.dtype):
                    contrib = _fit(contrib, data)
                key = id(inp)
                prev = grads.get(key)
                grads[key] = contrib if prev is None else prev + contrib
            if not retain_graph:
                fn.released = True
    finally:
        mode[0] = before
    return True


def _fit(contrib, data):
    """Undo broadcasting and match the input's dtype (engine/autograd._fit's plain case)."""
    from ..ops import _sum_to

    if contrib.shape != data.shape:
        contrib = _sum_to(np.asarray(contrib), data.shape)
    if contrib.dtype != data.dtype:
        contrib = np.asarray(contrib, dtype=data.dtype)
    return contrib
