"""nn.Parameter: a leaf Tensor that a Module registers as one of its parameters."""

import numpy as np

from ..errors import runtime
from ..tensor import Tensor
from .surface import _tensor


class Parameter(Tensor):
    """Shares the given tensor's array, as torch.nn.Parameter shares its storage.
    Results of ops on a Parameter are plain Tensors (apply makes new Tensor objects)."""

    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            arr = np.empty((0,), dtype=np.float32)
        else:
            arr = _tensor(data, "Parameter", "data").data
        if requires_grad and arr.dtype.kind != "f":
            raise runtime("Only Tensors of floating point and complex dtype can require gradients")
        super().__init__(arr, bool(requires_grad))

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class Buffer:
    """nn.Buffer(tensor, persistent=True): marks a tensor for registration as a buffer."""

    def __init__(self, data, persistent=True):
        self.data = data
        self.persistent = persistent
