"""Argument checks and small types shared by the wrappers: torch.Size, torch.return_types,
PyTorch's messages for a wrong tensor argument or dim."""

import math

import numpy as np

from .. import dtypes
from ..apply import check_elements
from ..errors import index_error, runtime, type_error
from ..tensor import Tensor


class Size(tuple):
    """torch.Size."""

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    __str__ = __repr__

    def numel(self) -> int:
        return math.prod(self)

    # concatenating or repeating a Size gives a Size, as in torch
    def __add__(self, other):
        return Size(tuple(self) + tuple(other)) if isinstance(other, tuple) else NotImplemented

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self)) if isinstance(other, tuple) else NotImplemented

    def __mul__(self, n):
        return Size(tuple(self) * n) if isinstance(n, int) else NotImplemented

    __rmul__ = __mul__


class ReturnTypes(tuple):
    """torch.return_types.max / min: a (values, indices) pair with names."""

    def __new__(cls, name, values, indices):
        self = super().__new__(cls, (values, indices))
        self.name = name
        return self

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self) -> str:
        return f"torch.return_types.{self.name}(\nvalues={self[0]!r},\nindices={self[1]!r})"

    __str__ = __repr__


def _type_name(x) -> str:
    return {bool: "bool", int: "int", float: "float", str: "str", list: "list",
            tuple: "tuple", type(None): "NoneType"}.get(type(x), type(x).__name__)


def _tensor(x, fname: str, argname: str = "input", pos: int = 1) -> Tensor:
    if not isinstance(x, Tensor):
        raise type_error(f"{fname}(): argument '{argname}' (position {pos}) must be Tensor, "
                         f"not {_type_name(x)}")
    return x


def _dim(d, ndim: int) -> int:
    n = max(ndim, 1)
    if not isinstance(d, int) or isinstance(d, bool):
        raise type_error(f"dim must be an int, not {_type_name(d)}")
    if not -n <= d < n:
        raise index_error(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                          f"but got {d})")
    return d + n if d < 0 else d


def _dims(dim, ndim: int):
    if isinstance(dim, (tuple, list)):
        return tuple(sorted(_dim(d, ndim) for d in dim))
    return (_dim(dim, ndim),)


def _reduce_dims(dim, ndim: int):
    """A reduction's dims, checked; None (every dim) for a 0-d tensor, whose dim 0 / -1
    torch accepts and which numpy has no axis for."""
    dims = _dims(dim, ndim)
    return dims if ndim else None


def _size_args(args, fname="size"):
    """ones(2, 3) / ones((2, 3)) / ones([2, 3]) / ones(torch.Size([2, 3]))."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    for a in args:
        if not isinstance(a, int) or isinstance(a, bool):
            raise type_error(f"{fname}(): argument 'size' must be tuple of ints, but found element "
                             f"of type {_type_name(a)}")
        if a < 0:
            raise runtime(f"Trying to create tensor with negative dimension {a}: {list(args)}")
    check_elements(args)
    return tuple(args)


def _leaf(data: np.ndarray, requires_grad=False) -> Tensor:
    if requires_grad and data.dtype.kind != "f":
        raise runtime("Only Tensors of floating point and complex dtype can require gradients")
    return Tensor(data, bool(requires_grad))


def _dt(dtype, default=None):
    return dtypes.as_dtype(dtype) if dtype is not None else default


# c10's ScalarType names, which torch's dtype messages use
_SCALAR_TYPE = {"int64": "Long", "int32": "Int", "bool": "Bool"}


def _scalar_type(dt) -> str:
    return {"float32": "Float", "float64": "Double", "int64": "Long", "bool": "Bool",
            "int32": "Int"}.get(np.dtype(dt).name, np.dtype(dt).name)
