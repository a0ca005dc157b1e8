"""Printing expressions as LaTeX: the text printer's structure (order, signs, fractions,
precedence) with LaTeX spelling: `\\frac{}{}`, `x^{2}`, `\\sin\\left(x\\right)`,
`\\sigma(x)` for sigmoid, indicators as `\\mathbb{1}\\left[x > 0\\right]`."""

import math
import re

from ..ops.surface import latex_functions
from .layout import ADD, ATOM, MUL, NEG, POW, Named, factor_order, number_parts
from .text import _CMP, _INDEXING, _MATMUL, LIMIT, Printer, _call_name

_FUNCS = latex_functions()  # the rows' LaTeX names: sin -> \\sin, sigmoid -> \\sigma
_KNOWN = {"pi": r"\pi", "sqrt(2)": r"\sqrt{2}", "sqrt(3)": r"\sqrt{3}",
          "sqrt(pi)": r"\sqrt{\pi}", "sqrt(2*pi)": r"\sqrt{2 \pi}", "log(2)": r"\log\left(2\right)",
          # bracketed: `\log 2 x` would read as log(2x)
          "log(3)": r"\log\left(3\right)", "log(2)**2": r"\log^{2}\left(2\right)",
          "log(10)": r"\log\left(10\right)", "exp(1)": "e"}
_REL = {"lt": "<", "le": r"\leq", "gt": ">", "ge": r"\geq", "eq": "=", "ne": r"\neq"}
_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
          "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon",
          "phi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi",
          "Sigma", "Phi", "Psi", "Omega"}


def latex_name(name: str) -> str:
    """x -> x, w1 -> w_{1}, x_hat -> x_{hat}, alpha -> \\alpha, loss -> \\mathrm{loss}."""
    m = re.fullmatch(r"([A-Za-z]+?)_?(\d+)", name)
    if m:
        return f"{latex_name(m.group(1))}_{{{m.group(2)}}}"
    if name in _GREEK:
        return "\\" + name
    if len(name) == 1:
        return name
    head, sep, tail = name.partition("_")
    if sep and head and tail and "_" not in tail:
        return f"{latex_name(head)}_{{{_escape(tail)}}}"
    return rf"\mathrm{{{_escape(name)}}}"


def _escape(text: str) -> str:
    return text.replace("_", r"\_")


def _op_name(op: str) -> str:
    return rf"\operatorname{{{_escape(_call_name(op))}}}"


