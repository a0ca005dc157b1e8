"""`gradcli explain`: the backward pass step by step, with numbers (the engine's trace)."""

import sys
from typing import Annotated

import typer

from .case_options import (
    AtOpt,
    CaseArg,
    ConstOpt,
    DType,
    DTypeOpt,
    FileOpt,
    Format,
    GradOpt,
    MaxElementsOpt,
    NoColorOpt,
    OfOpt,
    RetainOpt,
    offered,
)

ExplainFormat = offered(Format.rich, Format.plain, Format.json)


def explain_command(
    case: CaseArg = None,
    at: AtOpt = None,
    const: ConstOpt = None,
    grad: GradOpt = None,
    of: OfOpt = None,
    retain_grad: RetainOpt = False,
    dtype: DTypeOpt = DType.float32,
    format: Annotated[ExplainFormat, typer.Option(
        "--format", help="rich (panels, the default), plain (stable text) or json (JSON "
        "Lines).")] = ExplainFormat.rich,
    file: FileOpt = None,
    no_color: NoColorOpt = False,
    max_elements: MaxElementsOpt = 10**8,
) -> None:
    """The backward pass step by step, in reverse topological order: the gradient arriving
    at each node, its op's local rule with the numbers plugged in, what goes to each input,
    accumulation, broadcasting, the vector-Jacobian product, and why each None is None."""
    from . import render_explain
    from .batch import Batch, print_rich
    from .case_options import build_case_options
    from .tasks.explain import ExplainResult, explain_case

    opts = build_case_options(at, const, grad, of, None, retain_grad, False, dtype,
                              max_elements, backward=False)
    format = Format(format.value)
    batch = Batch(case, file)
    for r in batch.results(lambda text, line: explain_case(text, line, opts), ExplainResult):
        if format is Format.json:
            sys.stdout.write(render_explain.json_line(r) + "\n")
        elif format is Format.plain:
            sys.stdout.write(render_explain.plain_text(r))
        else:
            print_rich(render_explain.renderable(r), no_color)
    batch.finish()
