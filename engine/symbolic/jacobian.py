"""Jacobians and Hessians in matrix-calculus form (`derive --jacobian`, `--hessian`).

Forward mode over an expression: J(e) = d e / d x has shape e.shape + x.shape, for
expressions and variables of at most one dimension (d x/d x is eye(n), or 1 for a
scalar). The rules are the textbook ones: J(u + v) = J(u) + J(v), J(u * v) =
diag(v) J(u) + diag(u) J(v), J(f(u)) = diag(f'(u)) J(u) (f' from the op table, as in
matrix.py), J(M u) = M J(u), J(sum u) = 1^T J(u), J(norm u) = (u/norm u)^T J(u),
J(softmax u) = (diag(s) - s s^T) J(u). A Hessian block d2y/dadb is the Jacobian, with
respect to b, of the textbook gradient dy/da. An op outside these raises Unsupported;
every printed matrix is evaluated and compared with the engine's reverse mode."""

from fractions import Fraction

from .expr import Expr, const, postorder
from .matrix import Unsupported, elementwise_derivative, normalize
from .notation import diag, eye, madd, mm, outer, transpose
from .simplify import add, elementwise, expand, mul, pow_

_MATMUL = ("matmul", "mm", "mv", "dot", "vecmat")


def jacobian(root: Expr, x: Expr) -> Expr:
    """d root / d x (x a symbol) in matrix form; raises Unsupported."""
    if len(x.shape) > 1:
        raise Unsupported(f"{x.op} has {len(x.shape)} dimensions")
    if len(root.shape) > 1:
        raise Unsupported(f"a result of {len(root.shape)} dimensions")
    J = _Zeros()
    for e in postorder(root, lambda e: tuple(c for c in e.args if x.op in c.syms)):
        J[e] = _jac(e, x, J) if x.op in e.syms else None
    out = J[root]
    return normalize(out) if out is not None else expand(const(0), root.shape + x.shape)


class _Zeros(dict):
    """Jacobians by node; a node that does not depend on x has none (zero)."""

    def __missing__(self, key):
        return None


def _lift(j: Expr, shape, x: Expr) -> Expr:
    """The Jacobian of a scalar broadcast to a vector of `shape`."""
    if j is None:
        return None
    if not shape:
        return j
    if x.shape:
        return outer(expand(const(1), shape), j)
    return expand(j, shape)


def _scale(d: Expr, j: Expr, f: Expr, x: Expr) -> Expr:
    """d (the derivative of e with respect to its factor f, elementwise) times J(f)."""
    if j is None:
        return None
    if not x.shape or d.shape == ():
        return mul([d, j])
    if f.shape:            # a vector factor: diag(d) J
        return mm(diag(d), j)
    return outer(d, j)     # a scalar factor of a vector: d J^T


def _sum(terms, shape, x):
    terms = [t for t in terms if t is not None]
    if not terms:
        return None
    return madd(terms) if len(terms) > 1 else terms[0]


def _jac(e: Expr, x: Expr, J: dict):
    k = e.kind
    if k == "sym":
        return (eye(x.shape[0]) if x.shape else const(1)) if e is x else None
    if k == "add":
        return _sum([_lift(J[t], e.shape, x) if J[t] is not None and not t.shape and e.shape
                     else J[t] for t in e.args], e.shape, x)
    if k == "mul":
        parts = []
        for i, f in enumerate(e.args):
            if J[f] is None:
                continue
            d = mul([const(e.value), *(e.args[:i] + e.args[i + 1:])])
            part = _scale(d, J[f], f, x)
            if part is not None and e.shape and not part.shape[:1] == e.shape[:1]:
                part = _lift(part, e.shape, x)
            parts.append(part)
        return _sum(parts, e.shape, x)
    if k == "pow":
        b, n = e.args
        if J[n] is not None:
            raise Unsupported("a variable exponent")
        d = mul([n, pow_(b, add([n, const(-1)]))])
        return _scale(d, J[b], b, x)
    if k != "fn":
        raise Unsupported(f"no rule for {k}")
    op, a = e.op, e.args
    if op == "expand":
        return _lift(J[a[0]], e.shape, x) if not a[0].shape else J[a[0]]
    if op in _MATMUL:
        u, v = a
        if len(u.shape) == 2 and J[u] is None:
            return mm(u, J[v])
        if len(v.shape) == 2 and J[v] is None:
            return mm(transpose(v), J[u])
        if len(u.shape) == 1 and len(v.shape) == 1:
            return _sum([mm(v, J[u]) if J[u] is not None else None,
                         mm(u, J[v]) if J[v] is not None else None], (), x)
        raise Unsupported(f"no rule for {op} of these shapes")
    if op == "sum" and len(a[0].shape) == 1:
        return mm(expand(const(1), a[0].shape), J[a[0]])
    if op == "mean" and len(a[0].shape) == 1:
        return mul([const(Fraction(1, a[0].shape[0])),
                    mm(expand(const(1), a[0].shape), J[a[0]])])
    if op == "norm" and len(a[0].shape) == 1:
        return mm(mul([a[0], pow_(e, const(-1))]), J[a[0]])
    if op == "softmax" and len(e.shape) == 1:
        return mm(madd([diag(e), mul([const(-1), outer(e, e)])]), J[a[0]])
    if op in elementwise() and len(a) == 1:
        return _scale(elementwise_derivative(op, e.params, a[0]), J[a[0]], a[0], x)
    raise Unsupported(f"no rule for {op}")
