"""`gradcli graph`: the autograd graph of a case as PyTorch holds it (tree, DOT, Mermaid,
JSON), and `--render` through Graphviz's `dot` when it is installed."""

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .case_options import Format, Shared, case_command, chosen, offered
from .program_edge import MaxStepsOpt, ProgramOpt, ProgramStatus, refuse_case_options

RENDER_TYPES = ("svg", "png", "pdf")
NO_DOT = ("Graphviz's `dot` is not installed: install it with `apt install graphviz` or "
          "`brew install graphviz` (`--format dot` needs nothing: it writes the DOT text)")


GraphFormat = offered(Format.human, Format.plain, Format.dot, Format.mermaid, Format.json,
                      Format.tree)


def render_target(path: str | None, many: bool, line: int) -> str:
    """With cases from a file or a pipe, one picture per case: graph.svg -> graph-line3.svg."""
    if not many:
        return path
    p = Path(path)
    return str(p.with_name(f"{p.stem}-line{line}{p.suffix}"))


def run_dot(dot_exe: str, dot_text: str, path: str) -> str | None:
    """Graphviz renders DOT to `path` (a list of arguments, never a shell); the error
    text on failure."""
    import subprocess

    kind = Path(path).suffix[1:].lower()
    try:
        proc = subprocess.run([dot_exe, f"-T{kind}", "-o", path], input=dot_text, text=True,
                              capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as e:
        return str(e)
    if proc.returncode != 0:
        return (proc.stderr.strip() or f"dot exited with status {proc.returncode}")
    return None


@case_command("case", "program", "at", "const", "grad", "of", "retain_grad", "dtype", "format",
              "render", "width", "file", "no_color", "max_elements", "max_steps")
def graph_command(
    o: Shared,
    program: ProgramOpt = None,
    max_steps: MaxStepsOpt = 10_000_000,
    format: Annotated[Optional[GraphFormat], typer.Option(
        "--format", help="human (a tree, the default; alias: tree), plain (the tree "
        "without colour), dot (Graphviz), mermaid (a flowchart for Markdown) or json "
        "(nodes and edges, JSON Lines).",
        show_default=False)] = None,
    render: Annotated[Optional[str], typer.Option(
        "--render", help="Draw the graph into FILE.svg, .png or .pdf with Graphviz's dot "
        "(must be installed). Nothing else is printed unless --format is given.",
        show_default=False)] = None,
) -> None:
    """The autograd graph as PyTorch holds it: grad_fn nodes linked by next_functions,
    AccumulateGrad for leaves that require grad, constants and detached inputs as such.
    With --program FILE: the graph a program built (custom autograd.Functions, views,
    in-place ops included) behind its global tensor --of NAME."""
    import shutil

    from . import render_graph
    from .batch import Batch, print_rich
    from .edge import Exit, usage_error
    from .tasks.graph import GraphResult, graph_case

    dot_exe = None
    if render is not None:
        if Path(render).suffix[1:].lower() not in RENDER_TYPES:
            raise usage_error(f"--render needs a .svg, .png or .pdf file, got {render!r}")
        dot_exe = shutil.which("dot")
        if dot_exe is None:
            sys.stderr.write(f"gradcli: {NO_DOT}\n")
            raise Exit(1)
    shown = chosen(format) if format is not None else (None if render else Format.human)
    if program is not None:
        from .program_edge import program_result
        from .tasks.graph import graph_program

        refuse_case_options(o, "graph")
        if o.grad is not None or o.retain_grad:
            raise usage_error("graph --program shows the program's own grads: --grad and "
                              "--retain-grad are for cases (explain --program takes --grad)")
        r = program_result(program, o, lambda path, text, warn: graph_program(
            path, text, o.of, warn, max_steps))
        results, batch = [r], ProgramStatus(r)
    else:
        opts = o.case_options(backward=False)
        batch = Batch(o.case, o.file, "graph")
        results = batch.results(lambda text, line: graph_case(text, line, opts), GraphResult)
    for r in results:
        if shown is Format.json:
            sys.stdout.write(render_graph.json_line(r) + "\n")
        elif r.view is not None:
            if shown is Format.dot:
                sys.stdout.write(render_graph.dot(r))
            elif shown is Format.mermaid:
                sys.stdout.write(render_graph.mermaid(r))
            elif shown in (Format.human, Format.plain):
                print_rich(render_graph.tree(r), o.no_color or shown is Format.plain)
        if dot_exe is not None and r.view is not None:
            target = render_target(render, batch.many, r.line)
            problem = run_dot(dot_exe, render_graph.dot(r), target)
            if problem is None:
                sys.stderr.write(f"wrote {target}\n")  # information, not an error
            else:
                sys.stderr.write(f"gradcli: line {r.line}: dot failed: {problem}\n")
                batch.fail()
    batch.finish()
