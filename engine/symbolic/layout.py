"""How a canonical expression is laid out for reading (shared by the text and LaTeX
printers): the order of terms and factors, products split into numerator and
denominator, and numbers recognised as the constants people write (1/sqrt(2), log(2)).

Order follows how people write: variables in the order the case first mentions them,
higher powers first, constants last in a sum (`x**2 + 2*x + 1`, `x + 2*w + 1`); in a
product the coefficient, then plain variables, then powers with symbolic exponents, then
function calls, then parenthesised sums (`2*x*cos(x**2)`, `sigmoid(x)*(1 - sigmoid(x))`)."""

import math
from fractions import Fraction

from .expr import Expr

BIG = 10**9

CMP, ADD, MUL, NEG, POW, ATOM = 0, 1, 2, 3, 4, 5

# name -> value; printers map the name to their own spelling
KNOWN = {
    "pi": math.pi,
    "sqrt(2)": math.sqrt(2),
    "sqrt(3)": math.sqrt(3),
    "sqrt(pi)": math.sqrt(math.pi),
    "sqrt(2*pi)": math.sqrt(2 * math.pi),
    "log(2)": math.log(2),
    "log(3)": math.log(3),
    "log(10)": math.log(10),
    "log(2)**2": math.log(2) ** 2,
    "exp(1)": math.e,
}


class Named:
    """A known constant inside a coefficient (pi, sqrt(2), ...)."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


def _rational(r: float, max_den: int):
    if not math.isfinite(r):  # a huge coefficient times pi overflows: no fraction for it
        return None
    f = Fraction(r).limit_denominator(max_den)
    if f and f.numerator <= 10**6 and abs(float(f) - r) <= 4e-16 * abs(r):
        return f
    return None


def number_parts(v):
    """(negative, numerator parts, denominator parts) of a number; parts are ints, floats
    or Named constants: -0.7071067811865476 -> (True, [1], [Named('sqrt(2)')])."""
    neg = v < 0
    a = -v if neg else v
    if isinstance(a, Fraction):
        return neg, _nz([a.numerator]), _nz([a.denominator])
    if not math.isfinite(a) or a == 0:
        return neg, [a], []
    f = _rational(a, 1000)
    if f is not None:
        return neg, _nz([f.numerator]), _nz([f.denominator])
    best = None
    for name, k in KNOWN.items():
        for f, on_top in ((_rational(a / k, 64), True), (_rational(a * k, 64), False)):
            if f is not None and (best is None or f.numerator + f.denominator < best[0]):
                best = (f.numerator + f.denominator, f, name, on_top)
    if best is None:
        return neg, [a], []
    _, f, name, on_top = best
    if on_top:
        return neg, _nz([f.numerator]) + [Named(name)], _nz([f.denominator])
    return neg, _nz([f.numerator]), _nz([f.denominator]) + [Named(name)]


def _nz(parts):
    return [p for p in parts if p != 1]


def is_negative(e: Expr) -> bool:
    if e.kind == "const":
        return e.value < 0
    return e.kind == "mul" and e.value < 0


def _rank(e: Expr, ranks: dict):
    best, name = BIG, None
    for s in e.syms:
        r = ranks.get(s, BIG)
        if r < best or (r == best and (name is None or s < name)):
            best, name = r, s
    return best, name


def _degree(e: Expr, name) -> float:
    d = 0.0
    for f in (e.args if e.kind == "mul" else (e,)):
        if f.kind == "sym" and f.op == name:
            d += 1
        elif (f.kind == "pow" and f.args[0].kind == "sym" and f.args[0].op == name
              and f.args[1].kind == "const"):
            d += float(f.args[1].value)
    return d


def term_order(terms, ranks: dict) -> list:
    def key(t):
        r, name = _rank(t, ranks)
        return (r, -_degree(t, name), t.size, t.stable)

    ordered = sorted(terms, key=key)
    # a sum does not start with a minus when some term is positive: 1 - x, not -x + 1
    if ordered and is_negative(ordered[0]):
        for i, t in enumerate(ordered):
            if not is_negative(t):
                ordered.insert(0, ordered.pop(i))
                break
    return ordered


def factor_order(factors, ranks: dict) -> list:
    def key(f):
        base = f.args[0] if f.kind == "pow" else f
        numeric_exp = f.kind != "pow" or f.args[1].kind == "const"
        if base.kind == "sym":
            cat = 0 if numeric_exp else 1
        elif base.kind == "const":
            cat = 1
        elif base.kind == "add":
            cat = 3
        else:
            cat = 2
        return (cat, _rank(f, ranks)[0], f.size, f.stable)

    return sorted(factors, key=key)


def mul_layout(e: Expr, ranks: dict):
    """(negative, numerator, denominator) of a product or a power with a negative
    exponent. Items: numbers/Named (from the coefficient), or (base Expr, exponent) where
    exponent None means the base itself; denominator exponents are made positive."""
    if e.kind == "mul":
        neg, num, den = number_parts(e.value)
        factors = factor_order(e.args, ranks)
    else:
        neg, num, den = False, [], []
        factors = [e]
    num = list(num)
    den = list(den)
    for f in factors:
        if f.kind == "pow" and f.args[1].kind == "const" and f.args[1].value < 0:
            k = -f.args[1].value
            den.append((f.args[0], None if k == 1 else k))
        else:
            num.append((f, None))
    return neg, num, den
