"""`gradcli eval`: forward + backward; a table (or JSON / plain record) of every node."""

import typer

from .case_options import Format, Shared, case_command, chosen, offered

EvalFormat = offered(Format.human, Format.json, Format.plain, Format.table)


@case_command("case", "at", "const", "grad", "of", "wrt", "retain_grad", "allow_unused",
              "dtype", "format", "summary", "width", "file", "no_color", "max_elements")
def eval_command(
    o: Shared,
    format: EvalFormat = typer.Option(EvalFormat.human, "--format",  # noqa: B008
                                      help="human (a table; alias: table), json (JSON "
                                      "Lines) or plain."),
) -> None:
    """Evaluate a case forward and backward: every node's value, requires_grad, is_leaf,
    grad_fn and grad, exactly as PyTorch computes them."""
    from dataclasses import replace

    from .batch import run_cases

    opts = replace(o.case_options(), tuple_output=True)  # torch.autograd.grad(...)'s tuple
    run_cases(o.case, o.file, opts, chosen(format).value, o.no_color, command="eval",
              summary=o.summary)
