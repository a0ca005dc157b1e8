"""The edge of graph/explain `--program FILE`: the option, the case options it excludes,
reading the program and reporting its error exactly as `gradcli run` does."""

import sys
from typing import Annotated, Optional

import typer

ProgramOpt = Annotated[Optional[str], typer.Option(
    "--program", "-p", help="Instead of a case: run this PyTorch program (- for standard "
    "input) as `gradcli run` does, its printed output not shown, and take its global tensor "
    "--of NAME (default: the last global tensor with a grad_fn). Custom "
    "torch.autograd.Functions appear as PyTorch names them (<Name>Backward).",
    show_default=False)]
MaxStepsOpt = Annotated[int, typer.Option(
    "--max-steps", min=1, help="With --program: end the program with an error after this "
    "many loop iterations and function calls.")]


def refuse_case_options(o, command: str, **used) -> None:
    """--program takes no case: a case, --file, --at or --const with it is a usage error."""
    from .edge import usage_error

    given = [name for name, value in (("a CASE", o.case), ("--file", o.file), ("--at", o.at),
                                      ("--const", o.const)) if value]
    if given:
        raise usage_error(f"{command} --program takes no case: drop {', '.join(given)} "
                          f"(the program's own tensors are used)")


def program_result(path: str, o, task):
    """Read and run the program through `task(path, text, warn)`; its error (or a bad
    --of/--grad) is written as `gradcli run` writes it, and ends the command (exit 1, or
    2 for an option naming nothing)."""
    from gradcli.engine.errors import GradcliError

    from .case_options import set_width
    from .edge import Exit, error_lines
    from .run_program import read_source

    set_width(o.width)
    from gradcli.engine import apply

    apply.set_max_elements(o.max_elements)
    text = read_source(path)

    def warn(line, message):
        sys.stderr.write(f"gradcli: line {line}: {message}\n")

    try:
        return task(path, text, warn)
    except GradcliError as e:
        option = getattr(e, "option", None)
        where = option or (f"line {e.line}" if e.line else path)
        sys.stderr.write(error_lines(where, e))
        raise Exit(2 if option else 1) from None
    except RecursionError:
        sys.stderr.write("gradcli: line 1: RecursionError: maximum recursion depth exceeded "
                         "during compilation\n")
        raise Exit(1) from None
    except MemoryError:
        sys.stderr.write("gradcli: MemoryError: out of memory (lower --max-elements)\n")
        raise Exit(1) from None


class ProgramStatus:
    """What Batch is for cases, for the one program result: its error (explain's
    backward error) reported once, the exit status kept."""

    many = False

    def __init__(self, result):
        from .edge import error_lines

        self.status = 0
        if result.error is not None:
            self.status = 1
            sys.stderr.write(error_lines(f"program {result.source}", result.error))

    def fail(self, code: int = 1) -> None:
        self.status = max(self.status, code)

    def finish(self) -> None:
        from .edge import Exit

        sys.stdout.flush()
        if self.status:
            raise Exit(self.status)
