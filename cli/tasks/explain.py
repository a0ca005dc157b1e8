"""`gradcli explain` on one case: the backward pass traced step by step (the engine's
explain_backward), and for a non-scalar output the vector-Jacobian product."""

from dataclasses import dataclass, field, replace

from ..engine.errors import GradcliError
from ..engine.explain import JACOBIAN_LIMIT, VJP, explain_backward, vector_jacobian
from ..parser.interpreter.case import CaseOptions
from .steps import forward_only, grad_seed, retain_grads, with_seed_hint


@dataclass
class ExplainResult:
    line: int
    source: str
    output: str | None = None
    error: object = None
    explanation: object = None
    output_shape: tuple = ()
    output_value: object = None
    notes: list = field(default_factory=list)


def explain_case(text: str, line: int, opts: CaseOptions) -> ExplainResult:
    r = forward_only(text, line, opts)
    res = ExplainResult(line=line, source=text, output=r.output, error=r.error)
    if r.error is not None:
        return res
    out = r.output_tensor
    res.output_shape, res.output_value = tuple(out.data.shape), out.data
    try:
        seed = grad_seed(r, opts.grad)
        if opts.retain_grad:
            retain_grads(r.nodes)
        res.explanation = exp = explain_backward(out, seed, r.nodes, opts.consts)
    except GradcliError as e:
        res.error = with_seed_hint(e, r.output, out) if opts.grad is None else e
        return res
    if out.data.size > 1:
        exp.vjp = _vjp_on_fresh_run(text, line, opts, r, exp)
    return res


def _vjp_on_fresh_run(text, line, opts, first, exp):
    """J needs a graph the traced pass has not released: run the case again with every
    leaf pinned to the first run's value (so random inputs cannot differ)."""
    if exp.seed.size > JACOBIAN_LIMIT:  # no Jacobian to show: spare the second run
        return vector_jacobian(first.output_tensor, [], exp.seed, exp.grads)
    counts: dict = {}
    for n in first.nodes:  # pins go by name: a reassigned name (y, y@2) is not pinned
        base = n.id.partition("@")[0]
        counts[base] = counts.get(base, 0) + 1
    pins = {n.id: n.tensor.data for n in first.nodes
            if n.tensor.grad_fn is None and n.id.isidentifier() and counts[n.id] == 1}
    fresh = forward_only(text, line, replace(opts, overrides=pins))
    if fresh.error is not None:
        return VJP(v=exp.seed, output_shape=tuple(exp.seed.shape),
                   skipped=f"the fresh run failed: {fresh.error.message}")
    by_id: dict = {}
    for n in fresh.nodes:
        by_id.setdefault(n.id, n.tensor)
    leaves = [(i, by_id[i]) for i in exp.leaves if i in by_id]
    return vector_jacobian(fresh.output_tensor, leaves, exp.seed, exp.grads)


def explain_program(path: str, text: str, of: str | None, grad_text: str | None,
                    retain_grad: bool, warn, max_steps: int) -> ExplainResult:
    """--program: the backward pass from the program's tensor `of` (default: its last
    global tensor with a grad_fn), traced on the program's own graph. The program is left
    as it was: the pass keeps the graph (retain_graph), computes every grad afresh (as
    if .grad were None) and puts back each .grad and retain_grad flag afterwards. The
    program's tensor hooks run, as they would in its own backward. The program's error, or a
    bad --of / --grad, is raised (GradcliError)."""
    from ..engine.autograd import topological_order
    from ..engine.explain import vector_jacobian
    from .program import (
        choose_output,
        grad_from_option,
        program_title,
        run_for_tensors,
        several_output_function,
    )

    nodes = run_for_tensors(text, warn, max_steps)
    chosen = choose_output(nodes, of)
    out = chosen.tensor
    res = ExplainResult(line=None, source=program_title(path), output=chosen.id,
                        output_shape=tuple(out.data.shape), output_value=out.data)
    seed = grad_from_option(grad_text, nodes, out) if grad_text is not None else None
    several = several_output_function(out) if out.grad_fn is not None else None
    if several is not None:
        res.error = GradcliError(
            f"gradcli explain: the custom Function {several} has several outputs, whose "
            f"backward takes all their gradients in one call; it is not traced step by step "
            f"(gradcli graph --program shows its graph)", type_name="NotImplementedError")
        return res
    touched = {id(t): t for t in topological_order([out])}
    for n in nodes:
        touched.setdefault(id(n.tensor), n.tensor)
    kept = [(t, t.grad, t.retains_grad) for t in touched.values()]
    for t in touched.values():
        t.grad = None
    try:
        res.explanation = exp = explain_backward(out, seed, nodes, retain_grad=retain_grad,
                                                 retain_graph=True)
        if out.data.size > 1:
            leaves = [(i, exp.leaf_tensors[i]) for i in exp.leaves]
            exp.vjp = vector_jacobian(out, leaves, exp.seed, exp.grads)
    except GradcliError as e:
        res.error = with_seed_hint(e, chosen.id, out) if grad_text is None else e
        if e.message.startswith("Trying to backward through the graph a second time") and \
                not getattr(e, "hint", None):
            e.hint = ("the program's own backward freed this graph: explain it before that "
                      "backward, or give that backward retain_graph=True")
    finally:
        for t, g, r in kept:
            t.grad, t.retains_grad = g, r
    return res
