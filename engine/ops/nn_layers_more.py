"""Rows: the torch.nn layer ops added by issue 18 (glu, prelu, rrelu in eval mode, group
norm, transposed convolution, adaptive max pooling, upsampling, pdist, im2col, pixel
shuffle) and the small ATen steps PyTorch composes F.normalize / F.pairwise_distance of
(clamp_min, add of a Scalar, the legacy norm). Their samples are in nn_samples_more.py.

Like nn_layers.py, everything runs on numpy views and one matmul or one scatter
(np.add.at) per op; loops go over kernel positions or output rows, never over pixels.
VJP rules that compute on arrays raise NotImplementedError under create_graph rather
than build a wrong graph."""

import numpy as np

from .. import dual as D
from . import nn_layers as L
from .nn_samples_more import sampled
from .table import op as _op

raw = D.raw
_arrays_only = L._arrays_only


def op(name, *a, **kw):
    return _op(name, *a, samples=sampled(name), **kw)


def _sigmoid(x):
    with np.errstate(over="ignore"):  # exp overflows to inf for x < -88: sigmoid is 0
        return (1.0 / (1.0 + np.exp(-x))).astype(x.dtype)


# ---------------------------------------------------------------- glu, prelu, rrelu
def _halves(a, dim):
    h = a.shape[dim] // 2
    return np.split(a, [h], axis=dim)


def _glu(a, dim):
    x1, x2 = _halves(a, dim)
    return (x1 * _sigmoid(x2)).astype(a.dtype)


def _glu_vjp(g, o, a, dim):
    g = _arrays_only(g, "glu")
    x1, x2 = _halves(raw(a), dim)
    s = _sigmoid(x2)
    return np.concatenate([g * s, g * x1 * s * (1 - s)], axis=dim).astype(raw(a).dtype)


op("glu", "GluBackward0", _glu, _glu_vjp,
   formulas=("glu_backward(grad, self, dim)",), dtype_rule="same")


def _prelu(x, w):
    return np.where(x > 0, x, w * x).astype(x.dtype)


op("prelu_kernel", "PreluKernelBackward0", _prelu,
   lambda g, o, x, w: D.mul(g, np.where(raw(x) > 0, 1, raw(w)).astype(raw(x).dtype)),
   lambda g, o, x, w: D.mul(g, np.where(raw(x) > 0, 0, raw(x)).astype(raw(x).dtype)),
   formulas=("self > 0 ? grad : weight * grad", "self > 0 ? 0 : self * grad"),
   args=("self", "weight"), dtype_rule="same",
   kink=lambda x, w: bool(np.any(x == 0)))


def _rrelu_eval(x, lower, upper):
    slope = np.asarray((lower + upper) / 2, dtype=x.dtype)
    return np.where(x > 0, x, x * slope).astype(x.dtype)


op("rrelu_with_noise", "RreluWithNoiseBackward0", _rrelu_eval,
   lambda g, o, x, lower, upper: D.mul(
       g, np.where(raw(x) > 0, 1, (lower + upper) / 2).astype(raw(x).dtype)),
   formulas=("rrelu_with_noise_backward(grad, self, noise, lower, upper, training=False)",),
   dtype_rule="same", kink=lambda x, lower, upper: bool(np.any(x == 0)))


def _rrelu_train_vjp(g, o, x, noise, lower, upper):
    """rrelu_with_noise_backward in training: grad * noise (the leaky slope when the range
    is empty, as PyTorch's `upper - lower > 1e-6` test)."""
    if upper - lower > 1e-6:
        return D.mul(g, noise.astype(raw(x).dtype))
    return D.mul(g, np.where(raw(x) > 0, 1, (lower + upper) / 2).astype(raw(x).dtype))


op("rrelu_with_noise_train", "RreluWithNoiseBackward0",
   lambda x, noise, lower, upper: (x * noise).astype(x.dtype), _rrelu_train_vjp,
   formulas=("rrelu_with_noise_backward(grad, self, noise, lower, upper, training=True)",),
   dtype_rule="same", kink=lambda x, noise, lower, upper: bool(np.any(x == 0)))


# ---------------------------------------------------------------- clamp_min, add(Scalar), norm
def _pnorm(a, p, axis, keepdim):
    x = np.abs(a)
    if p == np.inf:
        return np.max(x, axis=axis, keepdims=keepdim)
    if p == -np.inf:
        return np.min(x, axis=axis, keepdims=keepdim)
    if p == 0:
        return np.sum(x != 0, axis=axis, keepdims=keepdim).astype(a.dtype)
    if p == 1:
        return np.sum(x, axis=axis, keepdims=keepdim)
    if p == 2:
        return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdim))
    return np.sum(x ** p, axis=axis, keepdims=keepdim) ** (1.0 / p)


