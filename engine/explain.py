"""The backward pass as data: one step per visited tensor, built from the engine's own
`trace` hook (nothing here re-derives a gradient; every number is the one the engine used).

A step says which gradient arrived at a tensor (each contribution and the sum), the op's
local rules (the op table's formulas, with the values they read), what went to each input
(the rule's output and, when the forward broadcast, the axes summed to fit the input), and
whether the gradient is stored in `.grad`. After the pass, every case node whose grad is
None gets the reason. For a non-scalar output, `vector_jacobian` makes the VJP visible:
the seed v, the Jacobian J of the output with respect to each leaf (one backward per output
element), and vᵀJ, which equals the leaf's grad."""

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from . import autograd
from . import versions as V
from .graph_view import build_graph, is_cut
from .tensor import VERSIONED

# What the op table's formulas call each tensor input (derivatives.yaml names); input 0
# is `self`, the second `other` unless listed here.
# a formula's free names (not attributes: `self.shape` reads self, not a `shape` param)
_WORD = re.compile(r"(?<![.\w])[A-Za-z_]\w*")

JACOBIAN_LIMIT = 64  # entries per Jacobian: beyond it a matrix explains nothing


@lru_cache(maxsize=None)
def formula_names(formula: str) -> tuple:
    return tuple(dict.fromkeys(_WORD.findall(formula)))


def input_name(op, index: int) -> str:
    if op.variadic:
        return f"tensors[{index}]"
    names = op.args  # the row's input names
    return names[index] if index < len(names) else f"input{index}"


def rule_formula(op, index: int) -> str | None:
    if op.variadic:
        return op.formulas[0] if op.formulas else None
    return op.formulas[index] if index < len(op.formulas) else None


def summed_axes(rule_shape: tuple, input_shape: tuple) -> tuple:
    """(summed, kept): the axes of the rule's output summed to give the input's shape
    (as the engine's fit does), and which of them stay as size 1 in the input."""
    lead = len(rule_shape) - len(input_shape)
    if lead < 0:
        return (), ()
    kept = tuple(i + lead for i, s in enumerate(input_shape)
                 if s == 1 and rule_shape[i + lead] != 1)
    return tuple(range(lead)) + kept, kept


@dataclass(slots=True)
class Arrival:
    """One contribution to a tensor's gradient."""
    source: str               # the node that sent it, or "seed"
    input_index: int | None   # its position among the sender's inputs
    value: np.ndarray


@dataclass(slots=True)
class Send:
    """What a node's backward did for one of its inputs."""
    input_index: int
    input_name: str           # self, other, mat2, ...
    to: str | None            # the input's node id (None: an argument, not a graph input)
    formula: str | None
    values: list = field(default_factory=list)  # [(symbol, value)] read by the formula
    rule_output: np.ndarray | None = None
    fitted: np.ndarray | None = None
    summed: tuple = ()        # axes summed to undo broadcasting
    kept: tuple = ()          # of those, the ones kept as size 1
    skipped: str | None = None  # why nothing was sent


@dataclass(slots=True)
class Step:
    index: int
    id: str
    kind: str                 # op | leaf
    grad_fn: str | None
    shape: tuple
    grad: np.ndarray          # d output / d this tensor (the sum of the arrivals)
    arrivals: list
    sends: list
    stored: str | None        # "leaf" (AccumulateGrad) or "retain_grad" when kept in .grad
    formulas: list = field(default_factory=list)  # [(input name, formula)]


@dataclass(slots=True)
class NoneReason:
    id: str
    code: str                 # non_leaf | constant | detached | unreachable | no_gradient
    text: str


@dataclass(slots=True)
class JacobianBlock:
    wrt: str
    shape: tuple
    jacobian: np.ndarray | None   # (output numel, leaf numel); None when skipped
    vjp: np.ndarray | None        # vᵀJ in the leaf's shape
    grad: np.ndarray | None       # the leaf's grad from the traced backward
    skipped: str | None = None

    @property
    def matches(self) -> bool | None:
        if self.vjp is None or self.grad is None:
            return None
        return bool(np.allclose(self.vjp, self.grad, rtol=1e-4, atol=1e-6, equal_nan=True))


@dataclass
class VJP:
    v: np.ndarray
    output_shape: tuple
    blocks: list = field(default_factory=list)
    skipped: str | None = None


@dataclass
class Explanation:
    output: str
    seed: np.ndarray
    implicit_seed: bool
    steps: list = field(default_factory=list)
    grads: dict = field(default_factory=dict)   # leaf id -> its grad after the pass
    none: list = field(default_factory=list)
    vjp: VJP | None = None
    leaves: list = field(default_factory=list)  # ids of the leaves that got a grad
    leaf_tensors: dict = field(default_factory=dict, repr=False)  # leaf id -> its tensor


