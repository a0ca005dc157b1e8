"""torch.quantile / nanquantile and torch.trapezoid / trapz / cumulative_trapezoid as
PyTorch builds them from other ops (aten/src/ATen/native/Sorting.cpp's quantile_compute,
Integration.cpp), so the graph is PyTorch's: quantile sorts (SortBackward0), views the sorted
values (ViewBackward0), gathers the neighbours of each rank (GatherBackward0), lerps them in
place (LerpBackward1, linear and midpoint) and squeezes in place (SqueezeBackward4);
trapezoid is slices, a sum and a product by a number (MulBackward1) or a division by 2
(DivBackward1). The ranks come from q, which is not differentiated: a q that requires grad
is refused."""

import numpy as np

from ..apply import apply
from ..errors import UnsupportedError, index_error, runtime
from ..ops import OPS
from ..ops.signature import Signature
from ..tensor import Tensor
from .args import _dim
from .registry import FUNCTIONS, METHODS

_QOPTS = "int? dim = None, bool keepdim = False, *, str interpolation = 'linear'"
_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


def _qsig(name):
    return Signature(name, f"(Tensor input, Tensor q, {_QOPTS}, Tensor out = None)",
                     f"(Tensor input, float q, {_QOPTS}, Tensor out = None)")


def _sorted_rows(t, dim):
    """The values sorted along the reduced dim, moved last (all values when dim is None)."""
    sort = FUNCTIONS["sort"]
    if dim is None:
        return sort(FUNCTIONS["flatten"](t))[0]
    if dim == t.data.ndim - 1:
        return sort(t)[0]
    return sort(FUNCTIONS["transpose"](METHODS["unsqueeze"](t, -1), dim, -1))[0]


def _ranks(s, qa, ignore_nan, mode):
    dt = s.dtype
    if ignore_nan:
        count = np.sum(~np.isnan(s), axis=-1, keepdims=True)
        ranks = qa.astype(dt) * (count - 1).astype(dt)
        ranks = np.where(ranks < 0, dt.type(0), ranks)
    else:
        last = s.shape[-1] - 1
        ranks = np.where(np.any(np.isnan(s), axis=-1, keepdims=True), dt.type(last),
                         qa.astype(dt) * dt.type(last))
    ranks = {"lower": np.floor, "higher": np.ceil, "nearest": np.round}.get(mode, lambda r: r)(ranks)
    return np.asarray(ranks, dtype=dt)


def _quantile(name, ignore_nan):
    sig = _qsig(name)

    msig = sig.method()

    def fn(*args, **kwargs):
        i, b = sig.bind(args, kwargs)
        if b.get("out") is not None:
            raise UnsupportedError(f"{name}(): the out= argument is not supported by gradcli")
        return core(b["input"], i, b)

    def method(self, *args, **kwargs):
        i, b = msig.bind(args, kwargs)
        return core(self, i, b)

    def core(t, i, b):
        q, dim, keepdim, mode = b["q"], b["dim"], b["keepdim"], b["interpolation"]
        if i == 1:
            q = float(q)
            if not 0 <= q <= 1:
                raise runtime(f"quantile() q must be in the range [0, 1] but got {q:g}")
        elif q.requires_grad:
            raise UnsupportedError(f"{name}(): a q that requires grad is not supported by "
                                   f"gradcli (its gradient is not computed)")
        if mode not in _MODES:
            raise runtime(f"quantile() interpolation must be one of linear, lower, higher, "
                          f"midpoint or nearest, but got {mode}")
        qa = np.asarray(q.data if isinstance(q, Tensor) else q)
        if t.data.size == 0:
            raise runtime("quantile() input tensor must be non-empty")
        if qa.ndim > 1:
            raise runtime("quantile() q must be a scalar or 1D tensor")
        if t.data.dtype not in (np.float32, np.float64):
            raise runtime("quantile() input tensor must be either float or double dtype")
        if isinstance(q, Tensor) and q.data.dtype != t.data.dtype:
            raise runtime("quantile() q tensor must be same dtype as the input tensor")
        ndim = t.data.ndim
        d = None if dim is None else _dim(dim, ndim)
        if d is not None and ndim > 0:
            out = list(t.data.shape)
            if keepdim:
                out[d] = 1
            else:
                del out[d]
        else:
            out = [1] * ndim if keepdim else []
        if not np.all((qa >= 0) & (qa <= 1)):
            raise runtime("quantile() q values must be in the range [0, 1]")
        s = _sorted_rows(t, d)
        out.insert(0, qa.size)
        s = METHODS["view"](s, [*out[1:], s.data.shape[-1]])
        ranks = _ranks(s.data, qa, ignore_nan, mode)
        below = ranks.astype(np.int64)
        values = FUNCTIONS["gather"](s, -1, Tensor(below))
        if mode in ("linear", "midpoint"):
            weight = np.full_like(ranks, 0.5) if mode == "midpoint" else ranks - below
            above = FUNCTIONS["gather"](s, -1, Tensor(np.ceil(ranks).astype(np.int64)))
            values = apply(OPS["quantile_lerp"], (values, above), {"weight": weight})
        last = values.data.ndim - 1
        if qa.ndim == 0:
            return apply(OPS["squeeze_inplace_dims"], (values,), {"dims": (last,)})
        values = apply(OPS["unsqueeze_inplace"], (values,), {"dim": 0})
        values = apply(OPS["transpose_inplace"], (values,), {"dim0": 0, "dim1": last + 1})
        return apply(OPS["squeeze_inplace_dims"], (values,), {"dims": (last + 1,)})
    return fn, method


