"""Wrappers of issue 18's shape and indexing ops: each checks its arguments with PyTorch's
messages, normalizes dims and indices, and applies a row of the op table (engine/ops/
shape_index.py, or shape.py's slice/select/permute/expand/flip/reshape/cat, whose grad_fn
names torch shows for narrow, select, movedim, broadcast_to, flip, hstack, ...)."""

import math

import numpy as np

from ..apply import apply, check_elements
from ..errors import UnsupportedError, index_error, runtime, type_error
from ..ops import OPS
from ..tensor import Tensor
from . import shapes
from .args import _dim, _tensor, _type_name
from .parsed import surface
from .registry import tensor_method, torch_fn
from .shapes import cat, expand, reshape, unsqueeze


def _ints(v, fname, argname):
    v = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    for x in v:
        if not isinstance(x, int) or isinstance(x, bool):
            raise type_error(f"{fname}(): argument '{argname}' must be tuple of ints, but found "
                             f"element of type {_type_name(x)}")
    return v


def _distinct(dims, ndim):
    out = tuple(_dim(d, ndim) for d in dims)
    for d in out:
        if out.count(d) > 1:
            raise runtime(f"dim {d} appears multiple times in the list of dims")
    return out


def _shape(shape):
    return f"[{', '.join(map(str, shape))}]"


