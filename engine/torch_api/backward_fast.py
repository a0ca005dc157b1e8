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


_PLAIN_OPS: set = set()  # ids of the table's rows seen so far (OPS[op.name] is op)


def lean_backward(root: Tensor, retain_graph) -> bool:
    """Backward from `root` with gradient 1; False (nothing done) when the general engine
    must run."""
    if not LEAN[0] or H.ACTIVE[0] or not root.requires_grad or root.data.size != 1:
        return False
    plain = _PLAIN_OPS
    # the nodes in the order of engine/autograd.topological_order (iterative post-order
    # DFS); the leaves apart: nothing flows out of a leaf, so where it sits in the order
    # changes nothing, as long as it is reached after every node feeding it
    order, leaves, seen = [], [], set()
    if root.grad_fn is None:
        leaves.append(root)
        stack = []
    else:
        stack = [(root, False)]
    pop, push, mark = stack.pop, stack.append, seen.add
    while stack:
        t, done = pop()
        if done:
            order.append(t)
            continue
        key = id(t)
        if key in seen:
            continue
        mark(key)
        push((t, True))
        fn = t.grad_fn
        op = fn.op
        if id(op) not in plain:
            if type(fn) is not Node or OPS.get(op.name) is not op or op.variadic:
                return False
            plain.add(id(op))
        if fn.released and op.saves:
            return False  # the general engine raises PyTorch's error
        inputs = fn.inputs
        vs = fn.versions
        # every counter where the node recorded it (None: all were 0), the result's too,
        # and no in-place history to resolve: else the general engine decides
        n = len(inputs)
        v = t._version
        if v is not None and v[0] != (vs[n] if vs is not None and len(vs) > n else 0):
            return False
        for k in range(n - 1, -1, -1):
            inp = inputs[k]
            v = inp._version
            if inp._prev is not None or v is not None and v[0] != (
                    0 if vs is None or vs[k] is None else vs[k]):
                return False
            if inp.requires_grad and id(inp) not in seen:
                if inp.grad_fn is None:
                    mark(id(inp))
                    leaves.append(inp)
                else:
                    push((inp, False))
    shape, dtype = root.data.shape, root.data.dtype
    grads = {id(root): np.array(1, dtype) if shape == () else np.ones(shape, dtype)}
    mode = grad_mode._enabled
    before = mode[0]
    mode[0] = False
    try:
        pop, get = grads.pop, grads.get
        for t in reversed(order):
            g = pop(id(t), None)
            if g is None:
                continue
            if t.retains_grad:
                _accumulate(t, g)
            fn = t.grad_fn
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
                prev = get(key)
                grads[key] = contrib if prev is None else prev + contrib
            if not retain_graph:
                fn.released = True
        for t in leaves:
            g = pop(id(t), None)
            if g is not None:
                _accumulate(t, g)
    finally:
        mode[0] = before
    return True


def _accumulate(t: Tensor, g) -> None:
    """AccumulateGrad: engine/autograd._accumulate without create_graph."""
    if t.grad is None:
        t.grad = Tensor(np.array(g, dtype=t.data.dtype, copy=True))
    else:
        np.add(t.grad.data, g, out=t.grad.data, casting="unsafe")


def _fit(contrib, data):
    """Undo broadcasting and match the input's dtype (engine/autograd._fit's plain case)."""
    from ..ops import _sum_to

    if contrib.shape != data.shape:
        contrib = _sum_to(np.asarray(contrib), data.shape)
    if contrib.dtype != data.dtype:
        contrib = np.asarray(contrib, dtype=data.dtype)
    return contrib
