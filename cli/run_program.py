"""Running a program file: reading it, streaming its output, reporting its error."""

import sys

from .edge import Exit, error_lines, usage_error
from .inputs import MAX_LINE

MAX_PROGRAM = MAX_LINE  # bytes; parsing runs at ~20 µs a token, so 1 MiB is ~10 s at most


def read_source(file: str) -> str:
    try:
        if file == "-":
            data = sys.stdin.buffer.read(MAX_PROGRAM + 1)
        else:
            with open(file, "rb") as f:
                data = f.read(MAX_PROGRAM + 1)
    except IsADirectoryError:
        raise usage_error(f"cannot read {file}: it is a directory") from None
    except FileNotFoundError:
        raise usage_error(f"cannot read {file}: no such file") from None
    except PermissionError:
        raise usage_error(f"cannot read {file}: permission denied") from None
    except OSError as e:
        raise usage_error(f"cannot read {file}: {e.strerror}") from None
    if len(data) > MAX_PROGRAM:
        sys.stderr.write(f"gradcli: {file}: LimitError: the program is longer than "
                         f"{MAX_PROGRAM:,} bytes\n")
        raise Exit(1)
    try:
        return data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as e:
        sys.stderr.write(f"gradcli: {file}: SyntaxError: the program is not valid UTF-8 "
                         f"(byte {e.start + 1})\n")
        raise Exit(1) from None


def run_file(file: str, max_steps: int, max_elements: int, plots_dir: str | None = None) -> None:
    from .render_plot_file import for_run, write_plots

    # what the program's `matplotlib.pyplot` is bound to; its figures go to --plots DIR
    # after the program, even after the program's error
    pyplot = for_run(plots_dir)
    try:
        _run_file(file, max_steps, max_elements, pyplot)
    finally:
        sys.stdout.flush()
        plots_status = write_plots(pyplot, plots_dir)
    if plots_status:
        raise Exit(plots_status)


def _run_file(file: str, max_steps: int, max_elements: int, pyplot) -> None:
    from gradcli.engine import apply
    from gradcli.engine.errors import GradcliError
    from gradcli.parser.program import run_program

    apply.set_max_elements(max_elements)
    source = read_source(file)
    out = sys.stdout

    def warn(line, text):
        out.flush()
        sys.stderr.write(f"gradcli: line {line}: {text}\n")

    try:
        run_program(source, out.write, warn, max_steps, pyplot)
    except GradcliError as e:
        out.flush()
        sys.stderr.write(error_lines(f"line {e.line}" if e.line else file, e))
        raise Exit(1) from None
    except RecursionError:  # too deep for the compiler itself (Python says the same)
        out.flush()
        sys.stderr.write("gradcli: line 1: RecursionError: maximum recursion depth exceeded "
                         "during compilation\n")
        raise Exit(1) from None
    except KeyboardInterrupt:  # Ctrl-C: quietly, with the shell's status for SIGINT
        try:
            out.flush()
        except (BrokenPipeError, KeyboardInterrupt):
            pass
        raise Exit(130) from None
    except MemoryError:
        out.flush()
        sys.stderr.write("gradcli: MemoryError: out of memory (lower --max-elements)\n")
        raise Exit(1) from None
