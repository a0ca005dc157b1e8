"""`gradcli derive`'s engine: the derivative of a graph's output with respect to its
leaves, as simplified expressions (text and LaTeX), from the op table's own VJP rules.

First derivatives come from reverse mode over the autograd graph (reverse.py),
higher ones from reverse mode over the previous derivative's expression; each is
simplified as it is built (simplify.py) and printed (text.py,
latex.py). At a point, a derivative can be evaluated with the op table's forwards
and compared with the engine's own reverse mode (create_graph for higher orders).

Non-scalar outputs are differentiated with a seed of ones, as `y.backward(ones_like(y))`:
for elementwise expressions that is the elementwise derivative."""

from dataclasses import dataclass, field

import numpy as np

from ..autograd import grad
from ..errors import GradcliError
from ..tensor import Tensor
from .evaluate import _f64, evaluate
from .expr import Expr, number, symbol
from .latex import to_latex
from .reverse import ForwardMap, Poison, expr_grads, graph_grads
from .simplify import expand, zeros
from .sym import Sym, deriving
from .text import Printer, TooLarge, to_text

TOLERANCE = {"float32": (1e-3, 1e-5), "float64": (1e-7, 1e-10)}


@dataclass
class Derivative:
    wrt: str
    order: int
    expr: Expr | None = None
    text: str | None = None
    latex: str | None = None
    error: GradcliError | None = None
    assumes: list = field(default_factory=list)        # readable: ["w != 0"]
    assumptions: list = field(default_factory=list)    # (expr, constant) pairs
    value: np.ndarray | None = None
    engine_value: np.ndarray | None = None
    match: bool | None = None
    note: str | None = None


def symbolic_error(message: str) -> GradcliError:
    return GradcliError(message, type_name="SymbolicError")


class Derivation:
    """One output and its named leaves. `names`: id(tensor) -> name for every tensor
    printed as a symbol; `leaves`: name -> tensor; `ranks`: name -> position in the case
    (the printing order of variables); `env`: name -> value at the point."""

    def __init__(self, out, leaves: dict, names: dict, ranks: dict, env: dict):
        self.out, self.leaves, self.names = out, leaves, names
        self.ranks = ranks
        self.env = {k: _f64(v) for k, v in env.items()}
        self.varying = frozenset(n for n, t in leaves.items() if t.requires_grad)
        self.fwd = ForwardMap(names)

    def output_expr(self) -> Expr:
        with deriving(self.varying):
            return self.fwd.expr(self.out)

    def text(self, e: Expr) -> str:
        return to_text(e, self.ranks)

    def latex(self, e: Expr) -> str:
        return to_latex(e, self.ranks)

    def derivatives(self, wrt: list, order: int = 1) -> list:
        """One Derivative per name in `wrt` (tensors of the graph: leaves, or for order 1
        also intermediates)."""
        targets = [self.leaves.get(n) for n in wrt]
        with deriving(self.varying) as ctx:
            firsts = graph_grads(self.out, targets, self.fwd)
            shared = list(ctx.assumptions.values())
            results = []
            for name, t, g in zip(wrt, targets, firsts, strict=True):
                ctx.assumptions = dict(((e, v.tobytes(), v.shape), (e, v)) for e, v in shared)
                d = Derivative(wrt=name, order=order)
                expr = _as_expr(g, t.data.shape)
                for _ in range(order - 1):
                    if isinstance(expr, Poison):
                        break
                    if t.grad_fn is not None:
                        expr = Poison(f"{name} is computed from other variables: derivatives "
                                      f"of order {order} are taken with respect to leaves")
                        break
                    (g2,) = expr_grads(expr, [symbol(name, t.data.shape)], self.env)
                    expr = _as_expr(g2, t.data.shape)
                if isinstance(expr, Poison):
                    d.error = symbolic_error(expr.message)
                else:
                    d.expr = expr
                    d.assumptions = list(ctx.assumptions.values())
                    self._render(d)
                results.append(d)
        return results

    def _render(self, d: Derivative) -> None:
        shown = d.expr
        # d(sum(w*x))/dx is `w`, not `w.expand(3)`: the input's shape is known from the
        # value, and broadcasting reads as the textbook does (constants keep ones(3))
        if shown.kind == "fn" and shown.op == "expand" and shown.args[0].kind != "const":
            shown = shown.args[0]
        try:
            d.text = self.text(shown)
            d.latex = self.latex(shown)
            d.assumes = [f"{self.text(e)} != {_number_text(v)}" for e, v in d.assumptions]
        except TooLarge as e:
            d.error = GradcliError(f"the derivative is too large to print: {e}",
                                   type_name="LimitError")
            d.text = d.latex = None

    # -- at a point
    def compare(self, d: Derivative, dtype_name: str) -> None:
        """Evaluate the derivative at the point and compare it with reverse mode."""
        t = self.leaves[d.wrt]
        d.engine_value = engine_derivative(self.out, t, d.order)
        if d.expr is None:
            return
        try:
            v = evaluate(d.expr, self.env)
            d.value = np.broadcast_to(v, t.data.shape).astype(np.float64)
        except Exception as e:  # noqa: BLE001 - report, do not crash
            d.note = f"could not evaluate the derivative here ({type(e).__name__}: {e})"
            d.match = False
            return
        rtol, atol = TOLERANCE.get(dtype_name, TOLERANCE["float32"])
        eng = np.asarray(d.engine_value, dtype=np.float64)
        d.match = bool(d.value.shape == eng.shape and
                       np.allclose(d.value, eng, rtol=rtol, atol=atol, equal_nan=True))
        if not d.match:
            broken = self._broken_assumptions(d)
            if broken:
                d.match = None
                d.note = (f"not compared: derived assuming {', '.join(broken)}, which does not "
                          f"hold at this point")

    def _broken_assumptions(self, d: Derivative) -> list:
        broken = []
        for (e, v), text in zip(d.assumptions, d.assumes, strict=False):
            try:
                if np.any(evaluate(e, self.env) == v):
                    broken.append(text)
            except Exception:  # noqa: BLE001 - an assumption that cannot be evaluated
                continue
        return broken


def _as_expr(g, shape):
    if g is None:
        return zeros(shape)
    if isinstance(g, Poison):
        return g
    e = g.expr if isinstance(g, Sym) else g
    return e if e.shape == tuple(shape) else expand(e, shape)


def _number_text(v) -> str:
    a = np.asarray(v)
    if a.ndim == 0:
        return Printer().full(Printer().number_entry(number(a.item())))[0]
    return f"tensor({a.tolist()})"


def engine_derivative(out, x, order: int) -> np.ndarray:
    """The engine's reverse mode: d^order(out)/dx^order with seeds of ones (create_graph
    between orders), zeros where x is not reached."""
    g = out
    for k in range(order):
        if not g.requires_grad:
            return np.zeros(x.data.shape)
        seed = Tensor(np.ones_like(g.data))
        (g,) = grad([g], [x], [seed], retain_graph=True, create_graph=k < order - 1,
                    allow_unused=True)
        if g is None:
            return np.zeros(x.data.shape)
    return np.asarray(g.data, dtype=np.float64)
