"""Loading the grammars (once per process, from lark's on-disk cache when it is warm)
and turning lark's parse errors into gradcli syntax errors with a line and a column."""

import functools
import os
from importlib import resources

from ..engine.errors import GradcliError, GradcliSyntaxError
from .lalr_driver import GiveUp

# Python keywords outside gradcli's subset: a line starting with one is refused by name.
UNSUPPORTED = ("def", "class", "lambda", "return", "yield", "try", "except", "finally",
               "raise", "global", "nonlocal", "del", "assert", "async", "await", "while")


def grammar_text(name: str) -> str:
    return resources.files("gradcli.grammars").joinpath(name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=None)
def parser(grammar: str = "case.lark", start: tuple = ("case", "expr"), postlex=None):
    """The LALR parser for a grammar file, built once (lark caches the tables on disk)."""
    from lark import Lark

    from .ast import Builder, ProgramBuilder

    path = resources.files("gradcli.grammars").joinpath(grammar)
    builder = ProgramBuilder() if postlex else Builder()
    with resources.as_file(path) as real_path:
        return Lark.open(str(real_path), parser="lalr", start=list(start),
                         maybe_placeholders=True, transformer=builder, cache=True,
                         postlex=postlex() if postlex else None)


@functools.lru_cache(maxsize=None)
def lean_driver(grammar: str, starts: tuple):
    """The lean LALR loop over the same tables (parser/lalr_driver.py), ~2x faster than
    lark's own on a batch line; None where GRADCLI_PURE_PARSER is set (lark alone)."""
    if os.environ.get("GRADCLI_PURE_PARSER"):
        return None
    from .lalr_driver import LalrDriver

    try:
        return LalrDriver(parser(grammar, starts))
    except (AttributeError, KeyError, TypeError, ValueError):  # lark internals moved: lark alone
        return None


def parse(text: str, start: str = "case", grammar: str = "case.lark",
          starts: tuple = ("case", "expr"), postlex=None):
    """Parse `text`; lark's errors become GradcliSyntaxError (line, column, the line)."""
    try:
        if postlex is None:  # cases: the lean loop, unless the text is not in the language
            lean = lean_driver(grammar, starts)
            if lean is not None:
                try:
                    return lean.parse(text, start)
                except GiveUp:
                    pass  # lark parses it again, to raise its own error
        return _lark_parse(text, start, grammar, starts, postlex)
    except GradcliSyntaxError as e:  # raised by the transformer: give it its source line
        if not e.source_line:
            lines = text.split("\n")
            e.source_line = lines[e.line - 1].rstrip("\r") if 0 < e.line <= len(lines) else ""
        raise


def _lark_parse(text, start, grammar, starts, postlex):
    from lark.exceptions import (
        UnexpectedCharacters,
        UnexpectedEOF,
        UnexpectedInput,
        UnexpectedToken,
        VisitError,
    )

    try:
        return parser(grammar, starts, postlex).parse(text, start=start)
    except UnexpectedInput as e:
        raise syntax_error(text, e, UnexpectedCharacters, UnexpectedEOF, UnexpectedToken) from None
    except VisitError as e:
        if isinstance(e.orig_exc, GradcliError):
            raise e.orig_exc from None
        raise


def syntax_error(text, e, UnexpectedCharacters, UnexpectedEOF, UnexpectedToken):
    lines = text.split("\n")
    line = getattr(e, "line", -1)
    column = getattr(e, "column", -1)
    if isinstance(e, UnexpectedEOF) or line is None or line < 1:
        line = len(lines)
        column = len(lines[-1].rstrip("\r")) + 1
    src = lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""
    # a keyword outside the subset, up to where parsing failed, is the real cause
    import re

    for m in re.finditer(r"[A-Za-z_]\w*", src[:max(column, 1) + 20]):
        if m.group() in UNSUPPORTED and m.start() < max(column, 1):
            from ..engine.errors import UnsupportedError

            raise UnsupportedError(f"'{m.group()}' is not supported: gradcli runs a PyTorch "
                                   f"subset without functions, lambdas, classes, while loops "
                                   f"or exceptions", line=line, column=m.start() + 1)
    if isinstance(e, UnexpectedCharacters):
        msg = f"invalid character {src[column - 1]!r}" if 0 < column <= len(src) else "invalid syntax"
    elif isinstance(e, UnexpectedToken) and e.token.type == "$END" or isinstance(e, UnexpectedEOF):
        msg = "unexpected end of input"
    elif isinstance(e, UnexpectedToken):
        tok = str(e.token)
        msg = f"unexpected {tok!r}" if tok.strip() else "unexpected end of line"
        if e.token.type in ("_NEWLINE", "_SEP"):
            msg = "unexpected end of line"
        elif e.token.type == "_INDENT":
            msg = "unexpected indent"
        elif e.token.type == "_DEDENT":
            msg = "unindent does not match any outer indentation level"
    else:
        msg = "invalid syntax"
    return GradcliSyntaxError(msg, line=line, column=max(column, 1), source_line=src)
