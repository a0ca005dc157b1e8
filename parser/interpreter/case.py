"""Cases: one line of statements (`y=(x+w)*(w+1)`), run forward into graph nodes. The
result lists every node in creation order, as the commands show it; what each command
then does with it (backward, check, explain, graph, derive) is gradcli.tasks' business.

Rules (SPEC section 2): a name assigned an expression that uses no variable is a leaf
that requires grad (float, like --at); literals inside expressions are constants; every
named variable and every intermediate tensor that depends on a variable is a node, the
unnamed ones called %1, %2, ... with their source text."""

from dataclasses import dataclass, field

import numpy as np

from ...engine import api, dtypes
from ...engine.errors import GradcliError, type_error
from ...engine.suggest import did_you_mean, public
from ...engine.tensor import Tensor
from ..grammar import parse
from ..leaf_dtypes import keeps_dtype, non_float_leaf
from ..runtime import Runtime, modules
from .evaluate import evaluate

EXPR_SHOWN = 200


class CaseNode:
    """One row: a named variable or an intermediate. Its source text is sliced only when
    asked for (a 100,000-term sum has 100,000 nested intermediates: eager slices would
    cost quadratic time)."""

    __slots__ = ("id", "tensor", "grad", "_source", "_span")

    def __init__(self, id: str, expr: str, tensor: Tensor, grad: Tensor | None = None,
                 span: tuple | None = None):
        self.id = id
        self.tensor = tensor
        self.grad = grad  # what the grad column shows (set after backward)
        self._source = expr
        self._span = span

    @property
    def expr(self) -> str:
        """The node's source text, elided in the middle past EXPR_SHOWN characters: the
        n nested intermediates of an n-term sum would otherwise print O(n^2) text."""
        lo, hi = self._span if self._span is not None else (0, len(self._source))
        if hi - lo > EXPR_SHOWN:
            half = EXPR_SHOWN // 2
            return (f"{self._source[lo:lo + half]} …({hi - lo - 2 * half:,} characters)… "
                    f"{self._source[hi - half:hi]}")
        return self._source[lo:hi]

    def __repr__(self) -> str:
        return f"CaseNode({self.id!r}, {self.expr!r})"


@dataclass
class Binding:
    """--at NAME=EXPR (parsed once, evaluated afresh for every case)."""
    name: str
    text: str
    tree: object
    const: bool = False


@dataclass
class CaseOptions:
    bindings: list = field(default_factory=list)
    consts: frozenset = frozenset()
    grad: str | None = None      # --grad EXPR
    of: str | None = None        # --of NAME
    wrt: tuple | None = None     # --wrt a,b
    retain_grad: bool = False
    allow_unused: bool = False
    backward: bool = True        # graph/derive may only need the forward
    # eval: a last value that is a tuple of tensors (torch.autograd.grad's result) is shown
    # as its elements, name[0], name[1], ..., with no backward of its own
    tuple_output: bool = False
    # name -> array: the value a leaf takes instead of its written one (check's finite
    # differences and random samples re-run the very case at other points)
    overrides: dict | None = None


@dataclass
class CaseResult:
    line: int
    source: str
    nodes: list = field(default_factory=list)
    output: str | None = None
    error: GradcliError | None = None
    variables: dict = field(default_factory=dict)
    output_tensor: Tensor | None = None
    seed: Tensor | None = None


class CaseRuntime(Runtime):
    tracking = True

    def __init__(self, source: str, result: CaseResult):
        self.source = source
        self.result = result
        self.vars: dict = result.variables
        self.top = None  # the right-hand side being assigned (recorded under its name)
        self.top_uses = False  # whether it used a variable (told by produced())
        self.seen: set = set()
        self.count = 0
        self.times: dict = {}  # name -> how many nodes it has named (y, then y@2, y@3)

    def name(self, node):
        n = node.value
        if n in self.vars:
            return self.vars[n]
        mods = modules()
        if n == "torch":
            return mods["torch"]
        if n == "F":
            return mods["torch.nn.functional"]
        if n == "nn":
            return mods["torch.nn"]
        if n in mods["torch"].members:
            return mods["torch"].members[n]
        if n in mods["torch.nn.functional"].members:
            return mods["torch.nn.functional"].members[n]
        hint = did_you_mean(n, list(self.vars), _global_names())
        raise GradcliError(f"name '{n}' is not defined{hint}", type_name="NameError",
                           column=node.column, line=node.line)

    def is_variable(self, name: str) -> bool:
        return name in self.vars

    def produced(self, node, value, uses_variable: bool) -> None:
        if node is self.top:  # the assigned value: recorded under its name by _forward
            self.top_uses = uses_variable
        elif (uses_variable and isinstance(value, Tensor) and id(value) not in self.seen
              and node.kind not in ("kwarg", "starred")):
            self.count += 1
            self.add(f"%{self.count}", self.source, value, (node.start, node.end))

    def add(self, name: str, expr: str, tensor: Tensor, span: tuple | None = None) -> str:
        """Record a node; a reassigned name gets a distinct id (`y`, then `y@2`), so JSON
        records and tables never hold two nodes with one id. Returns the id."""
        self.seen.add(id(tensor))
        if not name.startswith("%"):
            k = self.times[name] = self.times.get(name, 0) + 1
            name = name if k == 1 else f"{name}@{k}"
        self.result.nodes.append(CaseNode(name, expr, tensor, span=span))
        return name


