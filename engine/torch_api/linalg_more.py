"""torch.linalg.multi_dot (PyTorch's matrix-chain order of mm, then a view),
torch.linalg.svdvals and torch.cdist over the rows of engine/ops/linalg_more.py."""

import numpy as np

from ..apply import apply
from ..errors import TorchError, UnsupportedError, runtime, type_error
from ..ops import OPS
from ..ops.signature import Signature
from ..tensor import Tensor
from .linalg import _CPP_NAME, _bind, _c, _reshape
from .registry import FUNCTIONS, LINALG_FUNCTIONS, METHODS

_SVDVALS = Signature("linalg_svdvals", "(Tensor A, *, str? driver = None, Tensor out = None)")
_CDIST = Signature("cdist", "(Tensor x1, Tensor x2, float p = 2.0, "
                   "str compute_mode = 'use_mm_for_euclid_dist_if_necessary')", style="python")


def _mm(a, b):
    return apply(OPS["mm"], (a, b))


def multi_dot(tensors=None, *, out=None):
    if out is not None:
        raise UnsupportedError("linalg.multi_dot(): the out= argument is not supported by "
                               "gradcli")
    if not isinstance(tensors, (list, tuple)) or not all(isinstance(t, Tensor) for t in tensors):
        raise type_error("linalg_multi_dot(): argument 'tensors' (position 1) must be tuple of "
                         "Tensors")
    n = len(tensors)
    if n < 2:
        raise runtime(f"multi_dot(): expected at least 2 tensors but got {n}")
    first, last = tensors[0].data.ndim, tensors[-1].data.ndim
    if first not in (1, 2):
        raise runtime(f"multi_dot(): the first tensor must be 1D or 2D but got {first}D")
    if last not in (1, 2):
        raise runtime(f"multi_dot(): the last tensor must be 1D or 2D but got {last}D")
    for i in range(1, n - 1):
        if tensors[i].data.ndim != 2:
            raise runtime(f"multi_dot(): tensor {i} must be 2D but got {tensors[i].data.ndim}D")
    dt = tensors[0].data.dtype
    for i, t in enumerate(tensors[1:], 1):
        if t.data.dtype != dt:
            raise runtime(f"multi_dot(): all tensors must have be the same dtype but tensor 0 "
                          f"is {_CPP_NAME.get(dt.name, dt.name)} and tensor {i} "
                          f"{_CPP_NAME.get(t.data.dtype.name, t.data.dtype.name)}")
    for i in range(1, n):
        a, b = tensors[i - 1].data.shape, tensors[i].data.shape
        if a[-1] != b[0]:
            raise runtime(f"multi_dot(): tensors {i - 1} and {i} with shapes {list(a)} and "
                          f"{list(b)} cannot be multiplied")
    mats = list(tensors)
    if first == 1:
        mats[0] = apply(OPS["unsqueeze"], (mats[0],), {"dim": 0})
    if last == 1:
        mats[-1] = apply(OPS["unsqueeze"], (mats[-1],), {"dim": -1 + mats[-1].data.ndim + 1})
    out_shape = ([mats[0].data.shape[0]] if first == 2 else []) + \
        ([mats[-1].data.shape[1]] if last == 2 else [])
    if n == 2:
        result = _mm(mats[0], mats[1])
    elif n == 3:
        a, b = mats[0].data.shape[0], mats[1].data.shape[0]
        c, d = mats[2].data.shape
        if (a * c) * (b + d) > (b * d) * (a + c):
            result = _mm(mats[0], _mm(mats[1], mats[2]))
        else:
            result = _mm(_mm(mats[0], mats[1]), mats[2])
    else:
        result = _chain(mats)
    return _reshape(result, out_shape)


def _chain(mats):
    """The matrix-chain order (PyTorch's dynamic programme: the first cheapest split)."""
    n = len(mats)
    p = [m.data.shape[0] for m in mats] + [mats[-1].data.shape[1]]
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                q = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if cost[i][j] is None or q < cost[i][j]:
                    cost[i][j], split[i][j] = q, k

    def multiply(i, j):
        if i == j:
            return mats[i]
        k = split[i][j]
        return _mm(multiply(i, k), multiply(k + 1, j))
    return multiply(0, n - 1)


def svdvals(*args, **kwargs):
    b = _bind(_SVDVALS, args, kwargs)
    t = b["A"]
    if t.data.ndim < 2:
        raise runtime("linalg.svd: The input tensor A must have at least 2 dimensions.")
    if t.data.dtype.kind != "f":
        raise runtime(f"linalg.svd: Expected a floating point or complex tensor as input. "
                      f"Got {_c(t)}")
    return apply(OPS["linalg_svdvals"], (t,))


