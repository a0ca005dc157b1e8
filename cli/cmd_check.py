"""`gradcli check`: reverse mode against finite differences, and claimed derivatives."""

import sys
from typing import Annotated, Optional

import typer

from .case_options import Format, Shared, case_command, chosen, offered

CheckFormat = offered(Format.human, Format.json, Format.plain, Format.table)


ClaimOpt = Annotated[Optional[list[str]], typer.Option(
    "--claim", help="A hand-derived derivative, NAME: EXPR (repeatable): d(output)/d(NAME) "
    "contracted with the gradient, as an expression in the case's variables.",
    show_default=False)]


@case_command("case", "at", "const", "grad", "of", "wrt", "dtype", "claim", "order", "eps",
              "atol", "rtol", "samples", "seed", "range_", "format", "width", "file", "no_color",
              "max_elements")
def check_command(
    o: Shared,
    claim: ClaimOpt = None,
    order: Annotated[int, typer.Option("--order", min=1, max=2,
                                       help="2 also checks second derivatives.")] = 1,
    eps: Annotated[float, typer.Option("--eps", help="Finite-difference step.")] = 1e-6,
    atol: Annotated[float, typer.Option("--atol", help="Absolute tolerance.")] = 1e-5,
    rtol: Annotated[float, typer.Option("--rtol", help="Relative tolerance.")] = 1e-3,
    samples: Annotated[int, typer.Option("--samples", min=0,
                                         help="Also test claims at N random points.")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for --samples.")] = 0,
    range_: Annotated[str, typer.Option("--range", help="LO,HI: where samples are drawn.")]
    = "-2,2",
    format: Annotated[CheckFormat, typer.Option(
        "--format", help="human (tables; alias: table), json (JSON Lines) or plain.")]
    = CheckFormat.human,
) -> None:
    """Gradient check (reverse mode vs central differences, like torch.autograd.gradcheck)
    and claimed-derivative check. Exit 0 when all is right, 1 when anything is wrong."""
    from . import render_check
    from .batch import Batch, print_rich
    from .case_options import check_expression
    from .edge import usage_error
    from .tasks.check import CheckOptions, CheckResult, check_case

    case_opts = o.case_options(backward=False)
    claims = []
    for spec in claim or ():
        name, sep, text = spec.partition(":")
        if not sep or not name.strip().isidentifier() or not text.strip():
            raise usage_error(f"--claim expects NAME: EXPR, got {spec!r}")
        check_expression("--claim", text.strip())
        claims.append((name.strip(), text.strip()))
    try:
        low, high = (float(v) for v in range_.split(","))
    except ValueError:
        raise usage_error(f"--range expects LO,HI, got {range_!r}") from None
    opts = CheckOptions(case=case_opts, eps=eps, atol=atol, rtol=rtol, order=order,
                        claims=claims, samples=samples, seed=seed, low=low, high=high)
    format = chosen(format)
    batch = Batch(o.case, o.file, "check")
    total = passed = 0
    for r in batch.results(lambda text, line: check_case(text, line, opts), CheckResult):
        total += 1
        passed += r.ok
        if not r.ok and r.error is None:
            batch.fail()
        if format is Format.json:
            sys.stdout.write(render_check.json_line(r) + "\n")
        elif format is Format.plain:
            sys.stdout.write(render_check.plain_lines(r))
        else:
            from rich.console import Group

            print_rich(Group(*render_check.renderables(r)), o.no_color)
    if batch.many:
        summary = f"{passed} of {total} cases passed\n"
        if format is Format.json:  # stdout stays pure JSON Lines
            sys.stderr.write(f"gradcli: {summary}")
        else:
            sys.stdout.write(summary)
    batch.finish()