def _global_names() -> list:
    """What a case's bare names resolve to besides its variables (CaseRuntime.name)."""
    mods = modules()
    return ["torch", "F", "nn"] + public(mods["torch"].members) + \
        public(mods["torch.nn.functional"].members)


def leaf_tensor(value, requires_grad: bool, keep_dtype: bool = False,
                name: str | None = None) -> Tensor:
    """A constant made a leaf: float (the default dtype), like torch.tensor(v, requires_grad),
    unless its dtype was written (keep_dtype, see leaf_dtypes.py). A leaf that keeps an
    integer or bool dtype cannot require grad: PyTorch's error, as
    torch.tensor([0], dtype=torch.long, requires_grad=True) raises it."""
    if type(value) is float:  # `x = 1.23`, a batch's usual leaf: data_to_array's result
        data = np.array(value, dtypes.default_float())  # without its walk over nested data
        return Tensor(data, requires_grad)
    data = value.data if isinstance(value, Tensor) else api.data_to_array(value)
    if data.dtype.kind != "f" and not keep_dtype:
        data = data.astype(dtypes.default_float())
    else:
        data = data.copy()
    if requires_grad and data.dtype.kind not in "fc":
        raise non_float_leaf(name)
    return Tensor(data, requires_grad)


def parse_binding(spec: str, const_names=()) -> Binding:
    """NAME=EXPR from --at; raises GradcliError (syntax errors with the column)."""
    name, sep, text = spec.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise GradcliError(f"--at expects NAME=EXPR, got {spec!r}", type_name="UsageError")
    return Binding(name, text.strip(), parse(text.strip(), start="expr"), name in const_names)


def run_forward(source: str, line: int, opts: CaseOptions) -> CaseResult:
    """Run one case's statements forward (no backward: see gradcli.tasks.eval); an error
    becomes result.error."""
    result = CaseResult(line=line, source=source)
    rt = CaseRuntime(source, result)
    try:
        _forward(source, opts, rt, result)
    except GradcliError as e:
        result.error = e
    return result


def _forward(source, opts, rt, result):
    for b in opts.bindings:
        value = evaluate(b.tree, rt)
        t = leaf_tensor(_override(opts, b.name, value), not (b.const or b.name in opts.consts),
                        keeps_dtype(b.tree, value), b.name)
        rt.vars[b.name] = t
        rt.add(b.name, b.text, t)
    statements = parse(source, start="case")
    last = None
    for stmt in statements:
        rhs = stmt.children[0]
        span = (rhs.start, rhs.end)
        if stmt.kind == "assign":
            rt.top = rhs
            rt.tracking = True
            value, uses = _eval_tracked(rhs, rt)
            rt.top = None
            if not uses:
                value = leaf_tensor(_override(opts, stmt.value, value),
                                    stmt.value not in opts.consts, keeps_dtype(rhs, value),
                                    stmt.value)
            rt.vars[stmt.value] = value
            if isinstance(value, Tensor):
                last = (rt.add(stmt.value, source, value, (rhs.start, rhs.end)), value)
            else:
                last = (stmt.value, value)
        else:
            value = evaluate(rhs, rt)
            last = (_node_id(rt, value), value)
    if opts.of is not None:
        if opts.of not in rt.vars:
            raise GradcliError(f"name '{opts.of}' is not defined", type_name="NameError")
        k = rt.times.get(opts.of, 1)  # the latest node of that name
        last = (opts.of if k == 1 else f"{opts.of}@{k}", rt.vars[opts.of])
    if last is None:
        return
    if opts.tuple_output and _tensor_tuple(last[1]):
        for i, t in enumerate(last[1]):
            if isinstance(t, Tensor):
                rt.add(f"{last[0] or 'out'}[{i}]", source, t, span)
        return
    result.output, result.output_tensor = last
    if not isinstance(last[1], Tensor):
        raise type_error(f"the output must be a tensor, not {type(last[1]).__name__} "
                         f"(choose one with --of)")


def _tensor_tuple(value) -> bool:
    return isinstance(value, (tuple, list)) and any(isinstance(v, Tensor) for v in value) \
        and all(v is None or isinstance(v, Tensor) for v in value)


def _override(opts, name, value):
    if opts.overrides is None or name not in opts.overrides:
        return value
    new = opts.overrides[name]
    if np.shape(new) != np.shape(value.data if isinstance(value, Tensor) else value):
        raise GradcliError(f"{name} was given shape {list(np.shape(new))} but the case makes "
                           f"it {list(np.shape(value.data if isinstance(value, Tensor) else value))}",
                           type_name="ValueError")
    return Tensor(np.asarray(new))


def evaluate_expression(text: str, result: CaseResult):
    """An extra expression (--grad, check's --claim) evaluated among a run case's variables;
    it adds no nodes to the case."""
    rt = CaseRuntime(result.source, CaseResult(line=result.line, source=result.source,
                                                variables=result.variables))
    rt.tracking = False
    return evaluate(parse(text, start="expr"), rt)


def _eval_tracked(node, rt):
    """Evaluate the assigned expression `node` (rt.top) and tell whether it used any
    variable."""
    rt.top_uses = False
    value = evaluate(node, rt)
    if node.kind == "name":
        return value, rt.is_variable(node.value)
    return value, rt.top_uses


def _node_id(rt, value):
    for n in reversed(rt.result.nodes):
        if n.tensor is value:
            return n.id
    return None
