"""Loading the grammars (once per process, from lark's on-disk cache when it is warm)
and turning lark's parse errors into gradcli syntax errors with a line and a column."""

import functools
import os
from importlib import resources

from ..engine.errors import GradcliError, GradcliSyntaxError
from .keywords import UNSUPPORTED, unsupported_keyword
from .lalr_driver import GiveUp


def grammar_text(name: str) -> str:
    return resources.files("gradcli.grammars").joinpath(name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=None)
def parser(grammar: str = "case.lark", start: tuple = ("case", "expr"), postlex=None):
    """The LALR parser for a grammar file, built once (lark caches the tables on disk)."""
    from lark import Lark

    from .ast import Builder

    path = resources.files("gradcli.grammars").joinpath(grammar)
    builder = Builder()
    with resources.as_file(path) as real_path:
        return Lark.open(str(real_path), parser="lalr", start=list(start),
                         maybe_placeholders=True, transformer=builder, cache=True,
                         postlex=postlex() if postlex else None)


@functools.lru_cache(maxsize=None)
def lean_driver(grammar: str, starts: tuple):
    """The lean LALR loop for a grammar without postlexer (parser/lalr_driver.py), ~2x
    faster than lark's own; its tables come from the on-disk cache when it holds them for
    this very grammar text and lark version, so lark is not even imported. None where
    GRADCLI_PURE_PARSER is set, where lark is a version the driver was not tested on, or
    where lark's internals are not what the driver reads: lark alone then."""
    if os.environ.get("GRADCLI_PURE_PARSER"):
        return None
    from .ast import Builder
    from .lalr_driver import LalrDriver, lark_version, tables_from_lark, tested

    version = lark_version()
    if not tested(version):
        return None
    path = tables_path(grammar, starts, version)
    tables = _read_tables(path) if path is not None else None
    if tables is not None:
        try:
            return LalrDriver(tables, Builder())
        except (AttributeError, LookupError, TypeError, ValueError):
            pass  # a damaged cache file: built again and rewritten
    try:
        driver = LalrDriver(tables_from_lark(parser(grammar, starts)), Builder())
    except (AttributeError, LookupError, TypeError, ValueError):
        return None
    if path is not None:
        _write_tables(path, driver.tables)
    return driver


def tables_path(grammar: str, starts: tuple, lark: str | None = None):
    """Where the driver's tables for `grammar` are cached: the name holds a checksum of
    every grammar file's text, the table format, the Python version and lark's version
    (default: the installed one), so an edited grammar, a new gradcli or another lark
    never meets stale tables."""
    import sys
    import zlib
    from pathlib import Path

    from .lalr_driver import FORMAT, lark_version

    if lark is None:
        lark = lark_version()

    folder = resources.files("gradcli.grammars")
    texts = "\0".join(f"{f.name}\0{f.read_text(encoding='utf-8')}"
                      for f in sorted(folder.iterdir(), key=lambda f: f.name)
                      if f.name.endswith(".lark"))
    key = f"{FORMAT}\0{sys.version_info[:2]}\0{lark}\0{starts}\0{texts}".encode()
    checksum = f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}{len(key):x}"
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # unset or relative: the XDG default
        base = os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):  # no home to speak of: no cache (tables built each time)
        return None
    return Path(base) / "gradcli" / f"{grammar.removesuffix('.lark')}-{checksum}.json"


def _read_tables(path):
    import json

    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _write_tables(path, tables) -> None:
    """Atomically (concurrent first runs each write whole files); silently not at all
    where the cache folder cannot be written."""
    import json

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(tables, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def parse(text: str, start: str = "case", grammar: str = "case.lark",
          starts: tuple = ("case", "expr"), postlex=None):
    """Parse `text`; lark's errors become GradcliSyntaxError (line, column, the line).
    A case whose token shape was parsed before is built from that parse's template
    (parser/shape_cache.py), unless GRADCLI_PURE_PARSER or GRADCLI_NO_SHAPE_CACHE is set."""
    if start == "case" and grammar == "case.lark" and postlex is None and \
            starts == ("case", "expr") and _shapes_on():
        from .shape_cache import CACHE

        return CACHE.parse(text, parse_full)
    return parse_full(text, start, grammar, starts, postlex)


@functools.lru_cache(maxsize=None)
def _shapes_on() -> bool:
    return not (os.environ.get("GRADCLI_PURE_PARSER") or os.environ.get("GRADCLI_NO_SHAPE_CACHE"))


def parse_full(text: str, start: str = "case", grammar: str = "case.lark",
               starts: tuple = ("case", "expr"), postlex=None):
    """parse() without the shape cache: the lean driver, or lark."""
    try:
        if postlex is None:  # cases: the lean loop, unless the text is not in the language
            lean = lean_driver(grammar, starts)
            if lean is not None:
                try:
                    return lean.parse(text, start)
                except (GiveUp, LookupError):  # LookupError: tables that lack an entry
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
            raise unsupported_keyword(m.group(), line, m.start() + 1)
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
    from .syntax_hints import refine

    return refine(GradcliSyntaxError(msg, line=line, column=max(column, 1), source_line=src),
                  src)
