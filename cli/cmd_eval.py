"""`gradcli eval`: forward + backward; a table (or JSON / plain record) of every node."""

import typer

from .case_options import Format, Shared, case_command, chosen, offered

EvalFormat = offered(Format.human, Format.json, Format.plain, Format.table)


@case_command("case", "at", "const", "grad", "of", "wrt", "retain_grad", "allow_unused",
              "dtype", "format", "summary", "width", "file", "no_color", "max_elements", "jobs")
def eval_command(
    o: Shared,
    format: EvalFormat = typer.Option(EvalFormat.human, "--format",  # noqa: B008
                                      help="human (a table; alias: table), json (JSON "
                                      "Lines) or plain."),
    jobs: int = typer.Option(0, "--jobs", "-j", envvar="GRADCLI_JOBS", min=0,
                             help="Processes for a batch of 2,000 cases or more in json "
                             "or plain format: 0 = one per core, 1 = this process only. "
                             "Same records, order and exit status either way."),
) -> None:
    """Evaluate a case forward and backward: every node's value, requires_grad, is_leaf,
    grad_fn and grad, exactly as PyTorch computes them."""
    from dataclasses import replace

    from .batch import run_cases

    opts = replace(o.case_options(), tuple_output=True)  # torch.autograd.grad(...)'s tuple
    run_cases(o.case, o.file, opts, chosen(format).value, o.no_color, command="eval",
              summary=o.summary, jobs=jobs)