def cdist(*args, **kwargs):
    b = _bind(_CDIST, args, kwargs)
    x1, x2, p, mode = b["x1"], b["x2"], b["p"], b["compute_mode"]
    for name, t in (("x1", x1), ("x2", x2)):
        if not isinstance(t, Tensor):
            raise type_error(f"cdist(): argument '{name}' must be Tensor, not "
                             f"{type(t).__name__}")
    for name, t in (("X1", x1), ("X2", x2)):
        if t.data.ndim < 2:
            raise runtime(f"cdist only supports at least 2D tensors, {name} got: "
                          f"{t.data.ndim}D")
    c1, c2 = x1.data.shape[-1], x2.data.shape[-1]
    if c1 != c2:
        raise runtime(f"X1 and X2 must have the same number of columns. X1: {c1} X2: {c2}")
    for name, t in (("X1", x1), ("X2", x2)):
        if t.data.dtype.kind != "f":
            raise runtime(f"cdist only supports floating-point dtypes, {name} got: {_c(t)}")
    if x1.data.dtype != x2.data.dtype:
        raise runtime(f"expected scalar type {_c(x1)} but found {_c(x2)}")
    if p < 0:
        raise runtime("cdist only supports non-negative p values")
    modes = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
             "donot_use_mm_for_euclid_dist")
    if mode not in modes:
        raise ValueError(f"{mode} is not a valid value for compute_mode")
    big = x1.data.shape[-2] > 25 or x2.data.shape[-2] > 25
    if p == 2 and (mode == modes[1] or (mode == modes[0] and big)):
        raise UnsupportedError("cdist(): the matrix-multiplication path of the Euclidean "
                               "distance (p=2 with more than 25 rows, or compute_mode="
                               "'use_mm_for_euclid_dist') is not supported by gradcli; pass "
                               "compute_mode='donot_use_mm_for_euclid_dist'")
    return apply(OPS["cdist"], (x1, x2), {"p": float(p)})


FUNCTIONS["cdist"] = cdist
LINALG_FUNCTIONS.update({"multi_dot": multi_dot, "svdvals": svdvals})


# ---------------------------------------------------------------- symmetric decompositions
_CHOL = Signature("linalg_cholesky", "(Tensor A, *, bool upper = False, Tensor out = None)")
_EIGVALSH = Signature("linalg_eigvalsh", "(Tensor A, str UPLO = \"L\", *, Tensor out = None)")


def _symmetric_input(t, name):
    from .linalg_solvers import _square
    if name == "linalg.eigh" and t.data.ndim >= 2 and t.data.shape[-1] == t.data.shape[-2] \
            and t.data.dtype.kind != "f":  # (the kernel's dispatch refuses integers)
        raise TorchError(f'"linalg_eigh_cpu" not implemented for \'{_c(t)}\'',
                         type_name="NotImplementedError")
    return _square(t, name)


def _lower_only(b, key, name):
    if b[key] not in ("L", "l", False):
        raise UnsupportedError(f"{name}(): {key}={b[key]!r} is not supported by gradcli "
                               f"(the lower triangle only)")


def cholesky(*args, **kwargs):
    b = _bind(_CHOL, args, kwargs)
    _lower_only(b, "upper", "linalg.cholesky")
    return apply(OPS["linalg_cholesky"], (_symmetric_input(b["A"], "linalg.cholesky"),))


def eigvalsh(*args, **kwargs):
    b = _bind(_EIGVALSH, args, kwargs)
    _check_uplo(b["UPLO"])
    t = _symmetric_input(b["A"], "linalg.eigh")
    if b["UPLO"] in ("U", "u"):  # the upper triangle: linalg.eigh's eigenvalue row
        return apply(OPS["linalg_eigh_l"], (t,), {"uplo": "U"})
    return apply(OPS["linalg_eigvalsh"], (t,))


def _check_uplo(uplo):
    if uplo not in ("L", "U", "l", "u"):
        raise runtime(f"Expected UPLO argument to be 'L' or 'U', but got {uplo}")


LINALG_FUNCTIONS.update({"cholesky": cholesky, "eigvalsh": eigvalsh})


# ---------------------------------------------------------------- QR
_QR = Signature("linalg_qr", "(Tensor A, str mode = \"reduced\", *, TensorList out = None)")


class QRResult(tuple):
    """torch.return_types.linalg_qr: (Q, R) with names."""

    @property
    def Q(self):  # noqa: N802  (PyTorch's name)
        return self[0]

    @property
    def R(self):  # noqa: N802
        return self[1]

    def __repr__(self) -> str:
        return f"torch.return_types.linalg_qr(\nQ={self[0]!r},\nR={self[1]!r})"

    __str__ = __repr__


def qr(*args, **kwargs):
    b = _bind(_QR, args, kwargs)
    t, mode = b["A"], b["mode"]
    if mode not in ("reduced", "complete", "r"):
        raise runtime(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' "
                      f"(default), 'r', or 'complete'")
    if t.data.ndim < 2:
        raise runtime("linalg.qr: The input tensor A must have at least 2 dimensions.")
    if t.data.dtype.kind != "f":
        raise runtime(f"linalg.qr: Expected a floating point or complex tensor as input. "
                      f"Got {_c(t)}")
    m, n = t.data.shape[-2:]
    if mode == "r" or (mode == "complete" and m > n):
        raise UnsupportedError(f"linalg.qr(): mode='{mode}' is not supported by gradcli"
                               + (" when the matrix has more rows than columns"
                                  if mode == "complete" else ""))
    return QRResult((apply(OPS["linalg_qr_q"], (t,)), apply(OPS["linalg_qr_r"], (t,))))


