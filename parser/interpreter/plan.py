"""Compiled plans per line shape (issue 23, third round): a batch repeats its lines'
structure with other numbers, so once the general path has run a line of a shape, its
graph becomes a plan that later lines of the same shape replay with their own literals.

A plan is read off the general path's own result, never guessed from names: each node's
grad_fn (its op row, its inputs, no params) says which forward made it and on what; the
tree says which literal a constant input came from (by the spans the parser gave them);
the backward is the engine's walk (autograd.topological_order, then _plain_walk's steps in
its order) written down once. Replaying calls the very functions the engine calls — the
rows' forwards (or numpy's scalar math where apply takes it), then the rows' VJP rules —
on the same kinds of values (0-d arrays of the case's dtype, Python numbers for literals),
so the bits are the engine's, without the interpreter's tree walk, Tensor or Node objects.

What a plan takes: lines whose statements are assignments and expressions made only of
number literals, names, + - * / // % @ ** and unary minus, and calls without keywords
(`sin(x)`, `torch.exp(y)`, `x.cos()`), where every leaf is a number literal (or its
negation) and every computed node is one op of 0-d tensors of one floating dtype, with
no params and no views. Anything else, or any run that meets a nan, a None or
broadcasting VJP result, or other global state (grad mode off, forward AD, hooks, in-place
versions, another default dtype), returns None: the line goes the general way. (The
rest of batch_pool.global_state cannot reach a plan's ops: inference mode turns grad mode
off, functorch levels live only inside a call, and plans draw no random numbers and print
no tensors.)
cli/eval_plan.py decides when a plan is trusted (it must reproduce the general
path's own records on two lines first); tests/test_eval_plan.py holds the two paths to
each other over generated lines."""

import numpy as np

from ...engine import dtypes, grad_mode
from ...engine import hooks as H
from ...engine.apply import FORWARD_AD
from ...engine.autograd import topological_order
from ...engine.scalar_math import F32, F64, SCALAR_MATH
from ...engine.tensor import VERSIONED, Tensor
from ..shape_cache import literal_value
from .case import leaf_tensor

_BINARY = ("add", "sub", "mul", "div", "floordiv", "mod", "matmul", "pow")
_OPS = _BINARY + ("neg", "pos", "call")
_ALLOWED = _OPS + ("const", "name", "attr")
_STATEMENTS = ("assign", "expr_stmt")
# forward steps: a leaf, numpy scalar math, a row's forward (apply's _apply_float), a
# row of the "same" dtype rule (apply's _apply: no casting, Python numbers as numpy's arrays)
_LEAF, _SCALAR, _ROW, _SAME = 0, 1, 2, 3
# an argument: a node's slot, a literal (as a Python number; as an array of the case's
# dtype for the VJP rules), a "same" row's literal (numpy's array of it), a fixed array
_SLOT, _LIT, _LIT_SAME, _FIXED = 0, 1, 2, 3
_INT_EXACT = 2**53  # (apply's scalar path takes Python ints within this)


class Plan:
    """The replay of one line shape. run(values) -> (values, grads) per slot, or None:
    `values` are the line's literals' Python values; the result, the node slots' values
    (0-d arrays) and the leaves' grads (0-d arrays; None where the general path leaves
    none). run is straight-line Python generated from the steps (see _source)."""

    __slots__ = ("dt", "forward", "backward", "nslots", "out", "nodes", "kinds", "run",
                 "values")

    def build(self, literals) -> None:
        """run() and values(literals) -> the literals' Python values as the Builder makes
        them, or None (a literal the Builder refuses, or of another class)."""
        conv, scope = [], {"lv": literal_value, "int": int}
        for i, (lit, kind) in enumerate(zip(literals, self.kinds, strict=True)):
            if kind is float and "_" not in lit:  # (the shape's key: never one here)
                conv.append(f"float(L[{i}])")  # parser/ast.py's _number for a FLOAT
            else:
                conv.append(f"v{i}")
                scope.setdefault("checks", []).append(
                    f"    v{i} = lv(L[{i}])\n    if type(v{i}) is not {kind.__name__}:\n"
                    f"        return None\n")
        text = "def values(L):\n" + "".join(scope.pop("checks", ())) + \
            f"    return [{', '.join(conv)}]\n"
        exec(compile(text, "<line plan values>", "exec"), scope)  # noqa: S102 - our text
        self.values = scope["values"]
        scope = {"np": np, "asarray": np.asarray, "array": np.array, "ndarray": np.ndarray,
                 "ones_like": np.ones_like, "dt": self.dt, "T": self.dt.type,
                 "FA": FORWARD_AD, "VER": VERSIONED, "HA": H.ACTIVE, "GM": grad_mode._enabled,
                 "default_float": dtypes.default_float, "EXACT": _INT_EXACT}
        exec(compile(_source(self, scope), "<line plan>", "exec"), scope)  # noqa: S102
        self.run = scope["run"]


