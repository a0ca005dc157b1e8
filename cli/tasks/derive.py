"""`gradcli derive` on one case: run the case forward, derive symbolically, and (when
the case's point is fully given) evaluate each derivative and compare it with reverse
mode. The symbolic engine (gradcli.engine.symbolic) never sees case text: this task runs
the case and hands it the graph.

A name the case uses but never binds (`x` in `y=sin(x**2)`) is a free variable: derive
binds it to a scalar of its own choosing so the graph can be built, and then does not
evaluate anything (there is no point to evaluate at) unless --at gives every such name.
`--shape NAME=3,2` makes such a variable a tensor of that shape (its values are derive's
own, generic ones)."""

import math
from dataclasses import dataclass, field

import numpy as np

from ..engine.errors import GradcliError
from ..engine.symbolic import Derivation, Derivative
from ..engine.symbolic.expr import TooLarge, reset
from ..engine.tensor import Tensor
from ..parser.grammar import parse
from ..parser.interpreter.case import CaseOptions, parse_binding, run_forward
from ..parser.runtime import modules
from .steps import option_error

DEFAULT_VALUES = (0.7, 1.3, 0.4, 1.9, 0.55, 1.15)


@dataclass
class DeriveOptions:
    case: CaseOptions       # bindings, consts, of, wrt (the dtype is already set)
    order: int = 1
    dtype: str = "float64"
    shapes: dict = field(default_factory=dict)   # --shape NAME=3,2: name -> (3, 2)
    hessian: bool = False
    jacobian: bool = False


@dataclass
class DeriveResult:
    line: int
    source: str
    output: str | None = None
    error: GradcliError | None = None
    derivatives: list = field(default_factory=list)
    label: str | None = None          # the output's name ("y"), None for a bare expression
    expr_text: str | None = None      # a bare expression's source text
    expr_latex: str | None = None
    free: list = field(default_factory=list)   # names derive bound itself
    evaluated: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and all(
            d.error is None and d.match is not False for d in self.derivatives)


def derive_case(source: str, line: int, opts: DeriveOptions) -> DeriveResult:
    result = DeriveResult(line=line, source=source)
    reset()
    try:
        _derive(source, line, opts, result)
    except GradcliError as e:
        result.error = e
    except TooLarge as e:
        result.derivatives = []
        result.error = GradcliError(f"the derivative is too large to derive symbolically "
                                    f"({e})", type_name="LimitError")
    finally:
        reset()  # the expressions of one case are not kept for the next
    return result


def _derive(source, line, opts, result):
    order, free = scan_names(source)
    bound = [b.name for b in opts.case.bindings]
    free = [n for n in free if n not in bound]
    # a --shape for a name this case does not use is for another case of the batch; a
    # name that has a value has its shape already
    valued = [n for n in opts.shapes if n not in free and (n in bound or n in order)]
    if valued:
        n = valued[0]
        raise option_error(f"--shape {n}", GradcliError(
            f"{n} is not a free variable of the case: it has a value (--at or the case "
            f"gives it one, and with it its shape)", type_name="UsageError"))
    bindings = list(opts.case.bindings) + [
        parse_binding(f"{n}={_value_text(i, opts.shapes.get(n, ()))}", opts.case.consts)
        for i, n in enumerate(free)]
    result.free = free
    run = run_forward(source, line, CaseOptions(bindings=bindings, consts=opts.case.consts,
                                                of=opts.case.of, backward=False))
    if run.error is not None:
        raise _shape_hint(run.error, [n for n in free if n not in opts.shapes])
    out = run.output_tensor
    if out is None:
        raise GradcliError("the case has no output to differentiate", type_name="ValueError")
    result.output = run.output
    leaves, names = {}, {}
    for n in run.nodes:
        t = n.tensor
        # a leaf is a variable once, under its first name (`y = x` names x's tensor again)
        name = n.id.partition("@")[0]  # a reassigned leaf (x@2) is still the symbol x
        if not n.id.startswith("%") and t.grad_fn is None and id(t) not in names:
            leaves[name] = t
            names.setdefault(id(t), name)
    ranks = {name: i for i, name in enumerate(order + [b for b in bound if b not in order])}
    env = {name: t.data for name, t in leaves.items()}
    wrt = _wrt_names(opts.case.wrt, run, leaves, ranks)
    targets = dict(leaves)
    for name in wrt:
        targets.setdefault(name, run.variables[name])
    deriv = Derivation(out, targets, names, ranks, env)
    _label(result, run, deriv)
    if opts.hessian:
        result.derivatives = deriv.hessian(wrt)
    elif opts.jacobian:
        result.derivatives = deriv.jacobian(wrt)
    else:
        result.derivatives = deriv.derivatives(wrt, opts.order, mixed=True)
    if not free:
        result.evaluated = True
        for d in result.derivatives:
            deriv.compare(d, opts.dtype)


