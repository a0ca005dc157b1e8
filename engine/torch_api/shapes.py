"""Wrappers of shape ops: reshape/view, flatten, transposes, (un)squeeze, expand, cat,
stack, unbind, clone, dtype conversion."""

import math

import numpy as np

from .. import dtypes, versions
from ..apply import apply, check_elements
from ..errors import GradcliError, runtime, type_error, value_error
from ..ops import OPS
from ..tensor import Tensor
from .args import _dim, _tensor, _type_name
from .registry import METHODS, attribute, tensor_method, torch_fn


# ---------------------------------------------------------------- shapes
def _shape_args(args):
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)


def _infer_shape(shape, numel):
    shape = list(shape)
    for s in shape:
        if not isinstance(s, int) or isinstance(s, bool):
            raise type_error(f"view(): argument 'size' must be tuple of ints, but found element of "
                             f"type {_type_name(s)}")
    if shape.count(-1) > 1:
        raise runtime("only one dimension can be inferred")
    known = math.prod(s for s in shape if s != -1)
    bad = any(s < -1 for s in shape)
    if -1 in shape:
        if known == 0 or numel % known:
            bad = True
        else:
            shape[shape.index(-1)] = numel // known
    elif known != numel:
        bad = True
    if bad:
        raise runtime(f"shape '[{', '.join(str(s) for s in shape)}]' is invalid for "
                      f"input of size {numel}")
    return tuple(shape)


@torch_fn("reshape", method=("reshape", "view"))
def reshape(input, *shape):
    t = _tensor(input, "reshape")
    given = _shape_args(shape)
    try:
        new = _infer_shape(given, t.data.size)
    except GradcliError as e:
        raise runtime(f"shape '[{', '.join(str(s) for s in given)}]' is invalid for input of "
                      f"size {t.data.size}") from e
    return apply(OPS["reshape"], (t,), {"shape": new})


@tensor_method("view_as", "reshape_as")
def view_as(input, other):
    return reshape(input, *other.data.shape)


