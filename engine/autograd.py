"""Reverse mode: Tensor.backward, torch.autograd.backward and torch.autograd.grad.

One loop does all three (as micrograd's engine does): an iterative topological order of
the tensors that require grad, then a walk from the outputs back, calling each node's
VJP rules and summing the contributions per input in a dict. Broadcasting is undone here,
once, for every rule. With create_graph the rules receive Tensors and run with grad mode
on, so the gradients they build are differentiable.

The commonest call (no hooks, create_graph, inputs or trace) runs the same steps in the
plain walk (_plain_walk), which skips those features' tests and runs a row's scalar lanes
(engine/scalar_lanes.py) on 0-d float nodes; a training step's loss, a chain of such
nodes, needs not even the order and the dict (_chain). Tests hold each to the general
loop (PLAIN_LOOP, SCALAR_CHAIN switch them off)."""

from sys import getrefcount

import numpy as np

from . import dual as D
from . import grad_mode
from . import hooks as H
from . import versions as V
from .apply import apply
from .errors import runtime
from .ops import OPS, _sum_to
from .scalar_lanes import LANES
from .tensor import VERSIONED, Tensor

_f32, _f64, _nd = np.float32, np.float64, np.ndarray

FREED = ("Trying to backward through the graph a second time (or directly access saved "
         "tensors after they have already been freed). Saved intermediate values of the graph "
         "are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if "
         "you need to backward through the graph a second time or if you need to access saved "
         "tensors after calling backward.")


def size_str(shape) -> str:
    return f"torch.Size([{', '.join(str(s) for s in shape)}])"


def topological_order(roots, dirty=None) -> list:
    """Tensors reachable from `roots` through grad_fn inputs that require grad, inputs
    before the tensors made from them (iterative post-order DFS: no recursion). After
    in-place updates, a node's inputs are the ones it recorded (versions.graph_inputs:
    snapshots of tensors changed since); `dirty`, when a set, collects the ids of the
    tensors whose nodes have such an input."""
    order = []
    seen = object()  # this walk's token: a tensor it reached has _mark set to it
    stack = [(r, False) for r in reversed(roots)]
    pop, push, emit = stack.pop, stack.append, order.append
    versioned = VERSIONED[0]
    while stack:
        t, done = pop()
        if done:
            emit(t)
            continue
        # t's first input is visited next without a trip through the stack; a leaf is
        # emitted at once (it would be the next pop)
        while t._mark is not seen:
            t._mark = seen
            fn = t.grad_fn
            if fn is None:
                emit(t)
                break
            push((t, True))
            ins = fn.inputs
            if versioned:
                for inp in ins:
                    if inp._prev is not None:  # an input changed in place with a graph
                        ins = V.graph_inputs(fn)
                        if dirty is not None:
                            dirty.add(id(t))
                        break
            nxt = None
            for inp in reversed(ins):
                if inp.requires_grad and inp._mark is not seen:
                    if nxt is not None:
                        push((nxt, False))
                    nxt = inp
            if nxt is None:
                break
            t = nxt
    return order


def _intact(t, fn) -> bool:
    """Every version counter fn recorded (its inputs', its result's) still holds: then
    versions.check_saved has nothing to find."""
    vs = fn.versions
    ins = fn.inputs
    n = len(ins)
    v = t._version
    if v is not None and v[0] != (vs[n] if vs is not None and len(vs) > n else 0):
        return False
    if vs is None:
        for inp in ins:
            v = inp._version
            if v is not None and v[0]:
                return False
        return True
    for k in range(n):
        v = ins[k]._version
        want = vs[k]
        if want is not None and (0 if v is None else v[0]) != want:
            return False
    return True


def _seeds(outputs, grad_outputs, create_graph):
    # PyTorch's order: the gradients are made (shape errors) before the engine finds an
    # output that does not require grad
    seeds = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs, strict=False)):
        if g is None:
            if out.data.size != 1 and out.requires_grad:
                raise runtime("grad can be implicitly created only for scalar outputs")
            g = np.ones_like(out.data)
        else:
            gshape = g.shape
            if tuple(gshape) != out.data.shape:
                raise runtime(f"Mismatch in shape: grad_output[{i}] has a shape of "
                              f"{size_str(gshape)} and output[{i}] has a shape of "
                              f"{size_str(out.data.shape)}.")
            if not create_graph and isinstance(g, Tensor):
                g = g.data
        seeds.append(Tensor(g) if create_graph and not isinstance(g, Tensor) else g)
    for i, out in enumerate(outputs):
        if not out.requires_grad:
            raise runtime(f"element {i} of tensors does not require grad and does not have a grad_fn")
    return seeds


