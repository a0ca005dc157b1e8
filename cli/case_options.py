"""The options every case command shares (SPEC section 1), declared once."""

from enum import Enum
from typing import Annotated, Optional

import typer


class DType(str, Enum):
    float32 = "float32"
    float64 = "float64"


class Format(str, Enum):
    """Every output format a command offers (each command offers its own few). Every
    case command offers `human` (its default: what a person reads on a terminal), `plain`
    (colourless, stable line text) and `json` (JSON Lines); each command's older name for
    its human format (table, text, rich, tree, terminal) stays accepted as an alias."""
    human = "human"      # every command: the default, for a person at a terminal
    table = "table"      # eval, check: a table (Rich on a terminal)
    plain = "plain"      # every command but graph: colourless line text
    json = "json"        # every command: JSON Lines, one object per case
    text = "text"        # derive: one line per derivative
    rich = "rich"        # explain: panels
    tree = "tree"        # graph: a Rich tree
    dot = "dot"          # graph: Graphviz
    mermaid = "mermaid"  # graph: a Markdown flowchart
    terminal = "terminal"  # plot: a braille line plot
    latex = "latex"      # derive: LaTeX (as --latex)


# each command's older name for its human format: an alias of Format.human
HUMAN_ALIASES = frozenset({"table", "text", "rich", "tree", "terminal"})


def chosen(format) -> Format:
    """The Format a command's --format value names, aliases read as Format.human."""
    f = Format(format.value if isinstance(format, Enum) else format)
    return Format.human if f.value in HUMAN_ALIASES else f


def offered(*formats: Format) -> type:
    """The choices one command's --format offers, in its help's order: an Enum of those
    members of Format (typer lists an Enum's values as the choices and refuses the rest);
    `Format(value)` turns its member back into Format's."""
    return Enum("Format", [(f.name, f.value) for f in formats], type=str)


CaseArg = Annotated[Optional[str], typer.Argument(
    help="One case, e.g. 'y=(x+w)*(w+1)'. Omit it (or give -) to read cases one per line "
         "from --file or standard input.", show_default=False)]
AtOpt = Annotated[Optional[list[str]], typer.Option(
    "--at", "-a", help="Bind a leaf before the case runs: NAME=EXPR (repeatable). The leaf "
    "requires grad unless named by --const.", show_default=False)]
ConstOpt = Annotated[Optional[list[str]], typer.Option(
    "--const", help="This name does not require grad (repeatable).", show_default=False)]
GradOpt = Annotated[Optional[str], typer.Option(
    "--grad", "-g", help="The gradient (seed) for backward, PyTorch's gradient= / "
    "grad_outputs=; must have the output's shape.", show_default=False)]
OfOpt = Annotated[Optional[str], typer.Option(
    "--of", help="The node to differentiate (default: the last statement's value).",
    show_default=False)]
WrtOpt = Annotated[Optional[str], typer.Option(
    "--wrt", help="Comma-separated inputs: report d(output)/d(input) for just these "
    "(torch.autograd.grad: nothing accumulates into .grad).", show_default=False)]
RetainOpt = Annotated[bool, typer.Option(
    "--retain-grad", help="Keep .grad on every non-leaf node too.")]
AllowUnusedOpt = Annotated[bool, typer.Option(
    "--allow-unused", help="With --wrt: an input the output does not depend on gets None "
    "instead of PyTorch's error.")]
DTypeOpt = Annotated[DType, typer.Option("--dtype", help="Default float dtype.")]
FileOpt = Annotated[Optional[str], typer.Option(
    "--file", "-f", help="Read cases from this file, one per line (- for standard input).",
    show_default=False)]
NoColorOpt = Annotated[bool, typer.Option(
    "--no-color", help="No colour (NO_COLOR is honoured too; colour only on a terminal).")]
MaxElementsOpt = Annotated[int, typer.Option(
    "--max-elements", help="Refuse to create a tensor with more elements than this.",
    min=1)]
WidthOpt = Annotated[Optional[int], typer.Option(
    "--width", help="Lay the output out for N columns (default: the terminal's width, "
    "COLUMNS, or 80 when writing to a file or a pipe).", min=20, show_default=False)]
SummaryOpt = Annotated[bool, typer.Option(
    "--summary", help="Show each tensor as its shape, dtype, min/max/mean/norm and a few "
    "elements instead of every value (a table does this by itself above 1,000 elements, "
    "as torch's print does).")]


# name -> (annotation, default): the block of options the case commands share
SHARED = {
    "case": (CaseArg, None), "at": (AtOpt, None), "const": (ConstOpt, None),
    "grad": (GradOpt, None), "of": (OfOpt, None), "wrt": (WrtOpt, None),
    "retain_grad": (RetainOpt, False), "allow_unused": (AllowUnusedOpt, False),
    "dtype": (DTypeOpt, DType.float32), "file": (FileOpt, None),
    "no_color": (NoColorOpt, False), "max_elements": (MaxElementsOpt, 10**8),
    "width": (WidthOpt, None), "summary": (SummaryOpt, False),
}


