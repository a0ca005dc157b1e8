"""The op table: every differentiable op, declared once.

Each entry gives the forward (numpy arrays in, array out), one VJP rule per tensor input
with the signature `vjp(g, out, *inputs, **params)`, the grad_fn class name PyTorch 2.13
shows, and a human-readable formula per input (PyTorch's derivatives.yaml names: grad,
self, other, result). Rules are written against `dual` so they work on arrays (plain
backward) and on Tensors (create_graph). Broadcasting is undone by the engine, never here:
a rule may return a gradient of the broadcast shape. A rule of None means the input is not
differentiable (an exponent given as a number, a condition, indices).

`saves` tells whether the backward reads saved tensors (inputs or result); such nodes
raise PyTorch's error on a second backward without retain_graph. `dtype_rule`: "promote"
(torch.result_type of the inputs), "float" (promote, then integers become the default
float), "bool" (comparisons), "same" (the first input's dtype, no casting)."""

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import dual as D
from .errors import runtime

raw = D.raw


@dataclass(frozen=True, slots=True)
class Op:
    name: str
    grad_fn: str
    forward: Callable
    vjps: tuple = ()
    formulas: tuple = ()
    saves: bool = True
    dtype_rule: str = "promote"
    broadcast: bool = False
    differentiable: bool = True
    variadic: bool = False  # cat/stack: vjps[0] serves every input, called with index=i
    # kink(*inputs, **params) -> True where the op is not differentiable at the evaluated
    # point (abs at 0, relu at 0, clamp edges, max ties): gradcheck reports a kink there,
    # not an engine bug. None: differentiable wherever it is defined.
    kink: Callable | None = None
    # inputs without a VJP rule are PyTorch's Scalar arguments (x.pow(2), 1 - x, 2 ** x):
    # no tensor in PyTorch, so no entry in grad_fn.next_functions
    scalar_overload: bool = False


OPS: dict[str, Op] = {}


def op(name, grad_fn, forward, *vjps, formulas=(), **kw) -> Op:
    OPS[name] = entry = Op(name, grad_fn, forward, tuple(vjps), tuple(formulas), **kw)
    return entry


def zeros_like(x):
    return D.mul(x, 0.0)


def _keep_shape(shape, dims):
    """`shape` with the reduced `dims` kept as size 1 (to re-expand a reduced grad)."""
    dims = range(len(shape)) if dims is None else dims
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _unreduce(g, shape, dims, keepdim):
    """Bring a reduction's grad back to the input's shape (dims None: all dims)."""
    if not keepdim:
        g = D.reshape(g, shape=_keep_shape(shape, dims))
    return D.expand(g, shape=shape)


def _count(shape, dims):
    return math.prod(shape[d] for d in (range(len(shape)) if dims is None else dims))


def _check_mm(a, b):
    if a.ndim != 2:
        raise runtime("self must be a matrix")
    if b.ndim != 2:
        raise runtime("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise runtime(f"mat1 and mat2 shapes cannot be multiplied "
                      f"({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})")
    return a @ b


def _check_mv(a, v):
    if a.ndim != 2 or v.ndim != 1 or a.shape[1] != v.shape[0]:
        dims = "x".join(map(str, a.shape))
        raise runtime(f"size mismatch, got input ({a.shape[0]}), mat ({dims}), vec ({v.shape[0]})")
    return a @ v


def _check_dot(u, v):
    if u.ndim != 1 or v.ndim != 1:
        raise runtime(f"1D tensors expected, but got {u.ndim}D and {v.ndim}D tensors")
    if u.shape[0] != v.shape[0]:
        raise runtime(f"inconsistent tensor size, expected tensor [{u.shape[0]}] and src "
                      f"[{v.shape[0]}] to have the same number of elements, but got "
                      f"{u.shape[0]} and {v.shape[0]} elements respectively")
    return np.dot(u, v)


def _check_matmul(a, b):
    ka = a.shape[-1]
    kb = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if ka != kb:
        ra = math.prod(a.shape[:-1])
        cb = b.shape[-1] if b.ndim > 1 else 1
        raise runtime(f"mat1 and mat2 shapes cannot be multiplied ({ra}x{ka} and {kb}x{cb})")
    return np.matmul(a, b)


def _matmul_vjp_a(g, out, a, b):
    if raw(b).ndim == 1:  # (..., n) -> (..., n, k)
        return D.mul(D.unsqueeze(g, dim=-1), b)
    if raw(a).ndim == 1:  # g (..., m) @ b^T -> (..., k)
        return D.squeeze_dim(D.matmul(D.unsqueeze(g, dim=-2), D.mT(b)), dim=-2)
    return D.matmul(g, D.mT(b))


