"""The syntax tree, built by lark's LALR parser through an inline transformer: each
reduction calls one method here, bottom-up, so building the tree needs no recursion on
nesting depth. Node kinds are the grammar's aliases (add, mul, call, attr, ...)."""

import ast as _pyast
import keyword as _keyword


class Node:
    """One syntax node. `children` are sub-nodes (None where optional and absent),
    `value` the node's own datum (a name, a constant, keyword names of a call, ...),
    `start`/`end` its span in the source (its text, without enclosing parentheses),
    `outer` the span with them (what a parent's span is made of), `line`/`column` where
    it starts (1-based)."""

    __slots__ = ("kind", "children", "value", "start", "end", "line", "column", "outer")

    def __init__(self, kind, children=(), value=None, start=0, end=0, line=1, column=1):
        self.kind = kind
        self.children = children
        self.value = value
        self.start = start
        self.end = end
        self.line = line
        self.column = column
        self.outer = None

    def __repr__(self) -> str:
        return f"Node({self.kind}, {self.value!r}, {self.children!r})"


def _span(first, last):
    # tokens come from lark or from the lean driver (another class): test for our Node
    if type(first) is not Node:
        start = first.start_pos
    else:
        start = first.outer[0] if first.outer else first.start
    if type(last) is not Node:
        end = last.end_pos
    else:
        end = last.outer[1] if last.outer else last.end
    return start, end


def _node(kind, first, last, children=(), value=None) -> Node:
    start, end = _span(first, last)
    return Node(kind, tuple(children), value, start, end, first.line, first.column)


def _leaf(kind, tok, value) -> Node:
    return Node(kind, (), value, tok.start_pos, tok.end_pos, tok.line, tok.column)


def _identifier(tok) -> str:
    """A NAME token's text, refused as Python refuses it when it is a keyword: lark's
    contextual lexer takes `and` or `pass` for a NAME where only a name fits."""
    text = str(tok)
    if text in _KEYWORDS:
        from ..engine.errors import GradcliSyntaxError
        from .keywords import UNSUPPORTED, unsupported_keyword

        if text in UNSUPPORTED:
            raise unsupported_keyword(text, tok.line, tok.column)
        raise GradcliSyntaxError("invalid syntax", line=tok.line or 1, column=tok.column or 1,
                                 source_line="")
    return text


_KEYWORDS = frozenset(_keyword.kwlist)


def _binary(kind):
    def build(self, children):
        a, b = children
        return _node(kind, a, b, (a, b))
    return build


def _number(tok, convert):
    """A numeric literal's value. The terminals admit a few spellings Python rejects
    (`01`, `1__0`, `1_`): those are syntax errors at the literal, as in Python."""
    text = str(tok)
    if "__" not in text and not text.endswith("_") and "_." not in text and "._" not in text:
        try:
            return convert(text.replace("_", ""))
        except ValueError:
            pass
    from ..engine.errors import GradcliSyntaxError

    raise GradcliSyntaxError(f"invalid number literal {text!r}", line=tok.line or 1,
                             column=tok.column or 1, source_line="")


