"""Applying an op from the table: dtype promotion, shape checks, the forward, and the
graph node when grad is being recorded. The only place ops become graph nodes."""

import numpy as np

from . import dtypes, grad_mode, versions
from .errors import runtime
from .scalar_math import _INT_EXACT, F32, F64, SCALAR_MATH
from .scalar_math import ENABLED as SM_ENABLED
from .tensor import Node, Tensor

# PyTorch never warns on overflow, 0/0 or log(0): they are values (inf, nan).
np.seterr(all="ignore")

_limits = {"max_elements": 10**8}


def set_max_elements(n: int) -> None:
    _limits["max_elements"] = n


def check_elements(shape: tuple) -> None:
    """Refuse to allocate a tensor beyond --max-elements (before numpy tries)."""
    n = 1
    for s in shape:
        n *= int(s)
    if n > _limits["max_elements"]:
        from .errors import LimitError

        raise LimitError(f"a tensor of shape {tuple(shape)} has {n} elements, more than the "
                         f"limit of {_limits['max_elements']} (raise it with --max-elements)")


def broadcast_shape(a: tuple, b: tuple) -> tuple:
    """The broadcast shape, or PyTorch's error naming the first mismatching dimension."""
    if a == b:
        return a
    n = max(len(a), len(b))
    pa, pb = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    out = []
    for i in range(n - 1, -1, -1):
        x, y = pa[i], pb[i]
        if x != y and x != 1 and y != 1:
            raise runtime(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                          f"at non-singleton dimension {i}")
    for x, y in zip(pa, pb, strict=False):
        out.append(y if x == 1 else x)
    return tuple(out)


def _compute_dtype(op, args) -> np.dtype:
    dims, zero, scalars = [], [], []
    for a in args:
        if isinstance(a, Tensor):
            (dims if a.data.ndim else zero).append(a.data.dtype)
        elif isinstance(a, np.ndarray):
            (dims if a.ndim else zero).append(a.dtype)
        else:
            scalars.append(dtypes.scalar_dtype(a))
    dt = dtypes.result_type(dims, zero, scalars)
    if op.dtype_rule == "float" and dt.kind != "f":
        dt = dtypes.default_float()
    return dt


_NO_PARAMS: dict = {}


def _check_broadcast(a0, a1) -> None:
    """Two arrays of different shapes: the broadcast shape must exist and fit the limit."""
    if type(a0) is np.ndarray and type(a1) is np.ndarray and a0.shape != a1.shape:
        check_elements(broadcast_shape(a0.shape, a1.shape))


def _apply_float(op, args, params):
    """apply() for the commonest case, in one pass: every tensor argument has one floating
    dtype and the rest are Python numbers (weak scalars), so that dtype is the result's
    and the arguments go to numpy as they are (numpy keeps Python numbers weak too).
    None when the general rules are needed."""
    dt = None
    arrays = []
    grad = False
    for a in args:
        ta = type(a)
        if ta is Tensor or isinstance(a, Tensor):  # (nn.Parameter: a Tensor subclass)
            d = a.data
            arrays.append(d)
            if a.requires_grad:
                grad = True
            d = d.dtype
            if dt is None:
                dt = d
            elif d is not dt and d != dt:
                return None
        elif ta is float or ta is int:
            arrays.append(a)
        else:
            return None
    if dt is None or dt.kind != "f":
        return None
    if op.broadcast and len(arrays) == 2:
        _check_broadcast(*arrays)
    out_data = op.forward(*arrays, **params) if params else op.forward(*arrays)
    if type(out_data) is not np.ndarray or (out_data.dtype is not dt and out_data.dtype != dt):
        out_data = np.asarray(out_data, dtype=dt)
    out = Tensor(out_data)
    if grad and op.differentiable and grad_mode._enabled[0]:
        out.requires_grad = True
        out.grad_fn = Node(op, tuple([a if isinstance(a, Tensor) else Tensor(np.asarray(a, dtype=dt))
                                      for a in args]), params)
    return out


def _mark_view(out: Tensor, src) -> None:
    if type(src) is not Tensor:
        return
    base = src._base if src._base is not None else src
    out._base = base
    out._version = versions.counter(base)
    out._view_version = out._version[0]
    if src.requires_grad and not grad_mode._enabled[0]:
        out.requires_grad = True  # a view made under no_grad still requires grad (a leaf)


# engine/forward_ad.py's tangent propagation, installed while a dual level is open
FORWARD_AD = [None]