def _source(plan, scope) -> str:
    """run()'s text: apply's steps (engine/apply.py: its scalar path, _apply_float and
    _apply for "same" rows) and _plain_walk's (engine/autograd.py), for these slots."""
    def ref(obj) -> str:
        name = f"K{len(scope)}"
        scope[name] = obj
        return name

    lines = ["def run(values):",
             "    if FA[0] is not None or VER[0] or HA[0] or not GM[0] or default_float() != dt:",
             "        return None"]
    add = lines.append
    for kind, s, fn, args in plan.forward:
        if kind == _LEAF:
            k, negate = args
            value = f"{'-' if negate else ''}values[{k}]"
            # (a float: leaf_tensor's own shortcut, np.array(value, the default dtype))
            add(f"    v{s} = {ref(fn)}({value}, True).data" if fn is not None
                else f"    v{s} = array({value}, dt)")
            if fn is not None:
                add(f"    if v{s}.dtype != dt or v{s}.shape != ():")
                add("        return None")
            continue
        if kind == _SCALAR:
            ops = []
            for code, i in args:
                if code == _SLOT:
                    ops.append(f"v{i}[()]")
                elif code == _FIXED:
                    ops.append(f"{ref(i)}[()]")
                else:
                    if plan.kinds[i] is int:  # (apply's scalar path: ints within 2**53)
                        add(f"    if not -EXACT <= values[{i}] <= EXACT:")
                        add("        return None")
                    ops.append(f"values[{i}]")
            add(f"    r = {ref(fn)}({ops[0]}, {ops[1]})")
            add("    if type(r) is not T or r != r:")  # (nan: apply takes the ufunc)
            add("        return None")
            add(f"    v{s} = asarray(r)")
            continue
        same = kind == _SAME
        ops = [f"v{i}" if code == _SLOT else ref(i) if code == _FIXED
               else f"asarray(values[{i}])" if same else f"values[{i}]" for code, i in args]
        add(f"    o = {ref(fn)}({', '.join(ops)})")
        if same:
            add("    if type(o) is not ndarray:")
            add("        o = asarray(o)")
            add("    if o.shape != () or o.dtype != dt:")
        else:
            add("    if type(o) is not ndarray or o.dtype != dt:")
            add("        o = asarray(o, dtype=dt)")
            add("    if o.shape != ():")
        add("        return None")
        add(f"    v{s} = o")
    add(f"    g{plan.out} = ones_like(v{plan.out})")
    made, grads = set(), {}
    for rule, s, ins, dest, acc in plan.backward:
        if rule is None:  # a leaf: AccumulateGrad's copy
            add(f"    G{s} = array(g{s}, dtype=dt, copy=True)")
            grads[s] = f"G{s}"
            continue
        ops = []
        for code, i in ins:
            if code == _SLOT:
                ops.append(f"v{i}")
            elif code == _FIXED:
                ops.append(ref(i))
            elif code == _LIT_SAME:  # a "same" row's constant: numpy's own array
                ops.append(f"asarray(values[{i}])")
            else:
                if i not in made:
                    add(f"    c{i} = asarray(values[{i}], dtype=dt)")
                    made.add(i)
                ops.append(f"c{i}")
        add(f"    c = {ref(rule)}(g{s}, v{s}, {', '.join(ops)})")
        add("    if c is None or (type(c) is not ndarray and type(c) is not T) "
            "or c.shape != () or c.dtype != dt:")
        add("        return None")  # (the engine would fit it: the general path does)
        add(f"    g{dest} = g{dest} + c" if acc else f"    g{dest} = c")
    add(f"    return ({''.join(f'v{i}, ' for i in range(plan.nslots))}), "
        f"({''.join(grads.get(i, 'None') + ', ' for i in range(plan.nslots))})")
    return "\n".join(lines) + "\n"