def explain_backward(output, seed, named, consts=frozenset(), retain_grad=False,
                     retain_graph=False) -> Explanation:
    """Run the backward pass from `output` (seed: a Tensor/array or None for the implicit
    1) through the engine with a trace, and return its steps. `named` are the case's nodes
    (.id, .tensor, lazy .expr). Raises the engine's GradcliError as backward would.
    retain_graph: leave the graph usable (a program's graph, explained in place)."""
    view = build_graph(output, named, consts)
    ids = view.ids
    if retain_grad:
        for n in named:
            if n.tensor.requires_grad and n.tensor.grad_fn is not None:
                n.tensor.retains_grad = True
    pending: dict = {}  # id(tensor) -> arrivals not yet consumed
    steps: list = []
    leaves: list = []
    seed_data = None if seed is None else np.asarray(getattr(seed, "data", seed))

    def trace(t, g, sends):
        node_id = ids.get(id(t))
        if node_id is None:  # a tensor the graph view does not show (inside a CopySlices)
            node_id = ids[id(t)] = f"@{_fresh_number(ids)}"
        arrivals = pending.pop(id(t), None)
        if arrivals is None:  # only the output has no sender
            arrivals = [Arrival("seed", None, np.array(g, copy=True))]
        fn = t.grad_fn
        step = Step(index=len(steps) + 1, id=node_id, kind="op" if fn else "leaf",
                    grad_fn=fn.name() if fn else None, shape=tuple(t.data.shape),
                    grad=np.array(g, copy=True), arrivals=arrivals, sends=[],
                    stored="leaf" if fn is None else ("retain_grad" if t.retains_grad else None))
        if fn is not None:
            _op_step(step, t, g, fn, sends, ids, pending)
        else:
            leaves.append((node_id, t))
        steps.append(step)

    autograd.run_backward([output], [seed], trace=trace, retain_graph=retain_graph or None)
    out_id = ids[id(output)]
    exp = Explanation(output=out_id,
                      seed=seed_data if seed_data is not None else np.ones_like(output.data),
                      implicit_seed=seed is None, steps=steps)
    order = {id(n.tensor): k for k, n in reversed(list(enumerate(named)))}
    leaves.sort(key=lambda item: order.get(id(item[1]), len(order)))
    for leaf_id, t in leaves:
        exp.leaves.append(leaf_id)
        exp.grads[leaf_id] = t.grad.data
        exp.leaf_tensors[leaf_id] = t
    exp.none = none_reasons(named, view, consts, out_id)
    return exp


def _op_step(step, t, g, fn, sends, ids, pending):
    op = fn.op
    symbols = {"grad": np.asarray(g), "result": t.data}
    custom = _function_input_names(fn)
    custom_rules = _function_rules(fn) if custom else None
    # the inputs as the node recorded them (an in-place op since left a snapshot)
    inputs = V.graph_inputs(fn) if VERSIONED[0] else fn.inputs
    for i, inp in enumerate(inputs):
        symbols.setdefault(custom[i] if custom else input_name(op, i), inp.data)
    for k, v in fn.params.items():
        symbols.setdefault(k, v)
    by_index = {s[0]: s for s in sends}
    for i, inp in enumerate(inputs):
        formula = custom_rules[i] if custom_rules else rule_formula(op, i)
        name = custom[i] if custom else input_name(op, i)
        if formula is not None and (op.variadic is False or i == 0):
            step.formulas.append((name if not op.variadic else "tensors[i]", formula))
        to = ids.get(id(inp))
        if to is None and inp.requires_grad and i in by_index:
            to = ids[id(inp)] = f"@{_fresh_number(ids)}"
        send = Send(input_index=i, input_name=name, to=to, formula=formula)
        got = by_index.get(i)
        if formula is not None and got is not None:
            send.values = [(w, symbols[w]) for w in formula_names(formula) if w in symbols]
        if got is None:
            if send.to is None:
                send.skipped = ("an argument, not a graph input (no entry in "
                                "next_functions): nothing is sent")
            elif not inp.requires_grad:
                send.skipped = "does not require grad: nothing is sent (None in next_functions)"
            else:
                send.skipped = "not differentiable with respect to this input"
        else:
            _, _, contrib, fitted = got
            send.rule_output = np.array(contrib, copy=True)
            send.fitted = np.array(fitted, copy=True)
            send.summed, send.kept = summed_axes(np.shape(contrib), tuple(inp.data.shape))
            pending.setdefault(id(inp), []).append(Arrival(step.id, i, send.fitted))
        step.sends.append(send)


def _fresh_number(ids) -> int:
    return 1 + max((int(v[1:]) for v in ids.values() if v[:1] == "@" and v[1:].isdigit()),
                   default=0)


