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
from .expr import Expr, TooLarge, number, symbol
from .jacobian import jacobian
from .latex import to_latex
from .matrix import Unsupported, textbook_grads
from .reverse import ForwardMap, Poison, expr_grads, graph_grads
from .simplify import expand, zeros
from .sym import Sym, deriving
from .text import Printer, to_text

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
    wrt2: str | None = None        # a mixed partial d2y/dxdw, or a Hessian block
    kind: str = "grad"             # grad (seeds of ones), mixed, hessian or jacobian
    shown: Expr | None = None      # the printed form (textbook) when not `expr` itself


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

    def derivatives(self, wrt: list, order: int = 1, mixed: bool = False) -> list:
        """One Derivative per name in `wrt` (tensors of the graph: leaves, or for order 1
        also intermediates); with `mixed` at order 2, then d2y/dadb for each pair."""
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
                results.append(d)
            if order == 1:
                self._textbook(results)
            if order == 2 and mixed:
                results += self._mixed(wrt, targets, firsts)
        for d in results:
            if d.expr is not None:
                self._render(d)
        return results

    def _textbook(self, results) -> None:
        """Replace each printed first derivative by its matrix-calculus form where one
        exists and agrees with reverse mode at the case's values."""
        names = [d.wrt for d in results if d.expr is not None and d.wrt in self.varying]
        # scalar cases are already in textbook form (and ordered as people write them)
        if not names or all(t.data.ndim == 0 for t in self.leaves.values()):
            return
        try:
            found = textbook_grads(self.output_expr(), names)
        except TooLarge:
            return
        for d in results:
            e = (found or {}).get(d.wrt)
            if e is not None and e is not d.expr and self._agrees(e, d):
                d.shown = e

    def _agrees(self, e, d) -> bool:
        try:
            eng = np.asarray(self.engine_value(d), dtype=np.float64)
            v = np.broadcast_to(evaluate(e, self.env), eng.shape)
        except Exception:  # noqa: BLE001 - a form that cannot be checked is not shown
            return False
        return bool(np.allclose(v, eng, rtol=1e-4, atol=1e-6, equal_nan=True))

    def _mixed(self, wrt, targets, firsts) -> list:
        """d2y/dadb for each pair of leaves: d/da of sum(dy/db)."""
        out = []
        for i, a in enumerate(wrt):
            for j in range(i + 1, len(wrt)):
                b = wrt[j]
                d = Derivative(wrt=a, wrt2=b, order=2, kind="mixed")
                ta, g = targets[i], firsts[j]
                if ta.grad_fn is not None or targets[j].grad_fn is not None:
                    continue
                if isinstance(g, Poison):
                    d.error = symbolic_error(g.message)
                elif g is None:
                    d.expr = zeros(ta.data.shape)
                else:
                    (g2,) = expr_grads(_as_expr(g, targets[j].data.shape),
                                       [symbol(a, ta.data.shape)], self.env)
                    e = _as_expr(g2, ta.data.shape)
                    if isinstance(e, Poison):
                        d.error = symbolic_error(e.message)
                    else:
                        d.expr = e
                out.append(d)
        return out

    # -- matrices: --hessian and --jacobian
    def hessian(self, wrt: list) -> list:
        """The Hessian of a scalar output, one block d2y/dadb per pair a <= b."""
        if self.out.data.ndim != 0:
            raise symbolic_error(f"--hessian needs a scalar output; this one has shape "
                                 f"{list(self.out.data.shape)} (use --jacobian)")
        with deriving(self.varying):
            grads = self.derivatives(wrt, 1)
            results = []
            for i, a in enumerate(wrt):
                for b in wrt[i:]:
                    d = Derivative(wrt=a, wrt2=b, order=2, kind="hessian")
                    g = grads[i]
                    d.error = g.error
                    if g.error is None:
                        self._matrix(d, g.shown or g.expr, b)
                    results.append(d)
        return results

    def jacobian(self, wrt: list) -> list:
        """d out / d x for each input: a matrix of shape out.shape + x.shape."""
        with deriving(self.varying):
            root = self.output_expr()
            results = []
            for x in wrt:
                d = Derivative(wrt=x, order=1, kind="jacobian")
                self._matrix(d, root, x)
                results.append(d)
        return results

    def _matrix(self, d, root, x) -> None:
        t = self.leaves[x]
        if t.grad_fn is not None:
            d.error = symbolic_error(f"{x} is computed from other variables: matrices are "
                                     f"taken with respect to leaves")
            return
        try:
            d.expr = jacobian(root, symbol(x, t.data.shape))
        except Unsupported as e:
            d.error = symbolic_error(f"no matrix form here: {e} (--jacobian and --hessian "
                                     f"take vectors and scalars through sums, products, "
                                     f"matrix products, elementwise functions, norm, softmax)")
            return
        if not self._agrees(d.expr, d):
            # checked at the case's values even when nothing else is evaluated: a matrix
            # form that reverse mode contradicts is refused, never printed
            d.error = symbolic_error("the matrix form disagrees with reverse mode here (a "
                                     "bug in gradcli; please report it with the input)")
            d.expr = None
            return
        self._render(d)

    def _render(self, d: Derivative) -> None:
        shown = d.shown or d.expr
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
        d.engine_value = self.engine_value(d)
        if d.expr is None:
            return
        try:
            v = evaluate(d.shown or d.expr, self.env)
            d.value = np.broadcast_to(v, d.engine_value.shape).astype(np.float64)
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

    def engine_value(self, d: Derivative) -> np.ndarray:
        """What the engine's reverse mode gives for this derivative."""
        t = self.leaves[d.wrt]
        if d.kind == "grad":
            return engine_derivative(self.out, t, d.order)
        if d.kind == "mixed":
            return engine_mixed(self.out, t, self.leaves[d.wrt2])
        if d.kind == "hessian":
            return engine_hessian(self.out, t, self.leaves[d.wrt2])
        return engine_jacobian(self.out, t)

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


def _grad_of(out, x, create_graph: bool):
    if not out.requires_grad:
        return None
    seed = Tensor(np.ones_like(out.data))
    (g,) = grad([out], [x], [seed], retain_graph=True, create_graph=create_graph,
                allow_unused=True)
    return g


def engine_mixed(out, a, b) -> np.ndarray:
    """d/da of sum(d out/db): reverse over reverse, seeds of ones."""
    g = _grad_of(out, b, True)
    g2 = _grad_of(g, a, False) if g is not None else None
    return np.zeros(a.data.shape) if g2 is None else np.asarray(g2.data, dtype=np.float64)


def engine_jacobian(out, x) -> np.ndarray:
    """d out/d x as a matrix of shape out.shape + x.shape: one backward per element."""
    rows = []
    for i in range(out.data.size):
        row = np.zeros(x.data.shape)
        if out.requires_grad:
            seed = np.zeros_like(out.data)
            seed.flat[i] = 1
            (g,) = grad([out], [x], [Tensor(seed)], retain_graph=True, allow_unused=True)
            if g is not None:
                row = np.asarray(g.data, dtype=np.float64)
        rows.append(row)
    return np.stack(rows).reshape(out.data.shape + x.data.shape)


def engine_hessian(out, a, b) -> np.ndarray:
    """d2 out/da db by reverse over reverse (the Jacobian of d out/da)."""
    g = _grad_of(out, a, True)
    if g is None:
        return np.zeros(a.data.shape + b.data.shape)
    return engine_jacobian(g, b)
