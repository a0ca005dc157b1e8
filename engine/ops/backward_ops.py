"""Rows PyTorch records as one node where a naive composition would record several:
add/sub with `alpha` (one AddBackward0 / SubBackward0 whose `other` grad is grad * alpha,
so `torch.add(x, x, alpha=2)` has two edges to x's AccumulateGrad and saves nothing);
as_strided, the grad_fn a view gets once its base was changed in place (AsStridedBackward0:
the view's elements of the base, by size, stride and offset in elements)."""

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import dual as D
from ..errors import UnsupportedError, runtime
from ..numerics import unary as U
from .helpers import _axis, raw, zeros_like
from .table import op


def _scaled(g, alpha):
    return g if alpha == 1 else D.mul(g, alpha)


op("add_alpha", "AddBackward0", lambda a, b, alpha: np.add(a, np.multiply(b, alpha)),
   lambda g, o, a, b, alpha: g, lambda g, o, a, b, alpha: _scaled(g, alpha),
   formulas=("grad", "grad * alpha"), saves=False, broadcast=True, text="add",
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3)), {"alpha": 2.0}),
                      ((s.normal(2, 1), s.normal(3)), {"alpha": -0.5})])
op("sub_alpha", "SubBackward0", lambda a, b, alpha: np.subtract(a, np.multiply(b, alpha)),
   lambda g, o, a, b, alpha: g, lambda g, o, a, b, alpha: D.neg(_scaled(g, alpha)),
   formulas=("grad", "-grad * alpha"), saves=False, broadcast=True, text="sub",
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3)), {"alpha": 2.0})])


def _as_strided(a, size, stride, offset):
    flat = np.ascontiguousarray(a).reshape(-1)
    item = flat.itemsize
    return as_strided(flat[offset:], shape=size, strides=tuple(s * item for s in stride))


def _as_strided_vjp(g, o, a, size, stride, offset):
    """The base's grad: g added at the view's elements (np.add.at: expanded views repeat)."""
    shape = raw(a).shape
    idx = _as_strided(np.arange(int(np.prod(shape)), dtype=np.int64), size, stride, offset)
    flat = np.zeros(int(np.prod(shape)), dtype=raw(g).dtype)
    np.add.at(flat, idx.reshape(-1), np.broadcast_to(raw(g), size).reshape(-1))
    grad = flat.reshape(shape)
    return D.Tensor(grad) if isinstance(g, D.Tensor) else grad


op("as_strided", "AsStridedBackward0", _as_strided, _as_strided_vjp,
   formulas=("grad placed at the view's elements in zeros",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(3, 4),), {"size": (2, 2), "stride": (4, 1), "offset": 1}),
                      ((s.normal(3, 4),), {"size": (3,), "stride": (5,), "offset": 0})])



# CopySlices: the grad_fn of a base after an in-place op on one of its views: the base's old
# values with the view's elements replaced by the op's result (by size, stride and offset in
# elements, as as_strided); its grads are the grad with those elements zeroed (the old base)
# and the grad at those elements (the op's result, whose own node continues the walk)
def _copy_slices(base, src, size, stride, offset):
    out = np.array(base, copy=True)
    _as_strided(out, size, stride, offset)[...] = src
    return out


def _numeric(g):
    if isinstance(g, D.Traced):  # derive: element placement has no symbolic form here
        raise UnsupportedError("CopySlices is computed on arrays only")
    return raw(g)


def _copy_slices_base(g, o, base, src, size, stride, offset):
    grad = np.array(_numeric(g), copy=True)
    _as_strided(grad, size, stride, offset)[...] = 0
    return D.Tensor(grad) if isinstance(g, D.Tensor) else grad


def _copy_slices_src(g, o, base, src, size, stride, offset):
    grad = np.array(_as_strided(_numeric(g), size, stride, offset))
    return D.Tensor(grad) if isinstance(g, D.Tensor) else grad


op("copy_slices", "CopySlices", _copy_slices, _copy_slices_base, _copy_slices_src,
   formulas=("grad with the view's elements zeroed", "grad at the view's elements"),
   args=("self", "src"), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(3, 4), s.normal(2, 2)),
                       {"size": (2, 2), "stride": (4, 1), "offset": 1})])

