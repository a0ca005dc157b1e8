"""Streaming a batch of cases: read a line, run it, write its record.

Every case is isolated: its error becomes its record (and a line on stderr) and the rest
still run; an unexpected internal error in one case is reported as such (exit 3) without
losing the others. Every case command (eval, check, graph, explain, derive) drives its
cases through `Batch.results` and only says how to render one result."""

import sys

from .edge import INTERNAL, Exit, error_lines, internal_error
from .inputs import cases

TABLE_BATCH = 1000  # table output: one shared table per this many cases


class Batch:
    def __init__(self, inline, file, command: str | None = None):
        """`command` (eval, check, explain, derive, graph) allows the interactive prompt
        when no case is given on a terminal (repl.py)."""
        from .repl import interactive

        self.inline, self.file = inline, file
        self.many = inline is None or inline == "-"  # cases from a file or a pipe
        self.status = 0
        self.command = command
        # the prompt: each result is shown at once, and a failed line is no failed run
        self.interactive = command is not None and inline is None and file is None \
            and interactive()

    def results(self, runner, failed=None):
        """Yield runner(text, line) for every case, in input order. A result carries
        .line, .source and .error (a GradcliError or None); errors are reported on stderr
        here, once, and make the exit status 1. `failed(line=, source=, error=)` makes the
        command's own result type for a line that could not be read or run (default:
        eval's CaseResult)."""
        from gradcli.engine.errors import GradcliError

        from .tasks.eval import CaseResult

        failed = failed or CaseResult
        for case in cases(self.inline, self.file, self.command):
            if case.text is None:
                result = failed(line=case.line, source="", error=GradcliError(
                    case.problem, type_name="InputError"))
            else:
                try:
                    result = runner(case.text, case.line)
                except MemoryError:
                    result = failed(line=case.line, source=case.text, error=GradcliError(
                        "out of memory (lower --max-elements or use smaller tensors)",
                        type_name="MemoryError"))
                except Exception as e:  # noqa: BLE001 - isolate a bug to its own case
                    internal_error(e, f"line {case.line}")
                    self.status = INTERNAL
                    continue
            if result.error is not None:
                option = getattr(result.error, "option", None)  # a usage error: exit 2
                self.fail(2 if option else 1)
                where = f"line {result.line}: {option}" if option and self.many else option
                sys.stderr.write(error_lines(where or f"line {result.line}", result.error))
            yield result

    def fail(self, code: int = 1) -> None:
        self.status = max(self.status, code)

    def finish(self) -> None:
        sys.stdout.flush()
        if self.interactive and self.status < INTERNAL:
            self.status = 0  # each error was shown at its line; leaving the prompt is no error
        if self.status:
            raise Exit(self.status)


def run_cases(inline, file, opts, fmt: str, no_color: bool, runner=None,
              command: str | None = None, summary: bool = False) -> None:
    """gradcli eval's loop: one record per case (JSON line, plain block or table row)."""
    from . import render_eval
    from .tasks.eval import run_case

    runner = runner or run_case
    batch = Batch(inline, file, command)
    out = sys.stdout
    pending, rows = [], 0  # table mode: results waiting for their shared table
    for result in batch.results(lambda text, line: runner(text, line, opts)):
        if fmt == "json":
            out.write(render_eval.json_line(result, summary) + "\n")
        elif fmt == "plain":
            out.write(render_eval.plain_lines(result, summary))
        else:
            pending.append(result)
            rows += len(result.nodes) + 1
            if batch.interactive or len(pending) >= TABLE_BATCH or \
                    rows >= render_eval.TABLE_ROWS:
                _print_table(pending, batch.many, no_color, summary)
                pending, rows = [], 0
    if pending:
        _print_table(pending, batch.many, no_color, summary)
    batch.finish()


def _print_table(results, many: bool, no_color: bool, summary: bool = False) -> None:
    """Off a terminal, tables that fit are written as text (Rich's layout, without Rich's
    per-cell cost); otherwise Rich draws them."""
    from . import render_eval
    from .case_options import make_console

    console = make_console(no_color)
    if not console.is_terminal:
        text = render_eval.table_text(results, many, console.width, summary)
        if text is not None:
            sys.stdout.write(text)
            return
    print_rich(render_eval.table(results, many, console.width, summary), no_color)


def print_rich(renderable, no_color: bool) -> None:
    """Print a Rich object after whatever plain text is already buffered on stdout."""
    from .case_options import make_console

    sys.stdout.flush()
    make_console(no_color).print(renderable)
