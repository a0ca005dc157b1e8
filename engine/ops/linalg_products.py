"""Rows: batched and scaled products (bmm, vdot, addmv, addr, baddbmm), diagonals and
triangles (trace, diagonal, diag_embed, tril, triu) and the cross product. Their torch.X
wrappers are hand-written in engine/torch_api/linalg.py (several tensor inputs, checks)."""

import numpy as np

from .. import dual as D
from ..errors import runtime
from .helpers import raw
from .signature import Signature
from .table import op


def _bmm(a, b):
    if a.ndim != 3:
        raise runtime("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise runtime("batch2 must be a 3D tensor")
    if b.shape[:2] != (a.shape[0], a.shape[2]):
        raise runtime(f"Expected size for first two dimensions of batch2 tensor to be: "
                      f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
    return np.matmul(a, b)


def _vdot(u, v):
    if u.ndim != 1 or v.ndim != 1:
        raise runtime(f"1D tensors expected, but got {u.ndim}D and {v.ndim}D tensors")
    if u.shape[0] != v.shape[0]:
        raise runtime(f"inconsistent tensor size, expected tensor [{u.shape[0]}] and src "
                      f"[{v.shape[0]}] to have the same number of elements, but got "
                      f"{u.shape[0]} and {v.shape[0]} elements respectively")
    return np.asarray(np.dot(u, v))


def _expand_to(x, shape):
    """The `input` of addmv/addr/baddbmm broadcast to the product's shape (PyTorch's
    expand_size message when it does not fit)."""
    try:
        return np.broadcast_to(x, shape)
    except ValueError:
        xs, n = x.shape, len(shape)
        for i in range(1, len(xs) + 1):
            if xs[-i] not in (1, shape[-i]):
                raise runtime(
                    f"The expanded size of the tensor ({shape[-i]}) must match the existing "
                    f"size ({xs[-i]}) at non-singleton dimension {n - i}.  Target sizes: "
                    f"[{', '.join(map(str, shape))}].  Tensor sizes: "
                    f"[{', '.join(map(str, xs))}]") from None
        raise


def _scaled(x, prod, beta, alpha):
    # beta == 0: input is ignored (nan and inf in it do not propagate), as in PyTorch
    p = prod if alpha == 1 else prod * alpha
    if beta == 0:
        return np.asarray(p + np.zeros_like(_expand_to(x, p.shape)), dtype=p.dtype)
    x = _expand_to(x, p.shape)
    return np.asarray((x if beta == 1 else x * beta) + p)


def _addmv(x, m, v, beta=1, alpha=1):
    if m.ndim != 2 or v.ndim != 1 or x.ndim > 1:
        raise runtime(f"vector + matrix @ vector expected, got {x.ndim}, {m.ndim}, {v.ndim}")
    if m.shape[1] != v.shape[0] or (x.ndim == 1 and x.shape[0] not in (1, m.shape[0])):
        raise runtime(f"size mismatch, got input ({x.shape[0] if x.ndim else 1}), "
                      f"mat ({m.shape[0]}x{m.shape[1]}), vec ({v.shape[0]})")
    return _scaled(x, m @ v, beta, alpha)


def _addr(x, u, v, beta=1, alpha=1):
    for name, w in (("vec1", u), ("vec2", v)):
        if w.ndim != 1:
            raise runtime(f"addr: Expected 1-D argument {name}, but got {w.ndim}-D")
    return _scaled(x, np.multiply.outer(u, v), beta, alpha)


def _baddbmm(x, a, b, beta=1, alpha=1):
    return _scaled(x, _bmm(a, b), beta, alpha)


def _times(g, c):
    return g if c == 1 else D.mul(g, c)


def _beta_vjp(g, out, x, *rest, beta=1, alpha=1):
    return D.mul(g, 0.0) if beta == 0 else _times(g, beta)


def _trace(a):
    if a.ndim != 2:
        raise runtime(f"trace: expected a matrix, but got tensor with dim {a.ndim}")
    dtype = np.int64 if a.dtype.kind in "bi" else a.dtype
    return np.asarray(np.trace(a, dtype=dtype))


def _trace_vjp(g, out, a):
    x = raw(a)
    return D.mul(g, np.eye(*x.shape, dtype=x.dtype))


def _diagonal(a, offset=0, dim1=0, dim2=1):
    return np.diagonal(a, offset, dim1, dim2).copy()


def _diagonal_view(a, offset=0, dim1=0, dim2=1):
    """torch.diagonal is a view: numpy's diagonal view, made writeable (numpy returns it
    read-only) so that in-place writes through it reach the base as in torch."""
    d = np.diagonal(a, offset, dim1, dim2)
    if a.flags.writeable:
        d.flags.writeable = True
    return d


def _embed(g, shape, offset=0, dim1=0, dim2=1):
    """Zeros of `shape` with g's last dim on the `offset` diagonal of (dim1, dim2): the
    adjoint of diagonal (PyTorch's diagonal_backward) and diag_embed's forward."""
    out = np.zeros(shape, dtype=g.dtype)
    moved = np.moveaxis(out, (dim1, dim2), (-2, -1))
    k = g.shape[-1]
    i = np.arange(k) + max(-offset, 0)
    moved[..., i, i + offset] = g
    return out


def _diag_embed_shape(shape, offset, dim1, dim2):
    n = shape[-1] + abs(offset)
    rest = list(shape[:-1])
    for d in sorted((dim1, dim2)):
        rest.insert(d, n)
    return tuple(rest)


def _diag_embed(a, offset=0, dim1=-2, dim2=-1):
    return _embed(a, _diag_embed_shape(a.shape, offset, dim1, dim2), offset, dim1, dim2)


def _diagonal_vjp(g, out, a, offset=0, dim1=0, dim2=1):
    return D.diagonal_backward(g, shape=raw(a).shape, offset=offset, dim1=dim1, dim2=dim2)


def _tri(fn, name):
    def forward(a, diagonal=0):
        if a.ndim < 2:
            raise runtime(f"{name}: input tensor must have at least 2 dimensions")
        return fn(a, diagonal)
    return forward


def _cross(a, b, dim=-1):
    return np.cross(a, b, axis=dim)


def _samples_scaled(make):
    def samples(s):
        return [(make(s), {"beta": 1, "alpha": 1}), (make(s), {"beta": 0.5, "alpha": -2.0})]
    return samples


op("bmm", "BmmBackward0", _bmm,
   lambda g, o, a, b: D.bmm(g, D.mT(b)), lambda g, o, a, b: D.bmm(D.mT(a), g),
   formulas=("grad.bmm(mat2.transpose(1, 2))", "self.transpose(1, 2).bmm(grad)"),
   args=("self", "mat2"), torch=("bmm",), methods=("bmm",), generated=False,
   signature=Signature("bmm", "(Tensor input, Tensor mat2, *, Tensor out = None)",
                       "(Tensor input, Tensor mat2, torch.dtype out_dtype, *, "
                       "Tensor out = None)"),
   latex=r"\operatorname{bmm}",
   samples=lambda s: [((s.normal(2, 2, 3), s.normal(2, 3, 4)), {})])
op("vdot", "VdotBackward0", _vdot,
   lambda g, o, u, v: D.mul(g, v), lambda g, o, u, v: D.mul(g, u),
   formulas=("grad * other.conj()", "grad * self"),
   args=("self", "other"), torch=("vdot",), methods=("vdot",), generated=False,
   signature=Signature("vdot", "(Tensor input, Tensor other, *, Tensor out = None)"),
   latex=r"\operatorname{vdot}",
   samples=lambda s: [((s.normal(3), s.normal(3)), {})])
op("addmv", "AddmvBackward0", _addmv, _beta_vjp,
   lambda g, o, x, m, v, beta=1, alpha=1: _times(
       D.mul(D.unsqueeze(g, dim=1), D.unsqueeze(v, dim=0)), alpha),
   lambda g, o, x, m, v, beta=1, alpha=1: _times(D.mv(D.t(m), g), alpha),
   formulas=("maybe_multiply(grad, beta)", "grad.ger(vec) * alpha", "mat.t().mv(grad) * alpha"),
   args=("self", "mat", "vec"), params=("beta", "alpha"), torch=("addmv",),
   methods=("addmv",), generated=False,
   signature=Signature("addmv", "(Tensor input, Tensor mat, Tensor vec, *, Number beta = 1, "
                       "Number alpha = 1, Tensor out = None)"),
   latex=r"\operatorname{addmv}",
   samples=_samples_scaled(lambda s: (s.normal(2), s.normal(2, 3), s.normal(3))))
op("addr", "AddrBackward0", _addr, _beta_vjp,
   lambda g, o, x, u, v, beta=1, alpha=1: _times(D.mv(g, v), alpha),
   lambda g, o, x, u, v, beta=1, alpha=1: _times(D.mv(D.t(g), u), alpha),
   formulas=("maybe_multiply(grad, beta)", "grad.mv(vec2) * alpha", "grad.t().mv(vec1) * alpha"),
   args=("self", "vec1", "vec2"), params=("beta", "alpha"), torch=("addr",),
   methods=("addr",), generated=False,
   signature=Signature("addr", "(Tensor input, Tensor vec1, Tensor vec2, *, Number beta = 1, "
                       "Number alpha = 1, Tensor out = None)"),
   latex=r"\operatorname{addr}",
   samples=_samples_scaled(lambda s: (s.normal(2, 3), s.normal(2), s.normal(3))))
op("baddbmm", "BaddbmmBackward0", _baddbmm, _beta_vjp,
   lambda g, o, x, a, b, beta=1, alpha=1: _times(D.bmm(g, D.mT(b)), alpha),
   lambda g, o, x, a, b, beta=1, alpha=1: _times(D.bmm(D.mT(a), g), alpha),
   formulas=("maybe_multiply(grad, beta)", "grad.bmm(batch2.transpose(1, 2)) * alpha",
             "batch1.transpose(1, 2).bmm(grad) * alpha"),
   args=("self", "batch1", "batch2"), params=("beta", "alpha"), torch=("baddbmm",),
   methods=("baddbmm",), generated=False,
   signature=Signature("baddbmm", "(Tensor input, Tensor batch1, Tensor batch2, *, "
                       "Number beta = 1, Number alpha = 1, Tensor out = None)",
                       "(Tensor input, Tensor batch1, Tensor batch2, torch.dtype out_dtype, *, "
                       "Number beta = 1, Number alpha = 1, Tensor out = None)"),
   latex=r"\operatorname{baddbmm}",
   samples=_samples_scaled(lambda s: (s.normal(2, 1, 4), s.normal(2, 2, 3), s.normal(2, 3, 4))))
op("trace", "TraceBackward0", _trace, _trace_vjp,
   formulas=("trace_backward(grad, self.sym_sizes())",), args=("self",),
   torch=("trace",), methods=("trace",), generated=False,
   signature=Signature("trace", "(Tensor input)"), latex=r"\operatorname{tr}",
   samples=lambda s: [((s.normal(3, 3),), {}), ((s.normal(2, 4),), {})])
op("diagonal", "DiagonalBackward0", _diagonal_view, _diagonal_vjp,
   formulas=("diagonal_backward_symint(grad, self.sym_sizes(), offset, dim1, dim2)",),
   saves=False, dtype_rule="same", view=True, args=("self",),
   params=("offset", "dim1", "dim2"), torch=("diagonal",),
   methods=("diagonal",), generated=False,
   signature=Signature("diagonal", "(Tensor input, *, Dimname outdim, Dimname dim1, "
                       "Dimname dim2, int offset = 0)",
                       "(Tensor input, int offset = 0, int dim1 = 0, int dim2 = 1)"),
   latex=r"\operatorname{diagonal}",
   samples=lambda s: [((s.normal(3, 4),), {"offset": 1, "dim1": 0, "dim2": 1}),
                      ((s.normal(2, 3, 3),), {"offset": -1, "dim1": 2, "dim2": 1})])
# torch.diag of a matrix runs diagonal_copy: the same op under its own grad_fn name
op("diagonal_copy", "DiagonalBackward0_copy", _diagonal, _diagonal_vjp,
   formulas=("diagonal_backward_symint(grad, self.sym_sizes(), offset, dim1, dim2)",),
   args=("self",), params=("offset", "dim1", "dim2"), text="diag",
   latex=r"\operatorname{diag}",
   samples=lambda s: [((s.normal(3, 4),), {"offset": -1, "dim1": 0, "dim2": 1})])
op("diagonal_backward", "DiagonalBackwardBackward0",
   lambda g, shape, offset=0, dim1=0, dim2=1: _embed(g, shape, offset, dim1, dim2),
   lambda gg, o, g, shape, offset=0, dim1=0, dim2=1: D.diagonal(gg, offset=offset, dim1=dim1,
                                                                dim2=dim2),
   formulas=("grad.diagonal(offset, dim1, dim2)",), args=("grad_output",),
   latex=r"\operatorname{diagonal\_backward}",
   samples=lambda s: [((s.normal(3),), {"shape": (3, 4), "offset": 1, "dim1": 0, "dim2": 1})])
op("diag_embed", "DiagEmbedBackward0", _diag_embed,
   lambda g, o, a, offset=0, dim1=-2, dim2=-1: D.diagonal(g, offset=offset, dim1=dim1,
                                                          dim2=dim2),
   formulas=("grad.diagonal(offset, dim1, dim2)",), args=("self",),
   params=("offset", "dim1", "dim2"), torch=("diag_embed",), methods=("diag_embed",),
   generated=False,
   signature=Signature("diag_embed", "(Tensor input, int offset = 0, int dim1 = -2, "
                       "int dim2 = -1)"),
   latex=r"\operatorname{diag\_embed}",
   samples=lambda s: [((s.normal(2, 3),), {"offset": 1, "dim1": 1, "dim2": 2}),
                      ((s.normal(3),), {"offset": 0, "dim1": 0, "dim2": 1})])
op("tril", "TrilBackward0", _tri(np.tril, "tril"),
   lambda g, o, a, diagonal=0: D.tril(g, diagonal=diagonal),
   formulas=("grad.tril(diagonal)",), args=("self",), params=("diagonal",),
   torch=("tril",), methods=("tril",), dtype_rule="same",
   signature=Signature("tril", "(Tensor input, int diagonal = 0, *, Tensor out = None)"),
   latex=r"\operatorname{tril}",
   samples=lambda s: [((s.normal(3, 4),), {"diagonal": 0}), ((s.normal(2, 3, 3),), {"diagonal": -1})])
op("triu", "TriuBackward0", _tri(np.triu, "triu"),
   lambda g, o, a, diagonal=0: D.triu(g, diagonal=diagonal),
   formulas=("grad.triu(diagonal)",), args=("self",), params=("diagonal",),
   torch=("triu",), methods=("triu",), dtype_rule="same",
   signature=Signature("triu", "(Tensor input, int diagonal = 0, *, Tensor out = None)"),
   latex=r"\operatorname{triu}",
   samples=lambda s: [((s.normal(3, 4),), {"diagonal": 1}), ((s.normal(2, 3, 3),), {"diagonal": 0})])
op("linalg_cross", "LinalgCrossBackward0", _cross,
   lambda g, o, a, b, dim=-1: D.linalg_cross(b, g, dim=dim),
   lambda g, o, a, b, dim=-1: D.linalg_cross(g, a, dim=dim),
   formulas=("at::linalg_cross(other.conj(), grad, dim)",
             "at::linalg_cross(grad, self.conj(), dim)"),
   args=("self", "other"), params=("dim",), torch=("cross",), methods=("cross",),
   generated=False, broadcast=True, text="cross",
   signature=Signature("cross", "(Tensor input, Tensor other, int? dim = None, *, "
                       "Tensor out = None)"),
   latex=r"\operatorname{cross}",
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3)), {"dim": 1}),
                      ((s.normal(3, 2), s.normal(3, 1)), {"dim": 0})])