# ---- backward formulas PyTorch implements as named functions: under create_graph they are
# recorded as their own nodes (ThresholdBackwardBackward0, ...), with their own VJPs, so
# grad_fn names and higher derivatives are PyTorch's
def _threshold_backward(g, s, threshold):
    # torch: self <= threshold ? 0 : grad (a NaN self passes the grad through)
    return np.where(s <= threshold, np.zeros((), g.dtype), g).astype(g.dtype, copy=False)


op("threshold_backward", "ThresholdBackwardBackward0", _threshold_backward,
   lambda gg, o, g, s, threshold: D.threshold_backward(gg, s, threshold=threshold),
   lambda gg, o, g, s, threshold: zeros_like(gg),
   formulas=("threshold_backward(grad, self, threshold)", "zeros_like(grad)"),
   args=("grad_output", "self"), dtype_rule="same",
   kink=lambda g, s, threshold: bool(np.any(s == threshold)),
   samples=lambda s: [((s.normal(2, 3), s.away_from_zero(2, 3)), {"threshold": 0.0})])


# Tensor * Scalar inside backward formulas (std_backward's 2 / (N - correction) * grad):
# torch's mul.Scalar overload, a node of its own (MulBackward1) without an edge for the number
op("mul_scalar", "MulBackward1", np.multiply, lambda g, o, a, s: D.mul_scalar(g, float(raw(s))),
   None, formulas=("grad * other",), saves=False, scalar_overload=True, text="mul",
   samples=lambda s: [((s.normal(2, 3), 1.5), {})])


def named(fn_name: str, generic, *args, **params):
    """A VJP that PyTorch computes with a named backward function (tanh_backward, ...):
    that row, recorded as its own node under create_graph; derive's symbolic values keep
    the row's composite formula (`generic`), which has the same value."""
    for a in args:
        if isinstance(a, D.Traced):
            return generic()
    return getattr(D, fn_name)(*args, **params)


def times(x, c: float):
    """x * c as PyTorch's backward formulas write it (Tensor * Scalar: MulBackward1 under
    create_graph); arrays and derive's symbols take the plain product (same value)."""
    return D.mul_scalar(x, c) if isinstance(x, D.Tensor) else D.mul(x, c)


def _zeros_vjp(gg, o, *inputs, **params):
    return zeros_like(gg)


def _same(gg, go):
    return np.asarray(gg, dtype=go.dtype) if isinstance(gg, np.ndarray) else gg


# ---- tanh_backward(grad_output, output): grad_output * (1 - output**2)
def _tanh_backward(go, y):
    fused = U.tanh_backward(go, y)
    return fused if fused is not None else go * (1 - y * y)


op("tanh_backward", "TanhBackwardBackward0", _tanh_backward,
   lambda gg, o, go, y: D.tanh_backward(gg, y),
   lambda gg, o, go, y: D.mul(gg, D.mul(D.mul(y, -2.0), go)),
   formulas=("tanh_backward(grad, output)", "grad * (-2 * output * grad_output)"),
   args=("grad_output", "output"), dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3), s.unit(2, 3)), {})])


# ---- sigmoid_backward(grad_output, output): grad_output * (1 - output) * output
def _sigmoid_backward(go, y):
    fused = U.sigmoid_backward(go, y)
    return fused if fused is not None else go * (1 - y) * y


op("sigmoid_backward", "SigmoidBackwardBackward0", _sigmoid_backward,
   lambda gg, o, go, y: D.sigmoid_backward(gg, y),
   lambda gg, o, go, y: D.mul(D.mul(gg, go), D.add(D.mul(y, -2.0), 1.0)),
   formulas=("sigmoid_backward(grad, output)", "grad * grad_output * (-2 * output + 1)"),
   args=("grad_output", "output"), dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3), s.rng.uniform(0.1, 0.9, (2, 3))), {})])


# ---- _softmax_backward_data(grad_output, output, dim): output * (grad_output - sum(...))
def _softmax_backward_data(go, y, dim):
    return D.mul(y, D.sub(go, D.sum_dim(D.mul(go, y), dims=_axis(dim), keepdim=True)))


