"""`gradcli run FILE`: a PyTorch program, printed exactly as PyTorch prints it."""

from typing import Annotated, Optional

import typer


def run_command(
    file: Annotated[str, typer.Argument(help="The program (a .py file using PyTorch), or - "
                                             "for standard input.")],
    max_steps: Annotated[int, typer.Option(
        "--max-steps", min=1, help="End the program with an error after this many loop "
        "iterations and function calls.")] = 10_000_000,
    max_elements: Annotated[int, typer.Option(
        "--max-elements", min=1, help="Refuse to create a tensor with more elements than "
        "this.")] = 10**8,
    plots: Annotated[Optional[str], typer.Option(
        "--plots", help="Write the program's matplotlib figures (shown, saved, or open at "
        "the end) to this directory as PNG files; needs pip install \"gradcli[plot]\".",
        show_default=False)] = None,
) -> None:
    """Run a PyTorch program without PyTorch: prints what `python FILE` prints with
    PyTorch 2.13 (object addresses dropped); on an error, what ran before it, then the
    error line, exit 1."""
    from .run_program import run_file

    run_file(file, max_steps, max_elements, plots)
