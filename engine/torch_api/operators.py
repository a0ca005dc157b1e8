"""Tensor's Python operators (+, *, @, <, [], float(), ...): attached to the Tensor class
here, from the wrappers above, so `x + y` means torch's add."""



from ..errors import type_error, value_error
from ..tensor import Tensor
from .arithmetic import (
    add,
    div,
    floor_divide,
    matmul,
    mul,
    neg,
    pow,
    remainder,
    rsub,
    rtruediv,
    sub,
)
from .indexing import getitem
from .reductions import abs_
from .registry import FUNCTIONS
from .shapes import unbind


# ---------------------------------------------------------------- Python operators on Tensor
def _scalar(t: Tensor):
    if t.data.size != 1:
        raise value_error("only one element tensors can be converted to Python scalars")
    return t.data.reshape(()).item()


def _index_value(t: Tensor) -> int:
    if t.data.size != 1 or t.data.dtype.kind not in "iub":
        raise type_error("only integer tensors of a single element can be converted to an index")
    return int(t.data.reshape(()).item())


def _format(t: Tensor, spec: str) -> str:
    """torch.Tensor.__format__: a 0-d tensor formats as its item, others as their repr."""
    if t.data.ndim == 0:
        return format(t.data.item(), spec)
    if spec:
        raise type_error("unsupported format string passed to Tensor.__format__")
    return repr(t)


def _attach_operators():
    def rev(fn):
        return lambda a, b: fn(b, a)

    ops = {
        "__add__": add, "__radd__": add, "__sub__": sub, "__rsub__": rsub,
        "__mul__": mul, "__rmul__": mul, "__truediv__": div, "__rtruediv__": rtruediv,
        "__floordiv__": floor_divide, "__rfloordiv__": rev(floor_divide),
        "__mod__": remainder, "__rmod__": rev(remainder),
        "__pow__": pow, "__rpow__": rev(pow), "__matmul__": matmul, "__rmatmul__": rev(matmul),
        "__neg__": neg, "__pos__": lambda a: a, "__abs__": abs_,
        "__lt__": FUNCTIONS["lt"], "__le__": FUNCTIONS["le"], "__gt__": FUNCTIONS["gt"],
        "__ge__": FUNCTIONS["ge"], "__eq__": FUNCTIONS["eq"], "__ne__": FUNCTIONS["ne"],
        "__getitem__": getitem,
        "__float__": lambda t: float(_scalar(t)), "__int__": lambda t: int(_scalar(t)),
        "__index__": _index_value, "__iter__": lambda t: iter(unbind(t)),
        "__format__": _format,
    }
    for name, fn in ops.items():
        setattr(Tensor, name, fn)
    Tensor.__hash__ = object.__hash__


_attach_operators()
