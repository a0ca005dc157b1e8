"""`gradcli eval` on one case: run it forward (the case interpreter), then backward
(run_backward, or autograd.grad with --wrt); each node's grad column is filled in."""

from ..engine import autograd
from ..engine.errors import GradcliError
from ..engine.tensor import Tensor
from ..parser.interpreter.case import CaseOptions, CaseResult, run_forward
from .steps import grad_seed, option_error, retain_grads, with_seed_hint

__all__ = ["CaseOptions", "CaseResult", "run_case"]


def run_case(source: str, line: int, opts: CaseOptions) -> CaseResult:
    """Evaluate one case and (unless opts.backward is False) run its backward pass."""
    result = run_forward(source, line, opts)
    if result.error is None and opts.backward:
        try:
            _backward(opts, result)
        except GradcliError as e:
            result.error = with_seed_hint(e, result.output, result.output_tensor) \
                if opts.grad is None else e
    return result


def _backward(opts, result):
    out = result.output_tensor
    if out is None:
        return
    seed = result.seed = grad_seed(result, opts.grad)
    if opts.retain_grad:
        retain_grads(result.nodes)
    if opts.wrt:
        variables = result.variables
        inputs = []
        for name in opts.wrt:
            if name not in variables or not isinstance(variables[name], Tensor):
                raise option_error(f"--wrt {name}", GradcliError(
                    f"name '{name}' is not defined", type_name="NameError"))
            inputs.append(variables[name])
        grads = autograd.grad([out], inputs, [seed], allow_unused=opts.allow_unused)
        by_id = {id(t): g for t, g in zip(inputs, grads, strict=False)}
        for n in result.nodes:
            n.grad = by_id.get(id(n.tensor))
        return
    autograd.run_backward([out], [seed])
    for n in result.nodes:
        n.grad = n.tensor.grad
