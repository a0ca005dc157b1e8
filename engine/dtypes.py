"""PyTorch's dtypes over numpy's, and PyTorch's type-promotion rules.

Tensors hold numpy arrays of float32, float64, int64 or bool. Promotion follows
`torch.result_type`: operands are ranked by priority (tensors with dims > 0-d tensors >
Python scalars) and by category (bool < integer < floating). The highest category wins;
within the winning category the highest-priority group decides the width, and a category
that only Python scalars bring in gives the default dtype of that category."""

import numpy as np

FLOAT32 = np.dtype(np.float32)
FLOAT64 = np.dtype(np.float64)
INT64 = np.dtype(np.int64)
BOOL = np.dtype(np.bool_)

_default_float = [FLOAT32]


def default_float() -> np.dtype:
    return _default_float[0]


def set_default_float(dt) -> None:
    _default_float[0] = np.dtype(dt)


def category(dt: np.dtype) -> int:
    """0 bool, 1 integer, 2 floating."""
    if dt.kind == "b":
        return 0
    if dt.kind in "iu":
        return 1
    return 2


def is_floating(dt: np.dtype) -> bool:
    return dt.kind == "f"


def scalar_dtype(value) -> np.dtype:
    """The dtype a Python scalar would have as a tensor of its own."""
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT64
    return default_float()


def result_type(dims: list, zero_dims: list, scalars: list) -> np.dtype:
    """torch.result_type over three priority groups of dtypes (see module doc)."""
    groups = (dims, zero_dims, scalars)
    top = max(category(d) for g in groups for d in g)
    for i, group in enumerate(groups):
        members = [d for d in group if category(d) == top]
        if members:
            if i == 2:  # only Python scalars carry the winning category
                return default_float() if top == 2 else (INT64 if top == 1 else BOOL)
            return _widest(members)
    raise AssertionError("no operands")


def _widest(dts: list) -> np.dtype:
    out = dts[0]
    for d in dts[1:]:
        if d != out:
            out = np.promote_types(out, d)
    return out


TORCH_NAMES = {FLOAT32: "torch.float32", FLOAT64: "torch.float64", INT64: "torch.int64",
               BOOL: "torch.bool", np.dtype(np.int32): "torch.int32"}


def torch_name(dt: np.dtype) -> str:
    return TORCH_NAMES.get(np.dtype(dt), f"torch.{np.dtype(dt).name}")


class DType:
    """A torch dtype object as programs see it (`torch.float32`, `x.dtype`)."""

    __slots__ = ("np", "is_floating_point")

    def __init__(self, np_dtype):
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"

    def __repr__(self) -> str:
        return torch_name(self.np)

    def __eq__(self, other) -> bool:
        return isinstance(other, DType) and other.np == self.np

    def __hash__(self) -> int:
        return hash(self.np)


TORCH_DTYPES = {name: DType(dt) for name, dt in (
    ("float32", FLOAT32), ("float", FLOAT32), ("float64", FLOAT64), ("double", FLOAT64),
    ("int64", INT64), ("long", INT64), ("int32", np.int32), ("int", np.int32), ("bool", BOOL))}


def as_dtype(d) -> np.dtype:
    """A numpy dtype from a DType, a numpy dtype or a name like 'float64'."""
    if isinstance(d, DType):
        return d.np
    if isinstance(d, str):
        return TORCH_DTYPES[d.removeprefix("torch.")].np
    return np.dtype(d)


def dtype_object(np_dtype) -> DType:
    for d in TORCH_DTYPES.values():
        if d.np == np_dtype:
            return d
    return DType(np_dtype)
