"""The interactive mode: a case command run on a terminal with no case reads cases at a
prompt, one per line, with line editing and history (Python's readline), until Ctrl-D.
Bindings given with --at hold for every line; each result is printed as soon as it is
computed. Piped input never comes here (see inputs.py)."""

import sys
from typing import Iterator

PROMPT = "gradcli> "


def interactive() -> bool:
    """A person at a terminal: standard input and output both are one."""
    return sys.stdin is not None and sys.stdin.isatty() and sys.stdout.isatty()


def prompt_cases(command: str) -> Iterator:
    """Cases typed at the prompt as (number, text), numbered from 1; blank lines and `#`
    comments are skipped; Ctrl-C drops the line being typed, Ctrl-D leaves."""
    try:
        import readline  # noqa: F401 - importing it gives input() line editing and history
    except ImportError:  # a Python built without it: a plain prompt still works
        pass
    sys.stderr.write(f"gradcli {command}: one case per line (e.g. y = (x+w)*(w+1)); "
                     f"Ctrl-D to leave\n")
    number = 0
    while True:
        try:
            text = input(PROMPT)
        except EOFError:
            sys.stdout.write("\n")
            return
        except KeyboardInterrupt:
            sys.stdout.write("\n")
            continue
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        number += 1
        yield number, text
        sys.stdout.flush()