# ---------------------------------------------------------------- views and layout
def _viewable(arr, shape):
    """torch's computeStride: can `arr` (its numpy strides stand for torch's) be viewed as
    `shape` without copying? Negative strides (numpy's flip, a copy in torch) count as
    contiguous."""
    if arr.size == 0 or arr.flags.c_contiguous or any(s < 0 for s in arr.strides):
        return True
    old = [(n, st // arr.itemsize) for n, st in zip(arr.shape, arr.strides, strict=True)]
    new_i = len(shape) - 1
    chunk_base = old[-1][1]
    tensor_numel, view_numel = 1, 1
    for i in range(len(old) - 1, -1, -1):
        tensor_numel *= old[i][0]
        if i == 0 or (old[i - 1][0] != 1 and old[i - 1][1] != tensor_numel * chunk_base):
            while new_i >= 0 and (view_numel < tensor_numel or shape[new_i] == 1):
                view_numel *= shape[new_i]
                new_i -= 1
            if view_numel != tensor_numel:
                return False
            if i > 0:
                chunk_base = old[i - 1][1]
                tensor_numel, view_numel = 1, 1
    return new_i == -1


@tensor_method("view")
def view(input, *shape, dtype=None):
    if dtype is not None or len(shape) == 1 and not isinstance(shape[0], (int, tuple, list)):
        raise UnsupportedError("view(dtype): reinterpreting a tensor's bytes as another dtype "
                               "is not supported by gradcli")
    out = reshape(input, *shape)
    if not _viewable(input.data, out.data.shape):
        raise runtime("view size is not compatible with input tensor's size and stride (at least "
                      "one dimension spans across two contiguous subspaces). Use .reshape(...) "
                      "instead.")
    return out


@surface("unflatten", "(Tensor input, int dim, tuple of ints sizes)", torch=("unflatten",),
         methods=("unflatten",))
def unflatten(input, dim, sizes):
    t = _tensor(input, "unflatten")
    d = _dim(dim, t.data.ndim)
    sizes = _ints(sizes, "unflatten", "sizes")
    if not sizes:
        raise runtime("unflatten: sizes must be non-empty")
    n = t.data.shape[d] if t.data.ndim else 1
    known = math.prod(s for s in sizes if s != -1)
    if sizes.count(-1) == 1 and known and n % known == 0:
        sizes = tuple(n // known if s == -1 else s for s in sizes)
    if -1 in sizes or math.prod(sizes) != n:
        raise runtime(f"unflatten: Provided sizes {_shape(sizes)} don't multiply up to the size "
                      f"of dim {dim} ({n}) in the input tensor")
    shp = t.data.shape
    return apply(OPS["reshape"], (t,), {"shape": shp[:d] + sizes + shp[d + 1:]})


@surface("movedim", "(Tensor input, int source, int destination)",
         "(Tensor input, tuple of ints source, tuple of ints destination)",
         torch=("movedim", "moveaxis"), methods=("movedim", "moveaxis"))
def movedim(input, source, destination):
    t = _tensor(input, "movedim")
    nd = t.data.ndim
    src, dst = _ints(source, "movedim", "source"), _ints(destination, "movedim", "destination")
    if len(src) != len(dst):
        raise runtime(f"movedim: Invalid source or destination dims: source ({list(src)} dims) "
                      f"should contain the same number of dims as destination ({list(dst)} dims)")
    s = tuple(_dim(x, nd) for x in src)
    d = tuple(_dim(x, nd) for x in dst)
    for name, v in (("source", s), ("destination", d)):
        if len(set(v)) != len(v):
            raise runtime(f"movedim: repeated dim in `{name}` ({list(v)})")
    if nd == 0:
        return apply(OPS["alias"], (t,), {"key": ()})
    order = [None] * nd
    for a, b in zip(s, d, strict=True):
        order[b] = a
    rest = iter(i for i in range(nd) if i not in s)
    order = tuple(next(rest) if o is None else o for o in order)
    return apply(OPS["permute"], (t,), {"dims": order})


@surface("broadcast_to", "(Tensor input, tuple of ints size)", torch=("broadcast_to",),
         methods=("broadcast_to",))
def broadcast_to(input, size):
    return expand(_tensor(input, "broadcast_to"), *_ints(size, "broadcast_to", "size"))


@surface("flip", "(Tensor input, tuple of ints dims)", torch=("flip",), methods=("flip",),
         pack=True)
def flip(input, dims):
    t = _tensor(input, "flip")
    dims = _distinct(_ints(dims, "flip", "dims"), t.data.ndim)
    return apply(OPS["flip"], (t,), {"dims": dims if t.data.ndim else ()})


@surface("fliplr", "(Tensor input)", torch=("fliplr",), methods=("fliplr",))
def fliplr(input):
    t = _tensor(input, "fliplr")
    if t.data.ndim < 2:
        raise runtime("Input must be >= 2-d.")
    return apply(OPS["flip"], (t,), {"dims": (1,)})


@surface("flipud", "(Tensor input)", torch=("flipud",), methods=("flipud",))
def flipud(input):
    t = _tensor(input, "flipud")
    if t.data.ndim < 1:
        raise runtime("Input must be >= 1-d.")
    return apply(OPS["flip"], (t,), {"dims": (0,)})


@surface("roll", "(Tensor input, tuple of ints shifts, tuple of ints dims = [])",
         torch=("roll",), methods=("roll",))
def roll(input, shifts, dims=()):
    t = _tensor(input, "roll")
    shifts = _ints(shifts, "roll", "shifts")
    dims = _ints(dims, "roll", "dims") if dims is not None else ()
    if len(shifts) != len(dims) and not (not dims and len(shifts) == 1):
        raise runtime(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    dims = tuple(_dim(d, t.data.ndim) for d in dims)
    return apply(OPS["roll"], (t,), {"shifts": shifts, "dims": dims})


@surface("rot90", "(Tensor input, int k = 1, tuple of ints dims = [0,1])", torch=("rot90",),
         methods=("rot90",))
def rot90(input, k=1, dims=(0, 1)):
    t = _tensor(input, "rot90")
    dims = _ints(dims, "rot90", "dims")
    if len(dims) != 2:
        raise runtime(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if t.data.ndim < 2:
        raise runtime(f"expected total dims >= 2, but got total dims = {t.data.ndim}")
    d0, d1 = (_dim(d, t.data.ndim) for d in dims)
    if d0 == d1:
        raise runtime(f"expected rotation dims to be different, but got dim0 = {d0} and "
                      f"dim1 = {d1}")
    return apply(OPS["rot90"], (t,), {"k": k % 4, "dims": (d0, d1)})


# ---------------------------------------------------------------- repeats and stacks
@surface("repeat", "(Tensor input, tuple of ints repeats)", methods=("repeat",), pack=True)
def repeat(input, repeats):
    reps = _ints(repeats, "repeat", "repeats")
    if len(reps) < input.data.ndim:
        raise runtime("Number of dimensions of repeat dims can not be smaller than number of "
                      "dimensions of tensor")
    full = (1,) * (len(reps) - input.data.ndim) + input.data.shape
    shape = [r * s for r, s in zip(reps, full, strict=True)]
    for s in shape:
        if s < 0:
            raise runtime(f"Trying to create tensor with negative dimension {s}: {shape}")
    check_elements(shape)
    return apply(OPS["repeat"], (input,), {"repeats": reps})


@surface("tile", "(Tensor input, tuple of ints dims)", torch=("tile",), methods=("tile",))
def tile(input, dims):
    t = _tensor(input, "tile")
    reps = _ints(dims, "tile", "dims")
    reps = (1,) * (t.data.ndim - len(reps)) + reps
    return repeat(t, reps)


@surface("repeat_interleave",
         "(Tensor input, Tensor repeats, int? dim = None, *, int? output_size = None)",
         "(Tensor repeats, *, int? output_size = None)",
         "(Tensor input, int repeats, int? dim = None, *, int? output_size = None)",
         torch=("repeat_interleave",), methods=("repeat_interleave",))
def repeat_interleave(input=None, repeats=None, dim=None, *, output_size=None):
    if input is None:
        raise UnsupportedError("repeat_interleave(repeats): the one-argument form is not "
                               "supported by gradcli")
    if output_size is not None:
        raise UnsupportedError("repeat_interleave(): output_size= is not supported by gradcli")
    t = input
    if isinstance(repeats, Tensor):
        reps = repeats.data.astype(np.int64).reshape(-1)
    elif isinstance(repeats, int) and not isinstance(repeats, bool):
        reps = np.array([repeats])
    else:
        raise UnsupportedError("repeat_interleave(repeats): only an int or a tensor of repeats "
                               "is supported by gradcli")
    if np.any(reps < 0):
        raise runtime("Repeats must be non-negative")
    if dim is None:
        t, d = reshape(t, -1), 0
    else:
        d = _dim(dim, t.data.ndim)
    n = t.data.shape[d] if t.data.ndim else 1
    if reps.size == 1:
        reps = np.repeat(reps, n)
    elif reps.size != n:
        raise runtime(f"repeats must have the same size as input along dim, but got "
                      f"repeats.size(0) = {reps.size} and input.size({d}) = {n}")
    if isinstance(repeats, int) and t.data.ndim:
        # torch: unsqueeze, expand, clone, flatten (ViewBackward0 on top)
        u = unsqueeze(t, d + 1)
        shape = list(u.data.shape)
        shape[d + 1] = repeats
        c = apply(OPS["clone"], (expand(u, *shape),))
        return reshape(c, *(t.data.shape[:d] + (n * repeats,) + t.data.shape[d + 1:]))
    index = np.repeat(np.arange(n), reps)
    if t.data.ndim == 0:
        t = reshape(t, 1)
    return apply(OPS["index_select"], (t,), {"dim": d, "index": index})


def _at_least(tensors, n, fname):
    single = isinstance(tensors, Tensor)
    ts = (tensors,) if single else tuple(tensors)
    out = []
    for x in ts:
        x = _tensor(x, fname)
        nd = x.data.ndim
        if nd >= n:
            out.append(x)
        elif nd == 0:
            out.append(reshape(x, *(1,) * n))
        elif n == 2 or nd == 2:  # (k,) -> (1, k); (a, b) -> (a, b, 1)
            out.append(unsqueeze(x, 0 if n == 2 else -1))
        else:  # 1-d to 3-d: (1, k, 1)
            out.append(unsqueeze(unsqueeze(x, 0), -1))
    return out[0] if single else tuple(out)


def _at_least_fn(n):
    def fn(*tensors):
        if len(tensors) == 1:
            return _at_least(tensors[0], n, f"atleast_{n}d")
        return _at_least(tensors, n, f"atleast_{n}d")
    fn.__name__ = f"atleast_{n}d"
    return fn


for _n in (1, 2, 3):
    torch_fn(f"atleast_{_n}d")(_at_least_fn(_n))


def _stack_list(tensors, fname):
    if not isinstance(tensors, (list, tuple)):
        raise type_error(f"{fname}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                         f"not {_type_name(tensors)}")
    if not tensors:
        raise runtime(f"{fname} expects a non-empty TensorList")
    return [_tensor(x, fname, "tensors") for x in tensors]


@torch_fn("hstack")
def hstack(tensors):
    ts = list(_at_least(_stack_list(tensors, "hstack"), 1, "hstack"))
    return cat(ts, 0 if ts[0].data.ndim == 1 else 1)


@torch_fn("vstack", "row_stack")
def vstack(tensors):
    return cat(list(_at_least(_stack_list(tensors, "vstack"), 2, "vstack")), 0)


@torch_fn("dstack")
def dstack(tensors):
    return cat(list(_at_least(_stack_list(tensors, "dstack"), 3, "dstack")), 2)


# ---------------------------------------------------------------- pieces
def _split_at(t, d, sizes, op):
    out, start = [], 0
    for s in sizes:
        key = (slice(None),) * d + (slice(start, start + s),)
        out.append(apply(OPS[op], (t,), {"key": key}))
        start += s
    return tuple(out)


@torch_fn("split", method="split")
def split(tensor, split_size_or_sections, dim=0):
    t = _tensor(tensor, "split", "tensor")
    if t.data.ndim == 0:
        raise runtime("split expects at least a 1-dimensional tensor")
    d = _dim(dim, t.data.ndim)
    n = t.data.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = _ints(split_size_or_sections, "split_with_sizes", "split_sizes")
        for s in sizes:
            if s < 0:
                raise runtime(f"split_with_sizes expects split_sizes have only non-negative "
                              f"entries, but got split_sizes={list(sizes)}")
        if sum(sizes) != n:
            raise runtime(f"split_with_sizes expects split_sizes to sum exactly to {n} (input "
                          f"tensor's size at dimension {d}), but got split_sizes={list(sizes)}")
        return _split_at(t, d, sizes, "split_with_sizes")
    s = _ints(split_size_or_sections, "split", "split_size")[0]
    if s < 0:
        raise runtime(f"split expects split_size be non-negative, but got split_size={s}")
    if s == 0:
        if n:
            raise runtime(f"split_size can only be 0 if dimension size is 0, but got dimension "
                          f"size of {n}")
        return _split_at(t, d, [0], "split")
    count = max(-(-n // s), 1)
    return _split_at(t, d, [min(s, n - i * s) for i in range(count)], "split")


@surface("chunk", "(Tensor input, int chunks, int dim = 0)", torch=("chunk",), methods=("chunk",))
def chunk(input, chunks, dim=0):
    t = _tensor(input, "chunk")
    if t.data.ndim == 0:
        raise runtime("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise runtime(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = _dim(dim, t.data.ndim)
    n = t.data.shape[d]
    if n == 0:  # torch: `chunks` empty pieces, by split_with_sizes
        return _split_at(t, d, [0] * chunks, "split_with_sizes")
    return split(t, -(-n // chunks), d)


@surface("narrow", "(Tensor input, int dim, Tensor start, int length)",
         "(Tensor input, int dim, int start, int length)", torch=("narrow",), methods=("narrow",))
def narrow(input, dim, start, length):
    t = _tensor(input, "narrow")
    if t.data.ndim == 0:
        raise runtime("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:
        raise runtime("narrow(): length must be non-negative.")
    d = _dim(dim, t.data.ndim)
    n = t.data.shape[d]
    if isinstance(start, Tensor):
        start = int(start.data)
    if not -n <= start <= n:
        raise index_error(f"start out of range (expected to be in range of [{-n}, {n}], but got "
                          f"{start})")
    if start < 0:
        start += n
    if start + length > n:
        raise runtime(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return apply(OPS["slice"], (t,), {"key": (slice(None),) * d + (slice(start, start + length),)})


@surface("select", "(Tensor input, int dim, int index)", torch=("select",), methods=("select",))
def select(input, dim, index):
    t = _tensor(input, "select")
    if t.data.ndim == 0:
        raise index_error("select() cannot be applied to a 0-dim tensor.")
    d = _dim(dim, t.data.ndim)
    n = t.data.shape[d]
    if not -n <= index < n:
        raise index_error(f"select(): index {index} out of range for tensor of size "
                          f"{_shape(t.data.shape)} at dimension {d}")
    return apply(OPS["select"], (t,), {"key": (slice(None),) * d + (index % n,)})


@surface("unfold", "(Tensor input, int dimension, int size, int step)", methods=("unfold",))
def unfold(input, dimension, size, step):
    t = input
    d = _dim(dimension, t.data.ndim)
    n = t.data.shape[d] if t.data.ndim else 1
    if size > n:
        raise runtime(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise runtime(f"step is {step} but must be > 0")
    if size < 0:
        raise runtime(f"size is {size} but must be >= 0")
    return apply(OPS["unfold"], (t,), {"dimension": d, "size": size, "step": step})


@torch_fn("squeeze", method="squeeze")  # replaces shapes.squeeze: adds the tuple of dims
def squeeze(input, dim=None):
    if isinstance(dim, (tuple, list)):
        return squeeze_dims(_tensor(input, "squeeze"), dim)
    return shapes.squeeze(input, dim)


def squeeze_dims(t, dims):
    """squeeze(input, (d0, d1, ...)): SqueezeBackward2."""
    nd = t.data.ndim
    dims = _distinct(_ints(dims, "squeeze", "dim"), nd)
    return apply(OPS["squeeze_dims"], (t,), {"dims": dims if nd else ()})