def _addmm(x, m1, m2, beta=1, alpha=1):
    return _scaled(x, m1 @ m2, beta, alpha)


# torch.addmm with beta / alpha (nn_layers' addmm row, beta = alpha = 1, serves F.linear)
op("addmm_scaled", "AddmmBackward0", _addmm, _beta_vjp,
   lambda g, o, x, a, b, beta=1, alpha=1: _times(D.mm(g, D.t(b)), alpha),
   lambda g, o, x, a, b, beta=1, alpha=1: _times(D.mm(D.t(a), g), alpha),
   formulas=("maybe_multiply(grad, beta)", "mm_mat1_backward(grad, mat2, ...) * alpha",
             "mm_mat2_backward(grad, mat1, ...) * alpha"),
   args=("self", "mat1", "mat2"), params=("beta", "alpha"), text="addmm",
   latex=r"\operatorname{addmm}",
   samples=_samples_scaled(lambda s: (s.normal(2, 1), s.normal(2, 3), s.normal(3, 4))))
# reshape of a permuted (non-contiguous) tensor that a view can still take: PyTorch's
# _reshape_alias (tensordot's permuted operands)
op("reshape_alias_view", "ReshapeAliasBackward0", lambda a, shape: np.reshape(a, shape),
   lambda g, o, a, shape: D.reshape(g, shape=raw(a).shape),
   formulas=("grad.reshape_symint(self.sym_sizes())",), saves=False, dtype_rule="same",
   text="reshape", samples=lambda s: [((s.normal(2, 3),), {"shape": (3, 2)})])