def _function_input_names(fn) -> list | None:
    """A custom autograd.Function's tensor inputs named as its forward names them (the
    parameters after ctx), or None for an op of the table."""
    cls = getattr(fn, "_cls", None)
    is_tensor = getattr(fn, "_is_tensor", None)
    if cls is None or is_tensor is None:
        return None
    import inspect

    from .custom_function import Function

    try:
        params = list(inspect.signature(cls.forward).parameters)
    except (TypeError, ValueError):
        return None
    if cls.setup_context is Function.setup_context:
        params = params[1:]  # forward(ctx, ...): ctx is not an input
    names = [params[k] if k < len(params) else f"input{k}" for k, is_t in enumerate(is_tensor)
             if is_t]
    return names if len(names) == len(fn.inputs) else None


def _function_rules(fn) -> list:
    """A custom Function's local rule for each tensor input: its own backward's result at
    that input's position among the forward's arguments."""
    cls = fn._cls
    from .custom_function import Function

    method = "vjp" if cls.vjp is not Function.vjp else "backward"
    positions = [k for k, is_t in enumerate(fn._is_tensor) if is_t]
    return [f"{cls.__name__}.{method}(ctx, grad)[{k}]" for k in positions]


def none_reasons(named, view, consts, out_id) -> list:
    """Why each case node's grad is None after the pass (PyTorch's rules, in order:
    no requires_grad, not reached, a non-leaf that keeps no grad, no gradient arrived).
    The text does not repeat the node's id, so equal reasons can be listed together."""
    cut_nodes = [n for n in named if not n.tensor.requires_grad and n.id not in consts
                 and is_cut(n.expr)]
    cut_ids = {id(n) for n in cut_nodes}
    out: list = []
    shown: set = set()
    for n in named:
        t = n.tensor
        if id(t) in shown or t.grad is not None:
            continue
        shown.add(id(t))
        nid = n.id
        if not t.requires_grad:
            if nid in consts:
                out.append(NoneReason(nid, "constant", "requires_grad=False: declared "
                                      "constant (--const)"))
            elif id(n) in cut_ids:
                out.append(NoneReason(nid, "detached", "requires_grad=False: cut from the "
                                      "graph by detach/.data/no_grad"))
            else:
                out.append(NoneReason(nid, "constant", "requires_grad=False: computed from "
                                      "constants only"))
        elif id(t) not in view.ids:
            via = [c.id for c in cut_nodes if re.search(rf"(?<![\w.]){re.escape(nid)}\b", c.expr)]
            if via and t.grad_fn is None:
                out.append(NoneReason(nid, "detached", f"{out_id} reaches it only through "
                                      f"{', '.join(via)} (detach/.data/no_grad), which the "
                                      f"graph does not record"))
            else:
                out.append(NoneReason(nid, "unreachable", f"not reachable from {out_id}: "
                                      f"{out_id} does not depend on it through any grad_fn"))
        elif t.grad_fn is not None and not t.retains_grad:
            out.append(NoneReason(nid, "non_leaf", "not a leaf: PyTorch keeps no .grad for "
                                  "non-leaf tensors (--retain-grad, i.e. retain_grad(), "
                                  "keeps it)"))
        else:
            out.append(NoneReason(nid, "no_gradient", "no gradient reached it (the ops using "
                                  "it are not differentiable with respect to it)"))
    return out


def vector_jacobian(output, leaves, v, grads, limit: int = JACOBIAN_LIMIT) -> VJP:
    """The VJP made visible on a fresh run of the case: `output` and `leaves` [(id, tensor)]
    come from it (their graph not yet used), `v` is the seed, `grads` the leaf grads of the
    traced pass. J's row k is the gradient of output element k: one backward per element,
    retain_graph, with autograd.grad semantics (no .grad is touched)."""
    v = np.asarray(v)
    result = VJP(v=v, output_shape=tuple(output.data.shape))
    m = output.data.size
    if m > limit:
        result.skipped = (f"the output has {m} elements: Jacobians are shown up to {limit} "
                          f"entries")
        return result
    todo = []
    for leaf_id, t in leaves:
        block = JacobianBlock(leaf_id, tuple(t.data.shape), None, None, grads.get(leaf_id))
        if m * t.data.size > limit:
            block.skipped = (f"J would have {m} x {t.data.size} = {m * t.data.size} entries "
                             f"(shown up to {limit})")
        else:
            block.jacobian = np.zeros((m, t.data.size), dtype=t.data.dtype)
            todo.append((block, t))
        result.blocks.append(block)
    if not todo:
        return result
    inputs = [t for _, t in todo]
    for k in range(m):
        e = np.zeros(m, dtype=output.data.dtype)
        e[k] = 1
        rows = autograd.run_backward([output], [e.reshape(output.data.shape)],
                                     retain_graph=True, inputs=inputs, allow_unused=True)
        for (block, _), row in zip(todo, rows, strict=True):
            if row is not None:
                block.jacobian[k] = np.asarray(row.data).reshape(-1)
    flat_v = v.reshape(-1)
    for block, t in todo:
        block.vjp = (flat_v @ block.jacobian).astype(t.data.dtype).reshape(t.data.shape)
    return result