class Builder:
    """Inline transformer for grammars/case.lark.
    Imported rules arrive namespaced (`case__add`): __getattr__ strips the prefix."""

    def __getattr__(self, name):
        if "__" in name and not name.startswith("__"):
            return getattr(self, name.rsplit("__", 1)[1])
        raise AttributeError(name)

    # -- statements of a case
    def case(self, children):
        return [c for c in children if isinstance(c, Node)]

    def assign(self, children):
        name, value = children
        return _node("assign", name, value, (value,), _identifier(name))

    def expr_stmt(self, children):
        (value,) = children
        return _node("expr_stmt", value, value, (value,))

    # -- operators
    add = _binary("add")
    sub = _binary("sub")
    mul = _binary("mul")
    div = _binary("div")
    floordiv = _binary("floordiv")
    mod = _binary("mod")
    matmul = _binary("matmul")
    pow = _binary("pow")
    and_ = _binary("and")
    or_ = _binary("or")

    def neg(self, children):
        tok, x = children
        return _node("neg", tok, x, (x,))

    def pos(self, children):
        tok, x = children
        return _node("pos", tok, x, (x,))

    def not_(self, children):
        tok, x = children
        return _node("not", tok, x, (x,))

    def compare(self, children):
        operands = children[0::2]
        ops = tuple(children[1::2])
        return _node("compare", operands[0], operands[-1], operands, ops)

    def comp_op(self, children):
        return " ".join(str(t) for t in children)

    def ifexp(self, children):
        body, cond, other = children
        return _node("ifexp", body, other, (cond, body, other))

    # -- postfix
    def call(self, children):
        func, args, rpar = children
        pos, kwnames, kwvals = [], [], []
        for a in (args or ()):
            if a.kind == "kwarg":
                kwnames.append(a.value)
                kwvals.append(a.children[0])
            elif kwnames and a.kind != "starred":
                raise _misplaced(a)
            else:
                pos.append(a)
        return _node("call", func, rpar, (func, *pos, *kwvals), tuple(kwnames))

    def arguments(self, children):
        return [c for c in children if c is not None]

    def kwarg(self, children):
        name, value = children
        return _node("kwarg", name, value, (value,), _identifier(name))

    def starred(self, children):
        (value,) = children
        return _node("starred", value, value, (value,))

    def attr(self, children):
        obj, name = children
        return _node("attr", obj, name, (obj,), _identifier(name))

    def index(self, children):
        obj, (subs, is_tuple), rsqb = children
        return _node("index", obj, rsqb, (obj, *subs), is_tuple)

    def subscripts(self, children):
        subs = [c for c in children if c is not None]
        return subs, len(subs) > 1

    def slice(self, children):
        start, stop, step = children
        present = [c for c in children if c is not None]
        first = present[0] if present else None
        node = Node("slice", (start, stop, step))
        if first is not None:
            node.start, node.end = first.start, present[-1].end
            node.line, node.column = first.line, first.column
        return node

    # -- atoms
    def name(self, children):
        (tok,) = children
        return _leaf("name", tok, _identifier(tok))

    def int(self, children):
        (tok,) = children
        return _leaf("const", tok, _number(tok, lambda s: int(s, 0)))

    def float(self, children):
        (tok,) = children
        return _leaf("const", tok, _number(tok, float))

    def string(self, children):
        node = _node("const", children[0], children[-1])
        node.value = "".join(_pyast.literal_eval(str(t)) for t in children)
        return node

    def fstring(self, children):
        (tok,) = children
        return _leaf("fstring", tok, str(tok))

    def true(self, children):
        return _leaf("const", children[0], True)

    def false(self, children):
        return _leaf("const", children[0], False)

    def none(self, children):
        return _leaf("const", children[0], None)

    def ellipsis(self, children):
        return _leaf("const", children[0], Ellipsis)

    def paren(self, children):
        lpar, inner, rpar = children
        inner.outer = (lpar.start_pos, rpar.end_pos)
        return inner

    def tuple(self, children):
        lpar, items, rpar = children
        return _node("tuple", lpar, rpar, items or ())

    def list(self, children):
        lsqb, items, rsqb = children
        return _node("list", lsqb, rsqb, items or ())

    def listcomp(self, children):
        lsqb, elt, var, _in, iterable, rsqb = children
        return _node("listcomp", lsqb, rsqb, (elt, iterable), _identifier(var))

    def genexp(self, children):
        # a generator expression as a call's argument is evaluated as a list
        elt, var, _in, iterable = children
        return _node("listcomp", elt, iterable, (elt, iterable), _identifier(var))

    def exprlist(self, children):
        return tuple(c for c in children if c is not None)

    def single(self, children):
        return (children[0],)


def _misplaced(node):
    from ..engine.errors import GradcliError

    return GradcliError("positional argument follows keyword argument", type_name="SyntaxError",
                        column=node.column, line=node.line)
