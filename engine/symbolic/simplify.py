"""The simplifier: smart constructors that only ever build canonical expressions.

Canonical means: constants folded (exactly, as Fractions, where they are small dyadics),
0 and 1 identities applied, nested sums and products flattened, like terms collected
(2*x + 3*x = 5*x) and like factors combined into powers (x*x**w = x**(w + 1)), and an
`expand` kept only where it changes the shape (inside an elementwise sum or product
broadcasting does the same; a sum over an expanded constant is a multiplication).

Each constructor works on already-canonical children and looks only one level down,
so simplifying costs no recursion however deep the expression is. Every node keeps the
shape its value has (broadcasting included): a simplification that would lose the shape
(x*0 for a vector x) wraps the result in `expand` instead."""

import math
from fractions import Fraction

import numpy as np

from ..ops import OPS
from .expr import (
    Expr,
    FrozenArray,
    const,
    is_const,
    node,
    num_add,
    num_mul,
    num_pow,
    number,
)

ONE = Fraction(1)


def bshape(*shapes) -> tuple:
    """numpy's broadcast shape (without numpy's per-call cost: sums and products of
    thousands of scalars ask this once per node)."""
    first = shapes[0] if shapes else ()
    for s in shapes:
        if s != first:
            break
    else:
        return first
    n = max(len(s) for s in shapes)
    out = [1] * n
    for s in shapes:
        for i, d in enumerate(s, n - len(s)):
            if d != 1:
                if out[i] not in (1, d):
                    raise ValueError(f"shapes {shapes} cannot be broadcast together")
                out[i] = d
    return tuple(out)


def _by_stable(items):
    return sorted(items, key=lambda e: e.stable)


def expand(e: Expr, shape) -> Expr:
    shape = tuple(shape)
    if e.shape == shape:
        return e
    if e.kind == "fn" and e.op == "expand":
        e = e.args[0]
        if e.shape == shape:
            return e
    return node("fn", "expand", (e,), (("shape", shape),), None, shape)


def zeros(shape) -> Expr:
    return expand(const(0), shape)


def split_coeff(t: Expr):
    """(coefficient, the rest) of a term: 3*x*y -> (3, x*y)."""
    if t.kind != "mul":
        return ONE, t
    if len(t.args) == 1:
        return t.value, t.args[0]
    return t.value, node("mul", None, t.args, (), ONE, t.shape)


def scaled(c, rest: Expr) -> Expr:
    """c*rest for a canonical rest that carries no coefficient of its own."""
    if c == 1:
        return rest
    if rest.kind == "mul":
        return node("mul", None, rest.args, (), number(c), rest.shape)
    if rest.kind == "const":
        return const(num_mul(c, rest.value))
    return node("mul", None, (rest,), (), number(c), rest.shape)


def add(terms) -> Expr:
    terms = list(terms)
    shape = bshape(*(t.shape for t in terms))
    constant = Fraction(0)
    coeffs: dict = {}
    work = terms[::-1]
    while work:
        t = work.pop()
        if t.kind == "fn" and t.op == "expand":
            work.append(t.args[0])
        elif t.kind == "add":
            constant = num_add(constant, t.value)
            work.extend(t.args[::-1])
        elif t.kind == "const":
            constant = num_add(constant, t.value)
        else:
            c, rest = split_coeff(t)
            coeffs[rest] = num_add(coeffs[rest], c) if rest in coeffs else c
    out = [scaled(c, r) for r, c in coeffs.items() if c != 0]
    if not out:
        result = const(constant)
    elif len(out) == 1 and constant == 0:
        result = out[0]
    else:
        result = node("add", None, _by_stable(out), (), constant,
                      bshape(*(o.shape for o in out)))
    return expand(result, shape)


def neg(e: Expr) -> Expr:
    return mul([const(-1), e])


def mul(factors) -> Expr:
    factors = list(factors)
    shape = bshape(*(f.shape for f in factors))
    coeff = ONE
    bases: dict = {}
    work = factors[::-1]
    while work:
        f = work.pop()
        if f.kind == "fn" and f.op == "expand":
            work.append(f.args[0])
        elif f.kind == "const":
            coeff = num_mul(coeff, f.value)
        elif f.kind == "mul":
            coeff = num_mul(coeff, f.value)
            work.extend(f.args[::-1])
        elif f.kind == "pow":
            bases.setdefault(f.args[0], []).append(f.args[1])
        else:
            bases.setdefault(f, []).append(None)
    if coeff == 0:
        return zeros(shape)
    out = []
    for base, exps in bases.items():
        if exps == [None]:
            out.append(base)
            continue
        exp = add([const(1) if x is None else x for x in exps])
        p = pow_(base, exp)
        if p.kind == "fn" and p.op == "expand":
            p = p.args[0]
        if p.kind == "const":
            coeff = num_mul(coeff, p.value)
        elif p.kind == "mul":
            coeff = num_mul(coeff, p.value)
            out.extend(p.args)
        else:
            out.append(p)
    if coeff == 0:
        return zeros(shape)
    if not out:
        result = const(coeff)
    elif len(out) == 1 and coeff == 1:
        result = out[0]
    elif len(out) == 1 and coeff == -1 and out[0].kind == "add":
        # -(a - b) reads better as b - a: a sign in front of a sum is distributed
        s = out[0]
        negated = [scaled(num_mul(-1, c), r) for c, r in map(split_coeff, s.args)]
        result = add(negated + [const(num_mul(-1, s.value))])
    else:
        result = node("mul", None, _by_stable(out), (), coeff, bshape(*(o.shape for o in out)))
    return expand(result, shape)


def _is_int(v) -> bool:
    return isinstance(v, Fraction) and v.denominator == 1