class _No(Exception):
    """The line is not of a kind a plan replays."""


def compile_plan(tree, result, pieces, literals):
    """A Plan for the line whose general run gave `result` (after its backward), with
    its tree and scan (parser/shape_cache.py's scan); None where the line is not of the
    kind plans take. Plan.nodes: (slot, start, end) per result node, each position as
    (piece index, offset in that piece) so that other literals' lengths move it."""
    try:
        return _compile(tree, result, pieces, literals)
    except _No:
        return None


def _need(cond):
    if not cond:
        raise _No


def _compile(tree, result, pieces, literals):
    _need(result.error is None and type(tree) is list)
    out_t = result.output_tensor
    _need(type(out_t) is Tensor and out_t.requires_grad)
    dt = out_t.data.dtype
    _need((dt is F32 or dt is F64) and dtypes.default_float() == dt)
    _need(FORWARD_AD[0] is None and not VERSIONED[0] and not H.ACTIVE[0])
    starts, pos = [], 0
    lit_at = {}
    for j, piece in enumerate(pieces):
        starts.append(pos)
        pos += len(piece)
        if j < len(literals):
            lit_at[(pos, pos + len(literals[j]))] = j
            pos += len(literals[j])
    values = [literal_value(lit) for lit in literals]
    kinds = tuple(type(v) for v in values)
    _need(all(k in (int, float) for k in kinds))

    def where(p):
        for j, s in enumerate(starts):
            if s <= p <= s + len(pieces[j]):
                return j, p - s
        raise _No  # inside a literal

    # the tree: only the kinds plans replay, every attr a call's function, no keywords
    by_span, funcs, nodes = {}, set(), []
    stack = list(tree)
    for st in tree:
        _need(st is not None and st.kind in _STATEMENTS and len(st.children) == 1)
    stack = [st.children[0] for st in tree]
    while stack:
        n = stack.pop()
        _need(n is not None and n.kind in _ALLOWED)
        nodes.append(n)
        if n.kind == "call":
            _need(not n.value and n.children)
            f = n.children[0]
            funcs.add(id(f))
            name = f.value if f.kind in ("name", "attr") else None
            _need(isinstance(name, str) and not name.endswith("_"))
        if n.kind == "const":
            _need(type(n.value) in (int, float) and (n.start, n.end) in lit_at)
        by_span.setdefault((n.start, n.end), []).append(n)
        stack.extend(n.children)
    _need(all(n.kind != "attr" or id(n) in funcs for n in nodes))
    ops = {id(n) for n in nodes if n.kind in _OPS}
    mapped = set()
    slots: dict = {}
    forward = []
    node_info = []
    for cn in result.nodes:
        t = cn.tensor
        _need(type(t) is Tensor and type(t.data) is np.ndarray and t.data.shape == ()
              and t.data.dtype == dt and cn.grad is t.grad)
        s = slots.get(id(t))
        span = cn._span
        _need(span is not None)
        if s is None:
            s = len(slots)
            forward.append(_forward_step(t, s, by_span.get(span, ()), slots, lit_at, values,
                                         dt, mapped))
            slots[id(t)] = s
        node_info.append((s, where(span[0]), where(span[1])))
    _need(ops <= mapped)
    out = slots.get(id(out_t))
    _need(out is not None)
    backward = _backward_steps(out_t, slots, forward, dt)
    leaves_with_grad = {s for rule, s, *_ in backward if rule is None}
    for cn, (s, _, _) in zip(result.nodes, node_info, strict=True):
        _need((cn.grad is not None) == (s in leaves_with_grad))
    plan = Plan()
    plan.dt, plan.forward, plan.backward = dt, tuple(forward), tuple(backward)
    plan.nslots, plan.out, plan.nodes, plan.kinds = len(slots), out, tuple(node_info), kinds
    plan.build(literals)
    return plan


