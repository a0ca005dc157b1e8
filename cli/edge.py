"""The edge: exit codes, error lines, closed pipes and internal errors.

Exit status: 0 success, 1 a case or program failed, 2 usage error, 3 internal error."""

import os
import sys

INTERNAL = 3


class Exit(Exception):
    """Raised by commands to end with a status after their output is written."""

    def __init__(self, code: int):
        self.code = code


def tune_gc() -> None:
    """Autograd graphs here hold no reference cycles (a node does not point back at its
    output), so refcounting frees them; a higher gen-0 threshold saves the collector's
    repeated scans while large graphs are built (measured: ~25% per op on long chains)."""
    import gc

    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def run_app(app) -> None:
    tune_gc()
    code = 0
    try:
        # without standalone mode click *returns* the status of a click/typer Exit instead
        # of exiting (typer turns Ctrl-C into Exit(130); --version raises typer.Exit()):
        # commands themselves return None
        status = app(standalone_mode=False)
        if type(status) is int:
            code = status
    except Exit as e:
        code = e.code
    except BrokenPipeError:
        _silence_stdout()
        code = 0
    except KeyboardInterrupt:
        code = 130
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":
            # click met the closed pipe first (it wraps stdout and exits 1): the reader
            # went away, which is no failure of ours
            _silence_stdout()
            code = 0
    except Exception as e:  # noqa: BLE001 - the last line of defence: no traceback reaches users
        code = _click_or_internal(e)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    sys.exit(code)


def _click_or_internal(e: Exception) -> int:
    # typer may bring its own copy of click: recognise its exceptions by shape
    name = type(e).__name__
    if hasattr(e, "show") and hasattr(e, "exit_code"):
        e.show()
        return e.exit_code
    if name == "Abort":
        return 130
    if name == "Exit" and hasattr(e, "exit_code"):
        return e.exit_code
    internal_error(e)
    return INTERNAL


def internal_error(e: BaseException, where: str = "") -> None:
    place = f"{where}: " if where else ""
    sys.stderr.write(f"gradcli: {place}internal error: {type(e).__name__}: {e} "
                     f"(this is a bug in gradcli; please report it with the input)\n")


def _silence_stdout() -> None:
    """The reader went away: point stdout at /dev/null so the exit flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


def usage_error(message: str) -> Exit:
    sys.stderr.write(f"gradcli: usage error: {message}\n")
    return Exit(2)


def error_lines(where: str, err) -> str:
    """`gradcli: <where>: <Type>: <message>`, plus the source line and a caret under the
    column for syntax errors."""
    out = f"gradcli: {where}: {err.type_name}: {err.message}\n"
    src = getattr(err, "source_line", None)
    if src is not None and err.column:
        # one printable column per character, so the caret stays under its column
        shown = "".join(c if c.isprintable() else "?" for c in src.expandtabs(1))
        out += f"    {shown}\n    {' ' * (err.column - 1)}^\n"
    if getattr(err, "hint", None):  # the way out, once, after PyTorch's/Python's own message
        out += f"    hint: {err.hint}\n"
    return out