@torch_fn("flatten", method="flatten")
def flatten(input, start_dim=0, end_dim=-1):
    t = _tensor(input, "flatten")
    if t.data.ndim == 0:
        return reshape(t, 1)
    s, e = _dim(start_dim, t.data.ndim), _dim(end_dim, t.data.ndim)
    if s > e:
        raise runtime("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return t
    shp = t.data.shape
    return reshape(t, *(shp[:s] + (math.prod(shp[s:e + 1]),) + shp[e + 1:]))


@torch_fn("t", method="t")
def t_(input):
    t = _tensor(input, "t")
    if t.data.ndim > 2:
        raise runtime(f"t() expects a tensor with <= 2 dimensions, but self is {t.data.ndim}D")
    return apply(OPS["t"], (t,))


@torch_fn("transpose", "swapaxes", method=("transpose", "swapaxes"))
def transpose(input, dim0, dim1):
    t = _tensor(input, "transpose")
    return apply(OPS["transpose"], (t,), {"dim0": _dim(dim0, t.data.ndim),
                                          "dim1": _dim(dim1, t.data.ndim)})


@torch_fn("permute", method="permute")
def permute(input, *dims):
    t = _tensor(input, "permute")
    dims = tuple(_dim(d, t.data.ndim) for d in _shape_args(dims))
    if sorted(dims) != list(range(t.data.ndim)):
        raise runtime("permute(sparse_coo): number of dimensions in the tensor input does not "
                      "match the length of the desired ordering of dimensions i.e. input.dim() = "
                      f"{t.data.ndim} is not equal to len(dims) = {len(dims)}")
    return apply(OPS["permute"], (t,), {"dims": dims})


@attribute("T")
def T(t):
    return apply(OPS["permute"], (t,), {"dims": tuple(range(t.data.ndim))[::-1]})


@attribute("mT")
def mT(t):
    if t.data.ndim == 0:  # torch: deprecated identity, the tensor itself
        return t
    if t.data.ndim == 1:
        raise runtime("tensor.mT is only supported on matrices or batches of matrices. "
                      "Got 1-D tensor.")
    return apply(OPS["mT"], (t,))


@torch_fn("unsqueeze", method="unsqueeze")
def unsqueeze(input, dim):
    t = _tensor(input, "unsqueeze")
    return apply(OPS["unsqueeze"], (t,), {"dim": _dim(dim, t.data.ndim + 1)})


@torch_fn("squeeze", method="squeeze")
def squeeze(input, dim=None):
    t = _tensor(input, "squeeze")
    if dim is None:
        return apply(OPS["squeeze"], (t,))
    return apply(OPS["squeeze_dim"], (t,), {"dim": _dim(dim, t.data.ndim)})


@tensor_method("expand")
def expand(input, *sizes):
    t = input
    sizes = _shape_args(sizes)
    if len(sizes) < t.data.ndim:
        raise runtime(f"expand({dtypes.torch_name(t.data.dtype).replace('torch.', 'torch.')}"
                      f"{{{list(t.data.shape)}}}, size=[{', '.join(map(str, sizes))}]): the number "
                      f"of sizes provided ({len(sizes)}) must be greater or equal to the number of "
                      f"dimensions in the tensor ({t.data.ndim})")
    lead = len(sizes) - t.data.ndim
    shape = []
    for i, s in enumerate(sizes):
        cur = t.data.shape[i - lead] if i >= lead else 1
        if s == -1:
            s = cur
        elif cur != 1 and cur != s:
            raise runtime(f"The expanded size of the tensor ({s}) must match the existing size "
                          f"({cur}) at non-singleton dimension {i}.  Target sizes: "
                          f"[{', '.join(map(str, sizes))}].  Tensor sizes: "
                          f"[{', '.join(map(str, t.data.shape))}]")
        shape.append(s)
    check_elements(shape)
    return apply(OPS["expand"], (t,), {"shape": tuple(shape)})


@tensor_method("expand_as")
def expand_as(input, other):
    return expand(input, *other.data.shape)


def _tensor_list(tensors, fname):
    if not isinstance(tensors, (list, tuple)) or not tensors:
        raise type_error(f"{fname}(): argument 'tensors' (position 1) must be tuple of Tensors")
    for x in tensors:
        _tensor(x, fname, "tensors")
    return list(tensors)


@torch_fn("cat", "concat", "concatenate")
def cat(tensors, dim=0):
    ts = _tensor_list(tensors, "cat")
    for i, x in enumerate(ts):
        if x.data.ndim == 0:
            raise runtime(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    d = _dim(dim, ts[0].data.ndim)
    ref = ts[0].data.shape
    for i, x in enumerate(ts[1:], 1):
        s = x.data.shape
        if len(s) != len(ref):
            raise runtime(f"Tensors must have same number of dimensions: got {len(ref)} and {len(s)}")
        for k in range(len(ref)):
            if k != d and s[k] != ref[k]:
                raise runtime(f"Sizes of tensors must match except in dimension {d}. Expected size "
                              f"{ref[k]} but got size {s[k]} for tensor number {i} in the list.")
    return apply(OPS["cat"], ts, {"dim": d})


@torch_fn("stack")
def stack(tensors, dim=0):
    ts = _tensor_list(tensors, "stack")
    for i, x in enumerate(ts[1:], 1):
        if x.data.shape != ts[0].data.shape:
            raise runtime(f"stack expects each tensor to be equal size, but got "
                          f"[{', '.join(map(str, ts[0].data.shape))}] at entry 0 and "
                          f"[{', '.join(map(str, x.data.shape))}] at entry {i}")
    return apply(OPS["stack"], ts, {"dim": _dim(dim, ts[0].data.ndim + 1)})


@torch_fn("unbind", method="unbind")
def unbind(input, dim=0):
    t = _tensor(input, "unbind")
    if t.data.ndim == 0:
        raise type_error("iteration over a 0-d tensor")
    d = _dim(dim, t.data.ndim)
    return tuple(apply(OPS["unbind"], (t,), {"key": (slice(None),) * d + (i,)})
                 for i in range(t.data.shape[d]))


@torch_fn("clone", method="clone")
def clone(input, memory_format=None):
    return apply(OPS["clone"], (_tensor(input, "clone"),))


@tensor_method("contiguous")
def contiguous(input, memory_format=None):
    """The tensor itself when its layout is contiguous, else a copy (CloneBackward0): the
    numpy strides of the view rows (t, permute, expand, slice) stand for torch's, which
    Tensor.view checks."""
    a = input.data
    if a.flags.c_contiguous or a.size <= 1 or any(st < 0 for st in a.strides):
        return input
    return apply(OPS["clone"], (input,))


@torch_fn("detach", method="detach")
def detach(input):
    # shares the memory AND the version counter (unlike .data): an in-place op on the
    # detached tensor makes the original's saved values stale, as PyTorch reports
    t = _tensor(input, "detach")
    out = Tensor(t.data)
    out._version = versions.counter(t)
    return out


# Tensor.type(): the legacy type names (torch.FloatTensor ...) <-> dtypes
_LEGACY = {"Float": dtypes.FLOAT32, "Double": dtypes.FLOAT64, "Long": dtypes.INT64,
           "Int": np.dtype(np.int32), "Bool": dtypes.BOOL}


@tensor_method("type")
def type_(input, dtype=None, non_blocking=False, **kwargs):
    """x.type() is the legacy type name as a string; x.type(t) casts to a dtype or to a
    legacy name ('torch.DoubleTensor')."""
    for k in kwargs:
        raise type_error(f"type() got an unexpected keyword argument '{k}'")
    if dtype is None:
        names = {v: k for k, v in _LEGACY.items()}
        return f"torch.{names[input.data.dtype]}Tensor"
    if isinstance(dtype, str):
        kind = dtype.removeprefix("torch.").removesuffix("Tensor")
        if not dtype.startswith("torch.") or not dtype.endswith("Tensor") or kind not in _LEGACY:
            raise value_error(f"invalid type: '{dtype}'")
        dtype = _LEGACY[kind]
    return to(input, dtype)


@tensor_method("to")
def to(input, dtype=None, *args, **kwargs):
    _known_keywords("to", kwargs, ("dtype", "device", "non_blocking", "copy", "memory_format"))
    dtype = kwargs.get("dtype", dtype)
    if dtype is None or isinstance(dtype, str) and dtype in ("cpu", "cuda"):
        return input
    target = dtypes.as_dtype(dtype)
    if target == input.data.dtype:
        return input
    return apply(OPS["to_dtype"], (input,), {"dtype": target})


for _m, _dtype in (("float", dtypes.FLOAT32), ("double", dtypes.FLOAT64), ("long", dtypes.INT64),
                   ("int", np.dtype(np.int32)), ("bool", dtypes.BOOL)):
    METHODS[_m] = (lambda dt: lambda input: to(input, dt))(_dtype)


@tensor_method("cpu", "cuda")
def cpu(input, *args, **kwargs):
    _known_keywords("cpu", kwargs, ("device", "non_blocking", "memory_format"))
    return input


def _known_keywords(name, kwargs, known) -> None:
    """PyTorch's TypeError for a keyword the method does not take (the case evaluator
    names the method the user called: cuda, type)."""
    for k in kwargs:
        if k not in known:
            raise type_error(f"{name}() got an unexpected keyword argument '{k}'")