def apply(op, args, params=None):
    """Run `op` on `args` (tensors, arrays or Python scalars) with keyword `params`."""
    hook = FORWARD_AD[0]
    if hook is not None:
        return hook(_apply, op, args, params)
    if params or len(args) != 2:
        return _apply(op, args, params)
    fn = SCALAR_MATH.get(op.forward)
    if fn is None or not SM_ENABLED[0]:
        return _apply(op, args, params)
    # A binary + - * / row on 0-d float tensors and Python numbers, by numpy's scalar math
    # (engine/scalar_math.py): the values, dtype and node the general path gives, ~1 µs
    # sooner (issue 23). Anything else (other dtypes or shapes, Tensor subclasses, arrays,
    # bools, big ints, the "same" dtype rule) goes the general way.
    rule = op.dtype_rule
    if rule != "promote" and rule != "float":  # ("same" keeps a Python number float64)
        return _apply(op, args, params)
    a, b = args
    dt = None
    grad = False
    if type(a) is Tensor:
        d = a.data
        if type(d) is not np.ndarray or d.ndim:
            return _apply(op, args, params)
        dt = d.dtype
        sa = d[()]
        grad = a.requires_grad
    else:
        sa = a
        ta = type(a)
        if ta is not float and (ta is not int or not -_INT_EXACT <= a <= _INT_EXACT):
            return _apply(op, args, params)
    if type(b) is Tensor:
        d = b.data
        if type(d) is not np.ndarray or d.ndim or (dt is not None and d.dtype is not dt):
            return _apply(op, args, params)
        dt = d.dtype
        sb = d[()]
        if b.requires_grad:
            grad = True
    else:
        sb = b
        tb = type(b)
        if tb is not float and (tb is not int or not -_INT_EXACT <= b <= _INT_EXACT):
            return _apply(op, args, params)
    if dt is not F32 and dt is not F64:  # (None: no tensor at all)
        return _apply(op, args, params)
    r = fn(sa, sb)
    if type(r) is not dt.type or r != r:  # (nan: engine/scalar_math.py's binary)
        return _apply(op, args, params)
    out = Tensor(np.asarray(r))
    if grad and op.differentiable and grad_mode._enabled[0]:
        out.requires_grad = True
        out.grad_fn = Node(op, (a if type(a) is Tensor else Tensor(_constant(a, dt)),
                                b if type(b) is Tensor else Tensor(_constant(b, dt))),
                           _NO_PARAMS)
    return out


# the 0-d arrays of the numbers the scalar path records as constant inputs, per dtype:
# shared read-only (a node's constant is never written; a program reaching one through
# grad_fn._saved_other and updating it in place gets its own array, engine/torch_api's
# inplace rebinds a read-only one), which saves an array per recorded op of a long chain
_CONSTANTS = {F32: {}, F64: {}}


def _constant(c, dt):
    cache = _CONSTANTS[dt]
    arr = cache.get(c)
    if arr is None:
        arr = np.asarray(c, dtype=dt)
        # not 0 (0.0 and -0.0 are one key), nan (never equal to itself), nor unbounded
        if c != 0 and c == c and len(cache) < 4096:
            arr.flags.writeable = False
            cache[c] = arr
    return arr


def _apply(op, args, params=None):
    """Run `op` on `args` (tensors, arrays or Python scalars) with keyword `params`.

    Returns a new Tensor; when grad mode is on, the op is differentiable and some input
    requires grad, the result gets a grad_fn Node recording the inputs."""
    if params is None:
        params = _NO_PARAMS
    rule = op.dtype_rule
    if rule != "same" and rule != "bool":
        out = _apply_float(op, args, params)
        if out is not None:
            return out
    if rule == "same":  # shape ops, reductions: the input's own dtype, no casting
        arrays = [a.data if isinstance(a, Tensor) else np.asarray(a) for a in args]
        out_data = op.forward(*arrays, **params)
    else:
        dt = _compute_dtype(op, args)
        arrays = []
        for a in args:
            arr = a.data if isinstance(a, Tensor) else a
            if not isinstance(arr, np.ndarray) or arr.dtype != dt:
                arr = np.asarray(arr, dtype=dt)
            arrays.append(arr)
        if op.broadcast and len(arrays) == 2:
            _check_broadcast(*arrays)
        out_data = op.forward(*arrays, **params)
        if rule == "bool":
            out_data = np.asarray(out_data, dtype=dtypes.BOOL)
        elif type(out_data) is not np.ndarray or (out_data.dtype is not dt and out_data.dtype != dt):
            out_data = np.asarray(out_data, dtype=dt)
    if type(out_data) is not np.ndarray:
        out_data = np.asarray(out_data)
    out = Tensor(out_data)
    if op.view and out_data.base is not None:  # (a row flag: engine/ops/table.py)
        _mark_view(out, args[0])
    if op.differentiable and grad_mode._enabled[0]:
        for a in args:
            if isinstance(a, Tensor) and a.requires_grad:
                break
        else:
            return out
        if out_data.dtype.kind != "f":  # integer results (argmax-like) carry no graph
            return out
        inputs = []
        for a, arr in zip(args, arrays, strict=False):
            inputs.append(a if isinstance(a, Tensor) else Tensor(np.asarray(arr, dtype=out_data.dtype)
                                                             if rule != "same" else arr))
        out.requires_grad = True
        out.grad_fn = Node(op, tuple(inputs), params)
    return out
