"""torch.linalg.vector_norm, matrix_norm and norm, and torch.norm / Tensor.norm, dispatched
as PyTorch does (aten/src/ATen/native/LinearAlgebra.cpp and torch/functional.py's norm):
a vector norm is the one LinalgVectorNormBackward0 row of its order; a matrix norm is the
composite PyTorch builds (fro: vector_norm; nuc: svdvals(...).sum(-1), SumBackward1; 2 and
-2: svdvals(...).amax / amin(-1); 1, -1, inf, -inf: vector_norm(ord=1) over one dim, then
amax / amin over the other), so every grad_fn in the graph is PyTorch's."""

import math

import numpy as np

from .. import dtypes
from ..apply import apply
from ..errors import UnsupportedError, runtime, type_error
from ..ops import OPS
from ..ops.signature import Signature
from ..tensor import Tensor
from . import reductions as _reductions  # noqa: F401  (its torch.norm is replaced below)
from .args import _dim, _scalar_type
from .reduce_dims import _reduction_dims
from .registry import FUNCTIONS, LINALG_FUNCTIONS, METHODS

_OPTS = "bool keepdim = False, *, torch.dtype dtype = None, Tensor out = None"
_VECTOR = Signature("linalg_vector_norm", "(Tensor input, Number ord = 2, tuple of ints? dim = "
                    f"None, {_OPTS})")
# torch prints dim's default as {-2,-1}; a signature's defaults are Python literals
_MATRIX = Signature("linalg_matrix_norm",
                    f"(Tensor input, Number ord, tuple of ints dim = [-2,-1], {_OPTS})",
                    f"(Tensor input, str ord = 'fro', tuple of ints dim = [-2,-1], {_OPTS})")
_NORM = Signature("linalg_norm",
                  f"(Tensor input, Number? ord = None, tuple of ints? dim = None, {_OPTS})",
                  f"(Tensor input, str ord, tuple of ints? dim = None, {_OPTS})")


def _scalar(v) -> str:
    """A c10::Scalar as an ostream prints it (6 significant digits, no trailing .0)."""
    if isinstance(v, (int, str)):
        return str(v)
    return "inf" if v == math.inf else "-inf" if v == -math.inf else "nan" if v != v else f"{v:g}"


def _no_out(b, name):
    if b.get("out") is not None:
        raise UnsupportedError(f"{name}(): the out= argument is not supported by gradcli")


def _check_dtype(t, dtype, name):
    """check_linalg_norm_dtype: the input must convert to dtype without narrowing."""
    if dtype is None:
        return None
    want = np.dtype(dtypes.as_dtype(dtype))
    if want.kind != "f" or want.itemsize < t.data.dtype.itemsize:
        raise runtime(f"{name}: the dtype of the input ({_scalar_type(t.data.dtype)}) should "
                      f"be convertible without narrowing to the specified dtype "
                      f"({_scalar_type(want)})")
    return None if want == t.data.dtype else want


def _floating(t, name):
    if t.data.dtype.kind != "f":
        raise runtime(f"{name}: Expected a floating point or complex tensor as input. "
                      f"Got {_scalar_type(t.data.dtype)}")


# ---------------------------------------------------------------- vector norms
def vector_norm_core(t, ord=2, dim=None, keepdim=False, dtype=None):
    if not isinstance(t, Tensor):
        raise type_error(f"linalg_vector_norm(): argument 'input' (position 1) must be Tensor, "
                         f"not {type(t).__name__}")
    _floating(t, "linalg.vector_norm")
    dtype = _check_dtype(t, dtype, "linalg.vector_norm")
    shown, ord = _scalar(ord), float(ord)
    given = () if dim is None else tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
    if (math.isinf(ord) and ord > 0 or ord < 0) and t.data.size == 0:
        if not given:
            raise runtime(f"linalg.vector_norm cannot compute the {shown} norm on an empty tensor "
                          f"because the operation does not have an identity")
        for d in given:
            if t.data.shape[_dim(d, t.data.ndim)] == 0:  # (torch's message: no space)
                raise runtime(f"linalg.vector_norm cannot compute the {shown} norm on the "
                              f"dimension {d}because this dimension is empty and the operation "
                              f"does not have an identity")
    dims = None if dim is None else _reduction_dims(dim, t.data.ndim)
    if ord == 2 and dtype is None:  # the two rows of the 2-norm (their forwards are numerics')
        if dims is None and keepdim and t.data.ndim:
            dims = tuple(range(t.data.ndim))
        if dims is None:
            return apply(OPS["norm"], (t,))
        return apply(OPS["norm_dim"], (t,), {"dims": dims, "keepdim": bool(keepdim)})
    params = {"ord": ord, "dims": dims, "keepdim": bool(keepdim)}
    if dtype is not None:
        params["dtype"] = dtype
    return apply(OPS["norm_p"], (t,), params)


def vector_norm(*args, **kwargs):
    _, b = _VECTOR.bind(args, kwargs)
    _no_out(b, "linalg.vector_norm")
    return vector_norm_core(b["input"], b["ord"], b["dim"], b["keepdim"], b["dtype"])


