"""`gradcli derive`: the derivative of a case's output as an expression (text or LaTeX),
built by running the op table's VJP rules on symbols; with a point, also evaluated and
compared with reverse mode."""

import sys
from typing import Annotated, Optional

import typer

from .case_options import DType, DTypeOpt, Format, Shared, case_command, chosen, offered

MAX_ORDER = 8  # each order differentiates the previous expression: sizes grow fast
# human and plain are the same lines here (derive's output is text either way); text is
# derive's older name for them, latex the same as --latex
DeriveFormat = offered(Format.human, Format.plain, Format.json, Format.latex, Format.text)


@case_command("case", "at", "shape", "const", "of", "wrt", "order", "hessian", "jacobian",
              "latex", "dtype", "format", "file", "no_color", "max_elements")
def derive_command(
    o: Shared,
    shape: Annotated[Optional[list[str]], typer.Option(
        "--shape", help="Declare a free variable's shape: NAME=3,2 for a 3x2 matrix, NAME=3 "
        "for a vector (repeatable). Free variables are 0-d scalars otherwise.",
        show_default=False)] = None,
    order: Annotated[int, typer.Option(
        "--order", min=1, max=MAX_ORDER,
        help="Differentiate N times (d2y/dx2 for 2) with respect to each input.")] = 1,
    hessian: Annotated[bool, typer.Option(
        "--hessian", help="The Hessian of a scalar output: one block d2y/dadb per pair of "
        "inputs (vectors or scalars), as matrices.")] = False,
    jacobian: Annotated[bool, typer.Option(
        "--jacobian", help="The Jacobian d(output)/d(input) of a vector output with respect "
        "to each vector or scalar input, as a matrix.")] = False,
    latex: Annotated[bool, typer.Option(
        "--latex", help="Print LaTeX (\\frac{\\partial y}{\\partial x} = ...) instead of "
        "text.")] = False,
    dtype: DTypeOpt = DType.float64,
    format: Annotated[DeriveFormat, typer.Option(
        "--format", help="human or plain (one line per derivative; alias: text), latex "
        "(as --latex) or json (JSON Lines, one object per case).")] = DeriveFormat.human,
) -> None:
    """Symbolic derivatives: d(output)/d(input) for each input as an expression in the
    case's variables, simplified; tensors in matrix-calculus notation. Names the case uses
    without binding are variables (0-d scalars unless --shape declares a shape).
    When every variable has a value (--at or the case itself), each derivative is also
    evaluated and compared with reverse mode (a mismatch exits 1)."""
    from . import render_derive
    from .batch import Batch
    from .edge import usage_error
    from .engine.errors import GradcliError
    from .tasks.derive import DeriveOptions, DeriveResult, derive_case, parse_shape

    case_opts = o.case_options(backward=False)
    try:
        shapes = dict(parse_shape(s) for s in shape or ())
    except GradcliError as e:
        raise usage_error(e.message) from None
    if hessian and jacobian:
        raise usage_error("--hessian and --jacobian cannot be combined")
    if (hessian or jacobian) and order != 1:
        raise usage_error("--order cannot be combined with --hessian or --jacobian")
    opts = DeriveOptions(case=case_opts, order=order, dtype=dtype.value, shapes=shapes,
                         hessian=hessian, jacobian=jacobian)
    format = chosen(format)
    latex = latex or format is Format.latex
    batch = Batch(o.case, o.file, "derive")
    out = sys.stdout
    for r in batch.results(lambda text, line: derive_case(text, line, opts), DeriveResult):
        if r.error is None:
            problems = render_derive.problem_lines(r)
            if problems:
                batch.fail()
                sys.stderr.write(problems)
        if format is Format.json:
            out.write(render_derive.json_line(r) + "\n")
        else:
            out.write(render_derive.text_lines(r, latex=latex, with_line=batch.many))
    batch.finish()
