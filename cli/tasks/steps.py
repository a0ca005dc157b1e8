"""The steps the case tasks share, one copy each so the commands agree: the forward run
with a tensor output (explain, graph), the seed given by --grad (eval, check, explain,
graph) and --retain-grad's marking."""

import numpy as np

from ..engine import api
from ..engine.errors import GradcliError, type_error
from ..engine.tensor import Tensor
from ..parser.interpreter.case import CaseOptions, CaseResult, evaluate_expression, run_forward


def forward_only(text: str, line: int, opts: CaseOptions) -> CaseResult:
    """The case run forward only, its output required to be a tensor (the backward is the
    caller's, traced or not)."""
    r = run_forward(text, line, opts)
    if r.error is None and not isinstance(r.output_tensor, Tensor):
        r.error = type_error("the case has no output tensor (choose one with --of)")
    return r


def grad_seed(result: CaseResult, grad_text: str | None):
    """--grad EXPR evaluated among the case's variables, as a tensor of the output's dtype
    (PyTorch's engine casts the gradient to the output's dtype before backward runs, so a
    float64 or integer --grad for a float32 output is a float32 seed); None for PyTorch's
    implicit ones (the engine raises its own error for a non-scalar output)."""
    if grad_text is None:
        return None
    dtype = result.output_tensor.data.dtype
    try:
        value = evaluate_expression(grad_text, result)
    except GradcliError as e:
        if e.type_name in ("NameError", "SyntaxError"):  # the option, not the case, is wrong
            raise option_error(f"--grad {grad_text}", e) from None
        raise
    if isinstance(value, Tensor):
        return value if value.data.dtype == dtype else Tensor(value.data.astype(dtype))
    return Tensor(np.asarray(api.data_to_array(value), dtype=dtype))


def option_error(option: str, err: GradcliError) -> GradcliError:
    """Mark an error as caused by a command-line option (--wrt naming no variable of the
    case, --grad naming none): the batch reports it as `gradcli: --wrt q: NameError: ...`
    and exits 2, a usage error, not a failed case."""
    err.option = option
    return err


def retain_grads(nodes) -> None:
    """--retain-grad: every non-leaf node that requires grad keeps its .grad."""
    for n in nodes:
        if n.tensor.requires_grad and n.tensor.grad_fn is not None:
            n.tensor.retains_grad = True


def with_seed_hint(err: GradcliError, name, out) -> GradcliError:
    """PyTorch's 'grad can be implicitly created only for scalar outputs', plus how to
    give the seed on gradcli's command line (as graph's note says it)."""
    if err.message == "grad can be implicitly created only for scalar outputs" and \
            not getattr(err, "hint", None) and isinstance(out, Tensor):
        name = name.partition("@")[0] if name else name  # y@2: --grad's y is the latest
        shape = list(out.data.shape)
        err.hint = (f"{name or 'the output'} has {out.data.size} elements (shape {shape}); "
                    f"give --grad, a tensor of its shape, e.g. --grad \"ones_like({name})\""
                    if name and str(name).isidentifier() else
                    f"the output has {out.data.size} elements (shape {shape}); give --grad, "
                    f"a tensor of its shape")
    return err
