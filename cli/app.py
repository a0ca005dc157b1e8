"""The `gradcli` command: a typer app whose commands live in their own modules.

Only this package imports typer and rich. Command modules import the engine lazily, in
the command body, so `gradcli --help` starts without numpy or lark."""

import typer

from . import cmd_check, cmd_derive, cmd_eval, cmd_explain, cmd_graph, cmd_plot, cmd_run
from .help_examples import epilog

app = typer.Typer(
    name="gradcli",
    help="Autograd in PyTorch notation, from the command line: evaluate, differentiate "
         "and check expressions and small PyTorch programs, without PyTorch.",
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},  # every command inherits it
)



def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"gradcli {version('gradcli')}")
        except PackageNotFoundError:
            typer.echo("gradcli (version unknown: not installed as a package)")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,  # noqa: B008
                                 help="Print gradcli's version and exit."),
) -> None:
    """Autograd in PyTorch notation, from the command line."""


app.command("eval", no_args_is_help=False, epilog=epilog("eval"))(cmd_eval.eval_command)
app.command("run", epilog=epilog("run"))(cmd_run.run_command)
app.command("check", epilog=epilog("check"))(cmd_check.check_command)
app.command("graph", epilog=epilog("graph"))(cmd_graph.graph_command)
app.command("explain", epilog=epilog("explain"))(cmd_explain.explain_command)
app.command("derive", epilog=epilog("derive"))(cmd_derive.derive_command)
app.command("plot", epilog=epilog("plot"))(cmd_plot.plot_command)


def main() -> None:
    """Console-script entry point: the edge where every failure becomes a one-line error."""
    from .edge import run_app

    run_app(app)