class Shared:
    """The shared options one command was given (those it does not offer: their
    defaults), read as attributes: `o.case`, `o.file`, `o.case_options()`."""

    def __init__(self, values: dict):
        for name, (_, default) in SHARED.items():
            setattr(self, name, values.get(name, default))

    def case_options(self, backward: bool = True):
        set_width(self.width)  # every later console lays out for --width
        return build_case_options(self.at, self.const, self.grad, self.of, self.wrt,
                                  self.retain_grad, self.allow_unused, self.dtype,
                                  self.max_elements, backward=backward)


def case_command(*order: str):
    """Declare a command's options once: `order` lists its parameters as --help shows
    them, the shared ones (SHARED) by name among the command's own (its keyword
    parameters after the first, which receives the shared values as one `Shared`). A
    shared name the command declares itself (derive's --dtype default) is its own."""
    import inspect

    def wrap(body):
        own = dict(list(inspect.signature(body).parameters.items())[1:])
        hints = {k: v for k, v in body.__annotations__.items() if k != "return"}
        params, annotations = [], {}
        for name in order:
            if name in own:
                p = own[name]
                annotations[name] = hints.get(name, p.annotation)
            else:
                annotation, default = SHARED[name]
                p = inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                      default=default, annotation=annotation)
                annotations[name] = annotation
            params.append(p.replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD))
        missing = set(own) - set(order)
        if missing:
            raise TypeError(f"{body.__name__}: parameters not in the order: {missing}")
        signature = inspect.Signature(params, return_annotation=None)

        def command(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            values = bound.arguments
            shared = Shared({k: v for k, v in values.items() if k in SHARED})
            return body(shared, **{k: v for k, v in values.items() if k in own})

        command.__signature__ = signature
        command.__annotations__ = {**annotations, "return": None}
        command.__name__, command.__qualname__ = body.__name__, body.__qualname__
        command.__doc__, command.__module__ = body.__doc__, body.__module__
        return command
    return wrap


def build_case_options(at, const, grad, of, wrt, retain_grad, allow_unused, dtype,
                       max_elements, backward=True):
    """Apply the global settings and parse --at once; usage errors exit with status 2."""
    from gradcli.engine import apply, dtypes
    from gradcli.engine.errors import GradcliError
    from gradcli.parser.interpreter.case import CaseOptions, parse_binding

    from .edge import error_lines, usage_error

    dtypes.set_default_float(dtype.value if isinstance(dtype, DType) else dtype)
    apply.set_max_elements(max_elements)
    consts = frozenset(const or ())
    bindings = []
    for spec in at or ():
        try:
            bindings.append(parse_binding(spec, consts))
        except GradcliError as e:
            import sys

            sys.stderr.write(error_lines(f"--at {spec}", e))
            raise usage_error(f"bad --at {spec!r}") from None
    if grad is not None:
        check_expression("--grad", grad)
    wrt_names = tuple(n.strip() for n in wrt.split(",") if n.strip()) if wrt else None
    for name in wrt_names or ():
        if not name.isidentifier():
            raise usage_error(f"--wrt expects comma-separated names, got {wrt!r}")
    return CaseOptions(bindings=bindings, consts=consts, grad=grad, of=of, wrt=wrt_names,
                       retain_grad=retain_grad, allow_unused=allow_unused, backward=backward)


def check_expression(option: str, text: str) -> None:
    """An option's expression (--grad, --claim) parsed before any case runs: a malformed
    one is a usage error naming the option (exit 2), not every case's SyntaxError."""
    from gradcli.engine.errors import GradcliError
    from gradcli.parser.grammar import parse

    from .edge import error_lines, usage_error

    try:
        parse(text, start="expr")
    except GradcliError as e:
        import sys

        sys.stderr.write(error_lines(f"{option} {text}", e))
        raise usage_error(f"bad {option} {text!r}") from None


WIDTH: int | None = None  # --width, for every console made after it is given
PIPE_WIDTH = 80  # a file or a pipe: no terminal to measure


def set_width(width: int | None) -> None:
    global WIDTH
    WIDTH = width


def make_console(no_color: bool, stderr: bool = False, width: int | None = None):
    """A Rich console at --width (or `width`), else the terminal's width (Rich reads
    COLUMNS), else 80 columns off a terminal."""
    import os

    from rich.console import Console

    plain = no_color or bool(os.environ.get("NO_COLOR"))
    # no_color alone drops colours but keeps bold/dim/italic escapes: no styling at all
    console = Console(no_color=plain or None, color_system=None if plain else "auto",
                      stderr=stderr, highlight=False, soft_wrap=False)
    chosen_width = width or WIDTH
    if chosen_width:
        console.width = chosen_width
    elif not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = PIPE_WIDTH
    return console
