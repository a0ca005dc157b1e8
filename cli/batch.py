"""Streaming a batch of cases through eval: read a line, run it, write its record.

Every case is isolated: its error becomes its record (and a line on stderr) and the rest
still run; an unexpected internal error in one case is reported as such (exit 3) without
losing the others."""

import sys

from .edge import INTERNAL, Exit, error_lines, internal_error
from .inputs import cases


def run_cases(inline, file, opts, fmt: str, no_color: bool, runner=None) -> None:
    from gradcli.engine.errors import GradcliError
    from gradcli.parser.case import CaseResult, run_case

    from . import render_eval

    runner = runner or run_case
    out = sys.stdout
    status = 0
    pending = []  # table mode: results waiting for their shared table
    batch = inline is None or inline == "-"
    for case in cases(inline, file):
        if case.text is None:
            result = CaseResult(line=case.line, source="",
                                error=GradcliError(case.problem, type_name="InputError"))
        else:
            try:
                result = runner(case.text, case.line, opts)
            except MemoryError:
                result = CaseResult(line=case.line, source=case.text, error=GradcliError(
                    "out of memory (lower --max-elements or use smaller tensors)",
                    type_name="MemoryError"))
            except Exception as e:  # noqa: BLE001 - isolate a bug to its own case
                internal_error(e, f"line {case.line}")
                status = INTERNAL
                continue
        if result.error is not None:
            status = max(status, 1)
            sys.stderr.write(error_lines(f"line {result.line}", result.error))
        if fmt == "json":
            out.write(render_eval.json_line(result) + "\n")
        elif fmt == "plain":
            out.write(render_eval.plain_lines(result))
        else:
            pending.append(result)
            if len(pending) >= 1000:
                _flush_table(pending, batch, no_color)
                pending = []
    if pending:
        _flush_table(pending, batch, no_color)
    out.flush()
    if status:
        raise Exit(status)


def _flush_table(results, batch: bool, no_color: bool) -> None:
    from . import render_eval
    from .case_options import make_console

    sys.stdout.flush()
    make_console(no_color).print(render_eval.table(results, with_line=batch))
