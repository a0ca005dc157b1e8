"""`gradcli plot`: a case's output and its derivatives over a range of one variable."""

from typing import Annotated, Optional

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
    chosen,
    offered,
)

PlotFormat = offered(Format.human, Format.json, Format.plain, Format.terminal)


RangeOpt = Annotated[Optional[str], typer.Option(
    "--range", "-r", help="LO,HI: the interval of the plotted variable (required), e.g. "
    "--range=-3,3.", show_default=False)]
VarOpt = Annotated[Optional[str], typer.Option(
    "--var", help="The variable to plot over (default: the case's one free name; bind the "
    "others with --at).", show_default=False)]
OrderOpt = Annotated[int, typer.Option(
    "--order", "-n", min=0, max=8, help="Derivatives up to this order (reverse mode, "
    "create_graph for the higher ones).")]
PointsOpt = Annotated[int, typer.Option(
    "--points", min=2, max=100_000, help="How many evenly spaced points.")]
OutputOpt = Annotated[Optional[str], typer.Option(
    "--output", "-o", help="Draw with matplotlib into FILE.png, .svg or .pdf (cases from a "
    "file: FILE-<line>.png, ...). Needs the extra: pip install \"gradcli[plot]\".",
    show_default=False)]


def plot_command(
    case: CaseArg = None,
    range_: RangeOpt = None,
    var: VarOpt = None,
    order: OrderOpt = 1,
    points: PointsOpt = 200,
    at: AtOpt = None,
    const: ConstOpt = None,
    grad: GradOpt = None,
    of: OfOpt = None,
    dtype: DTypeOpt = DType.float32,
    format: PlotFormat = typer.Option(PlotFormat.human, "--format", help="human (a braille line plot; alias: terminal), json (JSON Lines) or plain (columns)."),  # noqa: B008
    output: OutputOpt = None,
    file: FileOpt = None,
    no_color: NoColorOpt = False,
    max_elements: MaxElementsOpt = 10**8,
) -> None:
    """Plot a case's output and its derivatives d/dx, d2/dx2, ... over --range: a line plot
    in the terminal, JSON, or a PNG/SVG/PDF file."""
    import sys

    from .batch import Batch
    from .edge import usage_error

    if range_ is None:
        raise usage_error("plot needs --range LO,HI (e.g. --range=-3,3)")
    from .tasks import plot as plot_task

    try:
        lo, hi = plot_task.parse_range(range_)
    except ValueError as e:
        raise usage_error(str(e)) from None
    if output is not None:
        from . import render_plot_file

        if not output.lower().endswith(render_plot_file.FORMATS):
            raise usage_error(f"-o {output}: the file must end in .png, .svg or .pdf")
        missing = render_plot_file.missing_matplotlib("plot -o")
        if missing:
            sys.stderr.write(f"gradcli: {missing}\n")
            from .edge import Exit

            raise Exit(2)
    from .case_options import build_case_options

    case_opts = build_case_options(at, const, grad, of, None, False, False, dtype,
                                   max_elements, backward=False)
    opts = plot_task.PlotOptions(case_opts, lo, hi, points, order, var)
    batch = Batch(case, file)
    failed = lambda line, source, error: plot_task.PlotResult(line, source, error=error)
    for result in batch.results(lambda text, line: plot_task.plot_case(text, line, opts),
                                failed):
        if result.error is None and output is not None:
            from . import render_plot_file

            render_plot_file.write(result, render_plot_file.file_for(output, result.line,
                                                                     batch.many))
        _show(result, chosen(format), output is not None, no_color, batch.many)
    batch.finish()


def _show(result, fmt: "Format", to_file: bool, no_color: bool, many: bool) -> None:
    import sys

    from . import render_plot_text

    if fmt == Format.json:
        sys.stdout.write(render_plot_text.json_line(result) + "\n")
    elif fmt == Format.plain:
        sys.stdout.write(render_plot_text.plain_text(result))
    elif result.error is None and not to_file:  # -o alone: the file is the output
        _terminal(result, no_color, many)


def _terminal(result, no_color: bool, many: bool) -> None:
    import os
    import sys

    from . import render_plot_terminal as term
    from .case_options import make_console

    console = make_console(no_color)
    width = console.width if console.is_terminal or "COLUMNS" in os.environ else 100
    title = f"line {result.line}: {result.source}" if many else result.source
    lines = term.render(result, width, title)
    if console.color_system is None:
        sys.stdout.write(term.plain(lines))
    else:
        sys.stdout.flush()
        console.print(term.rich_text(lines), end="", crop=False)