def _pnorm_grad(d, r, p):
    """d||d||_p / dd along the last axis, r the norm with that axis kept (size 1):
    PyTorch's norm_backward (0 where the norm is 0; the ties of an inf-norm share it)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if p == 0:
            return np.zeros_like(d)
        if p == 1:
            return np.sign(d)
        if p == 2:
            out = d / r
        elif np.isinf(p):
            ties = np.abs(d) == r
            out = np.sign(d) * ties / np.sum(ties, axis=-1, keepdims=True)
        else:
            out = np.sign(d) * np.where(d == 0, 0, np.abs(d) ** (p - 1)) / r ** (p - 1)
    return np.where(r == 0, 0, out).astype(d.dtype)


# ---------------------------------------------------------------- group norm
def _gn_stats(x, groups, eps):
    n = x.shape[0]
    xg = x.reshape(n, groups, -1)
    m = np.mean(xg, axis=2, keepdims=True, dtype=np.float64)
    v = np.mean((xg - m) ** 2, axis=2, keepdims=True)
    return xg, m, 1.0 / np.sqrt(v + eps)


def _group_norm(x, w, b, groups, eps=1e-5):
    xg, m, rstd = _gn_stats(x, groups, eps)
    xhat = ((xg - m) * rstd).reshape(x.shape)
    return (xhat * L._bc(w, x) + L._bc(b, x)).astype(x.dtype)


def _gn_vjp_input(g, o, x, w, b, groups, eps=1e-5):
    g = _arrays_only(g, "group_norm")
    x = raw(x)
    xg, m, rstd = _gn_stats(x, groups, eps)
    xhat = (xg - m) * rstd
    gw = (g * L._bc(raw(w), x)).reshape(xg.shape)
    r = (gw - gw.mean(axis=2, keepdims=True) - xhat * (gw * xhat).mean(axis=2, keepdims=True))
    return (r * rstd).reshape(x.shape).astype(x.dtype)


def _gn_vjp_weight(g, o, x, w, b, groups, eps=1e-5):
    g = _arrays_only(g, "group_norm")
    xg, m, rstd = _gn_stats(raw(x), groups, eps)
    xhat = ((xg - m) * rstd).reshape(raw(x).shape)
    return np.sum(g * xhat, axis=L._bn_axes(g)).astype(g.dtype)


op("group_norm", "NativeGroupNormBackward0", _group_norm, _gn_vjp_input, _gn_vjp_weight,
   lambda g, o, x, w, b, groups, eps=1e-5: np.sum(
       _arrays_only(g, "group_norm"), axis=L._bn_axes(g), dtype=g.dtype),
   formulas=("native_group_norm_backward(grad, input, mean, rstd, weight)",
             "sum(grad * xhat)", "sum(grad)"), args=("input", "weight", "bias"))


# ---------------------------------------------------------------- transposed convolution
def _conv_t(x, w, b, stride, padding, dilation, groups, has_bias, out_hw):
    """PyTorch's transposed convolution: x @ w per group (one batched matmul), then col2im,
    a scatter with one strided slice per kernel position, into a buffer cropped at the
    padding (`out_hw` includes output_padding)."""
    one_d = x.ndim == 3
    x4, w4 = L._as4d(x), L._as4d(w)
    n, cin, h, wd = x4.shape
    cout_g, kh, kw = w4.shape[1:]
    cin_g = cin // groups
    xm = x4.reshape(n, groups, cin_g, h * wd).transpose(1, 0, 3, 2)
    cols = np.matmul(xm, w4.reshape(groups, 1, cin_g, cout_g * kh * kw))  # (G, N, HW, .)
    cols = cols.reshape(groups, n, h, wd, cout_g, kh, kw).transpose(1, 0, 4, 2, 3, 5, 6)
    cols = cols.reshape(n, groups * cout_g, h, wd, kh, kw)
    (pt, _), (pl, _) = padding
    reach = ((h - 1) * stride[0] + dilation[0] * (kh - 1) + 1,
             (wd - 1) * stride[1] + dilation[1] * (kw - 1) + 1)
    buf = np.zeros((n, groups * cout_g, max(reach[0], pt + out_hw[0]),
                    max(reach[1], pl + out_hw[1])), dtype=x.dtype)
    for i in range(kh):  # a loop over the kernel's positions, not over pixels
        hi = i * dilation[0]
        for j in range(kw):
            wj = j * dilation[1]
            buf[:, :, hi:hi + stride[0] * (h - 1) + 1:stride[0],
                wj:wj + stride[1] * (wd - 1) + 1:stride[1]] += cols[..., i, j]
    out = buf[:, :, pt:pt + out_hw[0], pl:pl + out_hw[1]]
    if has_bias:
        out = out + b[:, None, None]
    out = np.ascontiguousarray(out, dtype=x.dtype)
    return out[:, :, 0, :] if one_d else out


def _grad_as_conv_input(g, x, padding, out_hw, stride, dilation, w):
    """The output grad cut or padded (bottom/right) so that a convolution over it, with the
    transposed one's stride and dilation, has exactly x's spatial size: positions past the
    last window (output_padding beyond the padding) are never read."""
    g4 = L._as4d(g)
    h, wd = L._as4d(raw(x)).shape[2:]
    kh, kw = L._as4d(raw(w)).shape[2:]
    pads, cut = [], []
    for size, (p, _), o, s, d, k in zip((h, wd), padding, out_hw, stride, dilation, (kh, kw),
                                        strict=True):
        need = (size - 1) * s + d * (k - 1) + 1  # the padded length the windows span
        extra = need - p - o  # padding after the end (negative: unread positions to cut)
        pads.append((p, max(extra, 0)))
        cut.append(o + min(extra, 0))
    return np.ascontiguousarray(g4[:, :, :cut[0], :cut[1]]), tuple(pads)


def _conv_t_vjp_input(g, o, x, w, b, stride, padding, dilation, groups, has_bias, out_hw):
    g = _arrays_only(g, "conv_transpose")
    gc, pads = _grad_as_conv_input(g, x, padding, out_hw, stride, dilation, w)
    r = L._conv(gc, L._as4d(raw(w)), None, stride, pads, dilation, groups, False)
    return r[:, :, 0, :] if raw(x).ndim == 3 else r


def _conv_t_vjp_weight(g, o, x, w, b, stride, padding, dilation, groups, has_bias, out_hw):
    g = _arrays_only(g, "conv_transpose")
    gc, pads = _grad_as_conv_input(g, x, padding, out_hw, stride, dilation, w)
    gw = L._conv_vjp_weight(L._as4d(raw(x)), None, gc, L._as4d(raw(w)), None, stride, pads,
                            dilation, groups, False)
    return gw.reshape(raw(w).shape)


op("convolution_transpose", "ConvolutionBackward0", _conv_t, _conv_t_vjp_input,
   _conv_t_vjp_weight,
   lambda g, o, x, w, b, out_hw, **kw: L._conv_vjp_bias(g, o, x, w, b, **kw),
   formulas=("conv(grad, weight)", "input (x) im2col(grad)", "grad summed over batch and space"),
   args=("input", "weight", "bias"))


# ---------------------------------------------------------------- adaptive max pooling
def _adaptive_max_arg(x, out_hw):
    """(max, flat h * W + w index of the first maximum) of each adaptive window."""
    if x.ndim == 3:  # unbatched (C, H, W): PyTorch's kernel takes it as it is
        val, idx = _adaptive_max_arg(x[None], out_hw)
        return val[0], idx[0]
    n, c, h, w = x.shape
    oh, ow = out_hw
    val = np.empty((n, c, oh, ow), dtype=x.dtype)
    idx = np.empty((n, c, oh, ow), dtype=np.int64)
    cols = np.arange(h * w).reshape(h, w)
    for i, (h0, h1) in enumerate(L._adaptive_bounds(h, oh)):  # one slice per output row/col
        for j, (w0, w1) in enumerate(L._adaptive_bounds(w, ow)):
            win = x[:, :, h0:h1, w0:w1].reshape(n, c, -1)
            k = np.argmax(np.where(np.isnan(win), np.inf, win), axis=2)
            val[:, :, i, j] = np.take_along_axis(win, k[..., None], 2)[..., 0]
            idx[:, :, i, j] = cols[h0:h1, w0:w1].reshape(-1)[k]
    return val, idx


def _adaptive_max_vjp(g, o, x, out_hw):
    g = _arrays_only(g, "adaptive_max_pool2d")
    x = raw(x)
    _, idx = _adaptive_max_arg(x, out_hw)
    n, c, h, w = (1,) * (4 - x.ndim) + x.shape
    dx = np.zeros((n * c, h * w), dtype=x.dtype)
    rows = np.arange(n * c)[:, None]
    np.add.at(dx, (rows, idx.reshape(n * c, -1)), g.reshape(n * c, -1))
    return dx.reshape(x.shape)


op("adaptive_max_pool2d", "AdaptiveMaxPool2DBackward0",
   lambda x, out_hw: _adaptive_max_arg(x, out_hw)[0], _adaptive_max_vjp,
   formulas=("grad at each window's argmax",), dtype_rule="same")


# ---------------------------------------------------------------- upsampling
def _nearest_index(in_size, out_size, scale, shortcuts=True):
    """PyTorch's nearest_idx: floor(dst * scale) in float32, scale = 1/scale_factor or
    in/out, except that an output of the input's size copies and one of twice its size
    shifts (even when scale_factor says otherwise). PyTorch's 1-D forward kernel
    (compute_indices_weights_nearest) takes no shortcut, its backward and the 2-D kernels
    do: `shortcuts` says which."""
    dst = np.arange(out_size)
    if shortcuts and out_size == in_size:
        return dst
    if shortcuts and out_size == 2 * in_size:
        return dst >> 1
    s = np.float32(1.0 / scale if scale else in_size / out_size)
    return np.minimum(np.floor(dst.astype(np.float32) * s).astype(np.int64), in_size - 1)


def _linear_weights(in_size, out_size, align_corners, scale):
    """(i0, i1, lambda0, lambda1) of PyTorch's compute_source_index_and_lambda."""
    dst = np.arange(out_size)
    if out_size == in_size:
        return dst, dst, np.ones(out_size), np.zeros(out_size)
    if align_corners:
        ratio = (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    else:
        ratio = 1.0 / scale if scale and scale > 0 else in_size / out_size
    ratio = np.float32(ratio)
    if align_corners:
        src = ratio * dst.astype(np.float32)
    else:
        src = np.maximum(ratio * (dst.astype(np.float32) + np.float32(0.5)) - np.float32(0.5),
                         np.float32(0))
    i0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    lam1 = np.clip(src - i0, 0, 1)
    i1 = i0 + (i0 < in_size - 1)
    return i0, i1, 1 - lam1, lam1


def _interp_matrix(mode, in_size, out_size, align_corners, scale, dtype):
    """(out, in) matrix of one spatial axis: one-hot rows (nearest) or two weights."""
    m = np.zeros((out_size, in_size), dtype=dtype)
    rows = np.arange(out_size)
    if mode == "nearest":
        m[rows, _nearest_index(in_size, out_size, scale)] = 1
        return m
    i0, i1, l0, l1 = _linear_weights(in_size, out_size, align_corners, scale)
    np.add.at(m, (rows, i0), l0.astype(dtype))
    np.add.at(m, (rows, i1), l1.astype(dtype))
    return m


def _upsample(x, mode, out_size, align_corners=False, scales=None):
    spatial = x.shape[2:]
    out = x
    for k, (i, o) in enumerate(zip(spatial, out_size, strict=True)):
        if mode == "nearest":  # a gather: exact values (and nan/inf kept where they are)
            idx = _nearest_index(i, o, scales[k] if scales else None, shortcuts=x.ndim == 4)
            out = np.take(out, idx, axis=2 + k)
            continue
        m = _interp_matrix(mode, i, o, align_corners, scales[k] if scales else None, x.dtype)
        out = np.moveaxis(np.tensordot(m, np.moveaxis(out, 2 + k, 0), axes=(1, 0)), 0, 2 + k)
    return np.ascontiguousarray(out, dtype=x.dtype)


def _upsample_vjp(g, o, x, mode, out_size, align_corners=False, scales=None):
    g = _arrays_only(g, f"upsample ({mode})")
    spatial = raw(x).shape[2:]
    for k, (i, s) in enumerate(zip(spatial, out_size, strict=True)):
        m = _interp_matrix(mode, i, s, align_corners, scales[k] if scales else None, g.dtype)
        g = np.moveaxis(np.tensordot(m.T, np.moveaxis(g, 2 + k, 0), axes=(1, 0)), 0, 2 + k)
    return np.ascontiguousarray(g, dtype=raw(x).dtype)


for _name, _grad_fn in (("upsample_nearest1d", "UpsampleNearest1DBackward0"),
                        ("upsample_nearest2d", "UpsampleNearest2DBackward0"),
                        ("upsample_linear1d", "UpsampleLinear1DBackward0"),
                        ("upsample_bilinear2d", "UpsampleBilinear2DBackward0")):
    op(_name, _grad_fn, _upsample, _upsample_vjp, saves=False, dtype_rule="same",
       formulas=(f"{_name}_backward(grad, output_size, input_size, scales)",))


# ---------------------------------------------------------------- pdist
def _pairs(n):
    return np.triu_indices(n, 1)


def _pdist(x, p):
    i, j = _pairs(x.shape[0])
    return _pnorm(x[i] - x[j], p, -1, False).astype(x.dtype)


def _pdist_vjp(g, o, x, p):
    g = _arrays_only(g, "pdist")
    x = raw(x)
    i, j = _pairs(x.shape[0])
    d = x[i] - x[j]
    r = raw(o)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        if np.isinf(p):  # every tie gets the gradient (PyTorch's pdist backward)
            pg = np.sign(d) * (np.abs(d) == r)
        elif p < 1:
            pg = np.where(d == 0, 0, np.sign(d) * np.abs(d) ** (p - 1) / r ** (p - 1))
        else:
            pg = _pnorm_grad(d, r, p)
    pg = np.where(r == 0, 0, pg) * g[:, None]
    dx = np.zeros_like(x)
    np.add.at(dx, i, pg)
    np.add.at(dx, j, -pg)
    return dx.astype(x.dtype)


def _inf_ties(x, p):
    """p = inf: a pair whose largest |difference| is reached twice is a kink."""
    if not np.isinf(p):
        return False
    i, j = _pairs(x.shape[0])
    d = np.abs(x[i] - x[j])
    return bool(np.any(np.sum(d == d.max(axis=-1, keepdims=True), axis=-1) > 1))


op("pdist", "PdistBackward0", _pdist, _pdist_vjp,
   formulas=("_pdist_backward(grad, self, p, result)",), dtype_rule="same",
   kink=lambda x, p: bool(np.any(_pdist(x, 2.0) == 0)) or _inf_ties(x, p))


# ---------------------------------------------------------------- im2col, pixel shuffle
def _im2col(x, kernel, dilation, padding, stride, out_hw):
    unb = x.ndim == 3
    x4 = x[None] if unb else x
    xp = L._pad4(x4, ((padding[0],) * 2, (padding[1],) * 2))
    win = L._windows(xp, kernel, stride, dilation, out_hw)  # (N, C, OH, OW, kh, kw)
    n, c = x4.shape[:2]
    cols = win.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * kernel[0] * kernel[1], -1)
    cols = np.ascontiguousarray(cols)
    return cols[0] if unb else cols