def pow_(base: Expr, exp: Expr) -> Expr:
    shape = bshape(base.shape, exp.shape)
    while base.kind == "pow" and exp.kind == "const" and _is_int(exp.value):
        base, exp = base.args[0], mul([base.args[1], exp])  # (b**e)**n = b**(e*n)
    if exp.kind == "const":
        n = exp.value
        if n == 0:
            return expand(const(1), shape)
        if n == 1:
            return expand(base, shape)
        if base.kind == "const":
            r = num_pow(base.value, n)
            if r is not None:
                return expand(const(r), shape)
        if base.kind == "fn" and base.op == "expand":
            return expand(pow_(base.args[0], exp), shape)
        if base.kind == "mul" and _is_int(n):
            c = num_pow(base.value, n)
            if c is not None:
                return expand(mul([const(c)] + [pow_(f, exp) for f in base.args]), shape)
    elif is_const(base, 1):
        return expand(const(1), shape)
    return node("pow", None, (base, exp), (), None, shape)


# ---------------------------------------------------------------- other ops
IDENTITIES = frozenset({"clone", "copy", "to_dtype"})
COMPARISONS = frozenset({"lt", "le", "gt", "ge", "eq", "ne"})
SHAPE_ONLY = frozenset({"reshape", "unsafe_view", "unsqueeze", "squeeze", "squeeze_dim",
                        "permute", "transpose", "t", "mT"})


def _elementwise() -> frozenset:
    """Ops of one tensor and no required parameter whose result has the input's shape
    (sin, relu, ...): they commute with expand and fold on constants. The rows say so."""
    return frozenset(n for n, op in OPS.items() if op.elementwise and n not in IDENTITIES)


_ELEMENTWISE: list = []


def elementwise() -> frozenset:
    if not _ELEMENTWISE:
        _ELEMENTWISE.append(_elementwise())
    return _ELEMENTWISE[0]


def _scalar_expand(e: Expr):
    """The scalar inside expand(c, S) (c of shape ()), else None."""
    if e.kind == "fn" and e.op == "expand" and e.args[0].shape == ():
        return e.args[0]
    if e.shape == ():
        return e
    return None


def _reduce_all(op: str, e: Expr) -> Expr:
    """sum(e) / mean(e) over every element: constants and scalar factors come out."""
    if e.shape == ():
        return e
    inner = _scalar_expand(e)
    if inner is not None:
        return mul([const(math.prod(e.shape)), inner]) if op == "sum" else inner
    if e.kind == "mul":
        outside = [f for f in e.args if f.shape == ()]
        inside = [f for f in e.args if f.shape != ()]
        if outside or e.value != 1:
            rest = mul(inside)
            return mul([const(e.value), *outside, node("fn", op, (rest,), (), None, ())])
    return node("fn", op, (e,), (), None, ())


def _where(args, params, shape):
    a, b = args
    cond = dict(params)["cond"]
    if isinstance(cond, (bool, int, float)):
        return expand(a if cond else b, shape)
    if isinstance(cond, FrozenArray) and cond.array.size:
        if cond.array.all():
            return expand(a, shape)
        if not cond.array.any():
            return expand(b, shape)
    if isinstance(cond, Expr):
        if is_const(a, 1) and is_const(b, 0):
            return expand(cond, shape)
        if is_const(a, 0) and is_const(b, 1):
            return expand(fn("logical_not", (cond,), (), cond.shape), shape)
    return None


def fn(op: str, args, params, shape) -> Expr:
    """Any op of the table applied to canonical arguments (params already frozen)."""
    args, shape = tuple(args), tuple(shape)
    params = tuple(sorted(params))
    first = args[0] if args else None
    if op in IDENTITIES and first.shape == shape:
        return first
    if op == "expand":
        return expand(first, shape)
    if op == "sum_to":
        if first.shape == shape:
            return first
        if shape == ():
            return _reduce_all("sum", first)
        inner = _scalar_expand(first)
        if inner is not None:
            return mul([const(math.prod(first.shape) // max(math.prod(shape), 1)),
                        expand(inner, shape)])
    if op in ("sum", "mean"):
        return _reduce_all(op, first)
    if op in SHAPE_ONLY:
        if first.shape == shape and op not in ("permute", "transpose", "t", "mT"):
            return first
        inner = _scalar_expand(first)
        if inner is not None:
            return expand(inner, shape)
        if op in ("t", "mT") and first.kind == "fn" and first.op == op:
            return first.args[0]
        if op == "t" and len(first.shape) < 2:
            return first
    if op == "where":
        w = _where(args, params, shape)
        if w is not None:
            return w
    if op in COMPARISONS and len(args) == 2 and first.kind == "fn" and first.op == "relu" \
            and is_const(args[1], 0) and op in ("gt", "le"):
        # relu(e) > 0 exactly where e > 0
        return fn(op, (first.args[0], args[1]), (), shape)
    if op == "logical_not" and first.kind == "fn" and first.op == "logical_not":
        return first.args[0]
    if op in elementwise() and len(args) == 1 and not params:
        if first.kind == "fn" and first.op == "expand":
            return expand(fn(op, (first.args[0],), (), first.args[0].shape), shape)
        if first.kind == "const":
            folded = _fold(op, first.value)
            if folded is not None:
                return folded
    return node("fn", op, args, params, None, shape)


def _fold(op: str, value):
    """op(constant) when the result is an exact small number (sin(0), exp(0), sqrt(4));
    log(2) and the like stay symbolic."""
    try:
        r = np.asarray(OPS[op].forward(np.asarray(float(value))), dtype=float)
    except Exception:  # noqa: BLE001 - a forward that cannot take a float is not folded
        return None
    if r.shape != () or not np.isfinite(r):
        return None
    n = number(float(r))
    return const(n) if isinstance(n, Fraction) and n.denominator <= 64 else None