def _softmax_double_backward(gg, o, go, y, dim):
    # FunctionsManual: grad_output * grad - (output * grad_output).sum(dim, true) * grad
    #                  - grad_output * (output * grad).sum(dim, true)
    return D.sub(D.sub(D.mul(go, gg), D.mul(D.sum_dim(D.mul(y, go), dims=_axis(dim), keepdim=True), gg)),
                 D.mul(go, D.sum_dim(D.mul(y, gg), dims=_axis(dim), keepdim=True)))


op("softmax_backward_data", "SoftmaxBackwardDataBackward0", _softmax_backward_data,
   lambda gg, o, go, y, dim: D.softmax_backward_data(gg, y, dim=dim), _softmax_double_backward,
   formulas=("_softmax_backward_data(grad, output, dim)",
             "softmax_double_backward(grad, grad_output, dim, output)"),
   args=("grad_output", "output"), dtype_rule="same",
   samples=lambda s: [((s.normal(3, 4), s.rng.uniform(0.05, 0.5, (3, 4))), {"dim": 1})])


# ---- _log_softmax_backward_data(grad_output, output, dim): go - exp(output) * sum(go)
def _log_softmax_backward_data(go, y, dim):
    return D.sub(go, D.mul(D.exp(y), D.sum_dim(go, dims=_axis(dim), keepdim=True)))


op("log_softmax_backward_data", "LogSoftmaxBackwardDataBackward0", _log_softmax_backward_data,
   lambda gg, o, go, y, dim: D.sub(gg, D.sum_dim(D.mul(gg, D.exp(y)), dims=_axis(dim), keepdim=True)),
   lambda gg, o, go, y, dim: D.mul(D.mul(D.neg(D.sum_dim(go, dims=_axis(dim), keepdim=True)),
                                         D.exp(y)), gg),
   formulas=("grad - (grad * output.exp()).sum(dim, true)",
             "-grad_output.sum(dim, true) * output.exp() * grad"),
   args=("grad_output", "output"), dtype_rule="same",
   samples=lambda s: [((s.normal(3, 4), -s.positive(3, 4)), {"dim": 0})])


# ---- threshold-like masks: the grad passes where the input is inside; their own VJPs are
# the same mask for grad_output and zeros for the input (PyTorch's formulas)
def _mask_row(name, grad_fn, keep, params, sample_params, formula):
    def forward(go, s, **kw):
        return np.where(keep(s, **kw), go, np.zeros((), go.dtype)).astype(go.dtype, copy=False)

    op(name, grad_fn, forward,
       lambda gg, o, go, s, **kw: getattr(D, name)(gg, s, **kw), _zeros_vjp,
       formulas=(f"{name}(grad, self, {', '.join(params)})", "zeros_like(grad)"),
       args=("grad_output", "self"), dtype_rule="same",
       kink=lambda go, s, **kw: False,
       samples=lambda s: [((s.normal(2, 3), s.normal(2, 3) * 2), sample_params)])


_mask_row("hardtanh_backward", "HardtanhBackwardBackward0",
          lambda s, min_val, max_val: ~((s <= min_val) | (s >= max_val)), ("min_val", "max_val"),
          {"min_val": -1.0, "max_val": 1.0}, "")
_mask_row("hardshrink_backward", "HardshrinkBackwardBackward0",
          lambda s, lambd: ~((s >= -lambd) & (s <= lambd)), ("lambd",), {"lambd": 0.5}, "")
_mask_row("softshrink_backward", "SoftshrinkBackwardBackward0",
          lambda s, lambd: ~((s >= -lambd) & (s <= lambd)), ("lambd",), {"lambd": 0.5}, "")


# ---- leaky_relu_backward(grad_output, self, negative_slope, self_is_result=false)
def _leaky_relu_backward(go, s, negative_slope):
    return np.where(s > 0, go, go * np.asarray(negative_slope, go.dtype)).astype(go.dtype)