def _matmul_vjp_b(g, out, a, b):
    if raw(a).ndim == 1:  # (k,) x (..., m) -> (..., k, m)
        return D.mul(D.unsqueeze(a, dim=-1), D.unsqueeze(g, dim=-2))
    if raw(b).ndim == 1:  # a^T @ g -> (..., k)
        return D.squeeze_dim(D.matmul(D.mT(a), D.unsqueeze(g, dim=-1)), dim=-1)
    return D.matmul(D.mT(a), g)


def _sum_to(a, shape):
    """Sum a broadcast array back down to `shape` (leading dims and size-1 dims)."""
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape)
                                      if s == 1 and a.shape[i + lead] != 1)
    if axes:
        a = a.sum(axis=axes, keepdims=True)
    return a.reshape(shape) if lead else a


def _sum(a, dims=None, keepdim=False):
    dtype = np.int64 if a.dtype.kind in "bi" else None
    return np.sum(a, axis=dims, keepdims=keepdim, dtype=dtype)


def _mean(a, dims=None, keepdim=False):
    return np.mean(a, axis=dims, keepdims=keepdim, dtype=a.dtype)


def _erf(a):
    return np.vectorize(math.erf, otypes=[a.dtype])(a) if a.size else a.copy()


def _softplus(a, beta=1.0, threshold=20.0):
    z = a * beta
    return np.where(z > threshold, a, np.log1p(np.exp(np.minimum(z, threshold))) / beta)


def _gelu(a):
    return 0.5 * a * (1 + _erf(a / math.sqrt(2)))


def _axis(dim):
    """One dim as a reduction's dims; None (a 0-d input) is every dim."""
    return None if dim is None else (dim,)


def _log_softmax(a, dim):
    m = np.max(a, axis=dim, keepdims=True)
    s = a - m
    return s - np.log(np.sum(np.exp(s), axis=dim, keepdims=True))


