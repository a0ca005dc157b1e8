"""The autograd graph of one output as plain data: nodes and edges, the way PyTorch holds it.

PyTorch links grad_fn nodes by `next_functions`: an op's entry for an input is the
input's own grad_fn, an `AccumulateGrad` node when the input is a leaf that requires grad,
or None when it requires no grad (a literal, a --const, a detached tensor). Here every
such thing is a node, so nothing the graph touches is hidden:

- kind "op": a tensor made by a recorded op (its grad_fn), id = the case's node id;
- kind "leaf": a leaf that requires grad (the variable behind an AccumulateGrad);
- kind "accumulate": that AccumulateGrad node, id "acc:<leaf id>";
- kind "constant": an input that requires no grad (None in next_functions); literals
  without a case id are "#1", "#2", ...; `detached` tells whether it was cut from the
  graph by detach/.data/no_grad rather than being a constant from the start.

Edges run from an input's graph node to the op that consumes it (torchviz's direction),
with the input's position; a leaf has one edge to its AccumulateGrad. The walk is
iterative (graphs 100,000 deep)."""

import re
from dataclasses import dataclass, field

from . import versions as V
from .tensor import VERSIONED

_CUT = re.compile(r"\bdetach\b|\.data\b|\bno_grad\b")


class GraphNode:
    __slots__ = ("id", "kind", "grad_fn", "shape", "dtype", "value", "grad", "requires_grad",
                 "is_output", "detached", "variable", "case")

    def __init__(self, id, kind, grad_fn, shape, dtype, value, grad, requires_grad,
                 is_output=False, detached=False, variable=None, case=None):
        self.id = id
        self.kind = kind                  # leaf | op | accumulate | constant
        self.grad_fn = grad_fn            # class name (AccumulateGrad for accumulate)
        self.shape = shape
        self.dtype = dtype
        self.value = value                # None for accumulate nodes (no tensor of their own)
        self.grad = grad
        self.requires_grad = requires_grad
        self.is_output = is_output
        self.detached = detached
        self.variable = variable          # accumulate: the leaf it accumulates into
        self.case = case                  # the case's node, for its source text

    @property
    def expr(self) -> str | None:
        # sliced on demand: a 100,000-term sum has 100,000 nested intermediates
        return self.case.expr if self.case is not None else None

    def __repr__(self) -> str:
        return f"GraphNode({self.id!r}, {self.kind!r}, {self.grad_fn!r})"


@dataclass(slots=True)
class GraphEdge:
    src: str
    dst: str
    input_index: int


@dataclass
class GraphView:
    output: str | None
    nodes: list = field(default_factory=list)     # output first, then as discovered
    edges: list = field(default_factory=list)
    unreachable: list = field(default_factory=list)  # case ids the output does not reach
    ids: dict = field(default_factory=dict)  # id(tensor) -> its node id (the leaf, not acc:)

    def node(self, node_id: str) -> GraphNode:
        return self.by_id()[node_id]

    def by_id(self) -> dict:
        return {n.id: n for n in self.nodes}

    def children(self) -> dict:
        """id -> [(input_index, input node id)] in next_functions order."""
        kids: dict = {}
        for e in self.edges:
            kids.setdefault(e.dst, []).append((e.input_index, e.src))
        for lst in kids.values():
            lst.sort()
        return kids


def is_cut(expr: str | None) -> bool:
    """Does this expression cut a tensor out of the graph (detach, .data, no_grad)?"""
    return bool(expr) and _CUT.search(expr) is not None


