"""More of PyTorch's shape surface, composed of existing rows (no new op: each result's
grad_fn is the row PyTorch's own composition records): torch.ravel, torch.tensor_split,
Tensor.H, Tensor.new_tensor, Tensor.abs_."""

import warnings

import numpy as np

from ..apply import apply
from ..dtypes import dtype_object
from ..errors import runtime
from ..ops import OPS
from ..ops.signature import Signature
from ..tensor import Tensor
from .args import _dim, _scalar_type, _tensor
from .indexing import _inplace_method, getitem
from .registry import FUNCTIONS, METHODS, attribute, tensor_method, torch_fn
from .shapes import contiguous, reshape


@torch_fn("ravel", method="ravel")
def ravel(input):
    # at::ravel is self.contiguous().view(-1): CloneBackward0 first when not contiguous
    return reshape(contiguous(_tensor(input, "ravel")), -1)


@attribute("H")
def H(t):
    ndim = t.data.ndim
    if ndim == 0:
        warnings.warn("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().",
                      UserWarning, stacklevel=2)
        return t
    if ndim != 2:
        raise runtime(f"tensor.H is only supported on matrices (2-D tensors). Got {ndim}-D "
                      f"tensor." + (" For batches of matrices, consider using tensor.mH"
                                    if ndim > 2 else ""))
    return apply(OPS["transpose"], (t,), {"dim0": 0, "dim1": 1})  # real dtypes: no conj


@tensor_method("new_tensor")
def new_tensor(self, data, dtype=None, device=None, requires_grad=False, layout=None,
               pin_memory=False):
    """A new leaf of `self`'s dtype unless dtype= is given (torch.tensor infers it)."""
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or sourceTensor.detach().clone()"
                      ".requires_grad_(True), rather than tensor.new_tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
        data = data.detach()
    if layout is not None or pin_memory:
        raise NotImplementedError("new_tensor(): layout= and pin_memory= are not supported "
                                  "by gradcli")
    if isinstance(data, (np.ndarray, np.generic)):
        data = Tensor(np.array(data, copy=True))
    return FUNCTIONS["tensor"](data, dtype=dtype if dtype is not None else
                               dtype_object(self.data.dtype), device=device,
                               requires_grad=requires_grad)


METHODS["abs_"] = _inplace_method(lambda t: FUNCTIONS["abs"](t))

# torch's order (its TypeError lists them so); _SPLIT_BIND tries an int as sections first
_SPLIT = Signature("tensor_split", "(Tensor input, tuple of ints indices, int dim = 0)",
                   "(Tensor input, Tensor tensor_indices_or_sections, int dim = 0)",
                   "(Tensor input, int sections, int dim = 0)")
_SPLIT_BIND = Signature("tensor_split", "(Tensor input, int sections, int dim = 0)",
                        "(Tensor input, Tensor tensor_indices_or_sections, int dim = 0)",
                        "(Tensor input, tuple of ints indices, int dim = 0)")


def _split_bind(sig, bind, args, kwargs):
    try:
        return bind.bind(args, kwargs)
    except TypeError:
        pass
    except Exception as e:  # gradcli's typed TypeError
        if getattr(e, "type_name", None) != "TypeError":
            raise
    return sig.bind(args, kwargs)  # raises PyTorch's message


def _tensor_split(t, which, b):
    if t.data.ndim == 0:
        raise runtime("tensor_split expected at least a 1-dimensional tensor, but got a "
                      "tensor with 0 dims")
    d = _dim(b["dim"], t.data.ndim)
    if which == 1:
        ts = b["tensor_indices_or_sections"]
        if ts.data.dtype != np.int64:
            raise runtime(f"tensor_split expected tensor_indices_or_sections to have dtype of "
                          f"long, but got {_c10(ts)}")
        if ts.data.ndim > 1:
            raise runtime(f"tensor_split expected tensor_indices_or_sections to be a "
                          f"zero-dimensional or one-dimensional tensor, but got a tensor with "
                          f"{ts.data.ndim} dims")
        which, b = (0, {"sections": int(ts.data)}) if ts.data.ndim == 0 else \
            (2, {"indices": [int(v) for v in ts.data]})
    n = t.data.shape[d]
    if which == 0:
        k = b["sections"]
        if k <= 0:
            raise runtime(f"number of sections must be larger than 0, got {k}")
        small, extra = divmod(n, k)
        bounds, start = [], 0
        for i in range(k):
            bounds.append((start, start + small + (i < extra)))
            start = bounds[-1][1]
    else:
        idx = b["indices"]
        idx = [idx] if isinstance(idx, int) else list(idx)
        cuts = [0, *idx, n]
        bounds = list(zip(cuts[:-1], cuts[1:], strict=True))
    lead = (slice(None),) * d
    return tuple(getitem(t, lead + (slice(_clip(a, n), max(_clip(a, n), _clip(e, n))),))
                 for a, e in bounds)


def _clip(i, n):
    # at::slice: a negative index counts from the end, then both ends are clamped to [0, n]
    if i < 0:
        i += n
    return min(max(i, 0), n)


def _c10(ts):
    return _scalar_type(ts.data.dtype)


@torch_fn("tensor_split")
def tensor_split(*args, **kwargs):
    which, b = _split_bind(_SPLIT, _SPLIT_BIND, args, kwargs)
    return _tensor_split(b["input"], which, b)


_SPLIT_METHOD, _SPLIT_METHOD_BIND = _SPLIT.method(), _SPLIT_BIND.method()


@tensor_method("tensor_split")
def tensor_split_method(self, *args, **kwargs):
    which, b = _split_bind(_SPLIT_METHOD, _SPLIT_METHOD_BIND, args, kwargs)
    return _tensor_split(self, which, {"input": self, **b})
