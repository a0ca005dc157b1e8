"""Parsed cases by token shape: a batch repeats its lines' structure with other numbers
(`x = 1.23; w = 0.45; y = ...`, then `x = 1.24; ...`), so the second line of a shape is
built from a template of the first one's tree instead of being lexed and parsed again.

The key of a line is its text with every number literal cut out (the pieces between the
literals, kept verbatim: names, operators, strings, comments, spaces) and the literals'
classes (each run of digits written as one `9`: `1.23` and `45.6` are both `9.9`, `1e-3`
is `9e-9`, `0x1f` is `9x9f`; int and float literals, exponents, underscores and prefixes
stay apart). Two lines with one key differ only in the digits of their literals, which
neither the lexer's choice of token nor the parser's tree depends on: the tree is the
template's, with the number leaves' values converted from the new literals exactly as the
parser's Builder converts them, and every position moved by the change in length of the
literals before it.

What does not come from a template, goes the normal way (parser/grammar.py `parse`) and
stays exactly what it was: a line with a newline or a carriage return in it; the first
line of each shape (a shape is learnt when it comes round a second time, so a batch of
all-different lines pays only the scan); any line whose full parse fails (its error, its
message and caret come from the parser as always); a literal the Builder would refuse
(`01`, `1__0`, an int of more digits than Python converts). A template is only made after
checking, on the full parse's own tree, that every literal the scan found is one number
leaf of the tree and that no position in the tree falls inside a literal; a shape that
fails that check is parsed the normal way for good. tests/test_shape_cache.py holds
cached parses to full ones over generated lines."""

import re

from .ast import Node

# The case grammar's terminals that can hold digits without being a number: strings,
# f-strings (grammars/case.lark's STRING and FSTRING), names and comments; they are
# skipped whole, so the digits in `x1`, "a1" or `# 2` are text, not literals.
_STRING = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
# Every piece of text has one reading only (a name runs to its end and is no string's
# prefix, a comment to the end of the line): a line the scan cannot account for (an
# unclosed quote) fails in linear time, not by trying every split of every name.
_TEXT = (rf"(?:[fF][rR]?{_STRING}|[rR][fF]{_STRING}|[rRbBuU]?{_STRING}"
         r"|[A-Za-z_][A-Za-z_0-9]*(?![A-Za-z_0-9'\"])|#[^\n]*(?![^\n])|\.(?![0-9])"
         r"|[^0-9.'\"#A-Za-z_])*")
# FLOAT, then INT (grammars/case.lark): the longer reading of `1.5` first
_NUMBER = (r"(?:[0-9][0-9_]*)?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?"
           r"|[0-9][0-9_]*\.(?:[eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+"
           r"|0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*")
_SCAN = re.compile(rf"({_TEXT})({_NUMBER}|$)")
_DIGITS = re.compile(r"[0-9]+")

MAX_SHAPES = 4096   # shapes remembered (seen or learnt); past this, new ones go the normal way
MAX_LENGTH = 4000   # longer lines are not templated (their trees are big; parsing dominates less)
MAX_NODES = 400

_SEEN = object()  # a shape met once: learnt when it comes again
_BAD = object()   # a shape whose full parse failed or could not be checked: never templated


class ShapeCache:
    def __init__(self):
        self.shapes: dict = {}
        self.hits = 0

    def parse(self, text: str, full):
        """The tree of the case `text`: from a template when its shape has one, else
        full(text) (which raises the parser's errors)."""
        scanned = scan(text)
        if scanned is None:
            return full(text)
        key, pieces, literals = scanned
        entry = self.shapes.get(key)
        if entry is not None and entry is not _SEEN and entry is not _BAD:
            tree = entry(literals)
            if tree is not None:
                self.hits += 1
                return tree
            return full(text)  # a literal the Builder refuses: its error, the normal way
        if entry is None:
            if len(self.shapes) < MAX_SHAPES:
                self.shapes[key] = _SEEN
            return full(text)
        if entry is _BAD:
            return full(text)
        try:
            tree = full(text)
        except BaseException:
            self.shapes[key] = _BAD
            raise
        template = make_template(tree, pieces, literals)
        self.shapes[key] = template if template is not None else _BAD
        return tree


def scan(text: str):
    """(key, pieces, literals) of a one-line case: the pieces of text between its number
    literals and the literals themselves (len(pieces) == len(literals) + 1), the key being
    the pieces and the literals' classes; None for a line no template or plan is made for
    (a newline in it, too long, or a scan that stops short: an unclosed quote, ...)."""
    if "\n" in text or "\r" in text or len(text) > MAX_LENGTH:
        return None
    pairs = _SCAN.findall(text)
    if len(pairs) > 1 and pairs[-1] == ("", ""):
        pairs.pop()  # findall's empty match at the very end, after the `$` one
    pieces = tuple(p for p, _ in pairs)
    literals = [n for _, n in pairs]
    literals.pop()  # the `$` at the end
    if sum(map(len, pieces)) + sum(map(len, literals)) != len(text):
        return None
    return (pieces, _DIGITS.sub("9", ",".join(literals))), pieces, literals


