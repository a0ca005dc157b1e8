"""`gradcli explain`: the backward pass step by step, with numbers (the engine's trace)."""

import sys
from typing import Annotated

import typer

from .case_options import Format, Shared, case_command, chosen, offered
from .program_edge import MaxStepsOpt, ProgramOpt

ExplainFormat = offered(Format.human, Format.plain, Format.json, Format.rich)


@case_command("case", "program", "at", "const", "grad", "of", "retain_grad", "dtype", "format",
              "width", "file", "no_color", "max_elements", "max_steps")
def explain_command(
    o: Shared,
    program: ProgramOpt = None,
    max_steps: MaxStepsOpt = 10_000_000,
    format: Annotated[ExplainFormat, typer.Option(
        "--format", help="human (panels, the default; alias: rich), plain (stable text) "
        "or json (JSON Lines).")] = ExplainFormat.human,
) -> None:
    """The backward pass step by step, in reverse topological order: the gradient arriving
    at each node, its op's local rule with the numbers plugged in, what goes to each input,
    accumulation, broadcasting, the vector-Jacobian product, and why each None is None.
    With --program FILE: the backward from a program's global tensor --of NAME through the
    graph the program built (custom autograd.Functions included); the program's .grad
    values are left as they were."""
    from . import render_explain
    from .batch import Batch, print_rich
    from .tasks.explain import ExplainResult, explain_case

    format = chosen(format)
    if program is not None:
        from .program_edge import ProgramStatus, program_result, refuse_case_options
        from .tasks.explain import explain_program

        refuse_case_options(o, "explain")
        if o.grad is not None:
            from .case_options import check_expression

            check_expression("--grad", o.grad)
        r = program_result(program, o, lambda path, text, warn: explain_program(
            path, text, o.of, o.grad, o.retain_grad, warn, max_steps))
        results, batch = [r], ProgramStatus(r)
    else:
        opts = o.case_options(backward=False)
        batch = Batch(o.case, o.file, "explain")
        results = batch.results(lambda text, line: explain_case(text, line, opts),
                                ExplainResult)
    for r in results:
        if format is Format.json:
            sys.stdout.write(render_explain.json_line(r) + "\n")
        elif format is Format.plain:
            sys.stdout.write(render_explain.plain_text(r))
        else:
            print_rich(render_explain.renderable(r), o.no_color)
    batch.finish()