FUNCTIONS["quantile"], METHODS["quantile"] = _quantile("quantile", False)
FUNCTIONS["nanquantile"], METHODS["nanquantile"] = _quantile("nanquantile", True)


# ---------------------------------------------------------------- trapezoid
def _tsig(name, dx="Number"):
    with_x, with_dx = "(Tensor y, Tensor x, *, int dim = -1)", f"(Tensor y, *, {dx} dx = 1, int dim = -1)"
    if name == "trapz":  # (its overloads print in the other order)
        return Signature(name, with_dx, with_x)
    return Signature(name, with_x, with_dx)


def _times(t, s):
    """Tensor * Scalar as ATen writes it (mul.Scalar: MulBackward1)."""
    if t.data.dtype.kind == "f":
        return apply(OPS["mul_scalar"], (t, s))
    return FUNCTIONS["mul"](t, s)


def _half(t):
    if t.data.dtype.kind == "f":
        return apply(OPS["div_scalar"], (t, 2.0))
    return FUNCTIONS["div"](t, 2.0)


def _x_steps(y, x, d, name):
    """dx along dim d: x viewed against y (a 1-D x along d; fewer dims padded in front)."""
    n = y.data.shape[d]
    if x.data.ndim == 1:
        if x.data.shape[0] != n:
            raise runtime(f"{name}: There must be one `x` value for each sample point")
        sizes = [1] * y.data.ndim
        sizes[d] = x.data.shape[0]
        x = METHODS["view"](x, sizes)
    elif x.data.ndim < y.data.ndim:
        x = METHODS["view"](x, [1] * (y.data.ndim - x.data.ndim) + list(x.data.shape))
    m = x.data.shape[d]
    narrow, k = FUNCTIONS["narrow"], max(m - 1, 0)
    return FUNCTIONS["sub"](narrow(x, d, min(1, m), k), narrow(x, d, 0, k))


def _trapezoid(fname, cumulative=False, dx_kind="Number"):
    sig = _tsig(fname, dx_kind)
    name = "trapezoid" if fname == "trapz" else fname  # trapz calls trapezoid

    def fn(*args, **kwargs):
        _, b = sig.bind(args, kwargs)
        i = 0 if "x" in b else 1
        y = b["y"]
        if y.data.ndim == 0:
            if cumulative:
                raise index_error("slice() cannot be applied to a 0-dim tensor.")
            raise index_error(f"Dimension specified as {b['dim']} but tensor has no dimensions")
        d = _dim(b["dim"], y.data.ndim)
        n = y.data.shape[d]
        if n == 0 and not cumulative:
            shape = y.data.shape[:d] + y.data.shape[d + 1:]
            return Tensor(np.zeros(shape, y.data.dtype))
        if i == 0 and (y.data.dtype == bool or b["x"].data.dtype == bool):
            raise runtime(f"{name}: received a bool input for `x` or `y`, but bool is not "
                          f"supported")
        if y.data.dtype == bool:
            raise runtime(f"{name}: received a bool input for `y`, but bool is not supported")
        narrow = FUNCTIONS["narrow"]  # y.slice(dim, 0, -1) and y.slice(dim, 1), clamped
        k = max(n - 1, 0)
        pairs = FUNCTIONS["add"](narrow(y, d, 0, k), narrow(y, d, min(1, n), k))
        if i == 0:
            dx = _x_steps(y, b["x"], d, name)
            area = FUNCTIONS["mul"](pairs, dx)
            area = FUNCTIONS["cumsum"](area, d) if cumulative else FUNCTIONS["sum"](area, d)
            return _half(area)
        dxv = b["dx"]
        if isinstance(dxv, bool) or not isinstance(dxv, (int, float)):
            raise runtime("trapezoid: Currently, we only support dx as a real number.")
        if cumulative:
            return FUNCTIONS["cumsum"](_times(pairs, dxv / 2.0), d)
        ends = FUNCTIONS["add"](FUNCTIONS["select"](y, d, 0), FUNCTIONS["select"](y, d, -1))
        return _times(FUNCTIONS["sub"](FUNCTIONS["sum"](y, d), _times(ends, 0.5)), dxv)
    return fn


FUNCTIONS["trapezoid"] = _trapezoid("trapezoid")
FUNCTIONS["trapz"] = _trapezoid("trapz", dx_kind="float")
FUNCTIONS["cumulative_trapezoid"] = _trapezoid("cumulative_trapezoid", cumulative=True)