class LatexPrinter(Printer):
    fraction_bar = True

    def minus(self, text):
        return "-" + text

    def paren(self, text):
        return rf"\left({text}\right)"

    def symbol(self, name):
        return latex_name(name)

    def number(self, p):
        if isinstance(p, Named):
            return _KNOWN[p.name]
        if isinstance(p, float):
            if math.isnan(p):
                return r"\mathrm{NaN}"
            if math.isinf(p):
                return r"\infty"
            mant, _, exp = repr(p).partition("e")
            return rf"{mant} \cdot 10^{{{int(exp)}}}" if exp else mant
        return str(p)

    def array(self, a):
        return rf"\mathrm{{tensor}}\left({a.tolist()}\right)"

    def mul_join(self, parts):
        out = parts[0] if parts else ""
        for p in parts[1:]:
            glue = r" \cdot " if p[:1].isdigit() or p[:1] == "-" else " "
            out += glue + p
        return out

    def divide(self, num, den_items):
        # \frac groups its denominator as a whole, not each factor in it: a sum (or a
        # product, a fraction) among several factors keeps its brackets, w (x + 1)
        if len(den_items) == 1:
            den = den_items[0][0]
        else:
            den = self.mul_join([t if p > MUL else self.paren(t) for t, p in den_items])
        return rf"\frac{{{num}}}{{{den}}}"

    def number_entry(self, v):
        # 1.5 \cdot 10^{-3} is a product, not an atom: bracketed as a base or a factor
        text, prec, neg = super().number_entry(v)
        return text, (MUL if r"\cdot" in text and prec > MUL else prec), neg

    def power(self, base, exp):
        return f"{base}^{{{exp}}}"

    def exponent_text(self, k):
        return self.full(self.number_entry(k))[0]

    def power_node(self, e, info):
        base, exp = e.args
        if exp.kind == "const" and exp.value < 0 or exp.kind == "const" and exp.value == 0.5:
            return super().power_node(e, info)
        return self.power(self.wrap(info[base], ATOM), self.full(info[exp])[0]), POW, False

    def sqrt(self, text):
        return rf"\sqrt{{{text}}}"

    def call(self, name, args):
        return rf"{name}\left({', '.join(args)}\right)"

    def method(self, entry, name, dims):
        inner = ", ".join(str(d) for d in dims)
        return rf"{self.wrap(entry, ATOM)}.\operatorname{{{_escape(name)}}}\left({inner}\right)"

    def node(self, e, info):
        # vectors bold, as matrix calculus writes them: \mathbf{x}^{\top} A \mathbf{x}
        if e.kind == "sym" and len(e.shape) == 1:
            name = latex_name(e.op)
            if name.startswith(r"\mathrm{"):
                return r"\mathbf{" + name[len(r"\mathrm{"):], ATOM, False
            bold = r"\boldsymbol" if name.startswith("\\") else r"\mathbf"
            return rf"{bold}{{{name}}}", ATOM, False
        return super().node(e, info)

    def product(self, e, info):
        # elementwise products of tensors are Hadamard products: s \odot (1 - s)
        if e.kind == "mul" and sum(1 for f in e.args if f.shape != ()) > 1:
            scalars = [f for f in e.args if f.shape == ()]
            tensors = [f for f in e.args if f.shape != ()]
            neg, num, den = number_parts(e.value)
            num, den = list(num), list(den)
            for f in factor_order(scalars, self.ranks):
                if f.kind == "pow" and f.args[1].kind == "const" and f.args[1].value < 0:
                    k = -f.args[1].value
                    den.append((f.args[0], None if k == 1 else k))
                else:
                    num.append((f, None))
            parts = [self.item(x, info, numerator=True) for x in num]
            head = self.mul_join(parts) if parts else ""
            if den:
                head = self.divide(head or "1", [self.den_item(x, info) for x in den])
            body = r" \odot ".join(self.wrap(info[t], POW)
                                    for t in factor_order(tensors, self.ranks))
            return (f"{head} {body}" if head else body), MUL, neg
        return super().product(e, info)

    def fn(self, e, entries, info):
        op = e.op
        arg = self.full(entries[0])[0] if entries else ""
        if op == "outer":
            a, b = entries
            # a b^T is a product that binds like a factor: 2 a b^T needs no brackets
            return rf"{self.wrap(a, MUL + 1)} {self.wrap(b, ATOM)}^{{\top}}", NEG, False
        if op == "diag":
            return self.call(r"\operatorname{diag}", [arg]), ATOM, False
        if op == "eye":
            return rf"I_{{{e.shape[0]}}}", ATOM, False
        if op in ("softmax", "log_softmax") and len(e.shape) == 1:
            # a vector has one dim to normalise over: softmax(z), as a textbook writes it
            return self.call(_op_name(op), [arg]), ATOM, False
        if op == "select" and e.args[0].kind == "fn" and e.args[0].op == "eye":
            # eye(n)[k] is e_k, the standard basis vector
            return rf"\mathbf{{e}}_{{{dict(e.params)['key'][0]}}}", ATOM, False
        if op == "one_hot":
            return self.call(rf"\operatorname{{onehot}}_{{{e.shape[-1]}}}", [arg]), ATOM, False
        if op in ("dot", "matmul") and len(e.args[0].shape) == 1 and len(e.args[1].shape) == 1:
            a, b = entries
            u = e.args[0]
            # x^T A x: a left operand already written as a row (x^T A) is not transposed
            row = u.kind == "fn" and u.op in _MATMUL and len(u.args[0].shape) == 1
            left = self.wrap(a, MUL) if row else rf"{self.wrap(a, ATOM)}^{{\top}}"
            return f"{left} {self.wrap(b, MUL + 1)}", NEG, False
        if op in _MATMUL and len(e.args[0].shape) == 1 and len(e.args[1].shape) == 2:
            a, b = entries
            return rf"{self.wrap(a, ATOM)}^{{\top}} {self.wrap(b, MUL + 1)}", MUL, False
        if op in _FUNCS and len(entries) == 1 and not e.params:
            return self.call(_FUNCS[op], [arg]), ATOM, False
        if op == "exp" and not e.params:
            return f"e^{{{arg}}}", POW, False
        if op == "sqrt":
            return self.sqrt(arg), ATOM, False
        if op == "abs":
            return rf"\left|{arg}\right|", ATOM, False
        if op == "floor":
            return rf"\left\lfloor {arg} \right\rfloor", ATOM, False
        if op in _CMP:
            a, b = (self.wrap(x, ADD) for x in entries)
            return rf"\mathbb{{1}}\left[{a} {_REL[op]} {b}\right]", ATOM, False
        if op in _MATMUL:
            a, b = entries
            return f"{self.wrap(a, MUL)} {self.wrap(b, MUL + 1)}", NEG, False
        if op == "t" or op == "mT":
            return rf"{self.wrap(entries[0], ATOM)}^{{\top}}", POW, False
        if op in ("sum", "mean"):
            sign = r"\sum" if op == "sum" else r"\operatorname{mean}"
            return rf"{sign} {self.wrap(entries[0], ATOM)}", MUL, False
        if op == "expand":
            inner = e.args[0]
            dims = r" \times ".join(str(d) for d in e.shape)
            if inner.kind == "const" and inner.value in (0, 1):
                return rf"\mathbf{{{int(inner.value)}}}_{{{dims}}}", ATOM, False
            return rf"{self.wrap(entries[0], ATOM)} \mathbf{{1}}_{{{dims}}}", MUL, False
        if op in _INDEXING:
            return super().fn(e, entries, info)
        if op == "where":
            p = dict(e.params)
            cond = self.param(p["cond"], info)
            return self.call(_op_name(op), [cond] + [self.full(x)[0] for x in entries]), \
                ATOM, False
        return self.call(_op_name(op), self.call_args(e, entries, info)), ATOM, False


def to_latex(root, ranks=None, limit=LIMIT) -> str:
    return LatexPrinter(ranks, limit).render(root)
