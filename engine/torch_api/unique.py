"""torch.unique / Tensor.unique (sorted): the distinct values, with return_inverse and
return_counts, over all elements or along `dim`. Not differentiable (PyTorch records a
Unique2Backward0 whose backward is not implemented): gradcli refuses a tensor that requires
grad by name rather than return a result without that node. sorted=False is refused too:
ATen's CPU order then is its hash set's, which gradcli does not reproduce."""

import numpy as np

from .. import dtypes, grad_mode
from ..errors import type_error
from ..tensor import Tensor
from .args import _dim, _tensor
from .registry import FUNCTIONS, METHODS


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    t = _tensor(input, "unique")
    if not sorted:
        raise NotImplementedError("gradcli: unique(sorted=False) (ATen's hash order) is not "
                                  "implemented; pass sorted=True")
    if t.requires_grad and grad_mode._enabled[0]:
        raise NotImplementedError("gradcli: unique() of a tensor that requires grad (its "
                                  "Unique2Backward0 node) is not implemented; call it on "
                                  ".detach()")
    for name, v in (("sorted", sorted), ("return_inverse", return_inverse),
                    ("return_counts", return_counts)):
        if not isinstance(v, bool):
            raise type_error(f"unique(): argument '{name}' must be bool, not {type(v).__name__}")
    x = t.data
    if dim is None:
        values, inverse, counts = _flat(x.reshape(-1))
        inverse = inverse.reshape(x.shape)
    else:
        d = _dim(dim, x.ndim)
        if x.dtype.kind == "f" and np.isnan(x).any():
            raise NotImplementedError("gradcli: unique(dim=...) of a tensor holding NaN is not "
                                      "implemented")
        values, inverse, counts = np.unique(x, return_inverse=True, return_counts=True, axis=d)
        inverse = inverse.reshape(-1)
    out = [Tensor(np.ascontiguousarray(values, dtype=x.dtype))]
    if return_inverse:
        out.append(Tensor(np.asarray(inverse, dtype=dtypes.INT64)))
    if return_counts:
        out.append(Tensor(np.asarray(counts, dtype=dtypes.INT64)))
    return out[0] if len(out) == 1 else tuple(out)


def _flat(x):
    """Sorted distinct values of a 1-d array; each NaN is its own value, after the rest (as
    ATen's sort-based unique keeps them: NaN != NaN)."""
    nan = np.isnan(x) if x.dtype.kind == "f" else np.zeros(x.shape, bool)
    values, inverse, counts = np.unique(x[~nan], return_inverse=True, return_counts=True)
    full = np.empty(x.shape, dtype=np.int64)
    full[~nan] = inverse.reshape(-1)
    n_nan = int(nan.sum())
    full[nan] = np.arange(values.size, values.size + n_nan)
    values = np.concatenate([values, x[nan]])
    counts = np.concatenate([counts, np.ones(n_nan, dtype=np.int64)])
    return values, full, counts


FUNCTIONS["unique"] = METHODS["unique"] = unique
