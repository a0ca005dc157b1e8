"""torch.linalg.svd, torch.svd / Tensor.svd and torch.linalg.eigh over the rows of
engine/ops/linalg_svd.py (S is linalg_svdvals' row), with PyTorch's checks and its named
results (torch.return_types.linalg_svd, svd, linalg_eigh). torch.svd is PyTorch's
composite: linalg.svd(A, full_matrices=not some), V = Vh.mH (TransposeBackward0); with
compute_uv=False, linalg.svdvals and zero U, V."""

import numpy as np

from ..apply import apply
from ..errors import runtime
from ..ops import OPS
from ..ops.signature import Signature
from ..tensor import Tensor
from .linalg import _bind, _c
from .linalg_more import _check_uplo, _symmetric_input
from .registry import FUNCTIONS, LINALG_FUNCTIONS, METHODS

_LSVD = Signature("linalg_svd", "(Tensor A, bool full_matrices = True, *, str? driver = None, "
                  "TensorList out = None)")
_SVD = Signature("svd", "(Tensor input, bool some = True, bool compute_uv = True, *, "
                 "TensorList out = None)")
_EIGH = Signature("linalg_eigh", "(Tensor A, str UPLO = 'L', *, TensorList out = None)")


class NamedResult(tuple):
    """A torch.return_types.X: a tuple whose fields also have names."""

    def __new__(cls, name, fields, values):
        self = super().__new__(cls, values)
        self.name, self.fields = name, fields
        return self

    def __getattr__(self, field):
        try:
            return self[self.fields.index(field)]
        except ValueError:
            raise AttributeError(f"'torch.return_types.{self.name}' object has no attribute "
                                 f"'{field}'") from None

    def __repr__(self) -> str:
        body = ",\n".join(f"{n}={v!r}" for n, v in zip(self.fields, self, strict=True))
        return f"torch.return_types.{self.name}(\n{body})"

    __str__ = __repr__


def _svd_input(t):
    if t.data.ndim < 2:
        raise runtime("linalg.svd: The input tensor A must have at least 2 dimensions.")
    if t.data.dtype.kind != "f":
        raise runtime(f"linalg.svd: Expected a floating point or complex tensor as input. "
                      f"Got {_c(t)}")
    return t


def _linalg_svd(t, full_matrices):
    p = {"full_matrices": bool(full_matrices)}
    return (apply(OPS["linalg_svd_u"], (t,), p), apply(OPS["linalg_svdvals"], (t,)),
            apply(OPS["linalg_svd_vh"], (t,), p))


def linalg_svd(*args, **kwargs):
    b = _bind(_LSVD, args, kwargs)
    t = _svd_input(b["A"])
    return NamedResult("linalg_svd", ("U", "S", "Vh"), _linalg_svd(t, b["full_matrices"]))


def svd(*args, **kwargs):
    b = _bind(_SVD, args, kwargs)
    t = b["input"]
    if t.data.ndim < 2:
        raise runtime(f"linalg.svd: input should have at least 2 dimensions, but has "
                      f"{t.data.ndim} dimensions instead")
    _svd_input(t)
    if b["compute_uv"]:
        u, s, vh = _linalg_svd(t, not b["some"])
    else:
        s = apply(OPS["linalg_svdvals"], (t,))
        m, n = t.data.shape[-2:]
        u = Tensor(np.zeros(t.data.shape[:-1] + (m,), t.data.dtype))
        vh = Tensor(np.zeros(t.data.shape[:-2] + (n, n), t.data.dtype))
    return NamedResult("svd", ("U", "S", "V"), (u, s, FUNCTIONS["transpose"](vh, -2, -1)))


def eigh(*args, **kwargs):
    b = _bind(_EIGH, args, kwargs)
    uplo = b["UPLO"]
    _check_uplo(uplo)
    t = _symmetric_input(b["A"], "linalg.eigh")
    p = {"uplo": uplo.upper()}
    return NamedResult("linalg_eigh", ("eigenvalues", "eigenvectors"),
                       (apply(OPS["linalg_eigh_l"], (t,), p), apply(OPS["linalg_eigh_v"], (t,), p)))


LINALG_FUNCTIONS.update({"svd": linalg_svd, "eigh": eigh})
FUNCTIONS["svd"] = svd
METHODS["svd"] = lambda self, *a, **k: svd(self, *a, **k)