def _accumulate(t: Tensor, g, create_graph: bool) -> None:
    """Add g into t.grad as AccumulateGrad does: in place normally, as a graph with
    create_graph (the first grad is a CopyBackwards copy, later ones an addition)."""
    if create_graph:
        t.grad = apply(OPS["copy"], (g,)) if t.grad is None else apply(OPS["add"], (t.grad, g))
        return
    grad = t.grad
    if grad is None:
        t.grad = Tensor(np.array(g, dtype=t.data.dtype, copy=True))
        return
    d = grad.data
    tg = type(g)
    if tg is _f32 or tg is _f64:  # a 0-d grad of g's dtype: scalar math, one item write
        x = d[()]  # (an array when d is not 0-d)
        if type(x) is tg:
            s = x + g
            if s == s:  # (nan: the ufunc's payload, below)
                try:
                    d[()] = s
                    return
                except ValueError:  # read-only: np.add raises PyTorch's way below
                    pass
    np.add(d, g, out=d, casting="unsafe")


def _sum(prev, g):
    """prev + g, two contributions to one tensor's grad (not create_graph): numpy float
    scalars of one type add by scalar math unless the sum is nan, which takes the ufunc
    (as engine/scalar_math.py decides), so the bits do not depend on whether a rule
    returned a scalar or a 0-d array."""
    tp = type(prev)
    if (tp is _f32 or tp is _f64) and type(g) is tp:
        s = prev + g
        return s if s == s else np.add(prev, g)
    return prev + g


def _array(g):
    """The gradient a rule receives: a numpy scalar (scalar math's results) as the 0-d
    array the ufuncs give, so that a rule's branches (float32 kernels, zeros_like) do not
    depend on which path made it."""
    return np.asarray(g) if isinstance(g, np.generic) else g


def run_backward(outputs, grad_outputs, *, retain_graph=None, create_graph=False,
                 inputs=None, allow_unused=False, trace=None):
    """The engine. With `inputs` (autograd.grad) returns their grads and leaves every
    .grad alone; without, accumulates into leaves (and retain_grad tensors).

    `trace`, if given, is called once per visited tensor as trace(tensor, grad, sends)
    where sends lists (input_index, input, rule_output, fitted) for each input the
    node's VJP fed: the rule's own result and the same after broadcasting was undone."""
    if retain_graph is None:
        retain_graph = create_graph
    if (len(outputs) == 1 == len(grad_outputs) and grad_outputs[0] is None and inputs is None
            and not create_graph and trace is None and plain_backward(outputs[0], retain_graph)):
        return None  # Tensor.backward()'s own path (the scalar chain of a 0-d root)
    seeds = _seeds(outputs, grad_outputs, create_graph)
    for t in inputs or ():
        if not t.requires_grad:
            raise runtime("One of the differentiated Tensors does not require grad")
    hooked = H.ACTIVE[0]
    plain = PLAIN_LOOP[0] and not create_graph and not hooked and inputs is None and trace is None
    dirty = set() if plain and VERSIONED[0] else None
    order = topological_order(list(outputs), dirty)
    grads: dict = {}
    for out, g in zip(outputs, seeds, strict=False):
        grads[id(out)] = g if id(out) not in grads else grads[id(out)] + g
    if plain:
        _plain(order, grads, retain_graph, dirty)
        return None
    wanted = {id(t): i for i, t in enumerate(inputs)} if inputs is not None else None
    # autograd.grad runs only the nodes on a path to its inputs (others may be freed)
    needed = _needed(order, wanted) if wanted is not None else None
    versioned = VERSIONED[0]
    captured = {}
    with grad_mode.set_grad_enabled(create_graph):
        for t in reversed(order):
            g = grads.pop(id(t), None)
            if g is None:
                continue
            fn = t.grad_fn
            if hooked:
                g = H.run_pre(t, g, create_graph)
            if wanted is not None:
                if id(t) in wanted:
                    captured[id(t)] = g
            elif fn is None or t.retains_grad:
                _accumulate(t, g, create_graph)
                if hooked and fn is None:
                    H.run_post(t)
            if fn is None:
                if trace is not None:
                    trace(t, g, [])
                continue
            op = fn.op
            inputs_ = V.graph_inputs(fn) if versioned else fn.inputs
            if needed is not None and not any(id(i) in needed for i in inputs_):
                continue
            if fn.released and op.saves:
                raise runtime(FREED)
            if versioned:
                V.check_saved(t, fn, [i for i, x in enumerate(inputs_) if x.requires_grad])
            if create_graph:
                out, ins, ga = t, inputs_, g
            else:
                out, ins, ga = t.data, [i.data for i in inputs_], _array(g)
            sends = [] if trace is not None else None
            params = fn.params
            for i, inp in enumerate(inputs_):
                if not inp.requires_grad or (needed is not None and id(inp) not in needed):
                    continue
                if op.variadic:
                    contrib = op.vjps[0](ga, out, *ins, index=i, **params)
                else:
                    rule = op.vjps[i]
                    if rule is None:
                        continue
                    contrib = rule(ga, out, *ins, **params) if params else rule(ga, out, *ins)
                    if contrib is None:  # no gradient at all (torch: vector_norm of order 0)
                        continue
                data = inp.data
                if (create_graph or contrib.shape != data.shape
                        or (contrib.dtype is not data.dtype and contrib.dtype != data.dtype)):
                    fitted = _fit(contrib, inp, create_graph)
                else:  # the rule's result already has the input's shape and dtype
                    fitted = contrib
                if sends is not None:
                    sends.append((i, inp, contrib, fitted))
                prev = grads.get(id(inp))
                grads[id(inp)] = (fitted if prev is None else prev + fitted if create_graph
                                  else _sum(prev, fitted))
            if trace is not None:
                trace(t, g, sends)
            if not retain_graph:
                fn.released = True
    if inputs is None:
        return None
    result = []
    for i, t in enumerate(inputs):
        g = captured.get(id(t))
        if g is None and not allow_unused:
            raise runtime(f"The differentiated Tensor at index {i} appears to not have been used "
                          f"in the graph. Set allow_unused=True if this is the desired behavior.")
        result.append(g if g is None or isinstance(g, Tensor) else
                      Tensor(np.array(g, dtype=t.data.dtype)))
    return result


