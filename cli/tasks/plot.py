"""`gradcli plot`'s task: one case -> its output and derivatives d^k/dx^k over a range.

The case runs once with the plotted variable bound to a 1-D tensor of every point when it
is built only of elementwise operations (then the output's i-th element depends on the
i-th point alone, and one reverse pass with a seed of ones gives every point's derivative);
otherwise it runs once per point. Derivatives are reverse mode, as autograd.grad with
create_graph=True, one order after another.

Gaps: a non-finite value is a gap, and so is a jump that the series' own derivative does
not explain (the secant over a step must lie near the slopes at its ends): a step of
relu's derivative, the pole of 1/x, the corner of |x| in dy/dx."""

from dataclasses import dataclass, field

import numpy as np

from ..engine import autograd, dtypes
from ..engine.errors import GradcliError
from ..engine.tensor import Tensor
from ..parser.ast import Node
from ..parser.grammar import parse
from ..parser.interpreter.case import (
    Binding,
    CaseOptions,
    CaseResult,
    CaseRuntime,
    evaluate_expression,
)
from .eval import run_case

# Calls whose result's i-th element depends on the i-th element of each argument only:
# a case made of these (and arithmetic, comparisons, numbers) is evaluated at every point
# at once. Anything else (sum, mean, softmax, indexing, lists, ...) runs point by point.
ELEMENTWISE = frozenset("""
    abs absolute acos acosh add arccos arccosh arcsin arcsinh arctan arctan2 arctanh asin
    asinh atan atan2 atanh ceil celu clamp clamp_max clamp_min clip cos cosh deg2rad digamma
    div divide double elu erf erfc erfinv exp exp2 expm1 float floor fmax fmin frac gelu
    hardshrink hardsigmoid hardswish hardtanh heaviside hypot leaky_relu lgamma log log10
    log1p log2 logit logsigmoid maximum minimum mish mul multiply nan_to_num neg negative
    pow rad2deg reciprocal relu relu6 round rsqrt selu sgn sigmoid sign silu sin sinc sinh
    softplus softshrink softsign sqrt square sub subtract tan tanh tanhshrink threshold
    true_divide trunc where xlogy""".split())
_ARITH = frozenset(("add", "sub", "mul", "div", "pow", "neg", "pos", "compare"))


@dataclass
class PlotOptions:
    case: CaseOptions
    lo: float
    hi: float
    points: int = 200
    order: int = 1
    var: str | None = None


@dataclass
class Series:
    label: str
    values: np.ndarray  # float64, one per x (nan where not finite)
    breaks: np.ndarray  # bool, one per step x[i] -> x[i+1]: True where the line is cut


@dataclass
class PlotResult:
    line: int
    source: str
    var: str | None = None
    x: np.ndarray | None = None
    series: list = field(default_factory=list)
    error: GradcliError | None = None