def _logsumexp(a, dims, keepdim=False):
    m = np.max(a, axis=dims, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    r = np.log(np.sum(np.exp(a - m), axis=dims, keepdims=True)) + m
    return r if keepdim else np.squeeze(r, axis=dims)


def _reduce(loss, reduction):
    if reduction == "mean":
        return np.mean(loss, dtype=loss.dtype)
    return np.sum(loss, dtype=loss.dtype) if reduction == "sum" else loss


def _loss_scale(g, shape, reduction):
    """The incoming loss grad spread over the elementwise loss's shape."""
    if reduction == "none":
        return g
    g = D.expand(g, shape=shape)
    return D.div(g, math.prod(shape)) if reduction == "mean" else g


def _bce(p, t, reduction="mean"):
    loss = -(t * np.maximum(np.log(p), -100) + (1 - t) * np.maximum(np.log1p(-p), -100))
    return _reduce(loss, reduction)


def _nll(logp, target, reduction="mean", ignore_index=-100):
    picked, valid = _nll_pick(logp, target, ignore_index)
    loss = -np.where(valid, picked, 0).astype(logp.dtype)
    if reduction == "mean":
        return np.asarray(np.sum(loss) / max(int(valid.sum()), 0) if valid.any() else np.nan,
                          dtype=logp.dtype)
    return _reduce(loss, reduction)


def _nll_pick(logp, target, ignore_index):
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    if logp.ndim == 1:
        return logp[safe], valid
    return np.take_along_axis(logp, safe[:, None], axis=1)[:, 0], valid


def _nll_vjp(g, out, logp, target, reduction="mean", ignore_index=-100):
    shape = raw(logp).shape
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    mask = np.zeros(shape, dtype=raw(logp).dtype)
    if len(shape) == 1:
        mask[safe] = -1.0 * valid
    else:
        np.put_along_axis(mask, safe[:, None], -1.0 * valid[:, None], axis=1)
    if reduction == "mean":
        mask = mask / max(int(valid.sum()), 1)
    if reduction == "none" and len(shape) == 2:
        g = D.unsqueeze(g, dim=1)
    return D.mul(g, mask)


def _prod_vjp(g, out, a):
    """PyTorch's prod_backward: grad * result / self without zeros; with a zero, the
    product of every other entry (prod_safe_zeros_backward), kept in the graph under
    create_graph so second derivatives are right at a zero (x=[1.5, 0, 2])."""
    x = raw(a)
    if x.ndim == 0:
        return g
    if np.all(x != 0):
        return D.mul(g, D.div(out, a))
    if isinstance(a, D.Tensor):  # create_graph: differentiable products of the others
        flat = D.reshape(a, shape=(x.size,))
        eye = np.eye(x.size, dtype=bool)
        others = D.stack(*(D.prod(D.where(1.0, flat, cond=eye[k])) for k in range(x.size)),
                         dim=0)
        return D.reshape(D.mul(g, others), shape=x.shape)
    flat = x.reshape(-1)
    left = np.concatenate([[1], np.cumprod(flat[:-1])])
    right = np.concatenate([np.cumprod(flat[::-1][:-1])[::-1], [1]])
    return D.mul(g, (left * right).reshape(x.shape).astype(x.dtype))


def _clamp_kink(a, min=None, max=None) -> bool:
    return bool((min is not None and np.any(a == min)) or (max is not None and np.any(a == max)))


def _select(g, weights):
    """grad * weights for a mask-like rule (relu, clamp, where, max/min). torch selects
    (where / masked_fill) instead of multiplying, so a masked-out entry is +0. even under a
    negative grad, where grad * 0 would print -0.; symbolic tracing keeps the product."""
    out = D.mul(g, weights)
    if isinstance(out, (np.ndarray, D.Tensor)):
        data = raw(out)
        fixed = np.where(np.broadcast_to(weights, data.shape) != 0, data, 0).astype(data.dtype)
        if isinstance(out, np.ndarray):
            return fixed
        out.data = fixed
    return out


def _ties(a, dim, reduce) -> bool:
    """Several elements share the extreme along `dim`: the max/min is not differentiable."""
    return bool(np.any(np.sum(a == reduce(a, axis=dim, keepdims=True), axis=dim) > 1))


def _minmax_all_vjp(g, out, a):
    mask = (raw(a) == raw(out)).astype(raw(a).dtype)
    return _select(g, mask / mask.sum())


def _argextreme(x, dim, largest):
    return (np.argmax if largest else np.argmin)(x, axis=dim)


def _extreme_dim(reduce):
    # a 0-d tensor reduces along dim 0 (or -1) to itself, as in torch
    return lambda a, dim, keepdim=False: reduce(a, axis=dim if a.ndim else None,
                                                keepdims=keepdim)


def _minmax_dim_vjp(largest):
    def vjp(g, out, a, dim, keepdim=False):
        x = raw(a)
        if x.ndim == 0:
            return g
        idx = np.expand_dims(_argextreme(x, dim, largest), dim)
        mask = np.zeros(x.shape, dtype=x.dtype)
        np.put_along_axis(mask, idx, 1.0, axis=dim)
        return _select(_unreduce(g, x.shape, (dim,), keepdim), mask)
    return vjp


def _first_max(a, b):
    """torch's maximum/relu/clamp: the first operand wins ties, so relu(-0.) is -0. (numpy's
    maximum returns the second), and NaN propagates."""
    return np.where((a >= b) | np.isnan(a), a, b)


def _first_min(a, b):
    return np.where((a <= b) | np.isnan(a), a, b)


def _clamp(a, min=None, max=None):
    if min is not None:
        a = _first_max(a, min)
    if max is not None:
        a = _first_min(a, max)
    return a


def _minmax_pair_vjp(first_wins):
    """maximum/minimum: the grad goes to the winner; ties split it evenly."""
    def vjp(g, out, a, b):
        x, y = raw(a), raw(b)
        w = np.where(x == y, 0.5, np.where((x > y) if first_wins else (x < y), 1.0, 0.0))
        return _select(g, w.astype(raw(out).dtype))
    return vjp


def _var_like(a, dims=None, correction=1, keepdim=False):
    n = _count(a.shape, dims)
    mean = np.mean(a, axis=dims, keepdims=True, dtype=a.dtype)
    return np.sum((a - mean) ** 2, axis=dims, keepdims=keepdim, dtype=a.dtype) / max(n - correction, 0)


def _centered(a, dims):
    if dims is None:
        return D.sub(a, D.mean(a))
    return D.sub(a, D.mean_dim(a, dims=dims, keepdim=True))


def _norm_dim_vjp(g, o, a, dims, keepdim=False):
    shape = raw(a).shape
    grad = D.mul(D.div(_unreduce(g, shape, dims, keepdim), _unreduce(o, shape, dims, keepdim)), a)
    if np.all(raw(o) != 0):  # (symbolically: assumed, and recorded as an assumption)
        return grad
    # torch masks the rows whose norm is 0 (their grad is 0, not 0/0)
    zero = np.broadcast_to(np.reshape(raw(o), _keep_shape(shape, dims)), shape) == 0
    return _select(grad, (~zero).astype(raw(a).dtype))


def _inverse(n, numerator):
    # numerator / n with IEEE semantics: no degrees of freedom gives inf (torch's nan grads)
    return numerator / n if n else math.inf


def _var_vjp(g, out, a, dims=None, correction=1, keepdim=False):
    shape = raw(a).shape
    scale = _inverse(max(_count(shape, dims) - correction, 0), 2.0)
    return D.mul(_unreduce(g, shape, dims, keepdim), D.mul(_centered(a, dims), scale))


def _std_vjp(g, out, a, dims=None, correction=1, keepdim=False):
    shape = raw(a).shape
    scale = _inverse(max(_count(shape, dims) - correction, 0), 1.0)
    gd = D.div(_unreduce(g, shape, dims, keepdim), _unreduce(out, shape, dims, keepdim))
    return D.mul(gd, D.mul(_centered(a, dims), scale))


def _embed(g, shape, key, accumulate=False):
    """Zeros of `shape` with `g` placed at `key` (the backward of indexing)."""
    out = np.zeros(shape, dtype=g.dtype)
    if accumulate:
        np.add.at(out, key, g)
    else:
        out[key] = g
    return out


def _index_vjp(g, out, a, key):
    return D.embed(g, shape=raw(a).shape, key=key, accumulate=_is_advanced(key))


def _is_advanced(key):
    return any(isinstance(k, np.ndarray) for k in key)


def _cat(*arrays, dim):
    return np.concatenate(arrays, axis=dim)


def _cat_vjp(g, out, *inputs, index, dim):
    start = sum(raw(t).shape[dim] for t in inputs[:index])
    key = (slice(None),) * dim + (slice(start, start + raw(inputs[index]).shape[dim]),)
    return D.slice(g, key=key)


def _stack_vjp(g, out, *inputs, index, dim):
    return D.select(g, key=(slice(None),) * dim + (index,))


def _flip(a, dims):
    return np.flip(a, axis=dims)


def _cumsum_vjp(g, out, a, dim):
    if raw(a).ndim == 0:  # a 0-d cumsum is the identity
        return g
    return D.flip(D.cumsum(D.flip(g, dims=(dim,)), dim=dim), dims=(dim,))


def _where_mask(cond, dtype):
    return cond.astype(dtype)


# ---------------------------------------------------------------- arithmetic
op("add", "AddBackward0", np.add, lambda g, o, a, b: g, lambda g, o, a, b: g,
   formulas=("grad", "grad"), saves=False, broadcast=True)
op("sub", "SubBackward0", np.subtract, lambda g, o, a, b: g, lambda g, o, a, b: D.neg(g),
   formulas=("grad", "-grad"), saves=False, broadcast=True)
op("mul", "MulBackward0", np.multiply,
   lambda g, o, a, b: D.mul(g, b), lambda g, o, a, b: D.mul(g, a),
   formulas=("grad * other", "grad * self"), broadcast=True)
op("div", "DivBackward0", np.true_divide,
   lambda g, o, a, b: D.div(g, b),
   lambda g, o, a, b: D.neg(D.div(D.mul(g, a), D.mul(b, b))),
   formulas=("grad / other", "-grad * self / other**2"), dtype_rule="float", broadcast=True)
op("neg", "NegBackward0", np.negative, lambda g, o, a: D.neg(g),
   formulas=("-grad",), saves=False, dtype_rule="same")
op("rsub", "RsubBackward1", lambda a, s: np.subtract(s, a), lambda g, o, a, s: D.neg(g), None,
   formulas=("-grad",), saves=False, scalar_overload=True)
op("rdiv", "MulBackward0", lambda a, s: np.true_divide(s, a),
   lambda g, o, a, s: D.neg(D.div(D.mul(g, o), a)), None,
   formulas=("-grad * result / self",), dtype_rule="float")
op("pow_scalar", "PowBackward0", np.power,
   lambda g, o, a, p: (zeros_like(g) if float(raw(p)) == 0 else
                       D.mul(D.mul(g, float(raw(p))), D.pow_scalar(a, float(raw(p)) - 1))),
   None, formulas=("grad * exponent * self**(exponent - 1)",), scalar_overload=True)
op("rpow", "PowBackward2", lambda a, base: np.power(base, a),
   lambda g, o, a, base: D.mul(D.mul(g, o), math.log(float(raw(base)))), None,
   formulas=("grad * result * log(base)",), dtype_rule="float", scalar_overload=True)
op("pow", "PowBackward1", np.power,
   lambda g, o, a, b: D.mul(D.mul(D.mul(g, b), D.pow(a, D.sub(b, 1.0))),
                            (raw(b) != 0).astype(raw(o).dtype)),
   lambda g, o, a, b: D.mul(D.mul(g, o), D.where(D.log(a), 0.0,
                            cond=~((raw(a) == 0) & (raw(b) >= 0)))),
   formulas=("grad * exponent * self**(exponent - 1)", "grad * result * log(self)"),
   broadcast=True)
op("remainder", "RemainderBackward0", lambda a, b: np.remainder(a, b),
   lambda g, o, a, b: g, lambda g, o, a, b: D.mul(D.neg(g), np.floor(raw(a) / raw(b))),
   formulas=("grad", "-grad * floor(self / other)"), broadcast=True,
   kink=lambda a, b: bool(np.any(np.remainder(a, b) == 0)))
op("floor_divide", "DivBackward2", np.floor_divide, lambda g, o, a, b: zeros_like(g),
   lambda g, o, a, b: zeros_like(g), formulas=("0", "0"), saves=False, broadcast=True,
   kink=lambda a, b: bool(np.any(np.remainder(a, b) == 0)))
op("maximum", "MaximumBackward0", _first_max, _minmax_pair_vjp(True), _minmax_pair_vjp(False),
   formulas=("grad * (self > other) (ties: grad / 2)", "grad * (other > self) (ties: grad / 2)"),
   broadcast=True,
   kink=lambda a, b: bool(np.any(a == b)))
op("minimum", "MinimumBackward0", _first_min, _minmax_pair_vjp(False), _minmax_pair_vjp(True),
   formulas=("grad * (self < other) (ties: grad / 2)", "grad * (other < self) (ties: grad / 2)"),
   broadcast=True,
   kink=lambda a, b: bool(np.any(a == b)))
op("where", "WhereBackward0", lambda a, b, cond: np.where(cond, a, b),
   lambda g, o, a, b, cond: _select(g, _where_mask(cond, raw(g).dtype)),
   lambda g, o, a, b, cond: _select(g, _where_mask(~cond, raw(g).dtype)),
   formulas=("grad * condition", "grad * ~condition"), saves=False, broadcast=True)
for _name, _fn in (("lt", np.less), ("le", np.less_equal), ("gt", np.greater),
                   ("ge", np.greater_equal), ("eq", np.equal), ("ne", np.not_equal)):
    op(_name, "", _fn, dtype_rule="bool", differentiable=False, broadcast=True)
op("logical_not", "", np.logical_not, dtype_rule="bool", differentiable=False)

# ---------------------------------------------------------------- elementwise functions
op("exp", "ExpBackward0", np.exp, lambda g, o, a: D.mul(g, o),
   formulas=("grad * result",), dtype_rule="float")
op("log", "LogBackward0", np.log, lambda g, o, a: D.div(g, a),
   formulas=("grad / self",), dtype_rule="float")
op("log1p", "Log1PBackward0", np.log1p, lambda g, o, a: D.div(g, D.add(a, 1.0)),
   formulas=("grad / (self + 1)",), dtype_rule="float")
op("sqrt", "SqrtBackward0", np.sqrt, lambda g, o, a: D.div(g, D.mul(o, 2.0)),
   formulas=("grad / (2 * result)",), dtype_rule="float",
   kink=lambda a: bool(np.any(a == 0)))
op("rsqrt", "RsqrtBackward0", lambda a: 1 / np.sqrt(a),
   lambda g, o, a: D.mul(D.mul(g, -0.5), D.pow_scalar(o, 3.0)),
   formulas=("-0.5 * grad * result**3",), dtype_rule="float")
op("sin", "SinBackward0", np.sin, lambda g, o, a: D.mul(g, D.cos(a)),
   formulas=("grad * cos(self)",), dtype_rule="float")
op("cos", "CosBackward0", np.cos, lambda g, o, a: D.mul(D.neg(g), D.sin(a)),
   formulas=("-grad * sin(self)",), dtype_rule="float")
op("tan", "TanBackward0", np.tan, lambda g, o, a: D.mul(g, D.add(D.mul(o, o), 1.0)),
   formulas=("grad * (1 + result**2)",), dtype_rule="float")
op("atan", "AtanBackward0", np.arctan, lambda g, o, a: D.div(g, D.add(D.mul(a, a), 1.0)),
   formulas=("grad / (1 + self**2)",), dtype_rule="float")
op("asin", "AsinBackward0", np.arcsin,
   lambda g, o, a: D.div(g, D.sqrt(D.rsub(D.mul(a, a), 1.0))),
   formulas=("grad / sqrt(1 - self**2)",), dtype_rule="float")
op("tanh", "TanhBackward0", np.tanh, lambda g, o, a: D.mul(g, D.rsub(D.mul(o, o), 1.0)),
   formulas=("grad * (1 - result**2)",), dtype_rule="float")
op("sigmoid", "SigmoidBackward0", lambda a: 1 / (1 + np.exp(-a)),
   lambda g, o, a: D.mul(D.mul(g, o), D.rsub(o, 1.0)),
   formulas=("grad * result * (1 - result)",), dtype_rule="float")
op("erf", "ErfBackward0", _erf,
   lambda g, o, a: D.mul(g, D.mul(D.exp(D.neg(D.mul(a, a))), 2 / math.sqrt(math.pi))),
   formulas=("grad * 2 / sqrt(pi) * exp(-self**2)",), dtype_rule="float")
op("abs", "AbsBackward0", np.abs, lambda g, o, a: D.mul(g, np.sign(raw(a))),
   formulas=("grad * sign(self)",), dtype_rule="same",
   kink=lambda a: bool(np.any(a == 0)))
op("sign", "SignBackward0", np.sign, lambda g, o, a: zeros_like(g),
   formulas=("0",), saves=False, dtype_rule="same",
   kink=lambda a: bool(np.any(a == 0)))
op("floor", "FloorBackward0", np.floor, lambda g, o, a: zeros_like(g),
   formulas=("0",), saves=False, dtype_rule="same",
   kink=lambda a: bool(np.any(a == np.floor(a))))
op("relu", "ReluBackward0", lambda a: _first_max(a, 0).astype(a.dtype),
   lambda g, o, a: _select(g, (raw(o) > 0).astype(raw(o).dtype)),
   formulas=("grad * (result > 0)",), dtype_rule="same",
   kink=lambda a: bool(np.any(a == 0)))
op("leaky_relu", "LeakyReluBackward0",
   lambda a, negative_slope=0.01: np.where(a > 0, a, a * negative_slope).astype(a.dtype),
   lambda g, o, a, negative_slope=0.01: D.mul(
       g, np.where(raw(a) > 0, 1.0, negative_slope).astype(raw(a).dtype)),
   formulas=("grad * (self > 0 ? 1 : negative_slope)",), dtype_rule="same",
   kink=lambda a, negative_slope=0.01: bool(np.any(a == 0)))
op("softplus", "SoftplusBackward0", _softplus,
   lambda g, o, a, beta=1.0, threshold=20.0: D.mul(g, D.where(
       D.sigmoid(D.mul(a, beta)), 1.0, cond=raw(a) * beta <= threshold)),
   formulas=("grad * sigmoid(beta * self)",), dtype_rule="float")
op("gelu", "GeluBackward0", _gelu,
   lambda g, o, a: D.mul(g, D.add(
       D.mul(D.add(D.erf(D.mul(a, 1 / math.sqrt(2))), 1.0), 0.5),
       D.mul(D.mul(a, D.exp(D.mul(D.mul(a, a), -0.5))), 1 / math.sqrt(2 * math.pi)))),
   formulas=("grad * (Phi(self) + self * phi(self))",), dtype_rule="float")
op("clamp", "ClampBackward1",
   lambda a, min=None, max=None: _clamp(a, min, max).astype(a.dtype),
   lambda g, o, a, min=None, max=None: _select(g, (
       ((raw(a) >= min) if min is not None else True)
       & ((raw(a) <= max) if max is not None else True)).astype(raw(a).dtype)),
   formulas=("grad * (min <= self <= max)",), dtype_rule="same",
   kink=_clamp_kink)

# ---------------------------------------------------------------- reductions
op("sum", "SumBackward0", _sum, lambda g, o, a: D.expand(g, shape=raw(a).shape),
   formulas=("grad expanded to self's shape",), saves=False, dtype_rule="same")
op("sum_dim", "SumBackward1", lambda a, dims, keepdim=False: _sum(a, dims, keepdim),
   lambda g, o, a, dims, keepdim=False: _unreduce(g, raw(a).shape, dims, keepdim),
   formulas=("grad expanded along dim",), saves=False, dtype_rule="same")
op("mean", "MeanBackward0", _mean,
   lambda g, o, a: D.div(D.expand(g, shape=raw(a).shape), max(raw(a).size, 1)),
   formulas=("grad expanded / numel",), saves=False, dtype_rule="same")
op("mean_dim", "MeanBackward1", lambda a, dims, keepdim=False: _mean(a, dims, keepdim),
   lambda g, o, a, dims, keepdim=False: D.div(_unreduce(g, raw(a).shape, dims, keepdim),
                                              _count(raw(a).shape, dims)),
   formulas=("grad expanded along dim / size",), saves=False, dtype_rule="same")
op("prod", "ProdBackward0", lambda a: np.prod(a), _prod_vjp,
   formulas=("grad * result / self",), dtype_rule="same")
op("max", "MaxBackward1", np.max, _minmax_all_vjp,
   formulas=("grad / count at the maxima",), dtype_rule="same",
   kink=lambda a: bool(np.sum(a == np.max(a)) > 1))
op("min", "MinBackward1", np.min, _minmax_all_vjp,
   formulas=("grad / count at the minima",), dtype_rule="same",
   kink=lambda a: bool(np.sum(a == np.min(a)) > 1))
op("max_dim", "MaxBackward0", _extreme_dim(np.max),
   _minmax_dim_vjp(True), formulas=("grad at the argmax",), dtype_rule="same",
   kink=lambda a, dim, keepdim=False: _ties(a, dim, np.max))
op("min_dim", "MinBackward0", _extreme_dim(np.min),
   _minmax_dim_vjp(False), formulas=("grad at the argmin",), dtype_rule="same",
   kink=lambda a, dim, keepdim=False: _ties(a, dim, np.min))
op("norm", "LinalgVectorNormBackward0", lambda a: np.sqrt(np.sum(a * a, dtype=a.dtype)),
   lambda g, o, a: D.mul(D.div(g, o), a) if float(raw(o)) != 0 else zeros_like(a),
   formulas=("grad * self / result",), dtype_rule="float",
   kink=lambda a: not np.any(a))
op("norm_dim", "LinalgVectorNormBackward0",
   lambda a, dims, keepdim=False: np.sqrt(_sum(a * a, dims, keepdim)).astype(a.dtype),
   lambda g, o, a, dims, keepdim=False: _norm_dim_vjp(g, o, a, dims, keepdim),
   formulas=("grad * self / result (0 where result is 0)",), dtype_rule="float",
   kink=lambda a, dims, keepdim=False: bool(np.any(_sum(a * a, dims, keepdim) == 0)))
op("var", "VarBackward0", _var_like, _var_vjp,
   formulas=("grad * 2 * (self - mean) / (N - correction)",), dtype_rule="same")
op("std", "StdBackward0", lambda a, dims=None, correction=1, keepdim=False:
   np.sqrt(_var_like(a, dims, correction, keepdim)), _std_vjp,
   formulas=("grad * (self - mean) / ((N - correction) * result)",), dtype_rule="same")
op("logsumexp", "LogsumexpBackward0", _logsumexp,
   lambda g, o, a, dims, keepdim=False: D.mul(
       _unreduce(g, raw(a).shape, dims, keepdim),
       D.exp(D.sub(a, _unreduce(o, raw(a).shape, dims, keepdim)))),
   formulas=("grad * exp(self - result)",), dtype_rule="float")
op("cumsum", "CumsumBackward0",
   lambda a, dim: np.cumsum(a, axis=dim, dtype=a.dtype) if a.ndim else a.copy(),
   _cumsum_vjp, formulas=("reversed cumsum of grad",), saves=False, dtype_rule="same")
op("softmax", "SoftmaxBackward0", lambda a, dim: np.exp(_log_softmax(a, dim)),
   lambda g, o, a, dim: D.mul(o, D.sub(g, D.sum_dim(D.mul(g, o), dims=_axis(dim), keepdim=True))),
   formulas=("result * (grad - sum(grad * result, dim))",), dtype_rule="float")
op("log_softmax", "LogSoftmaxBackward0", _log_softmax,
   lambda g, o, a, dim: D.sub(g, D.mul(D.exp(o), D.sum_dim(g, dims=_axis(dim), keepdim=True))),
   formulas=("grad - exp(result) * sum(grad, dim)",), dtype_rule="float")

# ---------------------------------------------------------------- losses
op("mse_loss", "MseLossBackward0",
   lambda a, t, reduction="mean": _reduce((a - t) ** 2, reduction),
   lambda g, o, a, t, reduction="mean": D.mul(
       _loss_scale(g, np.broadcast_shapes(raw(a).shape, raw(t).shape), reduction),
       D.mul(D.sub(a, t), 2.0)),
   lambda g, o, a, t, reduction="mean": D.mul(
       _loss_scale(g, np.broadcast_shapes(raw(a).shape, raw(t).shape), reduction),
       D.mul(D.sub(a, t), -2.0)),
   formulas=("grad * 2 * (self - target) [/ N]", "-grad * 2 * (self - target) [/ N]"),
   dtype_rule="float", broadcast=True)
op("binary_cross_entropy", "BinaryCrossEntropyBackward0", _bce,
   lambda g, o, p, t, reduction="mean": D.mul(
       _loss_scale(g, raw(p).shape, reduction),
       D.div(D.sub(p, t), D.clamp(D.mul(D.rsub(p, 1.0), p), min=1e-12))),
   lambda g, o, p, t, reduction="mean": D.mul(
       _loss_scale(g, raw(p).shape, reduction),
       D.sub(D.clamp(D.log1p(D.neg(p)), min=-100.0), D.clamp(D.log(p), min=-100.0))),
   formulas=("grad * (self - target) / (self * (1 - self)) [/ N]",
             "grad * (log(1 - self) - log(self)) [/ N]"), dtype_rule="float")
op("nll_loss", "NllLossBackward0", _nll, _nll_vjp,
   formulas=("-grad at the target class [/ N]",), dtype_rule="same")

# ---------------------------------------------------------------- shapes
op("t", "TBackward0", lambda a: a.T, lambda g, o, a: D.t(g),
   formulas=("grad.t()",), saves=False, dtype_rule="same")
op("mT", "TransposeBackward0", lambda a: np.swapaxes(a, -1, -2), lambda g, o, a: D.mT(g),
   formulas=("grad.mT",), saves=False, dtype_rule="same")
op("permute", "PermuteBackward0", lambda a, dims: np.transpose(a, dims),
   lambda g, o, a, dims: D.permute(g, dims=tuple(np.argsort(dims))),
   formulas=("grad permuted back",), saves=False, dtype_rule="same")
op("transpose", "TransposeBackward0",
   lambda a, dim0, dim1: np.swapaxes(a, dim0, dim1) if a.ndim else a,
   lambda g, o, a, dim0, dim1: D.transpose(g, dim0=dim0, dim1=dim1),
   formulas=("grad.transpose(dim0, dim1)",), saves=False, dtype_rule="same")
op("reshape", "ViewBackward0", lambda a, shape: np.reshape(a, shape),
   lambda g, o, a, shape: D.reshape(g, shape=raw(a).shape),
   formulas=("grad.reshape(self.shape)",), saves=False, dtype_rule="same")
op("unsafe_view", "UnsafeViewBackward0", lambda a, shape: np.reshape(a, shape),
   lambda g, o, a, shape: D.reshape(g, shape=raw(a).shape),
   formulas=("grad.reshape(self.shape)",), saves=False, dtype_rule="same")
op("unsqueeze", "UnsqueezeBackward0", lambda a, dim: np.expand_dims(a, dim),
   lambda g, o, a, dim: D.reshape(g, shape=raw(a).shape),
   formulas=("grad.squeeze(dim)",), saves=False, dtype_rule="same")
op("squeeze_dim", "SqueezeBackward1",
   lambda a, dim: np.squeeze(a, dim) if a.ndim and a.shape[dim] == 1 else a,
   lambda g, o, a, dim: D.reshape(g, shape=raw(a).shape),
   formulas=("grad.unsqueeze(dim)",), saves=False, dtype_rule="same")
op("squeeze", "SqueezeBackward0", lambda a: np.squeeze(a),
   lambda g, o, a: D.reshape(g, shape=raw(a).shape),
   formulas=("grad.reshape(self.shape)",), saves=False, dtype_rule="same")
op("expand", "ExpandBackward0", lambda a, shape: np.broadcast_to(a, shape),
   lambda g, o, a, shape: D.sum_to(g, shape=raw(a).shape),
   formulas=("grad summed to self's shape",), saves=False, dtype_rule="same")
op("sum_to", "SumBackward1", _sum_to, lambda g, o, a, shape: D.expand(g, shape=raw(a).shape),
   formulas=("grad expanded",), saves=False, dtype_rule="same")
op("flip", "FlipBackward0", _flip, lambda g, o, a, dims: D.flip(g, dims=dims),
   formulas=("grad flipped",), saves=False, dtype_rule="same")
op("cat", "CatBackward0", _cat, _cat_vjp, formulas=("grad sliced along dim",),
   saves=False, variadic=True)
op("stack", "StackBackward0", lambda *arrays, dim: np.stack(arrays, axis=dim), _stack_vjp,
   formulas=("grad selected along dim",), saves=False, variadic=True)
for _name, _grad_fn in (("select", "SelectBackward0"), ("slice", "SliceBackward0"),
                        ("index", "IndexBackward0"), ("unbind", "UnbindBackward0"),
                        ("alias", "AliasBackward0")):
    op(_name, _grad_fn, lambda a, key: a[key], _index_vjp,
       formulas=("grad placed at the index in zeros",), saves=False, dtype_rule="same")
op("embed", "IndexPutBackward0", _embed,
   lambda g, o, a, shape, key, accumulate=False: D.index(g, key=key),
   formulas=("grad indexed",), saves=False, dtype_rule="same")
op("clone", "CloneBackward0", lambda a: a.copy(), lambda g, o, a: g,
   formulas=("grad",), saves=False, dtype_rule="same")
op("copy", "CopyBackwards", lambda a: a.copy(), lambda g, o, a: g,
   formulas=("grad",), saves=False, dtype_rule="same")
op("to_dtype", "ToCopyBackward0", lambda a, dtype: a.astype(dtype),
   lambda g, o, a, dtype: D.to_dtype(g, dtype=raw(a).dtype),
   formulas=("grad converted to self's dtype",), saves=False, dtype_rule="same")

# ---------------------------------------------------------------- matrix products
op("mm", "MmBackward0", _check_mm,
   lambda g, o, a, b: D.mm(g, D.t(b)), lambda g, o, a, b: D.mm(D.t(a), g),
   formulas=("grad @ mat2.T", "self.T @ grad"))
op("mv", "MvBackward0", _check_mv,
   lambda g, o, a, v: D.mul(D.unsqueeze(g, dim=1), D.unsqueeze(v, dim=0)),
   lambda g, o, a, v: D.mv(D.t(a), g),
   formulas=("outer(grad, vec)", "self.T @ grad"))
op("dot", "DotBackward0", _check_dot,
   lambda g, o, u, v: D.mul(g, v), lambda g, o, u, v: D.mul(g, u),
   formulas=("grad * tensor", "grad * self"))
op("matmul", "UnsafeViewBackward0", _check_matmul, _matmul_vjp_a, _matmul_vjp_b,
   formulas=("grad @ other.mT (summed over batch)", "self.mT @ grad (summed over batch)"))
op("vecmat", "SqueezeBackward4", _check_matmul, _matmul_vjp_a, _matmul_vjp_b,
   formulas=("grad @ other.T", "outer(self, grad)"))
