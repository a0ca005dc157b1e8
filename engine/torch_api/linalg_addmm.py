"""torch.addmm / Tensor.addmm with PyTorch's checks (addmm's meta function: dtypes, then
shapes) and beta / alpha (the addmm_scaled row); it replaces nn_functional's first
version, which refused beta and alpha and let mixed dtypes through."""

from ..apply import apply
from ..errors import runtime
from ..ops import OPS
from ..ops.linalg_products import _expand_to as expand_or_raise
from ..ops.signature import Signature
from . import nn_functional as _nn_functional  # noqa: F401  (its addmm is replaced below)
from .linalg import _bind, _c, _register

_ADDMM = Signature("addmm", "(Tensor input, Tensor mat1, Tensor mat2, *, Number beta = 1, "
                   "Number alpha = 1, Tensor out = None)",
                   "(Tensor input, Tensor mat1, Tensor mat2, torch.dtype out_dtype, *, "
                   "Number beta = 1, Number alpha = 1, Tensor out = None)")


def addmm(*args, **kwargs):
    b = _bind(_ADDMM, args, kwargs)
    x, m1, m2, beta, alpha = b["input"], b["mat1"], b["mat2"], b["beta"], b["alpha"]
    if x.data.dtype != m2.data.dtype:
        raise runtime(f"self and mat2 must have the same dtype, but got {_c(x)} and {_c(m2)}")
    if m1.data.dtype != m2.data.dtype:
        raise runtime(f"mat1 and mat2 must have the same dtype, but got {_c(m1)} and {_c(m2)}")
    for name, m in (("mat1", m1), ("mat2", m2)):
        if m.data.ndim != 2:
            raise runtime(f"{name} must be a matrix, got {m.data.ndim}-D tensor")
    (p, k), (k2, q) = m1.data.shape, m2.data.shape
    if k != k2:
        raise runtime(f"mat1 and mat2 shapes cannot be multiplied ({p}x{k} and {k2}x{q})")
    expand_or_raise(x.data, (p, q))
    if beta == 1 and alpha == 1:
        return apply(OPS["addmm"], (x, m1, m2))
    return apply(OPS["addmm_scaled"], (x, m1, m2), {"beta": beta, "alpha": alpha})


_register(addmm, "addmm")