op("leaky_relu_backward", "LeakyReluBackwardBackward0", _leaky_relu_backward,
   lambda gg, o, go, s, negative_slope: D.leaky_relu_backward(gg, s,
                                                              negative_slope=negative_slope),
   _zeros_vjp,
   formulas=("leaky_relu_backward(grad, self, negative_slope, false)", "zeros_like(grad)"),
   args=("grad_output", "self"), dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3), s.away_from_zero(2, 3)), {"negative_slope": 0.1})])


# ---- hardswish_backward(grad_output, self): x <= -3 ? 0 : x < 3 ? go * (x / 3 + 0.5) : go
def _hardswish_backward(go, s):
    dt = go.dtype
    inner = go * (s / np.asarray(3, dt) + np.asarray(0.5, dt))
    return np.where(s <= -3, np.zeros((), dt), np.where(s < 3, inner, go)).astype(dt)


op("hardswish_backward", "HardswishBackwardBackward0", _hardswish_backward,
   lambda gg, o, go, s: D.hardswish_backward(gg, s),
   lambda gg, o, go, s: D.where(D.div(D.mul(gg, go), 3.0), np.zeros((), raw(s).dtype),
                                cond=(raw(s) > -3) & (raw(s) < 3)),
   formulas=("hardswish_backward(grad, self)",
             "where(-3 < self < 3, grad * grad_output / 3, 0)"),
   args=("grad_output", "self"), dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3) * 2.5), {})])


# ---- elu_backward(grad_output, alpha, scale, input_scale, is_result=false, self): elu,
# selu, celu (ATen's kernel: x <= 0 ? go * input_scale * (alpha * scale) * exp(x * input_scale)
# : go * scale)
def _elu_backward(go, s, alpha, scale, input_scale):
    dt = go.dtype
    neg = go * np.asarray(input_scale, dt) * np.asarray(alpha * scale, dt) * np.exp(
        s * np.asarray(input_scale, dt))
    return np.where(s <= 0, neg, go * np.asarray(scale, dt)).astype(dt)


def _elu_double_backward(gg, o, go, s, alpha, scale, input_scale):
    # FunctionsManual: elu_backward(grad * grad_output * input_scale, ..., self) * (self < 0)
    inner = D.mul(D.mul(gg, go), input_scale)
    mask = (raw(s) < 0).astype(raw(s).dtype)
    return D.mul(D.elu_backward(inner, s, alpha=alpha, scale=scale, input_scale=input_scale),
                 mask)


op("elu_backward", "EluBackwardBackward0", _elu_backward,
   lambda gg, o, go, s, alpha, scale, input_scale: D.elu_backward(
       gg, s, alpha=alpha, scale=scale, input_scale=input_scale), _elu_double_backward,
   formulas=("elu_backward(grad, alpha, scale, input_scale, false, self)",
             "elu_backward(grad * grad_output * input_scale, ...) * (self < 0)"),
   args=("grad_output", "self"), dtype_rule="same",
   kink=lambda go, s, **kw: bool(np.any(s == 0)),
   samples=lambda s: [((s.normal(2, 3), s.away_from_zero(2, 3)),
                       {"alpha": 1.0, "scale": 1.0, "input_scale": 1.0}),
                      ((s.normal(2, 3), s.away_from_zero(2, 3)),
                       {"alpha": 0.7, "scale": 1.0, "input_scale": 1 / 0.7})])


def elu_vjp(g, a, alpha, scale, input_scale, generic):
    return named("elu_backward", generic, g, a, alpha=alpha, scale=scale,
                 input_scale=input_scale)


# ---- gelu_backward(grad_output, self, approximate='none'): go * (Phi(x) + x * phi(x))
_KBETA = 0.5 * 2 / math.sqrt(math.pi) * math.sqrt(0.5)  # M_2_SQRTPI * M_SQRT1_2 * 0.5


def _gelu_backward(go, s):
    fused = U.gelu_backward(go, s)
    if fused is not None:
        return fused
    cdf = 0.5 * (1 + U.erf(s * math.sqrt(0.5)))
    return (go * (cdf + s * (_KBETA * np.exp(-0.5 * s * s)))).astype(go.dtype)


