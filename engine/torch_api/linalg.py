"""torch.X / Tensor.X wrappers of the linear-algebra rows (engine/ops/linalg_products.py):
argument binding from the rows' signatures (PyTorch's TypeErrors), PyTorch's dtype and
shape checks, and the composites PyTorch builds from other ops (outer, inner, tensordot,
kron, diag), so their grad_fn names are PyTorch's (MulBackward0, ViewBackward0, ...)."""

import math

import numpy as np

from ..apply import apply, broadcast_shape
from ..errors import UnsupportedError, runtime, type_error
from ..ops import OPS
from ..ops.signature import Signature
from ..tensor import Tensor
from .args import _dim
from .registry import FUNCTIONS, LINALG_FUNCTIONS, METHODS, torch_fn

_C_NAME = {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int",
           "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
           "float16": "Half"}
_CPP_NAME = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int",
             "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
             "bool": "bool", "float16": "c10::Half"}


def _c(t):
    return _C_NAME.get(t.data.dtype.name, t.data.dtype.name)


def _bind(sig, args, kwargs):
    _, bound = sig.bind(args, kwargs)
    if bound.get("out") is not None:
        raise UnsupportedError(f"{sig.name}(): the out= argument is not supported by gradcli")
    if bound.get("out_dtype") is not None:
        raise UnsupportedError(f"{sig.name}(): the out_dtype argument is not supported by "
                               f"gradcli")
    return bound


def _same_scalar_type(a, b):
    if a.data.dtype != b.data.dtype:
        raise runtime(f"expected scalar type {_c(a)} but found {_c(b)}")


def _sig(name):
    return OPS[name].signature


def _method(fn):
    """Tensor.X from torch.X: self is the first argument."""
    def m(self, *args, **kwargs):
        return fn(self, *args, **kwargs)
    m.__name__ = m.__qualname__ = fn.__name__
    return m


def _register(fn, *names, method=True):
    for n in names:
        FUNCTIONS[n] = fn
        if method:
            METHODS[n] = _method(fn)
    return fn


def bmm(*args, **kwargs):
    b = _bind(_sig("bmm"), args, kwargs)
    x, y = b["input"], b["mat2"]
    if x.data.ndim == 3 and y.data.ndim == 3:
        _same_scalar_type(x, y)
    return apply(OPS["bmm"], (x, y))


def vdot(*args, **kwargs):
    b = _bind(_sig("vdot"), args, kwargs)
    x, y = b["input"], b["other"]
    if x.data.dtype != y.data.dtype:
        raise runtime(f"dot : expected both vectors to have same dtype, but found {_c(x)} and "
                      f"{_c(y)}")
    return apply(OPS["vdot"], (x, y))


def _scalars(b, x):
    beta, alpha = b["beta"], b["alpha"]
    if x.data.dtype.kind in "biu":
        for name, v in (("beta", beta), ("alpha", alpha)):
            if isinstance(v, float):
                raise runtime(f"For integral input tensors, argument {name} must not be a "
                              f"floating point number.")
    return {"beta": beta, "alpha": alpha}


def addmv(*args, **kwargs):
    b = _bind(_sig("addmv"), args, kwargs)
    x, m, v = b["input"], b["mat"], b["vec"]
    if len({x.data.dtype, m.data.dtype, v.data.dtype}) > 1:
        raise runtime(f"addmv input tensors must have the same dtype, but got {_c(x)}, "
                      f"{_c(m)}, and {_c(v)}")
    return apply(OPS["addmv"], (x, m, v), _scalars(b, x))


def addr(*args, **kwargs):
    b = _bind(_sig("addr"), args, kwargs)
    x, u, v = b["input"], b["vec1"], b["vec2"]
    return apply(OPS["addr"], (x, u, v), _scalars(b, x))


def baddbmm(*args, **kwargs):
    b = _bind(_sig("baddbmm"), args, kwargs)
    x, p, q = b["input"], b["batch1"], b["batch2"]
    if len({x.data.dtype, p.data.dtype, q.data.dtype}) > 1:
        cpp = [_CPP_NAME.get(t.data.dtype.name, t.data.dtype.name) for t in (x, p, q)]
        raise runtime(f"Input dtypes must be the same, got: input {cpp[0]}, batch1: {cpp[1]}, "
                      f"batch2: {cpp[2]}")
    return apply(OPS["baddbmm"], (x, p, q), _scalars(b, x))


def trace(*args, **kwargs):
    b = _bind(_sig("trace"), args, kwargs)
    return apply(OPS["trace"], (b["input"],))


