"""torch.det / logdet / slogdet / inverse / matrix_power and torch.linalg.det / slogdet /
inv / solve: PyTorch's checks (square batches, floating dtypes, solve's shapes) over the
rows of engine/ops/linalg_solvers.py; logdet and matrix_power are PyTorch's composites
(where over slogdet; repeated matmul), so their grad_fn names are PyTorch's."""

import numpy as np

from ..apply import apply
from ..errors import UnsupportedError, runtime
from ..ops import OPS
from ..ops.signature import Signature
from .linalg import _bind, _c, _register
from .registry import FUNCTIONS, LINALG_FUNCTIONS


class SlogdetResult(tuple):
    """torch.return_types.slogdet / linalg_slogdet: (sign, logabsdet) with names."""

    def __new__(cls, name, sign, logabsdet):
        self = super().__new__(cls, (sign, logabsdet))
        self.name = name
        return self

    @property
    def sign(self):
        return self[0]

    @property
    def logabsdet(self):
        return self[1]

    def __repr__(self) -> str:
        return f"torch.return_types.{self.name}(\nsign={self[0]!r},\nlogabsdet={self[1]!r})"

    __str__ = __repr__


def _square(t, name):
    x = t.data
    if x.ndim < 2:
        raise runtime(f"{name}: The input tensor A must have at least 2 dimensions.")
    if x.shape[-1] != x.shape[-2]:
        raise runtime(f"{name}: A must be batches of square matrices, but they are "
                      f"{x.shape[-2]} by {x.shape[-1]} matrices")
    if x.dtype.kind != "f":
        raise runtime(f"{name}: Expected a floating point or complex tensor as input. "
                      f"Got {_c(t)}")
    return t


def _one(name, argname="input"):
    return Signature(name, f"(Tensor {argname}, *, Tensor out = None)")


_DET, _LDET = _one("det"), Signature("linalg_det", "(Tensor A, *, Tensor out = None)")
_LOGDET, _SLOGDET = Signature("logdet", "(Tensor input)"), Signature("slogdet", "(Tensor input)")
_LSLOGDET = Signature("linalg_slogdet", "(Tensor A, *, Tensor out = None)")
_INVERSE, _INV = _one("inverse"), Signature("linalg_inv", "(Tensor A, *, Tensor out = None)")
_SOLVE = Signature("linalg_solve", "(Tensor A, Tensor B, *, bool left = True, Tensor out = None)")
_MPOW = Signature("matrix_power", "(Tensor input, int n, *, Tensor out = None)")


def _det(t):
    return apply(OPS["linalg_det"], (_square(t, "linalg.det"),))


def det(*args, **kwargs):
    return _det(_bind(_DET, args, kwargs)["input"])


def linalg_det(*args, **kwargs):
    return _det(_bind(_LDET, args, kwargs)["A"])


def _slogdet(t, name, kind):
    _square(t, name)
    sign = apply(OPS["linalg_slogdet_sign"], (t,))
    return SlogdetResult(kind, sign, apply(OPS["linalg_slogdet"], (t,)))


def slogdet(*args, **kwargs):
    return _slogdet(_bind(_SLOGDET, args, kwargs)["input"], "linalg.slogdet", "slogdet")


def linalg_slogdet(*args, **kwargs):
    return _slogdet(_bind(_LSLOGDET, args, kwargs)["A"], "linalg.slogdet", "linalg_slogdet")


def logdet(*args, **kwargs):
    """PyTorch: where(sign == -1, nan, logabsdet) (grad_fn WhereBackward0)."""
    t = _bind(_LOGDET, args, kwargs)["input"]
    sign, logabs = _slogdet(_square(t, "logdet"), "logdet", "slogdet")
    return apply(OPS["where"], (np.asarray(np.nan, dtype=t.data.dtype), logabs),
                 {"cond": sign.data == -1})


def _inv(t):
    return apply(OPS["linalg_inv"], (_square(t, "linalg.inv"),))


def inverse(*args, **kwargs):
    return _inv(_bind(_INVERSE, args, kwargs)["input"])


def linalg_inv(*args, **kwargs):
    return _inv(_bind(_INV, args, kwargs)["A"])


def linalg_solve(*args, **kwargs):
    b = _bind(_SOLVE, args, kwargs)
    a, rhs = b["A"], b["B"]
    if not b["left"]:
        raise UnsupportedError("linalg.solve(): left=False is not supported by gradcli")
    _square(a, "linalg.solve")
    x, y = a.data, rhs.data
    # B is a batch of vectors when it has one dim less than A and fits A's batch
    vector = y.ndim == 1 or (y.ndim == x.ndim - 1 and y.shape == x.shape[:-1])
    rows = y.shape[-1] if vector else y.shape[-2]
    if rows != x.shape[-1]:
        cols = 1 if vector else y.shape[-1]
        raise runtime(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                      f"({x.shape[-2]}x{x.shape[-1]} and {rows}x{cols})")
    if x.dtype != y.dtype:
        raise runtime(f"linalg.solve: Expected A and B to have the same dtype, but found "
                      f"A of type {_c(a)} and B of type {_c(rhs)} instead")
    return apply(OPS["linalg_solve"], (a, rhs), {"vector": vector})


_LMPOW = Signature("linalg_matrix_power", "(Tensor A, int n, *, Tensor out = None)")


def matrix_power(*args, **kwargs):
    b = _bind(_MPOW, args, kwargs)
    return _matrix_power(b["input"], b["n"])


def linalg_matrix_power(*args, **kwargs):
    b = _bind(_LMPOW, args, kwargs)
    return _matrix_power(b["A"], b["n"])


def _matrix_power(a, n):
    """PyTorch's linalg_matrix_power: eye for 0, inverse for negative powers, clone for 1,
    then matmuls by binary decomposition."""
    x = a.data
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        if x.ndim < 2:
            raise runtime("linalg.matrix_power: The input tensor A must have at least 2 "
                          "dimensions.")
        raise runtime(f"linalg.matrix_power: A must be batches of square matrices, but they "
                      f"are {x.shape[-2]} by {x.shape[-1]} matrices")
    matmul = FUNCTIONS["matmul"]
    if n == 0:
        eye = np.broadcast_to(np.eye(x.shape[-1], dtype=x.dtype), x.shape).copy()
        # PyTorch: a.clone().copy_(eye): CopyBackwards, a zero grad for a
        picked = apply(OPS["where"], (eye, a), {"cond": np.ones(x.shape, dtype=bool)})
        return apply(OPS["copy"], (picked,))
    if n < 0:
        a, n = _inv(a), -n
        if n == 1:
            return a
    if n == 1:
        return apply(OPS["clone"], (a,))
    if n == 2:
        return matmul(a, a)
    if n == 3:
        return matmul(matmul(a, a), a)
    z = result = None
    while n > 0:
        bit, n = n % 2, n // 2
        z = a if z is None else matmul(z, z)
        if bit:
            if n == 0:
                return z if result is None else matmul(result, z)
            result = z if result is None else matmul(result, z)
    return result


_register(det, "det")
_register(logdet, "logdet")
_register(slogdet, "slogdet")
_register(inverse, "inverse")
_register(matrix_power, "matrix_power")
LINALG_FUNCTIONS.update({"det": linalg_det, "slogdet": linalg_slogdet, "inv": linalg_inv,
                         "solve": linalg_solve, "matrix_power": linalg_matrix_power})
