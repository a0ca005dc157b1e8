"""t[key] and t[key] = value as PyTorch applies them, and in-place updates (add_, zero_,
copy_, requires_grad_, ...) with PyTorch's rules about leaves."""

import numpy as np

from .. import dtypes, grad_mode, versions, views
from ..apply import FORWARD_AD, apply, broadcast_shape
from ..errors import index_error, runtime, type_error, value_error
from ..ops import OPS
from ..scalar_math import _INT_EXACT, F32, F64, SCALAR_MATH
from ..scalar_math import ENABLED as SM_ENABLED
from ..tensor import TANGENT, VERSIONED, Tensor
from .args import _scalar_type, _tensor, _type_name
from .arithmetic import _CPP_NAMES, add, clamp, div, mul, neg, pow, sub
from .factories import data_to_array
from .registry import METHODS, tensor_method
from .shapes import expand


# ---------------------------------------------------------------- indexing
def _index_key(t: Tensor, key):
    if not isinstance(key, tuple):
        key = (key,)
    return key


def getitem(t: Tensor, key) -> Tensor:
    """t[key] as PyTorch applies it: basic indices one at a time, left to right (select,
    slice, unsqueeze: so the grad_fn is the last one's), advanced indices as one index op."""
    key = _index_key(t, key)
    if any(isinstance(k, (Tensor, list)) for k in key):
        return _advanced(t, key)
    n_real = sum(1 for k in key if k is not None and k is not Ellipsis)
    if t.data.ndim == 0 and len(key) == 1:  # torch's messages for x[0], x[1:] of a 0-d x
        k = key[0]
        if isinstance(k, (int, np.integer)) and not isinstance(k, bool):
            raise index_error("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                              "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        if isinstance(k, slice):
            raise index_error("slice() cannot be applied to a 0-dim tensor.")
    if n_real > t.data.ndim:
        raise index_error(f"too many indices for tensor of dimension {t.data.ndim}")
    if sum(1 for k in key if k is Ellipsis) > 1:
        raise index_error("an index can only have a single ellipsis ('...')")
    out, dim = t, 0
    for k in key:
        if k is Ellipsis:
            dim += t.data.ndim - n_real
        elif k is None:
            out = apply(OPS["unsqueeze"], (out,), {"dim": dim})
            dim += 1
        elif isinstance(k, (bool, int, np.integer)) and not isinstance(k, bool):
            size = out.data.shape[dim]
            if not -size <= k < size:
                raise index_error(f"index {k} is out of bounds for dimension {dim} with size {size}")
            out = apply(OPS["select"], (out,), {"key": (slice(None),) * dim + (int(k),)})
        elif isinstance(k, slice):
            if k.step is not None and k.step <= 0:
                raise value_error("step must be greater than zero")
            if k != slice(None):
                out = apply(OPS["slice"], (out,), {"key": (slice(None),) * dim + (k,)})
            dim += 1
        else:
            raise index_error("only integers, slices (`:`), ellipsis (`...`), None and long or "
                              "byte Variables are valid indices (got " + _type_name(k) + ")")
    if out is t:
        out = apply(OPS["alias"], (t,), {"key": ()})
    return out


def _advanced(t: Tensor, key):
    np_key = []
    for k in key:
        if isinstance(k, Tensor):
            if k.data.dtype.kind not in "iub":
                raise index_error("tensors used as indices must be long, int, byte or bool tensors")
            np_key.append(k.data)
        elif isinstance(k, list):
            np_key.append(data_to_array(k))
        else:
            np_key.append(k)
    np_key = tuple(np_key)
    try:
        t.data[np_key]
    except IndexError as e:
        raise index_error(str(e)) from None
    return apply(OPS["index"], (t,), {"key": np_key})


def setitem(t: Tensor, key, value) -> None:
    """t[key] = value: an in-place write (allowed where PyTorch allows it without a graph)."""
    if key is False:  # torch: x[False] = v writes nothing and checks nothing
        return
    if t.requires_grad and t._base is None and t.grad_fn is None and grad_mode.is_enabled() \
            and _writes_a_view(t, key):
        raise runtime("a view of a leaf Variable that requires grad is being used in an "
                      "in-place operation.")
    _check_inplace(t)
    if grad_mode.is_enabled() and (t.requires_grad or
                                   isinstance(value, Tensor) and value.requires_grad):
        raise runtime("gradcli does not record index assignment (t[...] = value) in the graph; "
                      "do it under torch.no_grad() or on a tensor that does not require grad")
    key = _index_key(t, key)
    np_key = tuple(k.data if isinstance(k, Tensor) else k for k in key)
    d = t.data
    if not d.flags.writeable and (alias := _overlap_alias(d)) is not None:
        # an expand with repeated elements: torch writes its memory (the base sees it),
        # refusing a basic-index target whose own elements repeat (its copy_)
        if all(k is None or k is Ellipsis or isinstance(k, (int, slice)) for k in np_key) \
                and _overlaps(alias[np_key]):
            raise runtime(_OVERLAP)
        d = alias
    d[np_key] = value.data if isinstance(value, Tensor) else value
    versions.bump(t)


def _writes_a_view(t: Tensor, key) -> bool:
    """Whether torch's setitem writes a view of t (select, unsqueeze, a slice that is not
    the whole dimension) rather than t itself (x[...], x[:], x[idx_tensor]): the leaf
    check then names the view."""
    items = key if isinstance(key, tuple) else (key,)

    def width(k):  # the dims of t an index consumes
        if k is None or k is Ellipsis or isinstance(k, bool):
            return 0
        if isinstance(k, Tensor) and k.data.dtype == dtypes.BOOL:
            return k.data.ndim
        return 1
    shape, dim = t.data.shape, 0
    for i, k in enumerate(items):
        if k is None or k is True or isinstance(k, int) and not isinstance(k, bool):
            return True
        if k is Ellipsis:
            dim = len(shape) - sum(width(r) for r in items[i + 1:])
            continue
        if isinstance(k, slice) and dim < len(shape) \
                and k.indices(shape[dim]) != (0, shape[dim], 1):
            return True
        dim += width(k)
    return False


# ---------------------------------------------------------------- in-place updates
def _check_inplace(t: Tensor):
    if grad_mode.is_enabled() and t.requires_grad:
        base = t._base
        # a view a custom Function returned: its node raises PyTorch's error
        check = getattr(t.grad_fn, "inplace_view_error", None) if base is not None else None
        if check is not None:
            check(t)
        if base is not None and base.grad_fn is None and base.requires_grad:
            raise runtime("a view of a leaf Variable that requires grad is being used in an "
                          "in-place operation.")
        if t.grad_fn is None:
            raise runtime("a leaf Variable that requires grad is being used in an in-place "
                          "operation.")


_OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation.")


def _check_overlap(t: Tensor) -> None:
    """torch refuses an op that writes a tensor whose elements share memory (an expand
    that repeats elements: a read-only numpy broadcast here, so writeable arrays skip it)."""
    if not t.data.flags.writeable and _overlaps(t.data):
        raise runtime(_OVERLAP)


def _overlaps(d) -> bool:
    return any(st == 0 and n > 1 for st, n in zip(d.strides, d.shape, strict=True))


def _overlap_alias(d):
    """A writeable alias of a read-only broadcast of a writeable array (fill_, zero_ and
    index writes, which torch allows there: every shared location gets the same value),
    or None."""
    base = d.base
    if (not d.flags.writeable and isinstance(base, np.ndarray) and base.flags.writeable
            and base.__array_interface__["data"][0] == d.__array_interface__["data"][0]
            and base.dtype == d.dtype):
        return np.lib.stride_tricks.as_strided(base, d.shape, d.strides)
    return None


def inplace(t: Tensor, result: Tensor) -> Tensor:
    """Make `t` hold `result` in place. Without a graph the array itself is overwritten (so
    `.data` views and `.grad` references see it); with one, `t` takes over the result's
    history and the node's reference to the old `t` is moved to a snapshot of it."""
    if TANGENT[0] is not None:  # a dual level is open: t takes the result's tangent
        from ..forward_ad import move_tangent

        move_tangent(t, result)
    rd, td = result.data, t.data
    # torch checks the broadcast shape before the dtype cast (and never resizes t)
    if rd.shape != td.shape and np.broadcast_shapes(td.shape, rd.shape) != td.shape:
        raise runtime(f"output with shape [{', '.join(map(str, td.shape))}] doesn't match the "
                      f"broadcast shape [{', '.join(map(str, rd.shape))}]")
    if rd.dtype is not td.dtype and dtypes.category(rd.dtype) > dtypes.category(td.dtype):
        raise runtime(f"result type {_scalar_type(result.data.dtype)} can't be cast to the desired "
                      f"output type {_scalar_type(t.data.dtype)}")
    if result.grad_fn is not None:
        pre = views.before_inplace(t)  # a view: its base is rebased (CopySlices) below
        # t's history so far moves to a snapshot: the in-place node reads it, and nodes
        # recorded before this op resolve to it by version (engine/versions.py)
        old = Tensor(t.data.copy(), t.requires_grad, t.grad_fn)
        old._version, old._prev = versions.counter(t), t._prev
        fn = result.grad_fn
        vs = fn.versions or (0,) * len(fn.inputs)
        fn.inputs = tuple(old if x is t else x for x in fn.inputs)
        # the snapshot is a frozen copy: the in-place node never finds it modified
        fn.versions = tuple(None if x is old else v for x, v in zip(fn.inputs, vs, strict=True))
        t._prev = (versions.version(t), old)
        if (t.data.flags.writeable and t.data.shape == result.data.shape
                and t.data.dtype == result.data.dtype):
            np.copyto(t.data, result.data)  # views of t see the new values
        else:
            t.data = result.data
        t.grad_fn, t.requires_grad = fn, True
        versions.bump(t)
        fn.versions += (versions.version(t),)  # the result's version this node saved
        if pre is not None:
            views.copy_slices(t, pre, fn)
        return t
    versions.bump(t)
    if td.shape == rd.shape and td.flags.writeable:  # w -= lr * w.grad: no broadcasting
        np.copyto(td, rd, casting="unsafe")
        return t
    if t.data.flags.writeable:  # (the shape check above: result broadcasts to t)
        np.copyto(t.data, result.data, casting="unsafe")
    else:
        t.data = result.data.astype(t.data.dtype)
    return t


_BINARY_INPLACE = ("add_", "sub_", "mul_", "div_")


# x.add_(y), x -= y, ...: the op their out-of-place call runs, for the direct write below
# (FAST_INPLACE: tests turn the direct writes of _fused and zero_ off, to hold them to the
# general path)
FAST_INPLACE = [True]
_FUSED = {"add_": OPS["add"], "sub_": OPS["sub"], "mul_": OPS["mul"], "div_": OPS["div"]}


def _fused(self, op, other):
    """`w -= lr * w.grad` with no graph to record: the op's forward written straight into
    w's array, as inplace() writes the out-of-place result (same forward, same arrays, same
    cast, same version bump). None when the general path is needed."""
    td = self.data
    to = type(other)
    if to is float or to is int:
        od = other
    elif isinstance(other, Tensor):
        od = other.data
        if od.dtype is not td.dtype or od.shape != td.shape or other.requires_grad \
                and grad_mode._enabled[0]:
            return None
    else:
        return None
    if td.dtype.kind != "f" or not td.flags.writeable or TANGENT[0] is not None \
            or FORWARD_AD[0] is not None or self.requires_grad and grad_mode._enabled[0]:
        return None
    if not td.ndim and SM_ENABLED[0]:
        # a 0-d float32/float64 tensor (w -= lr * w.grad of a scalar model): the forward by
        # numpy's scalar math (engine/scalar_math.py: the ufunc's bits for these operands)
        # stored in the array, without the ufunc's 0-d dispatch and the copy; a nan, other
        # dtypes and big ints take the ufunc
        dt = td.dtype
        if dt is F32 or dt is F64:
            if to is int and not -_INT_EXACT <= od <= _INT_EXACT:
                r = None
            else:
                r = SCALAR_MATH[op.forward](td[()], od if type(od) is not np.ndarray else od[()])
            if type(r) is dt.type and r == r:
                td[()] = r
                versions.bump(self)
                return self
    np.copyto(td, op.forward(td, od), casting="unsafe")
    versions.bump(self)
    return self


def _update_lane(op, general):
    """`w -= lr * w.grad` as the guards call it (parser/program/guards.py's inplace): a 0-d
    float32/float64 tensor with no graph to record, updated by a 0-d tensor of its dtype
    or a Python number, by numpy's scalar math stored in its array — _fused's scalar lane
    without the calls in between; anything else (and a nan) is `general`, the method."""
    fn = SCALAR_MATH[op.forward]

    def update(t, v):
        d = t.data
        if type(d) is np.ndarray and not d.ndim and FAST_INPLACE[0] and SM_ENABLED[0] \
                and TANGENT[0] is None and FORWARD_AD[0] is None:
            dt = d.dtype
            if (dt is F32 or dt is F64) and not (t.requires_grad and grad_mode._enabled[0]):
                tv = type(v)
                r = None
                if tv is Tensor:
                    e = v.data
                    if type(e) is np.ndarray and not e.ndim and e.dtype is dt \
                            and not (v.requires_grad and grad_mode._enabled[0]):
                        r = fn(d[()], e[()])
                elif tv is float or tv is int and -_INT_EXACT <= v <= _INT_EXACT:
                    r = fn(d[()], v)
                if type(r) is dt.type and r == r and d.flags.writeable:
                    d[()] = r
                    versions.bump(t)
                    return t
        return general(t, v)
    return update


def _inplace_method(fn, name=None):
    fused = _FUSED.get(name)

    def method(self, *args, **kwargs):
        if fused is not None and len(args) == 1 and not kwargs and FAST_INPLACE[0]:
            done = _fused(self, fused, args[0])
            if done is not None:
                return done
        if name in _BINARY_INPLACE and (args[0] if args else kwargs.get("other", 0)) is None:
            raise type_error(f"{name}(): argument 'other' (position 1) must be Tensor, not "
                             f"NoneType")
        _check_inplace(self)
        _check_overlap(self)
        return inplace(self, fn(self, *args, **kwargs))
    return method


def _clamp_inplace(self, *args, **kwargs):
    """clamp_ with Number bounds names the output type as the C++ type (torch's clamp
    kernel's own check: 'desired output type long int'); Tensor bounds reach inplace()."""
    result = clamp(self, *args, **kwargs)
    rd, td = result.data.dtype, self.data.dtype
    if dtypes.category(rd) > dtypes.category(td) and not any(
            isinstance(a, Tensor) for a in (*args, *kwargs.values())):
        raise runtime(f"result type {_scalar_type(rd)} can't be cast to the desired output "
                      f"type {_CPP_NAMES.get(td.name, td.name)}")
    return result


for _m, _fn in (("add_", add), ("sub_", sub), ("mul_", mul), ("div_", div), ("pow_", pow),
                ("clamp_", _clamp_inplace), ("neg_", neg)):
    METHODS[_m] = _inplace_method(_fn, _m)
# x += v, x -= v, x *= v, x /= v of a program (guards.inplace), by the methods' names
UPDATE_LANES = {_m: _update_lane(_op, METHODS[_m]) for _m, _op in _FUSED.items()}
METHODS["relu_"] = _inplace_method(lambda t: apply(OPS["relu"], (t,)))
METHODS["sqrt_"] = _inplace_method(lambda t: apply(OPS["sqrt"], (t,)))


@tensor_method("zero_")
def zero_(self):
    if FAST_INPLACE[0] and not self.requires_grad and TANGENT[0] is None \
            and FORWARD_AD[0] is None and self.data.flags.writeable:
        # no graph to record (w.grad.zero_()), nothing for _check_inplace to refuse (it
        # refuses only tensors that require grad): what inplace() does with the zeros
        v = self._version  # versions.bump, inline
        if v is None:
            self._version = [1]
        else:
            v[0] += 1
        VERSIONED[0] = True
        self.data.fill(0)
        return self
    _check_inplace(self)
    if _fill_through(self, 0):
        return self
    if FAST_INPLACE[0] and TANGENT[0] is None and FORWARD_AD[0] is None \
            and not (self.requires_grad and grad_mode._enabled[0]) \
            and self.data.flags.writeable:
        versions.bump(self)
        self.data.fill(0)
        return self
    # with a graph: ZeroBackward0 (zero grad), and a view's base gets CopySlices
    return inplace(self, apply(OPS["zero_inplace"], (self,)))


def _fill_through(t: Tensor, v) -> bool:
    """zero_/fill_ of an expand with repeated elements, no graph to record: torch writes
    the shared memory (the base sees it), where rebinding t's array would not."""
    if t.data.flags.writeable or TANGENT[0] is not None or FORWARD_AD[0] is not None \
            or t.requires_grad and grad_mode._enabled[0]:
        return False
    alias = _overlap_alias(t.data)
    if alias is None:
        return False
    alias.fill(v)
    versions.bump(t)
    return True


@tensor_method("fill_")
def fill_(self, value):
    _check_inplace(self)
    v = value.data if isinstance(value, Tensor) else value
    _check_fits(v, self.data.dtype)
    if not isinstance(value, Tensor) and _fill_through(self, v):
        return self
    if isinstance(value, Tensor) and value.requires_grad:
        return inplace(self, Tensor(np.full_like(self.data, v)))
    return inplace(self, apply(OPS["fill_inplace"], (self,), {"value": v}))


def _check_fits(v, dt) -> None:
    """torch refuses a fill value beyond the dtype's range (inf and nan are values)."""
    if isinstance(v, (float, int)) and not isinstance(v, bool):
        kind = dt.kind
        if kind == "f" and np.isfinite(v) and abs(v) > float(np.finfo(dt).max):
            over = True
        elif kind in "iu":
            info = np.iinfo(dt)
            over = not info.min <= v <= info.max
        else:
            over = False
        if over:
            name = {"float32": "float", "float64": "double", "float16": "c10::Half",
                    "int64": "int64_t", "int32": "int", "int16": "int16_t", "int8": "int8_t",
                    "uint8": "uint8_t"}.get(dt.name, dt.name)
            raise runtime(f"value cannot be converted to type {name} without overflow")


@tensor_method("copy_")
def copy_(self, src):
    _check_inplace(self)
    _check_overlap(self)
    src = _tensor(src, "copy_", "src")
    if broadcast_shape(self.data.shape, src.data.shape) != self.data.shape:
        raise runtime(f"output with shape [{', '.join(map(str, self.data.shape))}] doesn't "
                      f"match the broadcast shape "
                      f"[{', '.join(map(str, broadcast_shape(self.data.shape, src.data.shape)))}]")
    if grad_mode.is_enabled() and src.requires_grad:
        return inplace(self, apply(OPS["copy"], (expand(src, *self.data.shape),)))
    return inplace(self, Tensor(np.broadcast_to(src.data, self.data.shape).astype(self.data.dtype)))


@tensor_method("requires_grad_")
def requires_grad_(self, requires_grad=True):
    set_requires_grad(self, requires_grad)
    return self


def set_requires_grad(t: Tensor, value) -> None:
    if t.grad_fn is not None and not value:
        raise runtime("you can only change requires_grad flags of leaf variables. If you want to "
                      "use a computed variable in a subgraph that doesn't require differentiation "
                      "use var_no_grad = var.detach().")
    if value and t.data.dtype.kind != "f":
        raise runtime("only Tensors of floating point dtype can require gradients")
    if t.grad_fn is None:
        t.requires_grad = bool(value)


@tensor_method("retain_grad")
def retain_grad(self):
    if not self.requires_grad:
        raise runtime("can't retain_grad on Tensor that has requires_grad=False")
    if self.grad_fn is not None:
        self.retains_grad = True
