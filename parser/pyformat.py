"""Python's string formatting for programs, made safe: f-strings are split here and their
fields parsed by the grammar (never compiled by Python), and `str.format` fields may name
positions or keywords only — `{0.__class__}`-style attribute or index access is refused.
Values format as Python would format them, tensors as torch.Tensor.__format__ does."""

import string

from ..engine.errors import GradcliError, LimitError, type_error
from ..engine.tensor import Tensor

MAX_WIDTH = 100_000  # a format width beyond this would only exhaust memory


def format_value(value, spec: str) -> str:
    """format(value, spec), with torch.Tensor.__format__'s rule for tensors."""
    _check_width(spec)
    if isinstance(value, Tensor):
        if value.data.ndim == 0:
            return format(value.data.item(), spec)
        if spec:
            raise type_error("unsupported format string passed to Tensor.__format__")
        return repr(value)
    if isinstance(value, (bool, int, float, str)) or value is None:
        return format(value, spec)
    if spec:
        raise type_error(f"unsupported format string passed to {type(value).__name__}.__format__")
    return str(value)


def convert(value, conversion):
    if conversion == "r":
        return repr(value)
    if conversion == "s":
        return str(value)
    if conversion == "a":
        return ascii(value)
    return value


def _check_width(spec: str) -> None:
    digits = "".join(ch if ch.isdigit() else " " for ch in spec).split()
    if any(len(d) > 6 or int(d) > MAX_WIDTH for d in digits):
        raise LimitError(f"format width beyond {MAX_WIDTH:,} in {spec!r}")


def safe_format(template: str, *args, **kwargs) -> str:
    """str.format with plain fields only ({}, {0}, {name}, conversions and specs)."""
    out, auto = [], 0
    for literal, field, spec, conv in string.Formatter().parse(template):
        out.append(literal)
        if field is None:
            continue
        if "." in field or "[" in field:
            raise GradcliError(f"format field {{{field}}}: attribute and index access in format "
                               f"strings is not supported", type_name="UnsupportedError")
        if field == "":
            if auto >= len(args):
                raise GradcliError("Replacement index %d out of range for positional args tuple"
                                   % auto, type_name="IndexError")
            value = args[auto]
            auto += 1
        elif field.isdigit():
            if int(field) >= len(args):
                raise GradcliError(f"Replacement index {field} out of range for positional args "
                                   f"tuple", type_name="IndexError")
            value = args[int(field)]
        elif field in kwargs:
            value = kwargs[field]
        else:
            raise GradcliError(f"'{field}'", type_name="KeyError")
        if spec and "{" in spec:
            spec = safe_format(spec, *args, **kwargs)
        out.append(format_value(convert(value, conv), spec or ""))
    return "".join(out)


def split_fstring(literal: str):
    """Split an f-string literal into text pieces and fields.

    Yields ("text", str) and ("field", expr_source, conversion, spec, offset) items,
    where offset is the expression's position inside the literal (for error columns)."""
    i = 0
    while literal[i] in "fFrR":
        i += 1
    raw = "r" in literal[:i].lower()
    quote = literal[i]
    body_start = i + 1
    body = literal[body_start:-1]
    pos, n, text = 0, len(body), []
    while pos < n:
        ch = body[pos]
        if ch == "{":
            if pos + 1 < n and body[pos + 1] == "{":
                text.append("{")
                pos += 2
                continue
            if text:
                yield ("text", _unescape("".join(text), raw, quote))
                text = []
            end, expr, conv, spec = _field(body, pos + 1)
            yield ("field", expr, conv, spec, body_start + pos + 1)
            pos = end + 1
            continue
        if ch == "}":
            if pos + 1 < n and body[pos + 1] == "}":
                text.append("}")
                pos += 2
                continue
            raise GradcliError("f-string: single '}' is not allowed", type_name="SyntaxError")
        text.append(ch)
        pos += 1
    if text:
        yield ("text", _unescape("".join(text), raw, quote))


def _field(body: str, start: int):
    """Scan one {field}: returns (index of its closing brace, expr, conversion, spec)."""
    depth, pos, quote = 0, start, None
    expr_end = conv = None
    n = len(body)
    while pos < n:
        ch = body[pos]
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}" and depth:
            depth -= 1
        elif depth == 0 and ch == "!" and pos + 1 < n and body[pos + 1] != "=":
            expr_end = expr_end or pos
            conv = body[pos + 1]
            pos += 2
            continue
        elif depth == 0 and ch == ":":
            expr_end = expr_end or pos
            close = _spec_end(body, pos + 1)
            return close, body[start:expr_end], conv, body[pos + 1:close]
        elif depth == 0 and ch == "}":
            return pos, body[start:expr_end or pos], conv, ""
        pos += 1
    raise GradcliError("f-string: expecting '}'", type_name="SyntaxError")


def _spec_end(body: str, pos: int) -> int:
    depth = 0
    while pos < len(body):
        if body[pos] == "{":
            depth += 1
        elif body[pos] == "}":
            if depth == 0:
                return pos
            depth -= 1
        pos += 1
    raise GradcliError("f-string: expecting '}'", type_name="SyntaxError")


def _unescape(text: str, raw: bool, quote: str) -> str:
    if raw or "\\" not in text:
        return text
    import ast

    return ast.literal_eval(quote + text + quote)