# tests turn the plain walk off to hold it to the general loop
PLAIN_LOOP = [True]


def plain_backward(root: Tensor, retain_graph) -> bool:
    """`root.backward()` without arguments (a training step's call) by the plain walk; False
    (nothing done) when run_backward must serve it: hooks, an error to raise."""
    if not PLAIN_LOOP[0] or H.ACTIVE[0] or not root.requires_grad:
        return False
    data = root.data
    if data.size != 1:
        return False
    seed = _ONE.get(type(data[()])) if type(data) is _nd else None  # 0-d float: a scalar
    if seed is None:
        seed = np.ones_like(data)
    elif SCALAR_CHAIN[0] and root.grad_fn is not None and _chain(root, seed, retain_graph):
        return True
    dirty = set() if VERSIONED[0] else None
    order = topological_order([root], dirty)
    _plain(order, {id(root): seed}, bool(retain_graph), dirty)
    return True


# tests turn the scalar chain off to hold it to the plain walk
SCALAR_CHAIN = [True]
_ONE = {_f32: _f32(1), _f64: _f64(1)}  # the seeds of 0-d roots (numpy scalars are immutable)


def _chain(root: Tensor, g, retain_graph) -> bool:
    """The plain walk for a chain of binary 0-d float nodes with scalar lanes (a training
    step's loss): each node has at most one input that is not a leaf, so that input's
    only consumer is the node before it, and the walk order is the chain itself (no
    topological order, no grads dict). Every lane runs first, changing nothing; then, the
    walk having nothing left that could fail, the nodes are released and the leaves
    accumulated. False (nothing done) at anything else: a node that is not such a lane
    node or has two non-leaf inputs, a lane declining or giving nan, a saved tensor changed
    in place, a freed node, a retain_grad tensor, a leaf grad that is not a writable 0-d
    array of the dtype held by nothing else. The leaves' accumulations come after all the
    lanes and in another order than the plain walk's, which no program can see once
    nothing can fail and no grad shares memory; each leaf's sum runs in the same order."""
    ts = type(g)
    lanes_of = LANES.get
    versioned = VERSIONED[0]
    nodes, leaves = [], {}
    t = root
    while t is not None:
        fn = t.grad_fn
        op = fn.op
        lanes = lanes_of(id(op))
        ins = fn.inputs
        if (lanes is None or len(ins) != 2 or fn.params or t.retains_grad
                or (fn.released and op.saves)):
            return False
        a, b = ins
        try:
            o, xa, xb = t.data[()], a.data[()], b.data[()]
        except (TypeError, IndexError):  # (not numpy arrays)
            return False
        if type(o) is not ts or type(xa) is not ts or type(xb) is not ts:
            return False
        if versioned:  # every counter as the node recorded it (else: the plain walk)
            vs = fn.versions
            va, vb = a._version, b._version
            if (t._version is not None or va is not None and va[0] != (vs[0] if vs else 0)
                    or vb is not None and vb[0] != (vs[1] if vs else 0)):
                return False
        la, lb = lanes
        ca = cb = None
        if a.requires_grad:
            if la is not None:
                ca = la(g, o, xa, xb)
                if ca is None or ca != ca:
                    return False
            elif op.vjps[0] is not None:
                return False
        if b.requires_grad:
            if lb is not None:
                cb = lb(g, o, xa, xb)
                if cb is None or cb != cb:
                    return False
            elif op.vjps[1] is not None:
                return False
        nodes.append(fn)
        t = None
        for inp, c in ((a, ca), (b, cb)):
            if c is None:
                continue
            if inp.grad_fn is not None:  # the next node (its only consumer is this one)
                if t is not None:
                    return False
                t, g = inp, c
                continue
            k = id(inp)
            ent = leaves.get(k)
            if ent is not None:
                ent[1] = _sum(ent[1], c)
                continue
            grad = inp.grad
            if grad is not None:  # a 0-d array of the dtype that only this grad holds (no
                d = grad.data     # view, no other tensor): the accumulations' order is moot
                if (type(d) is not _nd or type(d[()]) is not ts or d.base is not None
                        or getrefcount(d) != 3 or not d.flags.writeable):
                    return False
            leaves[k] = [inp, c]
    if not retain_graph:
        for fn in nodes:
            fn.released = True
    for leaf, c in leaves.values():  # _accumulate's, on the 0-d grads checked above
        grad = leaf.grad
        if grad is None:
            leaf.grad = Tensor(np.array(c, dtype=leaf.data.dtype, copy=True))
            continue
        d = grad.data
        s = d[()] + c
        if s == s:
            d[()] = s
        else:  # (nan: the ufunc's payload)
            np.add(d, c, out=d, casting="unsafe")
    return True