def build_graph(output, named, consts=frozenset()) -> GraphView:
    """The graph behind `output`. `named` are the case's nodes (objects with .id, .tensor
    and a lazy .expr); a tensor known under several ids (`y = x`) takes its first name, a
    %k only when it has no name. `consts` are names declared constant (--const), never
    called detached."""
    names = tensor_names(named)
    cases = {id(n.tensor): n for n in reversed(named) if names[id(n.tensor)] == n.id}
    view = GraphView(output=None)
    counters = {"const": 0, "op": 0}
    handle: dict = {}  # id(tensor) -> id of the graph node an edge from it starts at

    def tensor_id(t, kind: str) -> str:
        got = names.get(id(t))
        if got is not None:
            return got
        counters[kind] += 1
        return f"#{counters[kind]}" if kind == "const" else f"@{counters[kind]}"

    def add_tensor(t, kind: str, is_output=False) -> str:
        shown = t
        core = _function_core(t)
        if core is not None:
            # output k of a custom Function with several outputs: PyTorch has ONE node for
            # the Function (every output's grad_fn); it is shown under the first output met
            if id(core) in handle:
                view.ids[id(t)] = view.ids[id(core)]
                handle[id(t)] = handle[id(core)]
                if is_output:
                    view.node(handle[id(core)]).is_output = True
                return handle[id(t)]
            node_id = add_tensor_as(core, t, kind, is_output)
            view.ids[id(t)] = node_id
            handle[id(t)] = handle[id(core)]
            return node_id
        return add_tensor_as(t, shown, kind, is_output)

    def add_tensor_as(t, shown, kind: str, is_output) -> str:
        """A node for tensor t, its name, value and grad taken from `shown`."""
        node_id = tensor_id(shown, "const" if kind == "constant" else "op")
        case = cases.get(id(shown))
        detached = (kind == "constant" and case is not None and node_id not in consts
                    and is_cut(case.expr))
        view.nodes.append(GraphNode(
            id=node_id, kind=kind, grad_fn=t.grad_fn.name() if t.grad_fn is not None else None,
            shape=shown.data.shape, dtype=_dtype_name(shown.data.dtype), value=shown.data,
            grad=shown.grad.data if shown.grad is not None else None,
            requires_grad=shown.requires_grad, is_output=is_output, detached=detached,
            case=case))
        view.ids[id(t)] = node_id
        if kind == "leaf":
            acc = f"acc:{node_id}"
            view.nodes.append(GraphNode(
                id=acc, kind="accumulate", grad_fn="AccumulateGrad", shape=t.data.shape,
                dtype=_dtype_name(t.data.dtype), value=None, grad=None, requires_grad=True,
                variable=node_id))
            view.edges.append(GraphEdge(node_id, acc, 0))
            handle[id(t)] = acc
        else:
            handle[id(t)] = node_id
        return node_id

    def kind_of(t) -> str:
        if t.grad_fn is not None:
            return "op"
        return "leaf" if t.requires_grad else "constant"

    if output is None:
        return view
    view.output = add_tensor(output, kind_of(output), is_output=True)
    # Depth-first from the output, inputs in next_functions order; an edge is recorded
    # when its consumer is expanded, a node when first met.
    expanded: set = set()
    first = _function_core(output) or output
    stack = [first] if first.grad_fn is not None else []
    while stack:
        t = stack.pop()
        dst = handle[id(t)]
        fresh = []
        for index, inp in _edges(t.grad_fn):
            if id(inp) not in handle:
                add_tensor(inp, kind_of(inp))
                core = _function_core(inp)
                if core is not None:
                    inp = core
                if inp.grad_fn is not None and id(inp) not in expanded:
                    expanded.add(id(inp))
                    fresh.append(inp)
            view.edges.append(GraphEdge(handle[id(inp)], dst, index))
        stack.extend(reversed(fresh))
    view.unreachable = list(dict.fromkeys(
        names[id(n.tensor)] for n in named if id(n.tensor) not in handle))
    return view


def _recorded(fn) -> list:
    """(index, input) in next_functions order, each input as the node recorded it (the
    history an in-place op left: PyTorch's edge points at the old grad_fn)."""
    pairs = fn.graph_inputs()
    if not VERSIONED[0]:
        return pairs
    recorded = V.graph_inputs(fn)
    return [(k, recorded[k]) for k, _ in pairs]


def _edges(fn) -> list:
    """fn's next_functions as PyTorch lists them. CopySlices (an in-place op on a view)
    wraps the op applied to the view: PyTorch's edges are the base's old history, then that
    op's own inputs after the view (the engine records the op's result as a second input,
    whose view-of-the-base path PyTorch does not show)."""
    pairs = _recorded(fn)
    op = getattr(fn, "op", None)
    if op is None or op.name != "copy_slices" or len(pairs) != 2:
        return pairs
    result = pairs[1][1]
    rest = _recorded(result.grad_fn)[1:] if result.grad_fn is not None else []
    return [pairs[0], *rest]


def _function_core(t):
    """The hidden tensor carrying a several-output custom Function's node when t is one
    of its outputs (engine/custom_function.py's OutputNode), else None."""
    fn = t.grad_fn
    if fn is not None and type(fn).__name__ == "OutputNode":
        return fn.inputs[0]
    return None


_DTYPE_NAMES: dict = {}


def _dtype_name(dtype) -> str:
    # numpy computes dtype.name in Python on every access: 300,000 nodes notice
    name = _DTYPE_NAMES.get(dtype)
    if name is None:
        name = _DTYPE_NAMES[dtype] = dtype.name
    return name


def tensor_names(named) -> dict:
    """id(tensor) -> the id it is shown under (first name, else first %k)."""
    names: dict = {}
    for n in named:
        have = names.get(id(n.tensor))
        if have is None or (have.startswith("%") and not n.id.startswith("%")):
            names[id(n.tensor)] = n.id
    return names