def _forward_step(t, s, candidates, slots, lit_at, values, dt, mapped):
    fn = t.grad_fn
    if fn is None:  # a leaf: `x = 1.5` or `x = -1.5`
        _need(t.requires_grad and len(candidates) >= 1)
        n = candidates[0]
        negate = n.kind == "neg"
        if negate:
            mapped.add(id(n))
            n = n.children[0]
        _need(n.kind == "const" and type(n.value) in (float, int))
        k = lit_at[(n.start, n.end)]
        v = -values[k] if negate else values[k]
        if type(v) is int:  # `x = 2`: case.py's leaf_tensor itself (data_to_array, astype)
            _need(t.data == leaf_tensor(v, True).data)
            return (_LEAF, s, leaf_tensor, (k, negate))
        _need(t.data == np.array(v, dt))
        return (_LEAF, s, None, (k, negate))
    op = fn.op
    same = op.dtype_rule == "same"
    _need(not fn.params and not op.variadic and not op.view and op.differentiable
          and op.dtype_rule != "bool" and t.requires_grad)
    ops = [n for n in candidates if n.kind in _OPS]
    _need(len(ops) == 1)
    n = ops[0]
    mapped.add(id(n))
    arg_nodes = n.children[1:] if n.kind == "call" else n.children
    consts = [lit_at[(c.start, c.end)] for c in arg_nodes if c.kind == "const"]
    literal_args = bool(consts)
    args = []
    for inp in fn.inputs:
        i = slots.get(id(inp))
        if i is not None:
            args.append((_SLOT, i))
            continue
        _need(type(inp) is Tensor and not inp.requires_grad)
        d = inp.data
        if not literal_args:
            # a constant the function adds itself (square: pow(x, 2)), no literal's: the
            # node's own array, for the forward as for the VJP rules (read-only, shared)
            _need(type(d) is np.ndarray and d.shape == () and d.dtype == dt)
            fixed = d.copy()
            fixed.flags.writeable = False
            args.append((_FIXED, fixed))
            continue
        _need(consts)
        k = consts.pop(0)
        c = np.asarray(values[k]) if same else np.asarray(values[k], dtype=dt)
        _need(type(d) is np.ndarray and d.shape == () and d.dtype == c.dtype and d == c)
        args.append((_LIT_SAME if same else _LIT, k))
    _need(not consts and any(code == _SLOT for code, _ in args))
    if same:
        return (_SAME, s, op.forward, tuple(args))
    kernel = SCALAR_MATH.get(op.forward) if len(args) == 2 and \
        op.dtype_rule in ("promote", "float") else None
    if kernel is not None:
        return (_SCALAR, s, kernel, tuple(args))
    return (_ROW, s, op.forward, tuple(args))


def _backward_steps(out_t, slots, forward, dt):
    """engine/autograd.py's _plain_walk for this graph, written down: (rule, slot, input
    specs, destination slot, whether it already holds a grad), or (None, leaf slot, ...)
    where a leaf's grad is accumulated."""
    args_of = {step[1]: step[3] for step in forward if step[0] != _LEAF}
    steps = []
    has = {slots[id(out_t)]}
    for t in reversed(topological_order([out_t])):
        s = slots.get(id(t))
        _need(s is not None)
        if s not in has:
            continue
        fn = t.grad_fn
        _need(not t.retains_grad)
        if fn is None:
            steps.append((None, s, (), s, False))
            continue
        op = fn.op
        specs = args_of[s]
        for i, inp in enumerate(fn.inputs):
            if not inp.requires_grad:
                continue
            _need(i < len(op.vjps))
            rule = op.vjps[i]
            if rule is None:
                continue
            code, dest = specs[i]
            _need(code == _SLOT)
            steps.append((rule, s, specs, dest, dest in has))
            has.add(dest)
    return steps
