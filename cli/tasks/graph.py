"""`gradcli graph` on one case: the autograd graph as PyTorch holds it (the engine's
graph view), after eval's backward when one can run."""

from dataclasses import dataclass

from ..engine import autograd
from ..engine.errors import GradcliError
from ..engine.graph_view import build_graph
from ..parser.interpreter.case import CaseOptions
from .steps import forward_only, grad_seed, retain_grads


@dataclass
class GraphResult:
    line: int
    source: str
    output: str | None = None
    error: object = None
    view: object = None
    backward: bool = False   # whether the backward ran (grads are shown)
    note: str | None = None  # why it did not


def graph_case(text: str, line: int, opts: CaseOptions) -> GraphResult:
    """Forward, then eval's backward when it can run (a one-element output or --grad), then
    the graph with its grads. A backward error is the case's error (the graph is still
    given); no backward at all is a note, not an error: the graph exists without it."""
    r = forward_only(text, line, opts)
    res = GraphResult(line=line, source=text, output=r.output, error=r.error)
    if r.error is not None:
        return res
    out = r.output_tensor
    if not out.requires_grad:
        res.note = f"no backward: {r.output} does not require grad (nothing to differentiate)"
    elif opts.grad is None and out.data.size != 1:
        res.note = (f"no backward: {r.output} has {out.data.size} elements; give --grad "
                    f"(a tensor of its shape) to see the grads")
    else:
        try:
            seed = grad_seed(r, opts.grad)
            if opts.retain_grad:
                retain_grads(r.nodes)
            autograd.run_backward([out], [seed])
            res.backward = True
        except GradcliError as e:
            res.error = e
    res.view = build_graph(out, r.nodes, opts.consts)
    return res


def graph_program(path: str, text: str, of: str | None, warn, max_steps: int) -> GraphResult:
    """--program: the graph of the program's tensor `of` (default: its last global tensor
    with a grad_fn) as the program left it. No backward runs here: the grads shown are the
    program's own .grad. The program's error, or a bad --of, is raised (GradcliError)."""
    from .program import choose_output, program_title, run_for_tensors

    nodes = run_for_tensors(text, warn, max_steps)
    chosen = choose_output(nodes, of)
    res = GraphResult(line=None, source=program_title(path), output=chosen.id)
    res.view = build_graph(chosen.tensor, nodes)
    res.note = ("the graph as the program left it; grads are the program's own .grad "
                "(graph runs no backward)")
    return res
