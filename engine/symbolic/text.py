"""Printing expressions as text in PyTorch notation (`2*x*cos(x**2)`), with `-` and `/`
restored and only the parentheses Python's precedence needs. The text is a valid gradcli
expression. The printer base here also drives the LaTeX printer (latex.py),
which changes only the spelling.

Nodes are printed children first from an explicit stack, each from its children's text,
so expressions of any depth print without recursion; a text longer than the limit is
refused (TooLarge) before it is built."""

import inspect
import math
from fractions import Fraction

from ..ops import OPS
from .expr import Expr, FrozenArray, FrozenSlice, TooLarge, postorder
from .layout import (
    ADD,
    ATOM,
    CMP,
    MUL,
    NEG,
    POW,
    Named,
    is_negative,
    mul_layout,
    number_parts,
    term_order,
)

LIMIT = 200_000


_CMP = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "==", "ne": "!="}
_MATMUL = frozenset({"mm", "matmul", "mv", "vecmat"})
_INDEXING = frozenset({"select", "slice", "index", "unbind", "alias"})
_RENAMED_PARAMS = {"dims": "dim"}
_DEFAULTS: dict = {}


def _defaults(op_name: str) -> dict:
    """The forward's default parameter values (omitted when printing a call)."""
    if op_name not in _DEFAULTS:
        try:
            sig = inspect.signature(OPS[op_name].forward)
            _DEFAULTS[op_name] = {k: p.default for k, p in sig.parameters.items()
                                  if p.default is not inspect.Parameter.empty}
        except (TypeError, ValueError, KeyError):
            _DEFAULTS[op_name] = {}
    return _DEFAULTS[op_name]