LINALG_FUNCTIONS["qr"] = qr


# ---------------------------------------------------------------- pseudo-inverse
_PINVERSE = Signature("pinverse", "(Tensor input, float rcond = 1e-15)")
_PINV = Signature("linalg_pinv", "(Tensor input, *, float? atol = None, float? rtol = None, "
                  "bool hermitian = False, Tensor out = None)",
                  "(Tensor input, float rcond, bool hermitian = False, *, Tensor out = None)")


def _pinv_checked(t, atol, rtol):
    if t.data.ndim < 2 or t.data.dtype.kind != "f":  # torch prints the type and sizes
        sizes = ", ".join(map(str, t.data.shape))
        raise runtime(f"linalg.pinv({_c(t)}{{[{sizes}]}}): expected a tensor with 2 or more "
                      f"dimensions of float, double, cfloat or cdouble types")
    return apply(OPS["linalg_pinv"], (t,), {"atol": float(atol), "rtol": rtol})


def pinverse(*args, **kwargs):
    b = _bind(_PINVERSE, args, kwargs)
    return _pinv_checked(b["input"], 0.0, float(b["rcond"]))


def linalg_pinv(*args, **kwargs):
    b = _bind(_PINV, args, kwargs)
    if b.get("hermitian"):
        raise UnsupportedError("linalg.pinv(): hermitian=True is not supported by gradcli")
    if "rcond" in b:
        return _pinv_checked(b["input"], 0.0, float(b["rcond"]))
    atol, rtol = b["atol"], b["rtol"]
    return _pinv_checked(b["input"], 0.0 if atol is None else atol,
                         None if rtol is None else float(rtol))


FUNCTIONS["pinverse"] = pinverse
METHODS["pinverse"] = lambda self, *a, **k: pinverse(self, *a, **k)
LINALG_FUNCTIONS["pinv"] = linalg_pinv


# ---------------------------------------------------------------- least squares
_LSTSQ = Signature("linalg_lstsq", "(Tensor input, Tensor b, float? rcond = None, *, "
                   "str? driver = None)")


class LstsqResult(tuple):
    """torch.return_types.linalg_lstsq: (solution, residuals, rank, singular_values)."""

    _NAMES = ("solution", "residuals", "rank", "singular_values")

    def __repr__(self) -> str:
        body = ",\n".join(f"{n}={v!r}" for n, v in zip(self._NAMES, self, strict=True))
        return f"torch.return_types.linalg_lstsq(\n{body})"

    __str__ = __repr__

    solution = property(lambda self: self[0])
    residuals = property(lambda self: self[1])
    rank = property(lambda self: self[2])
    singular_values = property(lambda self: self[3])


def lstsq(*args, **kwargs):
    b = _bind(_LSTSQ, args, kwargs)
    a, rhs, rcond, driver = b["input"], b["b"], b["rcond"], b["driver"]
    if driver not in (None, "gelsy"):
        raise UnsupportedError(f"linalg.lstsq(): driver='{driver}' is not supported by gradcli "
                               f"(gelsy only, PyTorch's CPU default)")
    x, y = a.data, rhs.data
    if x.ndim < 2:
        raise runtime("torch.linalg.lstsq: input must have at least 2 dimensions.")
    vector = y.ndim == x.ndim - 1
    if y.ndim < 1:
        raise runtime("torch.linalg.lstsq: other must have at least 1 dimension.")
    rows = y.shape[-1] if vector else y.shape[-2]
    if rows != x.shape[-2]:
        raise runtime("torch.linalg.lstsq: input.size(-2) should match other.size(-2)"
                      if not vector else "torch.linalg.lstsq: input.size(-2) should match "
                      "other.size(-1)")
    if x.dtype == y.dtype and x.dtype.kind != "f":
        raise runtime("This function doesn't handle types other than float and double")
    if x.dtype.kind != "f" or x.dtype != y.dtype:
        raise runtime(f"torch.linalg.lstsq: Expected input and other to have the same dtype, "
                      f"but got input's dtype {_c(a)} and other's dtype {_c(rhs)}")
    m, n = x.shape[-2:]
    rtol = float(rcond) if rcond is not None and rcond > 0 else \
        float(np.finfo(x.dtype).eps * max(m, n))
    solution = apply(OPS["linalg_lstsq"], (a, rhs), {"rtol": rtol, "vector": vector})
    residuals = apply(OPS["linalg_lstsq_residuals"], (a, rhs))
    s = np.linalg.svd(x, compute_uv=False)
    rank = np.sum(s > rtol * s.max(axis=-1, keepdims=True, initial=0.0), axis=-1)
    empty = Tensor(np.zeros((0,), dtype=x.dtype))
    return LstsqResult((solution, residuals, Tensor(np.asarray(rank, dtype=np.int64)), empty))


LINALG_FUNCTIONS["lstsq"] = lstsq