def _plain(order, grads, retain_graph, dirty) -> None:
    mode = grad_mode._enabled
    before = mode[0]
    mode[0] = False
    try:
        _plain_walk(order, grads, retain_graph, dirty)
    finally:
        mode[0] = before


def _plain_walk(order, grads, retain_graph, dirty) -> None:
    """run_backward's loop for the commonest call (.backward() without hooks, create_graph,
    inputs or trace): the same steps in the same order, without the tests for the features
    not in use. `dirty` (None: no tensor was ever changed in place): the ids of the tensors
    whose nodes have an input changed in place with a graph (topological_order); other
    nodes' saved tensors are checked only when a recorded version moved."""
    pop, lanes_of = grads.pop, LANES.get
    for t in reversed(order):
        g = pop(id(t), None)
        if g is None:
            continue
        fn = t.grad_fn
        if fn is None or t.retains_grad:
            _accumulate(t, g, False)
            if fn is None:
                continue
        op = fn.op
        inputs_ = fn.inputs
        if dirty is not None:
            moved = id(t) in dirty
            if moved:
                inputs_ = V.graph_inputs(fn)
            if fn.released and op.saves:
                raise runtime(FREED)
            if op.saves and (moved or not _intact(t, fn)):
                V.check_saved(t, fn, [i for i, x in enumerate(inputs_) if x.requires_grad])
        elif fn.released and op.saves:
            raise runtime(FREED)
        lanes = lanes_of(id(op))
        if lanes is None or not _lanes(lanes, g, t, fn, inputs_, grads):
            _rules(g, t, fn, inputs_, grads)
        if not retain_graph:
            fn.released = True


def _rules(g, t, fn, inputs_, grads) -> None:
    """One node's VJP rules: each input's contribution, fitted to it, added to grads."""
    out = t.data
    op, params = fn.op, fn.params
    ga = _array(g)
    ins = [i.data for i in inputs_]
    vjps = op.vjps
    variadic = op.variadic
    get = grads.get
    for i, inp in enumerate(inputs_):
        if not inp.requires_grad:
            continue
        if variadic:
            contrib = vjps[0](ga, out, *ins, index=i, **params)
        else:
            rule = vjps[i]
            if rule is None:
                continue
            contrib = rule(ga, out, *ins, **params) if params else rule(ga, out, *ins)
            if contrib is None:  # no gradient at all (torch: vector_norm of order 0)
                continue
        data = inp.data
        if contrib.shape != data.shape or (contrib.dtype is not data.dtype
                                           and contrib.dtype != data.dtype):
            contrib = _fit(contrib, inp, False)
        k = id(inp)
        prev = get(k)
        grads[k] = contrib if prev is None else _sum(prev, contrib)


