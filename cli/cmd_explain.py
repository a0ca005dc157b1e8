"""`gradcli explain`: the backward pass step by step, with numbers (the engine's trace)."""

import sys
from typing import Annotated

import typer

from .case_options import Format, Shared, case_command, chosen, offered

ExplainFormat = offered(Format.human, Format.plain, Format.json, Format.rich)


@case_command("case", "at", "const", "grad", "of", "retain_grad", "dtype", "format", "width", "file",
              "no_color", "max_elements")
def explain_command(
    o: Shared,
    format: Annotated[ExplainFormat, typer.Option(
        "--format", help="human (panels, the default; alias: rich), plain (stable text) "
        "or json (JSON Lines).")] = ExplainFormat.human,
) -> None:
    """The backward pass step by step, in reverse topological order: the gradient arriving
    at each node, its op's local rule with the numbers plugged in, what goes to each input,
    accumulation, broadcasting, the vector-Jacobian product, and why each None is None."""
    from . import render_explain
    from .batch import Batch, print_rich
    from .tasks.explain import ExplainResult, explain_case

    opts = o.case_options(backward=False)
    format = chosen(format)
    batch = Batch(o.case, o.file, "explain")
    for r in batch.results(lambda text, line: explain_case(text, line, opts), ExplainResult):
        if format is Format.json:
            sys.stdout.write(render_explain.json_line(r) + "\n")
        elif format is Format.plain:
            sys.stdout.write(render_explain.plain_text(r))
        else:
            print_rich(render_explain.renderable(r), o.no_color)
    batch.finish()