def parse_range(text: str) -> tuple[float, float]:
    """LO,HI -> two finite floats, LO < HI; ValueError with the reason otherwise."""
    parts = text.split(",")
    if len(parts) != 2:
        raise ValueError(f"--range expects LO,HI (two numbers), got {text!r}")
    try:
        lo, hi = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValueError(f"--range expects LO,HI (two numbers), got {text!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"--range needs finite numbers, got {text!r}")
    if not lo < hi:
        raise ValueError(f"--range needs LO < HI, got {text!r}")
    return lo, hi


def labels(output: str, var: str, order: int) -> list[str]:
    y = output if output and output.isidentifier() and not output.startswith("%") else "y"
    out = [y]
    for k in range(1, order + 1):
        out.append(f"d{y}/d{var}" if k == 1 else f"d{k}{y}/d{var}{k}")
    return out


def plot_case(text: str, line: int, opts: PlotOptions) -> PlotResult:
    """The task: never raises a GradcliError (it becomes result.error)."""
    result = PlotResult(line=line, source=text)
    try:
        _plot(text, opts, result)
    except GradcliError as e:
        result.error = e
        result.x, result.series = None, []
    return result


def _plot(text, opts, result):
    statements = parse(text, start="case")
    var, assigned = _plotted_variable(statements, opts)
    result.var = var
    dt = dtypes.default_float()
    xs = np.linspace(opts.lo, opts.hi, opts.points).astype(dt)
    got = None
    if not assigned and _elementwise(statements):
        got = _vectorized(text, opts, var, xs)
    if got is None:
        got = _pointwise(text, opts, var, xs, assigned)
    output, columns, extra = got
    result.x = xs
    names = labels(output, var, opts.order)
    step = float(xs[1] - xs[0]) if len(xs) > 1 else 1.0
    for k, label in enumerate(names):
        values = columns[k].astype(np.float64)
        slope = columns[k + 1] if k + 1 < len(columns) else extra
        values[~np.isfinite(values)] = np.nan
        result.series.append(Series(label, values, _breaks(values, slope, step)))


def _plotted_variable(statements, opts) -> tuple[str, bool]:
    """The name the plot runs over: --var, or the one name the case uses but never binds.
    Returns (name, whether the case assigns it a value of its own)."""
    assigned = [s.value for s in statements if s.kind == "assign"]
    bound = {b.name for b in opts.case.bindings}
    if opts.var is not None:
        if opts.var in bound:
            raise GradcliError(f"--var {opts.var} is also bound by --at; drop one of them",
                               type_name="UsageError")
        if not opts.var.isidentifier():
            raise GradcliError(f"--var expects a name, got {opts.var!r}", type_name="UsageError")
        return opts.var, opts.var in assigned
    free = _free_names(statements, set(assigned) | bound)
    if len(free) == 1:
        return free[0], False
    if not free:
        raise GradcliError("the case has no free variable to plot over: name one with --var "
                           "(a name the case uses)", type_name="UsageError")
    raise GradcliError(f"the case has several free variables ({', '.join(free)}): choose one "
                       f"with --var and bind the others with --at", type_name="UsageError")


def _free_names(statements, bound) -> list[str]:
    rt = CaseRuntime("", CaseResult(line=0, source=""))
    seen, free, loop_vars = set(), [], set()
    nodes = [n for s in reversed(statements) for n in s.children]
    while nodes:
        n = nodes.pop()
        if n is None:
            continue
        if n.kind == "listcomp":
            loop_vars.add(n.value)
        if n.kind == "name" and n.value not in seen:
            seen.add(n.value)
            if n.value not in bound and n.value not in loop_vars and not _resolves(rt, n):
                free.append(n.value)
        nodes.extend(reversed([c for c in n.children if isinstance(c, Node)]))
    return free


def _resolves(rt, node) -> bool:
    try:
        rt.name(node)
    except GradcliError:
        return False
    return True


def _elementwise(statements) -> bool:
    nodes = [c for s in statements for c in s.children]
    while nodes:
        n = nodes.pop()
        if n is None:
            continue
        kind = n.kind
        if kind == "const":
            if not isinstance(n.value, (int, float)):
                return False
            continue
        if kind == "name":
            continue
        if kind == "call":
            func = n.children[0]
            name = func.value if func.kind in ("name", "attr") else None
            if name not in ELEMENTWISE:
                return False
            if func.kind == "attr":
                nodes.append(func.children[0])
            nodes.extend(n.children[1:])
            continue
        if kind == "attr":  # a module path (torch.nn.functional); not x.T, x.grad, ...
            root = n
            while root.kind == "attr":
                root = root.children[0]
            if root.kind != "name" or root.value not in ("torch", "F", "nn"):
                return False
            continue
        if kind not in _ARITH:
            return False
        nodes.extend(n.children)
    return True


def _bind(var: str, value: Tensor) -> Binding:
    return Binding(var, var, Node("const", (), value))


def _run(text, opts, var, value, assigned):
    """Run the case forward with `var` at `value`; (result, x tensor, output tensor)."""
    case = opts.case
    if assigned:
        run_opts = CaseOptions(bindings=case.bindings, consts=case.consts, of=case.of,
                               overrides={var: value.data}, backward=False)
    else:
        run_opts = CaseOptions(bindings=[*case.bindings, _bind(var, value)],
                               consts=case.consts - {var}, of=case.of, backward=False)
    result = run_case(text, 0, run_opts)
    if result.error is not None:
        raise result.error
    x = result.variables.get(var)
    if not isinstance(x, Tensor) or x.grad_fn is not None:
        raise GradcliError(f"{var} is computed by the case, so it cannot be plotted over; "
                           f"choose a leaf with --var", type_name="UsageError")
    if not x.requires_grad:
        raise GradcliError(f"{var} does not require grad (--const): its derivatives are not "
                           f"defined", type_name="UsageError")
    return result, x, result.output_tensor


def _derivatives(result, x, y, order: int, grad_text) -> tuple[list, np.ndarray | None]:
    """[y, dy/dx, ..., d^order y/dx^order] as arrays shaped like x, and one order more
    for finding gaps (None when it cannot be computed)."""
    seed = None
    if grad_text is not None:
        value = evaluate_expression(grad_text, result)
        seed = value if isinstance(value, Tensor) else Tensor(np.asarray(value))
        if seed.data.size != 1:
            raise GradcliError(f"--grad must have one element here (the output has one per "
                               f"point), got shape {list(seed.data.shape)}",
                               type_name="ValueError")
        seed = Tensor(np.broadcast_to(seed.data.astype(y.data.dtype).reshape(()),
                                      y.data.shape).copy())
    columns = [y.data]
    g = y
    for k in range(order + 1):
        try:
            g = _next(g, x, seed if k == 0 else None)
        except GradcliError:
            if k < order:
                raise
            return columns, None
        if k < order:
            columns.append(g.data)
    return columns, g.data


def _next(g: Tensor, x: Tensor, seed) -> Tensor:
    if not g.requires_grad:  # a constant: every further derivative is zero
        return Tensor(np.zeros_like(x.data))
    ones = seed if seed is not None else Tensor(np.ones_like(g.data))
    (d,) = autograd.grad([g], [x], [ones], create_graph=True, allow_unused=True)
    return d if d is not None else Tensor(np.zeros_like(x.data))


def _vectorized(text, opts, var, xs):
    """Every point at once; None when the case turns out not to be one output per point
    (a non-scalar binding, a broadcast) - then it runs point by point."""
    try:
        result, x, y = _run(text, opts, var, Tensor(xs.copy()), False)
    except GradcliError:
        return None
    if y is None or y.data.shape != xs.shape or y.data.dtype.kind != "f":
        return None
    if any(n.tensor.data.size != 1 for n in result.nodes
           if n.tensor.grad_fn is None and n.tensor is not x):
        return None
    columns, extra = _derivatives(result, x, y, opts.order, opts.case.grad)
    return result.output, columns, extra


def _pointwise(text, opts, var, xs, assigned):
    columns = [np.empty(len(xs), np.float64) for _ in range(opts.order + 1)]
    extra = np.empty(len(xs), np.float64)
    output = None
    for i, xv in enumerate(xs):
        result, x, y = _run(text, opts, var, Tensor(np.array(xv)), assigned)
        if y is None:
            raise GradcliError("the case has no output to plot", type_name="ValueError")
        if y.data.size != 1:
            name = f" {result.output}" if result.output else ""
            raise GradcliError(f"the output{name} has shape {list(y.data.shape)} at each "
                               f"{var}: plot draws one value per point (reduce it, e.g. "
                               f"sum(...), or choose one with --of)", type_name="ValueError")
        output = result.output
        cols, more = _derivatives(result, x, y, opts.order, opts.case.grad)
        for k, c in enumerate(cols):
            columns[k][i] = float(np.asarray(c).reshape(-1)[0])
        if more is None:
            extra = None  # no derivative of the last series at some point: no jump test
        elif extra is not None:
            extra[i] = float(np.asarray(more).reshape(-1)[0])
    return output, columns, extra


def _breaks(values: np.ndarray, slope, step: float) -> np.ndarray:
    """True for each step i -> i+1 not drawn: an end is not finite, or the change is a
    jump the derivative at the ends does not account for."""
    a, b = values[:-1], values[1:]
    cut = ~(np.isfinite(a) & np.isfinite(b))
    if slope is None or len(values) < 2:
        return cut
    s = np.asarray(slope, np.float64)
    s0, s1 = s[:-1], s[1:]
    finite = values[np.isfinite(values)]
    span = float(finite.max() - finite.min()) if finite.size else 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        delta = b - a
        lo = np.minimum(s0, s1) * step
        hi = np.maximum(s0, s1) * step
        # the mean value theorem puts the secant's slope at some point inside: allow for
        # curvature with half the larger slope and the slopes' difference, and for
        # invisible changes (1/200 of the series' span)
        slack = (0.5 * np.maximum(np.abs(s0), np.abs(s1)) + np.abs(s1 - s0)) * step \
            + span / 200 + 1e-12
        jump = (delta < lo - slack) | (delta > hi + slack)
        jump &= np.isfinite(s0) & np.isfinite(s1)
    return cut | jump