def _value_text(i: int, shape: tuple) -> str:
    """The value derive gives a free variable of `shape`: distinct, generic numbers (no
    symmetric matrix, no repeated entry) so that a derivative checked here is not
    right by coincidence."""
    if not shape:
        return str(DEFAULT_VALUES[i % len(DEFAULT_VALUES)])
    n = math.prod(shape)
    flat = [round(0.3 + ((7 * k + 3 * i) % 23) / 17 + k / (97 * n), 4) for k in range(n)]
    return repr(np.array(flat).reshape(shape).tolist())


def _shape_hint(err: GradcliError, unshaped: list) -> GradcliError:
    """A shape error of a case whose free variables were taken as 0-d scalars: say so,
    name them and suggest --shape (the case's own message follows)."""
    if not unshaped or err.type_name not in ("RuntimeError", "ValueError", "IndexError"):
        return err
    names = ", ".join(unshaped)
    one = len(unshaped) == 1
    what = "is a free variable, taken as a 0-d scalar" if one else \
        "are free variables, taken as 0-d scalars"
    examples = [f"--shape {unshaped[0]}=3,2"] + [f"--shape {n}=2" for n in unshaped[1:2]]
    return GradcliError(
        f"{names} {what}: declare {'its shape' if one else 'their shapes'} with --shape "
        f"(e.g. {' '.join(examples)}; NAME=3 is a vector) or give "
        f"{'a value' if one else 'values'} with --at. The case failed with "
        f"{err.type_name}: {err.message}",
        type_name="ShapeError")


def parse_shape(spec: str) -> tuple:
    """NAME=3,2 -> (NAME, (3, 2)); NAME= (or NAME=()) is a 0-d scalar."""
    name, sep, dims = spec.partition("=")
    name, dims = name.strip(), dims.strip().strip("()[]")
    try:
        shape = tuple(int(d) for d in dims.split(",") if d.strip())
    except ValueError:
        shape = None
    if not sep or not name.isidentifier() or shape is None or any(d < 0 for d in shape):
        raise GradcliError(f"--shape expects NAME=DIMS such as W=3,2, got {spec!r}",
                           type_name="UsageError")
    return name, shape


def _wrt_names(requested, run, leaves, ranks) -> list:
    if requested:
        for name in requested:
            value = run.variables.get(name)
            if not isinstance(value, Tensor):
                raise option_error(f"--wrt {name}", GradcliError(
                    f"name '{name}' is not defined", type_name="NameError"))
            if not value.requires_grad:
                raise GradcliError(f"{name} does not require grad (it is a constant here)",
                                   type_name="RuntimeError")
        return list(requested)
    names = sorted((n for n, t in leaves.items() if t.requires_grad),
                   key=lambda n: ranks.get(n, len(ranks)))
    if not names:
        raise GradcliError("nothing to differentiate: no variable of the case requires grad",
                           type_name="ValueError")
    return names


def _label(result, run, deriv) -> None:
    if run.output and not run.output.startswith("%"):
        result.label = run.output.partition("@")[0]  # y@2 (a reassigned y) is y's derivative
        return
    node = next((n for n in run.nodes if n.id == run.output), None)
    result.expr_text = node.expr if node is not None else run.source
    try:
        result.expr_latex = deriv.latex(deriv.output_expr())
    except TooLarge:
        result.expr_latex = None


def scan_names(source: str):
    """(every name in order of first appearance, the free ones): names in value position
    that no earlier statement assigns, that are not modules or torch constants (pi, e,
    dtypes), nor bound by an enclosing list comprehension. Syntax errors are left to
    run_case to report."""
    try:
        statements = parse(source, start="case")
    except GradcliError:
        return [], []
    mods = modules()
    torch_members = mods["torch"].members
    order, free, assigned = [], [], set()
    for stmt in statements:
        found = []
        stack = [(stmt.children[0], frozenset(), False)]
        while stack:
            n, scope, is_func = stack.pop()
            if n is None or not hasattr(n, "kind"):
                continue
            if n.kind == "name":
                name = n.value
                member = torch_members.get(name)
                if not is_func and name not in scope and name not in ("torch", "F", "nn") \
                        and (member is None or callable(member)):
                    found.append((n.start, name))
                continue
            if n.kind == "listcomp":
                elt, iterable = n.children
                stack.append((elt, scope | {n.value}, False))
                stack.append((iterable, scope, False))
                continue
            for i, c in enumerate(n.children):
                stack.append((c, scope, n.kind == "call" and i == 0))
        for _, name in sorted(found):
            if name not in order:
                order.append(name)
                if name not in assigned:
                    free.append(name)
        if stmt.kind == "assign":
            assigned.add(stmt.value)
            if stmt.value not in order:
                order.append(stmt.value)
    return order, free


__all__ = ["DeriveOptions", "DeriveResult", "Derivative", "derive_case", "parse_shape",
           "scan_names"]