def literal_value(text: str):
    """A number literal's value as the Builder makes it (parser/ast.py `_number`), or
    None where the Builder raises (the line then goes the normal way, for its error)."""
    if "__" in text or text.endswith("_") or "_." in text or "._" in text:
        return None
    s = text.replace("_", "")
    try:
        if s[:2] in ("0x", "0X", "0b", "0B", "0o", "0O") or \
                ("." not in s and "e" not in s and "E" not in s):
            return int(s, 0)
        return float(s)
    except ValueError:
        return None


def make_template(tree, pieces, literals):
    """A function literals -> a fresh tree equal to what the parser builds for the line of
    this shape with those literals; None when the tree cannot be checked against the scan
    (then the shape is parsed in full every time)."""
    if not isinstance(tree, list):
        return None
    spans, pos = [], 0
    for piece, lit in zip(pieces, literals, strict=False):
        pos += len(piece)
        spans.append((pos, pos + len(lit)))
        pos += len(lit)

    def before(p: int):
        """How many literals end at or before position p; None inside a literal."""
        k = 0
        for s, e in spans:
            if e <= p:
                k += 1
            elif s < p:
                return None
        return k

    # nodes in post-order, iteratively (no recursion on the tree's depth)
    order, stack, seen = [], [(n, False) for n in reversed(tree)], set()
    while stack:
        n, done = stack.pop()
        if n is None:
            continue
        if type(n) is not Node:
            return None
        if done:
            order.append(n)
            continue
        if id(n) in seen or len(seen) >= MAX_NODES:
            return None  # a shared node, or too big a tree to be worth a template
        seen.add(id(n))
        stack.append((n, True))
        stack.extend((c, False) for c in reversed(n.children))
    slots: dict = {}  # literal index -> its number leaf
    by_span = {span: i for i, span in enumerate(spans)}
    for n in order:
        i = by_span.get((n.start, n.end))
        if i is not None and n.kind == "const" and not n.children and \
                type(n.value) in (int, float) and n.value == literal_value(literals[i]) \
                and n.outer is None:
            if i in slots:
                return None
            slots[i] = n
    if len(slots) != len(spans):
        return None  # a literal of the scan is not a number leaf of the tree

    consts: list = []

    def const(value) -> str:
        consts.append(value)
        return f"K[{len(consts) - 1}]"

    def at(p, column=False):
        k = before(p - 1 if column else p)
        if k is None:
            raise _Unfit
        return f"{p}+d[{k}]" if k else str(p)

    slot_of = {id(n): i for i, n in slots.items()}
    names: dict = {}
    lines = []
    try:
        for j, n in enumerate(order):
            if n.line != 1 or type(n.start) is not int or type(n.end) is not int \
                    or type(n.column) is not int:
                return None
            kids = ", ".join("None" if c is None else names[id(c)] for c in n.children)
            kids = f"({kids},)" if n.children else "()"
            if type(n.children) is not tuple:
                return None
            i = slot_of.get(id(n))
            value = f"v[{i}]" if i is not None else const(n.value)
            name = names[id(n)] = f"n{j}"
            lines.append(f"    {name} = N({n.kind!r}, {kids}, {value}, {at(n.start)}, "
                         f"{at(n.end)}, 1, {at(n.column, True)})")
            if n.outer is not None:
                a, b = n.outer
                lines.append(f"    {name}.outer = ({at(a)}, {at(b)})")
    except _Unfit:
        return None
    top = ", ".join(names[id(n)] for n in tree)
    kinds = [int if type(slots[i].value) is int else float for i in range(len(spans))]
    source = ("def build(v, d):\n" + "\n".join(lines) + f"\n    return [{top}]\n")
    scope = {"N": Node, "K": tuple(consts)}
    exec(compile(source, "<shape template>", "exec"), scope)  # noqa: S102 - our own text
    build = scope["build"]
    if not same_tree(build(_values(literals), [0] * (len(spans) + 1)), tree):
        return None  # the template does not give back its own line's tree
    lengths = [len(lit) for lit in literals]

    def instantiate(new_literals):
        values, shifts, total = [], [0], 0
        for lit, kind, old in zip(new_literals, kinds, lengths, strict=False):
            value = literal_value(lit)
            if type(value) is not kind:
                return None
            values.append(value)
            total += len(lit) - old
            shifts.append(total)
        return build(values, shifts)

    return instantiate


def _values(literals):
    return [literal_value(lit) for lit in literals]


def same_tree(a, b) -> bool:
    """Whether two parses are equal in every field of every node (the cached parse is
    held to this; Node has no __eq__ of its own)."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if type(x) is not type(y):
            return False
        if type(x) in (list, tuple):
            if len(x) != len(y):
                return False
            stack.extend(zip(x, y, strict=True))
        elif type(x) is Node:
            if (x.kind, x.start, x.end, x.line, x.column, x.outer) != \
                    (y.kind, y.start, y.end, y.line, y.column, y.outer):
                return False
            if type(x.value) is not type(y.value) or not _same_value(x.value, y.value):
                return False
            stack.append((x.children, y.children))
        elif x is not None or y is not None:
            return False
    return True


def _same_value(a, b) -> bool:
    if type(a) in (tuple, list):
        return len(a) == len(b) and all(type(p) is type(q) and _same_value(p, q)
                                        for p, q in zip(a, b, strict=True))
    return a is b or a == b


class _Unfit(Exception):
    """A position of the tree that the scan's literals cannot account for."""


CACHE = ShapeCache()
