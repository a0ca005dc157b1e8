"""graph and explain of a program's tensor (`--program FILE`): the program runs as `gradcli
run` runs it (same policy, budgets and errors), then one of its global tensors is taken
with the autograd graph the program built, custom autograd.Functions included.

The program's own printed output is not shown (graph and explain print only their own
rendering, so `--format json` stays JSON); its warnings go to standard error as `run`
writes them. `gradcli run FILE` shows what it prints."""

from dataclasses import dataclass

from ..engine.errors import GradcliError
from ..engine.tensor import VIEW_REFRESH, Tensor


@dataclass(slots=True)
class ProgramNode:
    """A global tensor of the program, as the graph view and explain read a case node."""
    id: str
    tensor: Tensor
    expr: None = None


def run_for_tensors(text: str, warn, max_steps: int) -> list:
    """Run the program; its global tensors in the order their names were first bound.
    Raises the program's GradcliError (with .line) as run reports it."""
    from ..engine.nn.module import Module
    from ..parser.program import run_program

    namespace = run_program(text, lambda _text: None, warn, max_steps)
    nodes = []
    modules = []
    for name, value in namespace.items():
        if name.startswith("_"):
            continue
        if isinstance(value, Tensor):
            if value._base is not None and VIEW_REFRESH[0] is not None:
                VIEW_REFRESH[0](value)  # a view's grad_fn as PyTorch regenerates it on access
            nodes.append(ProgramNode(name, value))
        elif isinstance(value, Module):
            modules.append((name, value))
    # a global module's parameters and buffers go by their qualified names (model.0.weight)
    # after the global tensors, so a tensor the program named itself keeps its own name
    for name, module in modules:
        for pname, p in [*module.named_parameters(), *module.named_buffers()]:
            nodes.append(ProgramNode(f"{name}.{pname}", p))
    return nodes


def choose_output(nodes: list, of: str | None) -> ProgramNode:
    """--of NAME, or the last global tensor with a grad_fn. The errors list the
    candidates."""
    with_fn = [n.id for n in nodes if n.tensor.grad_fn is not None]
    if of is not None:
        for n in nodes:
            if n.id == of:
                return n
        known = ", ".join(n.id for n in nodes) or "none"
        err = GradcliError(f"the program has no global tensor named '{of}' (its global "
                           f"tensors: {known})", type_name="NameError")
        err.option = f"--of {of}"
        raise err
    if not with_fn:
        known = ", ".join(n.id for n in nodes) or "none"
        raise GradcliError(f"the program leaves no global tensor with a grad_fn (its "
                           f"global tensors: {known}); choose one with --of NAME",
                           type_name="ValueError")
    return next(n for n in nodes if n.id == with_fn[-1])


def grad_from_option(grad_text: str, nodes: list, out: Tensor):
    """--grad EXPR among the program's global tensors (the case grammar's expression, as
    for cases), cast to the output's dtype as PyTorch's engine casts the seed."""
    import numpy as np

    from ..engine import api
    from ..parser.interpreter.case import CaseResult, evaluate_expression
    from .steps import option_error

    variables = {n.id: n.tensor for n in nodes}
    try:
        value = evaluate_expression(grad_text, CaseResult(line=0, source="",
                                                          variables=variables))
    except GradcliError as e:
        if e.type_name in ("NameError", "SyntaxError"):
            raise option_error(f"--grad {grad_text}", e) from None
        raise
    dtype = out.data.dtype
    if isinstance(value, Tensor):
        return value if value.data.dtype == dtype else Tensor(value.data.astype(dtype))
    return Tensor(np.asarray(api.data_to_array(value), dtype=dtype))


def several_output_function(output: Tensor):
    """The name of a custom Function with several outputs that the backward from `output`
    would run, or None (explain traces tensors one by one, and such a Function's backward
    takes all its outputs' gradients in one call)."""
    from ..engine.autograd import topological_order

    for t in topological_order([output]):
        fn = t.grad_fn
        if fn is not None and type(fn).__name__ == "OutputNode":
            return fn.name()
    return None


def program_title(path: str) -> str:
    return "-" if path == "-" else path


def error_where(err: GradcliError, path: str) -> str:
    return f"line {err.line}" if getattr(err, "line", None) else program_title(path)