def _lanes(lanes, g, t, fn, inputs_, grads) -> bool:
    """One node's contributions by its row's scalar lanes (engine/scalar_lanes.py) when
    g, the result and every input are numpy scalars of one float type (0-d float32 or
    float64 graphs); False, with nothing done, otherwise. An input whose lane declines
    (or gives nan) gets its rule's contribution."""
    if fn.params:
        return False
    s = g[()] if type(g) is _nd else g
    ts = type(s)
    if ts is not _f32 and ts is not _f64:
        return False
    try:
        o = t.data[()]  # (an array unless the result is 0-d)
        xs = tuple([i.data[()] for i in inputs_])
    except (TypeError, IndexError):  # (not numpy arrays)
        return False
    if type(o) is not ts:
        return False
    for x in xs:
        if type(x) is not ts:
            return False
    vjps = fn.op.vjps
    get = grads.get
    for i, inp in enumerate(inputs_):
        if not inp.requires_grad or vjps[i] is None:
            continue
        ln = lanes[i]
        c = None if ln is None else ln(s, o, *xs)
        if c is None or c != c:  # the rule itself (a nan: the ufuncs' payload)
            c = _rule(vjps[i], g, t, inputs_, inp)
            if c is None:
                continue
        k = id(inp)
        prev = get(k)
        grads[k] = c if prev is None else _sum(prev, c)
    return True


def _rule(rule, g, t, inputs_, inp):
    """One input's contribution by its row's rule (its lane declined), fitted to it."""
    contrib = rule(_array(g), t.data, *[i.data for i in inputs_])
    if contrib is not None and (contrib.shape != inp.data.shape
                                or contrib.dtype != inp.data.dtype):
        contrib = _fit(contrib, inp, False)
    return contrib


def _graph_sum_to(contrib: Tensor, shape: tuple) -> Tensor:
    """torch's at::sum_to under create_graph: sum(dims, keepdim=True) (SumBackward1), then
    view to the shape when leading dims went (ViewBackward0)."""
    sizes = contrib.data.shape
    lead = len(sizes) - len(shape)
    if lead < 0:
        return D.sum_to(contrib, shape=shape)
    dims = tuple(range(lead)) + tuple(i for i in range(lead, len(sizes))
                                      if shape[i - lead] == 1 and sizes[i] != 1)
    if dims:
        contrib = D.sum_dim(contrib, dims=dims, keepdim=True)
    if lead:
        contrib = D.reshape(contrib, shape=shape)
    return contrib


def _needed(order, wanted) -> set:
    """ids of the tensors on a path to one of `wanted` (order: inputs before consumers)."""
    needed = set()
    versioned = VERSIONED[0]
    for t in order:
        if id(t) in wanted:
            needed.add(id(t))
            continue
        fn = t.grad_fn
        if fn is not None and any(id(i) in needed for i in
                                  (V.graph_inputs(fn) if versioned else fn.inputs)):
            needed.add(id(t))
    return needed


def _fit(contrib, inp: Tensor, create_graph: bool):
    """Undo broadcasting (sum back to the input's shape) and match the input's dtype."""
    shape = inp.data.shape
    if create_graph:
        if not isinstance(contrib, Tensor):
            contrib = Tensor(np.asarray(contrib))
        if contrib.data.shape != shape:
            contrib = _graph_sum_to(contrib, shape)
        if contrib.data.dtype != inp.data.dtype:
            contrib = D.to_dtype(contrib, dtype=inp.data.dtype)
        return contrib
    if contrib.shape != shape:
        contrib = _sum_to(np.asarray(contrib), shape)
    if contrib.dtype != inp.data.dtype:
        contrib = np.asarray(contrib, dtype=inp.data.dtype)
    return contrib


def backward(tensor: Tensor, gradient=None, retain_graph=None, create_graph=False) -> None:
    """Tensor.backward."""
    run_backward([tensor], [gradient], retain_graph=retain_graph, create_graph=create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False) -> tuple:
    """torch.autograd.grad."""
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    return tuple(run_backward(outputs, list(grad_outputs), retain_graph=retain_graph,
                              create_graph=create_graph, inputs=inputs,
                              allow_unused=allow_unused))
