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

    def results(self, runner, failed=None, source=None):
        """Yield runner(text, line) for every case, in input order. A result carries
        .line, .source and .error (a GradcliError or None); errors are reported on stderr
        here, once, and make the exit status 1. `failed(line=, source=, error=)` makes the
        command's own result type for a line that could not be read or run (default:
        eval's CaseResult). `source`: the cases (default: this batch's input)."""
        if source is None:
            source = cases(self.inline, self.file, self.command)
        for case in source:
            result, errors, code = settle(case, runner, failed, self.many)
            self.fail(code)
            if errors:
                sys.stderr.write(errors)
            if result is not None:
                yield result

    def fail(self, code: int = 1) -> None:
        self.status = max(self.status, code)

    def finish(self) -> None:
        sys.stdout.flush()
        if self.interactive and self.status < INTERNAL:
            self.status = 0  # each error was shown at its line; leaving the prompt is no error
        if self.status:
            raise Exit(self.status)


def settle(case, runner, failed=None, many: bool = True):
    """One case run in isolation: (its result or None, its stderr text, its exit status
    0-3). Its error becomes its record; an unexpected internal error is reported as such
    (exit 3) and yields no record. The batch loop and the batch's worker processes
    (batch_pool.py) both run every case through here."""
    from gradcli.engine.errors import GradcliError

    from .tasks.eval import CaseResult

    failed = failed or CaseResult
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
            import io

            stderr, sys.stderr = sys.stderr, io.StringIO()
            try:
                internal_error(e, f"line {case.line}")
                text = sys.stderr.getvalue()
            finally:
                sys.stderr = stderr
            return None, text, INTERNAL
    if result.error is None:
        return result, "", 0
    option = getattr(result.error, "option", None)  # a usage error: exit 2
    where = f"line {result.line}: {option}" if option and many else option
    return result, error_lines(where or f"line {result.line}", result.error), 2 if option else 1


def run_cases(inline, file, opts, fmt: str, no_color: bool, runner=None,
              command: str | None = None, summary: bool = False, jobs: int = 1) -> None:
    """gradcli eval's loop: one record per case (JSON line, plain block or table row).
    `jobs` (0: one per core): processes for a large batch of JSON or plain records
    (batch_pool.py); the records, their order and the exit status are the same."""
    from . import render_eval
    from .tasks.eval import run_case

    batch = Batch(inline, file, command)
    case_runner = None
    if runner is None and fmt == "json" and batch.many:
        try:
            from .eval_plan import PlanRunner, plain
        except ImportError:  # engine internals plans read are gone: the general path
            PlanRunner = None  # (tests/test_eval_plan.py imports them and says so)
        if PlanRunner is not None and plain(opts):  # lines of one shape replay a plan
            case_runner = PlanRunner(opts, summary)
    if case_runner is None:
        runner = runner or run_case

        def case_runner(text, line):
            return runner(text, line, opts)
    out = sys.stdout
    source = None
    if fmt in ("json", "plain") and batch.many and not batch.interactive and jobs != 1:
        from .batch_pool import run_pooled, workers

        if workers(jobs) > 1:
            source = run_pooled(batch, settle, case_runner, (render, fmt, summary),
                                workers(jobs))
            if source is None:  # all done by the workers
                batch.finish()
                return
    pending, rows = [], 0  # table mode: results waiting for their shared table
    for result in batch.results(case_runner, source=source):
        if fmt in ("json", "plain"):
            out.write(render(result, fmt, summary))
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


def render(result, fmt: str, summary: bool) -> str:
    """One result as its JSON line or plain block."""
    from . import render_eval

    if fmt == "json":
        json = getattr(result, "json", None)  # a line done by its compiled plan (eval_plan.py)
        if json is not None:
            return json + "\n"
        return render_eval.json_line(result, summary) + "\n"
    return render_eval.plain_lines(result, summary)


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
