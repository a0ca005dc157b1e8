"""`gradcli eval`: forward + backward; a table (or JSON / plain record) of every node."""

import typer

from .case_options import Format, Shared, case_command, offered

EvalFormat = offered(Format.table, Format.json, Format.plain)


@case_command("case", "at", "const", "grad", "of", "wrt", "retain_grad", "allow_unused",
              "dtype", "format", "file", "no_color", "max_elements")
def eval_command(
    o: Shared,
    format: EvalFormat = typer.Option(EvalFormat.table, "--format",  # noqa: B008
                                      help="table, json (JSON Lines) or plain."),
) -> None:
    """Evaluate a case forward and backward: every node's value, requires_grad, is_leaf,
    grad_fn and grad, exactly as PyTorch computes them."""
    from .batch import run_cases

    run_cases(o.case, o.file, o.case_options(), format.value, o.no_color)
