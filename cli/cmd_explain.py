"""`gradcli explain`: the backward pass step by step, with numbers (the engine's trace)."""

import sys
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Annotated

import typer

from .case_options import (
    AtOpt,
    CaseArg,
    ConstOpt,
    DType,
    DTypeOpt,
    FileOpt,
    GradOpt,
    MaxElementsOpt,
    NoColorOpt,
    OfOpt,
    RetainOpt,
)


class Format(str, Enum):
    rich = "rich"
    plain = "plain"
    json = "json"


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


def case_seed(result, grad_text):
    """The seed eval would use: --grad evaluated among the case's variables (eval's rule),
    or None for the implicit 1."""
    if grad_text is None:
        return None
    import numpy as np
    from gradcli.engine import api
    from gradcli.engine.tensor import Tensor
    from gradcli.parser.case import evaluate_expression

    out = result.output_tensor
    value = evaluate_expression(grad_text, result)
    seed = value if isinstance(value, Tensor) else Tensor(
        np.asarray(api.data_to_array(value), dtype=out.data.dtype))
    if seed.data.dtype != out.data.dtype and seed.data.dtype.kind != "f":
        seed = Tensor(seed.data.astype(out.data.dtype))
    return seed


def forward_only(text, line, opts):
    """The case run forward only (the backward is run by the caller, traced or not)."""
    from gradcli.engine.errors import type_error
    from gradcli.engine.tensor import Tensor
    from gradcli.parser.case import run_case

    r = run_case(text, line, replace(opts, backward=False))
    if r.error is None and not isinstance(r.output_tensor, Tensor):
        r.error = type_error("the case has no output tensor (choose one with --of)")
    return r


def explain_case(text: str, line: int, opts) -> ExplainResult:
    from gradcli.engine.errors import GradcliError
    from gradcli.engine.explain import explain_backward

    r = forward_only(text, line, opts)
    res = ExplainResult(line=line, source=text, output=r.output, error=r.error)
    if r.error is not None:
        return res
    out = r.output_tensor
    res.output_shape, res.output_value = tuple(out.data.shape), out.data
    try:
        seed = case_seed(r, opts.grad)
        res.explanation = exp = explain_backward(out, seed, r.nodes, opts.consts,
                                                 opts.retain_grad)
    except GradcliError as e:
        from gradcli.parser.case import with_seed_hint

        res.error = with_seed_hint(e, r.output, out) if opts.grad is None else e
        return res
    if out.data.size > 1:
        exp.vjp = _vjp_on_fresh_run(text, line, opts, r, exp)
    return res


def _vjp_on_fresh_run(text, line, opts, first, exp):
    """J needs a graph the traced pass has not released: run the case again with every
    leaf pinned to the first run's value (so random inputs cannot differ)."""
    from gradcli.engine.explain import JACOBIAN_LIMIT, VJP, vector_jacobian

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


def explain_command(
    case: CaseArg = None,
    at: AtOpt = None,
    const: ConstOpt = None,
    grad: GradOpt = None,
    of: OfOpt = None,
    retain_grad: RetainOpt = False,
    dtype: DTypeOpt = DType.float32,
    format: Annotated[Format, typer.Option(
        "--format", help="rich (panels, the default), plain (stable text) or json (JSON "
        "Lines).")] = Format.rich,
    file: FileOpt = None,
    no_color: NoColorOpt = False,
    max_elements: MaxElementsOpt = 10**8,
) -> None:
    """The backward pass step by step, in reverse topological order: the gradient arriving
    at each node, its op's local rule with the numbers plugged in, what goes to each input,
    accumulation, broadcasting, the vector-Jacobian product, and why each None is None."""
    from . import render_explain
    from .batch import Batch, print_rich
    from .case_options import build_case_options

    opts = build_case_options(at, const, grad, of, None, retain_grad, False, dtype,
                              max_elements, backward=False)
    batch = Batch(case, file)
    for r in batch.results(lambda text, line: explain_case(text, line, opts), ExplainResult):
        if format is Format.json:
            sys.stdout.write(render_explain.json_line(r) + "\n")
        elif format is Format.plain:
            sys.stdout.write(render_explain.plain_text(r))
        else:
            print_rich(render_explain.renderable(r), no_color)
    batch.finish()