class Printer:
    fraction_bar = False  # LaTeX's \frac groups its numerator: no parentheses needed

    """Entries are (text, precedence, negative): the text of the absolute value and
    whether a minus sign goes in front (sums print negative terms with ` - `)."""

    def __init__(self, ranks=None, limit=LIMIT):
        self.ranks = ranks or {}
        self.limit = limit

    def render(self, root) -> str:
        if root.size > self.limit:  # every node prints at least one character
            raise TooLarge(f"the expression has more than {self.limit:,} characters")
        info: dict = {}
        for e in postorder(root):
            entry = self.node(e, info)
            if len(entry[0]) > self.limit:
                raise TooLarge(f"the expression has more than {self.limit:,} characters")
            info[e] = entry
        return self.full(info[root])[0]

    # -- helpers
    def full(self, entry):
        text, prec, neg = entry
        return (self.minus(text), NEG) if neg else (text, prec)

    def wrap(self, entry, min_prec) -> str:
        text, prec = self.full(entry)
        return self.paren(text) if prec < min_prec else text

    def node(self, e, info):
        k = e.kind
        if k == "const":
            return self.number_entry(e.value)
        if k == "sym":
            return self.symbol(e.op), ATOM, False
        if k == "array":
            return self.array(e.value.array), ATOM, False
        if k == "add":
            return self.sum(e, info)
        if k == "mul":
            return self.product(e, info)
        if k == "pow":
            return self.power_node(e, info)
        return self.fn(e, [info[a] for a in e.args], info)

    def number_entry(self, v):
        neg, num, den = _parts(v)
        if not den and len(num) <= 1:
            return self.number(num[0] if num else 1), ATOM, neg
        return self.fraction(num, den), MUL, neg

    def fraction(self, num, den):
        n = self.mul_join([self.number(p) for p in num]) if num else "1"
        d = [(self.number(p), ATOM) for p in den]
        return self.divide(n, d) if d else n

    def sum(self, e, info):
        terms = term_order(e.args, self.ranks)
        parts = []
        for t in terms:
            text, prec, neg = info[t]
            text = self.paren(text) if prec <= ADD else text
            parts.append((neg, text))
        if e.value != 0:
            text, _, neg = self.number_entry(e.value)
            if parts[0][0] and not neg and all(n for n, _ in parts):
                parts.insert(0, (neg, text))  # 1 - x, not -x + 1
            else:
                parts.append((neg, text))
        out = self.minus(parts[0][1]) if parts[0][0] else parts[0][1]
        for neg, text in parts[1:]:
            out += (" - " if neg else " + ") + text
        return out, ADD, False

    def product(self, e, info):
        neg, num, den = mul_layout(e, self.ranks)
        den_items = [self.den_item(x, info) for x in den]
        bare = self.fraction_bar and den_items and len(num) == 1  # \frac{x + 1}{2}
        num_texts = [self.item(x, info, numerator=not bare) for x in num]
        n = self.mul_join(num_texts) if num_texts else "1"
        return (self.divide(n, den_items) if den_items else n), MUL, neg

    def item(self, x, info, numerator):
        if not isinstance(x, tuple):
            return self.number(x)
        base, _ = x
        return self.wrap(info[base], MUL + 1) if numerator else self.full(info[base])[0]

    def den_item(self, x, info):
        """(text, precedence) of one denominator factor."""
        if not isinstance(x, tuple):
            return self.number(x), ATOM
        base, k = x
        if k is None:
            return self.full(info[base])
        if k == Fraction(1, 2):
            return self.sqrt(self.full(info[base])[0]), ATOM
        return self.power(self.wrap(info[base], ATOM), self.exponent_text(k)), POW

    def exponent_text(self, k):
        text, prec, neg = self.number_entry(k)
        return self.wrap((text, prec, neg), ATOM)

    def power_node(self, e, info):
        base, exp = e.args
        if exp.kind == "const" and exp.value < 0:
            neg, num, den = mul_layout(e, self.ranks)
            return self.divide("1", [self.den_item(x, info) for x in den]), MUL, False
        if exp.kind == "const" and exp.value == Fraction(1, 2):
            return self.sqrt(self.full(info[base])[0]), ATOM, False
        return self.power(self.wrap(info[base], ATOM), self.wrap(info[exp], ATOM)), POW, False

    # -- the text spelling (LatexPrinter overrides these)
    def minus(self, text):
        return "-" + text

    def paren(self, text):
        return f"({text})"

    def symbol(self, name):
        return name

    def number(self, p):
        if isinstance(p, Named):
            return p.name
        if isinstance(p, float):
            if math.isnan(p):
                return "nan"
            if math.isinf(p):
                return "inf"
            return repr(p)
        return str(p)

    def array(self, a):
        return f"tensor({a.tolist()})"

    def mul_join(self, parts):
        return "*".join(parts)

    def divide(self, num, den_items):
        if len(den_items) == 1:
            t, p = den_items[0]
            return f"{num}/{t if p > MUL else self.paren(t)}"
        inner = self.mul_join([t if p > MUL else self.paren(t) for t, p in den_items])
        return f"{num}/({inner})"

    def power(self, base, exp):
        return f"{base}**{exp}"

    def sqrt(self, text):
        return f"sqrt({text})"

    def param(self, v, info):
        if isinstance(v, tuple):
            inner = ", ".join(self.param(x, info) for x in v)
            return f"({inner},)" if len(v) == 1 else f"({inner})"
        if isinstance(v, FrozenArray):
            return self.array(v.array)
        if isinstance(v, FrozenSlice):
            return _slice_text(v)
        if hasattr(v, "kind") and v in info:
            return self.full(info[v])[0]
        if isinstance(v, float):
            return self.number(v)
        if isinstance(v, (int, Fraction)) and not isinstance(v, bool):
            return self.full(self.number_entry(v))[0]
        if hasattr(v, "name") and hasattr(v, "kind"):  # numpy dtype
            return f"torch.{v.name}"
        return repr(v)

    def call(self, name, args):
        return f"{name}({', '.join(args)})"

    def fn(self, e, entries, info):
        op, p = e.op, dict(e.params)
        if op in _CMP:
            a, b = entries
            return f"{self.wrap(a, ADD)} {_CMP[op]} {self.wrap(b, ADD)}", CMP, False
        if op in _MATMUL:
            a, b = entries
            return f"{self.wrap(a, MUL)} @ {self.wrap(b, MUL + 1)}", MUL, False
        if op == "expand":
            return self.expand_text(e, entries[0]), ATOM, False
        if op in ("t", "mT"):
            return f"{self.wrap(entries[0], ATOM)}.{'T' if op == 't' else 'mT'}", ATOM, False
        if op == "sum_to":
            return self.method(entries[0], "sum_to_size", p["shape"]), ATOM, False
        if op in ("reshape", "unsafe_view"):
            return self.method(entries[0], "reshape", p["shape"]), ATOM, False
        if op in ("unsqueeze", "squeeze_dim"):
            name = "unsqueeze" if op == "unsqueeze" else "squeeze"
            return self.method(entries[0], name, (p["dim"],)), ATOM, False
        if op == "squeeze":
            return self.method(entries[0], "squeeze", ()), ATOM, False
        if op == "permute":
            return self.method(entries[0], "permute", p["dims"]), ATOM, False
        if op == "transpose":
            return self.method(entries[0], "transpose", (p["dim0"], p["dim1"])), ATOM, False
        if op in _INDEXING:
            key = p["key"] if isinstance(p["key"], tuple) else (p["key"],)
            inner = ", ".join(self.param(k, info) if not isinstance(k, FrozenSlice)
                              else _slice_text(k) for k in key)
            return f"{self.wrap(entries[0], ATOM)}[{inner}]", ATOM, False
        if op == "where":
            cond = self.param(p["cond"], info)
            return self.call("where", [cond] + [self.full(x)[0] for x in entries]), ATOM, False
        return self.call(_call_name(op), self.call_args(e, entries, info)), ATOM, False

    def call_args(self, e, entries, info):
        args = [self.full(x)[0] for x in entries]
        defaults = _defaults(e.op)
        for k, v in e.params:
            if v is None or (k in defaults and _same(defaults[k], v)):
                continue
            args.append(f"{_RENAMED_PARAMS.get(k, k)}={self.param(v, info)}")
        return args

    def method(self, entry, name, dims):
        return f"{self.wrap(entry, ATOM)}.{name}({', '.join(str(d) for d in dims)})"

    def expand_text(self, e, entry):
        inner = e.args[0]
        dims = ", ".join(str(d) for d in e.shape)
        if inner.kind == "const":
            if inner.value == 1:
                return f"ones({dims})"
            if inner.value == 0:
                return f"zeros({dims})"
            shape = f"({dims},)" if len(e.shape) == 1 else f"({dims})"
            return f"full({shape}, {self.full(entry)[0]})"
        return self.method(entry, "expand", e.shape)


def _call_name(op: str) -> str:
    """The name a call prints with: the row's `text` (sum_dim -> sum), else its name."""
    row = OPS.get(op)
    return row.text or op if row is not None else op


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - incomparable values differ
        return False


def _slice_text(s: FrozenSlice) -> str:
    parts = ["" if s.start is None else str(s.start), "" if s.stop is None else str(s.stop)]
    if s.step is not None:
        parts.append(str(s.step))
    return ":".join(parts)


def _parts(v):
    return number_parts(v)


def to_text(root, ranks=None, limit=LIMIT) -> str:
    return Printer(ranks, limit).render(root)


__all__ = ["Printer", "TooLarge", "to_text", "is_negative"]


# An expression's repr is its text. Set here, not in expr.py, so that expr (the node type,
# imported by every other module of the subsystem) imports no printer: no import cycle.
Expr.__repr__ = lambda self: f"Expr({to_text(self)})"