def _gelu_double_backward(gg, o, go, s):
    # d/dx [Phi(x) + x phi(x)] = phi(x) * (2 - x**2)
    pdf = D.mul(D.exp(D.mul(D.mul(s, s), -0.5)), _KBETA)
    return D.mul(D.mul(gg, go), D.mul(pdf, D.rsub(D.mul(s, s), 2.0)))


op("gelu_backward", "GeluBackwardBackward0", _gelu_backward,
   lambda gg, o, go, s: D.gelu_backward(gg, s), _gelu_double_backward,
   formulas=("gelu_backward(grad, self)", "grad * grad_output * phi(self) * (2 - self**2)"),
   args=("grad_output", "self"), dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3)), {})])


# ---- mse_loss_backward(grad_output, self, target, reduction): 2 * (self - target) * go [/ N]
def _mse_loss_backward(go, a, t, reduction):
    # the kernel's float order: norm * (self - target) * grad, norm = 2 / numel (mean) or 2
    # rounded to the input's type first
    shape = np.broadcast_shapes(a.shape, t.shape)
    norm = 2.0 / math.prod(shape) if reduction == "mean" else 2.0
    g = go if reduction == "none" else D.expand(go, shape=shape)
    return D.mul(D.mul(D.sub(a, t), norm), g)


def _mse_double(gg, go, a, t, reduction):
    # mse_loss_double_backward(grad * grad_output, self, reduction): 2 * x [/ numel]
    out = D.mul(D.mul(gg, go), 2.0)
    return D.div_scalar(out, int(raw(a).size)) if reduction == "mean" else out


op("mse_loss_backward", "MseLossBackwardBackward0", _mse_loss_backward,
   lambda gg, o, go, a, t, reduction: D.mse_loss_backward(gg, a, t, reduction=reduction),
   lambda gg, o, go, a, t, reduction: _mse_double(gg, go, a, t, reduction),
   lambda gg, o, go, a, t, reduction: D.neg(_mse_double(gg, go, t, t, reduction)),
   formulas=("mse_loss_backward(grad, self, target, reduction)",
             "mse_loss_double_backward(grad * grad_output, self, reduction)",
             "-mse_loss_double_backward(grad * grad_output, target, reduction)"),
   args=("grad_output", "self", "target"), dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3), s.normal(2, 3)), {"reduction": "none"}),
                      ((np.asarray(s.normal()), s.normal(2, 3), s.normal(2, 3)),
                       {"reduction": "mean"})])


def mse_vjp(g, a, t, reduction, generic):
    return named("mse_loss_backward", generic, g, a, t, reduction=reduction)


# ---- binary_cross_entropy_backward(grad_output, self, target, weight=None, reduction)
_EPS = 1e-12


def _bce_backward(go, p, t, reduction):
    # Loss.cpp's float32 order: grad * (p - t) / max((1 - p) * p, eps), then / numel
    g = go if reduction == "none" else D.expand(go, shape=p.shape)
    out = D.div(D.mul(g, D.sub(p, t)), D.clamp(D.mul(D.rsub(p, 1.0), p), min=_EPS))
    return D.div(out, math.prod(p.shape)) if reduction == "mean" else out


def _bce_double_self(gg, o, go, p, t, reduction):
    # (x*x - 2*x*t + t) / ((x + eps)**2 * (1 - x + eps)**2) * (grad * grad_output) [/ N]
    num = D.add(D.sub(D.mul(p, p), D.mul(D.mul(p, 2.0), t)), t)
    den = D.mul(D.pow_scalar(D.add(p, _EPS), 2.0), D.pow_scalar(D.add(D.rsub(p, 1.0), _EPS), 2.0))
    out = D.mul(D.div(num, den), D.mul(gg, go))
    return D.div_scalar(out, int(raw(p).size)) if reduction == "mean" else out


def _bce_double_target(gg, o, go, p, t, reduction):
    x = raw(p)  # the denominator is computed under no_grad in PyTorch: a constant here
    denom = D.clamp(D.mul(D.rsub(x, 1.0), x), min=_EPS)
    out = D.div(D.neg(D.mul(gg, go)), denom)
    return D.div_scalar(out, int(raw(t).size)) if reduction == "mean" else out