# ---------------------------------------------------------------- matrix norms
def _matrix_checks(t, dim, dtype, name="linalg.matrix_norm"):
    if t.data.ndim < 2:
        raise runtime(f"{name}: The input tensor A must have at least 2 dimensions.")
    _floating(t, name)
    dim = list(dim) if isinstance(dim, (tuple, list)) else [dim]
    if len(dim) != 2:
        raise runtime(f"{name}: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    dim = [_dim(d, t.data.ndim) for d in dim]
    if dim[0] == dim[1]:
        raise runtime(f"{name}: dims must be different. Got ({dim[0]}, {dim[1]})")
    _check_dtype(t, dtype, name)
    return dim


def _backshift(d0, d1, ndim):
    """create_dim_backshift_permutation: the other dims in order, then d0, d1."""
    return [d for d in range(ndim) if d not in (d0, d1)] + [d0, d1]


def _svdvals_reduced(t, dim, keepdim, dtype, reduce):
    """nuc / 2 / -2: the singular values of the matrices at dims (moved last), reduced."""
    if dtype is not None and np.dtype(dtypes.as_dtype(dtype)) != t.data.dtype:
        t = METHODS["to"](t, dtype)
    perm = _backshift(dim[0], dim[1], t.data.ndim)
    s = LINALG_FUNCTIONS["svdvals"](METHODS["permute"](t, perm))
    r = reduce(s, -1, keepdim)
    if keepdim:
        back = [perm.index(i) for i in range(len(perm))]
        r = METHODS["permute"](METHODS["unsqueeze"](r, -1), back)
    return r


def matrix_norm_core(t, ord="fro", dim=(-2, -1), keepdim=False, dtype=None):
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise runtime(f"linalg.matrix_norm: Order {ord} not supported.")
        dim = _matrix_checks(t, dim, dtype)
        if ord == "fro":
            return vector_norm_core(t, 2, dim, keepdim, dtype)
        return _svdvals_reduced(t, dim, keepdim, dtype,
                                lambda s, d, k: FUNCTIONS["sum"](s, d, k))
    o = float(ord)
    if abs(o) not in (1.0, 2.0, math.inf):
        raise runtime(f"linalg.matrix_norm: Order {_scalar(ord)} not supported.")
    dim = _matrix_checks(t, dim, dtype)
    extreme = FUNCTIONS["amax"] if o > 0 else FUNCTIONS["amin"]
    if o == 2.0 and min(t.data.shape[dim[0]], t.data.shape[dim[1]]) == 0:
        # no singular values: PyTorch's zeros, outside autograd (-2 raises amin's error)
        shape = [1 if i in dim else n for i, n in enumerate(t.data.shape)
                 if keepdim or i not in dim]
        return Tensor(np.zeros(shape, t.data.dtype if dtype is None else dtypes.as_dtype(dtype)))
    if abs(o) == 2.0:
        return _svdvals_reduced(t, dim, keepdim, dtype, lambda s, d, k: extreme(s, d, k))
    if math.isinf(o):  # the inf norm is the 1 norm of the transpose
        dim = [dim[1], dim[0]]
    if not keepdim and dim[0] < dim[1]:  # the first reduction shifts the second dim
        dim[1] -= 1
    return extreme(vector_norm_core(t, 1.0, [dim[0]], keepdim, dtype), dim[1], keepdim)


def matrix_norm(*args, **kwargs):
    _, b = _MATRIX.bind(args, kwargs)
    _no_out(b, "linalg.matrix_norm")
    return matrix_norm_core(b["input"], b["ord"], b["dim"], b["keepdim"], b["dtype"])


def linalg_norm(*args, **kwargs):
    i, b = _NORM.bind(args, kwargs)
    _no_out(b, "linalg.norm")
    x, ord, dim, keepdim, dtype = b["input"], b["ord"], b["dim"], b["keepdim"], b["dtype"]
    ndim = x.data.ndim
    if dim is not None:
        dim = list(dim) if isinstance(dim, (tuple, list)) else [dim]
        if len(dim) not in (1, 2):
            raise runtime(f"linalg.norm: If dim is specified, it must be of length 1 or 2. "
                          f"Got [{', '.join(map(str, dim))}]")
    elif ord is not None and ndim not in (1, 2):
        raise runtime(f"linalg.norm: If dim is not specified but ord is, the input must be 1D "
                      f"or 2D. Got {ndim}D.")
    if i == 1 or ord is not None and (dim is not None and len(dim) == 2
                                      or dim is None and ndim == 2):
        return matrix_norm_core(x, ord, dim if dim is not None else [0, 1], keepdim, dtype)
    return vector_norm_core(x, 2 if ord is None else ord, dim, keepdim, dtype)


LINALG_FUNCTIONS.update({"vector_norm": vector_norm, "matrix_norm": matrix_norm,
                         "norm": linalg_norm})


# ---------------------------------------------------------------- torch.norm
def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """torch/functional.py's norm: "fro" (with at most two dims) and every number are
    vector norms, other strings go to linalg.matrix_norm (over every dim when none given)."""
    if not isinstance(input, Tensor):
        raise type_error(f"norm(): argument 'input' (position 1) must be Tensor, not "
                         f"{type(input).__name__}")
    if out is not None:
        raise UnsupportedError("norm(): the out= argument is not supported by gradcli")
    _dim_ = [dim] if isinstance(dim, int) and not isinstance(dim, bool) else dim
    if isinstance(p, str):
        if p == "fro" and (dim is None or isinstance(dim, int) or len(dim) <= 2):
            return vector_norm(input, 2, _dim_, keepdim, dtype=dtype)
        if _dim_ is None:
            _dim_ = list(range(input.data.ndim))
        return matrix_norm(input, p, _dim_, keepdim, dtype=dtype)
    return vector_norm(input, 2.0 if p is None else p, _dim_, keepdim, dtype=dtype)


def _norm_method(self, p="fro", dim=None, keepdim=False, dtype=None):
    return norm(self, p, dim, keepdim, dtype=dtype)


FUNCTIONS["norm"] = norm
METHODS["norm"] = _norm_method
