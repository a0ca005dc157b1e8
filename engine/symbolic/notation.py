"""Matrix-calculus notation for `gradcli derive`: the few functions a textbook writes that
are not ops of the table (outer, diag, one_hot, eye), and constructors for them and for
matrix products that keep results in textbook form.

Each notation function is a `fn` node whose name is also a torch function (so the text
form runs in `gradcli eval`); NOTATION holds their numpy forwards for evaluate.py. The
constructors look one level down only, like simplify.py's:
- mm(a, b): a @ b with eye and diag folded, and a vector on the left turned into a
  transposed matrix on the left (x @ A is A.T @ x), so that like products meet;
- madd(terms): a sum in which matrix products with the same right operand are collected
  (A @ x + A.T @ x is (A + A.T) @ x);
- outer(a, b): scalar factors come out (outer(2*x, x/n) is 2*outer(x, x)/n)."""

import math

import numpy as np

from .expr import Expr, const, node
from .simplify import add, expand, fn, mul, split_coeff


def _one_hot(t, num_classes):
    t = np.asarray(t).astype(np.int64)
    return (t[..., None] == np.arange(int(num_classes))).astype(np.int64)


NOTATION = {
    "outer": lambda a, b: np.multiply.outer(a, b),
    "diag": lambda v: np.diag(v),
    "one_hot": _one_hot,
    "eye": lambda n: np.eye(int(n)),
}


def is_fn(e: Expr, op: str) -> bool:
    return e.kind == "fn" and e.op == op


def is_zero(e: Expr) -> bool:
    inner = e.args[0] if is_fn(e, "expand") else e
    return inner.kind == "const" and inner.value == 0


def is_ones(e: Expr) -> bool:
    return is_fn(e, "expand") and e.args[0].kind == "const" and e.args[0].value == 1


def eye(n: int) -> Expr:
    return node("fn", "eye", (const(n),), (), None, (n, n))


def diag(v: Expr) -> Expr:
    n = v.shape[0]
    if is_ones(v):
        return eye(n)
    c, rest = split_coeff(v)
    if c != 1 and rest.shape == v.shape:
        return mul([const(c), diag(rest)])
    return node("fn", "diag", (v,), (), None, (n, n))


def one_hot(target: Expr, classes: int) -> Expr:
    return node("fn", "one_hot", (target, const(classes)), (), None,
                tuple(target.shape) + (classes,))


def transpose(e: Expr) -> Expr:
    if len(e.shape) != 2:  # a vector has no transpose here
        return e
    if is_fn(e, "eye") or is_fn(e, "diag"):
        return e
    if is_fn(e, "outer"):
        return outer(e.args[1], e.args[0])
    if e.kind in ("add", "mul") and all(len(a.shape) in (0, 2) for a in e.args):
        parts = [transpose(a) if len(a.shape) == 2 else a for a in e.args]
        if e.kind == "add":
            return add(parts + [const(e.value)])
        return mul(parts + [const(e.value)])
    return fn("t", (e,), (), (e.shape[1], e.shape[0]))


def _scalars(e: Expr):
    """(scalar factors, the rest) of a product whose rest keeps e's shape."""
    if is_fn(e, "expand") and e.args[0].shape == () and not (
            e.args[0].kind == "const" and e.args[0].value == 1):
        return [e.args[0]], expand(const(1), e.shape)  # full((3,), c) is c ones(3)
    if e.kind != "mul":
        return [], e
    if e.value == 1 and all(f.shape != () for f in e.args):
        return [], e
    outside = [f for f in e.args if f.shape == ()]
    inside = [f for f in e.args if f.shape != ()]
    if not inside:
        return [const(e.value), *outside], expand(const(1), e.shape)
    rest = mul(inside) if len(inside) > 1 else inside[0]
    return [const(e.value), *outside], rest


def outer(a: Expr, b: Expr) -> Expr:
    if is_zero(a) or is_zero(b):
        return expand(const(0), (a.shape[0], b.shape[0]))
    sa, ra = _scalars(a)
    sb, rb = _scalars(b)
    if is_ones(ra) and is_ones(rb):
        core = expand(const(1), (a.shape[0], b.shape[0]))
        return mul([*sa, *sb, core]) if sa or sb else core
    core = node("fn", "outer", (ra, rb), (), None, (a.shape[0], b.shape[0]))
    return mul([*sa, *sb, core]) if sa or sb else core


def mm(a: Expr, b: Expr) -> Expr:
    """a @ b for 1-d and 2-d operands."""
    na, nb = len(a.shape), len(b.shape)
    shape = tuple(a.shape[:-1]) + tuple(b.shape[1:]) if nb == 2 else tuple(a.shape[:-1])
    if is_zero(a) or is_zero(b):
        return expand(const(0), shape)
    if is_fn(b, "eye"):
        return a
    if is_fn(a, "eye"):
        return b
    for side, other, left in ((a, b, True), (b, a, False)):
        sc, rest = _scalars(side)
        if sc and rest is not side:  # scalar factors come out: (2 A) @ x is 2 (A @ x)
            return mul([*sc, mm(rest, other) if left else mm(other, rest)])
    if is_fn(a, "diag") and is_fn(b, "diag"):
        return diag(mul([a.args[0], b.args[0]]))
    if is_fn(a, "diag") and is_fn(b, "matmul") and is_fn(b.args[0], "diag"):
        return mm(diag(mul([a.args[0], b.args[0].args[0]])), b.args[1])
    if na == 1 and nb == 1:
        if is_fn(a, "expand") or is_ones(a):
            return fn("sum", (b,), (), ())
        return node("fn", "matmul", (a, b), (), None, ())
    if is_fn(b, "diag") and na == 1:
        return mul([a, b.args[0]])
    if is_fn(a, "diag") and nb == 1:
        return mul([a.args[0], b])
    if na == 1 and nb == 2:
        return mm(transpose(b), a)  # x @ A is A.T @ x: one spelling for like terms
    if na == 2 and nb == 1 and is_fn(a, "outer"):
        u, v = a.args  # (u v^T) b = u (v . b)
        return mul([u, mm(v, b)])
    return node("fn", "matmul", (a, b), (), None, shape)


def madd(terms) -> Expr:
    """A sum with matrix products of one right operand collected."""
    terms = [t for t in terms if t is not None]
    flat = []
    for t in terms:
        if t.kind == "add" and any(_right(a) is not None for a in t.args):
            flat.extend(t.args)
            if t.value != 0:
                flat.append(const(t.value))
        else:
            flat.append(t)
    groups: dict = {}
    diags = []
    rest = []
    for t in flat:
        r = _right(t)
        c, core = split_coeff(t)
        if is_fn(core, "diag"):
            diags.append(mul([const(c), core.args[0]]))
        elif r is None:
            rest.append(t)
        else:
            groups.setdefault(r[1], []).append(r[0])
    if diags:  # diag(a) - diag(b) is diag(a - b)
        rest.append(diag(add(diags)))
    for right, lefts in groups.items():
        if len(lefts) == 1:
            rest.append(mm(lefts[0], right))
        else:
            rest.append(mm(add(lefts), right))
    shape = ()
    for t in terms:
        if len(t.shape) > len(shape):
            shape = t.shape
    return expand(add(rest), shape) if rest else expand(const(0), shape)


def _right(t: Expr):
    """(scaled left, right) of c * (L @ v) with v a vector, else None."""
    c, core = split_coeff(t)
    if is_fn(core, "matmul") and len(core.args[0].shape) == 2:
        left = core.args[0]
        return (mul([const(c), left]) if c != 1 else left), core.args[1]
    return None


def numel(shape) -> int:
    return math.prod(shape)
