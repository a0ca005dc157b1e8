"""torch.nn.utils.clip_grad_norm_ (torch/nn/utils/clip_grad.py of PyTorch 2.13): the total
norm is the vector norm of the gradients' norms, the gradients are scaled in place by
min(max_norm / (total + 1e-6), 1). On CPU foreach=None/True/False run the same kernels
(torch's _foreach_norm / _foreach_mul_ fall back to per-tensor vector_norm / mul_), so all
three are accepted."""

import types
import warnings

import numpy as np

from ..api import FUNCTIONS, LINALG_FUNCTIONS, METHODS
from ..errors import runtime
from ..grad_mode import no_grad
from ..tensor import Tensor


def _total_norm(grads, norm_type, error_if_nonfinite):
    norm_type = float(norm_type)
    if not grads:
        return FUNCTIONS["tensor"](0.0)
    if len({g.data.dtype for g in grads}) > 1:  # torch groups by dtype in its own order
        raise NotImplementedError("clip_grad_norm_(): gradients of different dtypes are not "
                                  "supported by gradcli")
    norm = LINALG_FUNCTIONS["vector_norm"]
    total = norm(FUNCTIONS["stack"]([norm(g, norm_type) for g in grads]), norm_type)
    if error_if_nonfinite and not np.isfinite(total.data):
        raise runtime(f"The total norm of order {norm_type} for gradients from `parameters` is "
                      f"non-finite, so it cannot be clipped. To disable this error and scale "
                      f"the gradients by the non-finite norm anyway, set "
                      f"`error_if_nonfinite=False`")
    return total


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    with no_grad():
        if isinstance(parameters, Tensor):
            parameters = [parameters]
        else:
            is_generator = isinstance(parameters, types.GeneratorType)
            parameters = list(parameters)
            if is_generator and not parameters:
                warnings.warn("`parameters` is an empty generator, no gradient clipping will "
                              "occur.", UserWarning, stacklevel=2)
        grads = [p.grad for p in parameters if p.grad is not None]
        total = _total_norm(grads, norm_type, error_if_nonfinite)
        max_norm = float(max_norm)
        if grads:
            coef = FUNCTIONS["clamp"](max_norm / (total + 1e-6), max=1.0)
            for g in grads:
                METHODS["mul_"](g, coef)
        return total