op("binary_cross_entropy_backward", "BinaryCrossEntropyBackwardBackward0", _bce_backward,
   lambda gg, o, go, p, t, reduction: D.binary_cross_entropy_backward(gg, p, t,
                                                                      reduction=reduction),
   _bce_double_self, _bce_double_target,
   formulas=("binary_cross_entropy_backward(grad, self, target, weight, reduction)",
             "binary_cross_entropy_double_backward(grad_output, grad, self, target, ...)",
             "binary_cross_entropy_double_backward_target(grad, grad_output, self, ...)"),
   args=("grad_output", "self", "target"), dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3), s.rng.uniform(0.1, 0.9, (2, 3)),
                        s.rng.uniform(0, 1, (2, 3))), {"reduction": "none"})])


def bce_vjp(g, p, t, reduction, generic):
    return named("binary_cross_entropy_backward", generic, g, p, t, reduction=reduction)


# ---- hardsigmoid_backward(grad_output, self): (-3 < x < 3) ? grad * (1/6) : 0. PyTorch has
# no derivative for it: under create_graph the grad's grad_fn is NotImplemented and a
# backward through it raises
def _hardsigmoid_backward(go, s):
    inside = (s > -3) & (s < 3)
    # ATen's one_sixth is the float 1.0f / 6.0f, in double kernels too
    return np.where(inside, go * np.asarray(np.float32(1 / 6), go.dtype),
                    np.zeros((), go.dtype)).astype(go.dtype)


def _not_implemented(gg, o, *inputs, **params):
    raise runtime("derivative for aten::hardsigmoid_backward is not implemented")


op("hardsigmoid_backward", "NotImplemented", _hardsigmoid_backward,
   _not_implemented, _not_implemented,
   formulas=('not_implemented("hardsigmoid_backward")',) * 2,
   args=("grad_output", "self"), dtype_rule="same", saves=False,
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3) * 2.5), {})])


# ---- softplus_backward(grad_output, self, beta, threshold): grad * sigmoid(beta * self)
# below the threshold, grad above it
def _softplus_backward(go, s, beta, threshold):
    fused = U.softplus_backward(go, s, beta, threshold)
    if fused is not None:
        return fused
    x = s * beta
    z = np.exp(np.minimum(x, threshold))
    return np.where(x > threshold, go, go * z / (z + 1)).astype(go.dtype)


def _softplus_double_backward(gg, o, go, s, beta, threshold):
    # FunctionsManual: sigmoid_backward(grad, x.sigmoid()) * (x < threshold) * beta, with
    # grad = grad * grad_output and x = self * beta
    x = D.mul_scalar(s, float(beta))
    below = (raw(x) < threshold).astype(raw(s).dtype)
    return D.mul_scalar(D.mul(D.sigmoid_backward(D.mul(gg, go), D.sigmoid(x)), below),
                        float(beta))


op("softplus_backward", "SoftplusBackwardBackward0", _softplus_backward,
   lambda gg, o, go, s, beta, threshold: D.softplus_backward(gg, s, beta=beta,
                                                             threshold=threshold),
   _softplus_double_backward,
   formulas=("softplus_backward(grad, self, beta, threshold)",
             "softplus_double_backward(grad * grad_output, self, beta, threshold)"),
   args=("grad_output", "self"), dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3), s.normal(2, 3)), {"beta": 1.0, "threshold": 20.0}),
                      ((s.normal(5), s.normal(5) * 3), {"beta": 2.0, "threshold": 1.5})])


# In-place fills with a graph (y.fill_(v), y.zero_() on a tensor that requires grad): the
# tensor's new grad_fn, whose grad is zeros (FillBackward2 / ZeroBackward0, as PyTorch)
op("fill_inplace", "FillBackward2", lambda a, value: np.full_like(a, value), _zeros_vjp,
   formulas=("zeros_like(grad)",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3),), {"value": 0.5})])
op("zero_inplace", "ZeroBackward0", lambda a: np.zeros_like(a), _zeros_vjp,
   formulas=("zeros_like(grad)",), saves=False, dtype_rule="same",
   samples=lambda s: [((s.normal(2, 3),), {})])
