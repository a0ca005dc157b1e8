"""Where cases come from: one inline argument, or one per line from --file / stdin.

Lines are read as bytes and decoded one by one, so a line that is not UTF-8 becomes an
error for that line only; blank lines and `#` comments are skipped; CRLF is accepted."""

import sys
from dataclasses import dataclass
from typing import Iterator

MAX_LINE = 1 << 20  # a case longer than 1 MiB is refused (it would only exhaust the parser)


@dataclass
class Case:
    line: int
    text: str | None          # None when the line could not be read
    problem: str | None = None


def cases(inline: str | None, file: str | None, command: str | None = None) -> Iterator[Case]:
    """The cases of one command invocation, in input order (streamed). With no case, no
    file and a terminal on both ends, a command that names itself (`command`) prompts for
    cases (repl.py)."""
    if inline is not None and inline != "-":
        yield Case(1, inline)
        return
    if command is not None and inline is None and file is None:
        from .repl import interactive, prompt_cases

        if interactive():
            yield from (Case(n, text) for n, text in prompt_cases(command))
            return
    stream = _open(file)
    try:
        for number, raw in enumerate(stream, 1):
            case = _decode(number, raw)
            if case is not None:
                yield case
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _open(file: str | None):
    from .edge import usage_error

    if file is None or file == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise usage_error("no CASE given: pass one as an argument, or cases one per line "
                              "with --file PATH or on standard input")
        return sys.stdin.buffer
    try:
        return open(file, "rb")
    except IsADirectoryError:
        raise usage_error(f"cannot read {file}: it is a directory") from None
    except FileNotFoundError:
        raise usage_error(f"cannot read {file}: no such file") from None
    except PermissionError:
        raise usage_error(f"cannot read {file}: permission denied") from None
    except OSError as e:
        raise usage_error(f"cannot read {file}: {e.strerror}") from None


def _decode(number: int, raw: bytes) -> Case | None:
    if len(raw) > MAX_LINE:
        return Case(number, None, f"line is longer than {MAX_LINE:,} bytes; split it")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return Case(number, None, f"line is not valid UTF-8 (byte {e.start + 1})")
    text = text.rstrip("\r\n")
    if number == 1:
        text = text.lstrip("\ufeff")
    stripped = text.strip()
    if not stripped or stripped.startswith("#"):
        return None
    return Case(number, text)
