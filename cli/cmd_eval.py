"""`gradcli eval`: forward + backward; a table (or JSON / plain record) of every node."""

import typer

from .case_options import (
    AllowUnusedOpt,
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
    WrtOpt,
    offered,
)

EvalFormat = offered(Format.table, Format.json, Format.plain)


def eval_command(
    case: CaseArg = None,
    at: AtOpt = None,
    const: ConstOpt = None,
    grad: GradOpt = None,
    of: OfOpt = None,
    wrt: WrtOpt = None,
    retain_grad: RetainOpt = False,
    allow_unused: AllowUnusedOpt = False,
    dtype: DTypeOpt = DType.float32,
    format: EvalFormat = typer.Option(EvalFormat.table, "--format",  # noqa: B008
                                      help="table, json (JSON Lines) or plain."),
    file: FileOpt = None,
    no_color: NoColorOpt = False,
    max_elements: MaxElementsOpt = 10**8,
) -> None:
    """Evaluate a case forward and backward: every node's value, requires_grad, is_leaf,
    grad_fn and grad, exactly as PyTorch computes them."""
    from .batch import run_cases
    from .case_options import build_case_options

    opts = build_case_options(at, const, grad, of, wrt, retain_grad, allow_unused, dtype,
                              max_elements)
    run_cases(case, file, opts, format.value, no_color)