def _diag_dims(t, dim1, dim2, ndim):
    d1, d2 = _dim(dim1, ndim), _dim(dim2, ndim)
    if d1 == d2:
        raise runtime(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def diagonal(*args, **kwargs):
    i = _bind(_sig("diagonal"), args, kwargs)
    t = i["input"]
    if "outdim" in i:
        raise UnsupportedError("diagonal(): named dimensions (Dimname) are not supported by "
                               "gradcli")
    d1, d2 = _diag_dims(t, i["dim1"], i["dim2"], t.data.ndim)
    return apply(OPS["diagonal"], (t,), {"offset": i["offset"], "dim1": d1, "dim2": d2})


def diag_embed(*args, **kwargs):
    b = _bind(_sig("diag_embed"), args, kwargs)
    t = b["input"]
    d1, d2 = _diag_dims(t, b["dim1"], b["dim2"], t.data.ndim + 1)
    return apply(OPS["diag_embed"], (t,), {"offset": b["offset"], "dim1": d1, "dim2": d2})


_DIAG = Signature("diag", "(Tensor input, int diagonal = 0, *, Tensor out = None)")


def diag(*args, **kwargs):
    b = _bind(_DIAG, args, kwargs)
    t, k = b["input"], b["diagonal"]
    if t.data.ndim == 1:
        return apply(OPS["diag_embed"], (t,), {"offset": k, "dim1": 0, "dim2": 1})
    if t.data.ndim != 2:
        raise runtime(f"diag(): Supports 1D or 2D tensors. Got {t.data.ndim}D")
    return apply(OPS["diagonal_copy"], (t,), {"offset": k, "dim1": 0, "dim2": 1})


def cross(*args, **kwargs):
    b = _bind(_sig("linalg_cross"), args, kwargs)
    x, y, dim = b["input"], b["other"], b["dim"]
    if dim is None:  # PyTorch: the first dim of size 3 of the broadcast shape
        shape = broadcast_shape(x.data.shape, y.data.shape)
        dim = next((i for i, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise runtime("no dimension of size 3 in input")
    return _linalg_cross(x, y, dim, "linalg.cross")


def _linalg_cross(x, y, dim, name):
    if x.data.ndim != y.data.ndim:
        raise runtime(f"{name}: inputs must have the same number of dimensions.")
    shape = broadcast_shape(x.data.shape, y.data.shape)
    d = _dim(dim, len(shape))
    if x.data.shape[d] != 3 or y.data.shape[d] != 3:
        raise runtime(f"{name}: inputs dimension {dim} must have length 3. Got "
                      f"{x.data.shape[d]} and {y.data.shape[d]}")
    _same_scalar_type(x, y)
    return apply(OPS["linalg_cross"], (x, y), {"dim": d})


_LINALG_CROSS = Signature("linalg_cross", "(Tensor input, Tensor other, *, int dim = -1, "
                          "Tensor out = None)")


def linalg_cross(*args, **kwargs):
    b = _bind(_LINALG_CROSS, args, kwargs)
    return _linalg_cross(b["input"], b["other"], b["dim"], "linalg.cross")


# ---------------------------------------------------------------- composites
_OUTER = Signature("outer", "(Tensor input, Tensor vec2, *, Tensor out = None)")
_INNER = Signature("inner", "(Tensor input, Tensor other, *, Tensor out = None)")
_KRON = Signature("kron", "(Tensor input, Tensor other, *, Tensor out = None)")


def _reshape(t, shape):
    return apply(OPS["reshape"], (t,), {"shape": tuple(shape)})


def outer(*args, **kwargs):
    """PyTorch: input.reshape(-1, 1) * vec2 (grad_fn MulBackward0)."""
    b = _bind(_OUTER, args, kwargs)
    x, y = b["input"], b["vec2"]
    for name, t in (("self", x), ("vec2", y)):
        if t.data.ndim != 1:
            raise runtime(f"outer: Expected 1-D argument {name}, but got {t.data.ndim}-D")
    return apply(OPS["mul"], (_reshape(x, (x.data.shape[0], 1)), y))


def _permuted_reshape(t, perm, shape):
    """t.permute(perm).reshape(shape) as ATen records it: a view of a contiguous result
    (ViewBackward0), _reshape_alias of a non-contiguous one a view can take
    (ReshapeAliasBackward0), else a clone and _unsafe_view (UnsafeViewBackward0)."""
    p = apply(OPS["permute"], (t,), {"dims": tuple(perm)})
    probe = np.empty(t.data.shape, dtype=np.int8).transpose(perm)
    if probe.flags.c_contiguous or probe.size == 0:
        return _reshape(p, shape)
    try:
        np.reshape(probe, shape, copy=False)
    except ValueError:
        return apply(OPS["unsafe_view"], (apply(OPS["clone"], (p,)),), {"shape": tuple(shape)})
    return apply(OPS["reshape_alias_view"], (p,), {"shape": tuple(shape)})


def _tensordot(a, b, da, db):
    """PyTorch's at::tensordot: contracted dims of size 1 summed first, the free dims
    permuted first / last and reshaped to matrices, mm (dot when both sides have one free
    element), reshaped to the free dims (grad_fn ViewBackward0)."""
    na, nb = a.data.ndim, b.data.ndim
    if len(da) != len(db):
        raise runtime("both dimension lists should have same length")
    if a.data.dtype != b.data.dtype:
        raise runtime("both inputs should have same dtype")
    oa, ob = da, db
    da = [_dim(d, na) for d in da]
    db = [_dim(d, nb) for d in db]
    k = 1
    for i, j, oi, oj in zip(da, db, oa, ob, strict=True):
        sa, sb = a.data.shape[i], b.data.shape[j]
        if sb == 1:  # broadcast dims are summed right away
            a = FUNCTIONS["sum"](a, i, True)
        elif sa == 1:
            b = FUNCTIONS["sum"](b, j, True)
        elif sa != sb:
            raise runtime(f"contracted dimensions need to match, but first has size {sa} in "
                          f"dim {oi} and second has size {sb} in dim {oj}")
        else:
            k *= sa
    fa = [i for i in range(na) if i not in da]
    fb = [j for j in range(nb) if j not in db]
    m = math.prod(a.data.shape[i] for i in fa)
    n = math.prod(b.data.shape[j] for j in fb)
    rsizes = [a.data.shape[i] for i in fa] + [b.data.shape[j] for j in fb]
    if m == 1 and n == 1:
        ta = apply(OPS["permute"], (a,), {"dims": tuple(fa + da)})
        tb = apply(OPS["permute"], (b,), {"dims": tuple(db + fb)})
        ta = ta if ta.data.ndim == 1 else _permuted_reshape(a, fa + da, (k,))
        tb = tb if tb.data.ndim == 1 else _permuted_reshape(b, db + fb, (k,))
        return _reshape(apply(OPS["dot"], (ta, tb)), rsizes)
    prod = apply(OPS["mm"], (_permuted_reshape(a, fa + da, (m, k)),
                             _permuted_reshape(b, db + fb, (k, n))))
    return _reshape(prod, rsizes)


def tensordot(a, b, dims=2, out=None):
    if out is not None:
        raise UnsupportedError("tensordot(): the out= argument is not supported by gradcli")
    for pos, (name, t) in enumerate((("a", a), ("b", b)), 1):
        if not isinstance(t, Tensor):
            raise type_error(f"tensordot(): argument '{name}' (position {pos}) must be Tensor, "
                             f"not {type(t).__name__}")
    if isinstance(dims, Tensor):
        raise UnsupportedError("tensordot(): dims given as a Tensor is not supported by gradcli")
    if isinstance(dims, int) and not isinstance(dims, bool):
        if dims < 0:
            raise runtime(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.data.ndim, b.data.ndim):
            raise runtime(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        return _tensordot(a, b, list(range(-dims, 0)), list(range(dims)))
    if isinstance(dims, (list, tuple)) and len(dims) == 2:
        da, db = dims
        da = [da] if isinstance(da, int) else list(da)
        db = [db] if isinstance(db, int) else list(db)
        return _tensordot(a, b, da, db)
    raise runtime("tensordot expects dims to be a pair of lists of dims or an int")


def inner(*args, **kwargs):
    """PyTorch: a 0-d operand multiplies; otherwise tensordot over the last dims."""
    b = _bind(_INNER, args, kwargs)
    x, y = b["input"], b["other"]
    if x.data.ndim == 0 or y.data.ndim == 0:
        return apply(OPS["mul"], (x, y))
    if x.data.shape[-1] != y.data.shape[-1]:
        raise runtime(f"inner() the last dimension must match on both input tensors but got "
                      f"shapes {list(x.data.shape)} and {list(y.data.shape)}")
    return _tensordot(x, y, [-1], [-1])


def kron(*args, **kwargs):
    """PyTorch's kron: both reshaped to interleaved dims, multiplied, _unsafe_view'd
    (grad_fn UnsafeViewBackward0)."""
    b = _bind(_KRON, args, kwargs)
    x, y = b["input"], b["other"]
    nd = max(x.data.ndim, y.data.ndim)
    sa = (1,) * (nd - x.data.ndim) + x.data.shape
    sb = (1,) * (nd - y.data.ndim) + y.data.shape
    va = apply(OPS["unsafe_view"], (x,), {"shape": tuple(v for s in sa for v in (s, 1))})
    vb = apply(OPS["unsafe_view"], (y,), {"shape": tuple(v for s in sb for v in (1, s))})
    prod = apply(OPS["mul"], (va, vb))
    shape = tuple(p * q for p, q in zip(sa, sb, strict=True))
    return apply(OPS["unsafe_view"], (prod,), {"shape": shape})


_register(bmm, "bmm")
_register(vdot, "vdot")
_register(addmv, "addmv")
_register(addr, "addr")
_register(baddbmm, "baddbmm")
_register(trace, "trace")
_register(diagonal, "diagonal")
_register(diag_embed, "diag_embed")
_register(diag, "diag")
_register(cross, "cross")
_register(outer, "outer", "ger")
_register(inner, "inner")
_register(kron, "kron")
torch_fn("tensordot")(tensordot)
LINALG_FUNCTIONS["cross"] = linalg_cross  # torch.linalg (parser/runtime.py's namespace)