def _im2col_vjp(g, o, x, kernel, dilation, padding, stride, out_hw):
    g = _arrays_only(g, "unfold")
    x4 = raw(x)[None] if raw(x).ndim == 3 else raw(x)
    g = g[None] if g.ndim == 2 else g
    n, c, h, w = x4.shape
    oh, ow = out_hw
    gc = g.reshape(n, c, kernel[0], kernel[1], oh, ow)
    dxp = np.zeros((n, c, h + 2 * padding[0], w + 2 * padding[1]), dtype=x4.dtype)
    for i in range(kernel[0]):  # col2im: a loop over the kernel's positions
        hi = i * dilation[0]
        for j in range(kernel[1]):
            wj = j * dilation[1]
            dxp[:, :, hi:hi + stride[0] * (oh - 1) + 1:stride[0],
                wj:wj + stride[1] * (ow - 1) + 1:stride[1]] += gc[:, :, i, j]
    dx = dxp[:, :, padding[0]:padding[0] + h, padding[1]:padding[1] + w]
    return dx[0] if raw(x).ndim == 3 else dx


op("im2col", "Im2ColBackward0", _im2col, _im2col_vjp,
   formulas=("col2im(grad, input.sizes()[-2:], kernel_size, dilation, padding, stride)",),
   saves=False, dtype_rule="same")


def _shuffle(x, r):
    *lead, c, h, w = x.shape
    y = x.reshape(*lead, c // (r * r), r, r, h, w)
    k = len(lead)
    y = y.transpose(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return np.ascontiguousarray(y.reshape(*lead, c // (r * r), h * r, w * r))


def _unshuffle(x, r):
    *lead, c, h, w = x.shape
    y = x.reshape(*lead, c, h // r, r, w // r, r)
    k = len(lead)
    y = y.transpose(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return np.ascontiguousarray(y.reshape(*lead, c * r * r, h // r, w // r))


op("pixel_shuffle", "PixelShuffleBackward0", lambda x, r: _shuffle(x, r),
   lambda g, o, x, r: D.pixel_unshuffle(g, r=r),
   formulas=("pixel_unshuffle(grad, upscale_factor)",), saves=False, dtype_rule="same")
op("pixel_unshuffle", "PixelUnshuffleBackward0", lambda x, r: _unshuffle(x, r),
   lambda g, o, x, r: D.pixel_shuffle(g, r=r),
   formulas=("pixel_shuffle(grad, downscale_factor)",), saves=False, dtype_rule="same")
