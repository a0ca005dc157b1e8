"""Rows: torch.nn's layer ops (addmm, convolution, pooling, batch/layer norm, embedding,
padding); their activations and losses are in nn_losses.py, their samples in nn_samples.py.
 Convolution and
pooling run over an im2col *view* of the input (numpy as_strided: no copy, no Python
loop over pixels) and one batched matmul; their backward loops only over the kernel's
positions (kh * kw slices). Their VJP rules compute on arrays: a double backward
through them (create_graph) raises NotImplementedError rather than give a wrong graph."""


import numpy as np

from .. import dual as D
from .linalg import _check_mm
from .nn_samples import sampled
from .table import op as _op

raw = D.raw
_strided = np.lib.stride_tricks.as_strided


def op(name, *a, **kw):
    """A row with its samples from nn_samples.py (one place for the layer ops' sample shapes)."""
    return _op(name, *a, samples=sampled(name), **kw)


def _arrays_only(g, what):
    if not isinstance(g, (np.ndarray, np.generic)):
        raise NotImplementedError(f"gradcli: double backward (create_graph=True) through {what} "
                                  f"is not supported")
    return g


# ---------------------------------------------------------------- linear
op("addmm", "AddmmBackward0", lambda b, m1, m2: _check_mm(m1, m2) + b,
   lambda g, o, b, m1, m2: g,
   lambda g, o, b, m1, m2: D.mm(g, D.t(m2)),
   lambda g, o, b, m1, m2: D.mm(D.t(m1), g),
   formulas=("grad", "grad @ mat2.T", "mat1.T @ grad"), broadcast=False)
op("squeeze_inplace_dims", "SqueezeBackward4", lambda a, dims: np.squeeze(a, dims),
   lambda g, o, a, dims: D.reshape(g, shape=raw(a).shape),
   formulas=("grad.unsqueeze(dims)",), saves=False, dtype_rule="same")


# ---------------------------------------------------------------- convolution (im2col)
def _as4d(x):
    """conv1d / pool1d arrays as their 2-D forms (N, C, 1, L), as PyTorch runs them."""
    return x[:, :, None, :] if x.ndim == 3 else x


def _windows(xp, kernel, stride, dilation, out_hw):
    """(N, C, OH, OW, kh, kw) view of padded input `xp`: every window, no copy."""
    n, c = xp.shape[:2]
    s = xp.strides
    return _strided(xp, (n, c) + tuple(out_hw) + tuple(kernel),
                    (s[0], s[1], s[2] * stride[0], s[3] * stride[1],
                     s[2] * dilation[0], s[3] * dilation[1]), writeable=False)


def _pad4(x, padding, value=0.0):
    (t, b), (left, r) = padding
    if not (t or b or left or r):
        return x
    return np.pad(x, ((0, 0), (0, 0), (t, b), (left, r)), constant_values=value)


def conv_out_size(size, pad_total, dil, k, stride):
    return (size + pad_total - dil * (k - 1) - 1) // stride + 1


def _conv_geometry(x, w, stride, padding, dilation):
    h, wd = x.shape[2:]
    kh, kw = w.shape[2:]
    oh = conv_out_size(h, sum(padding[0]), dilation[0], kh, stride[0])
    ow = conv_out_size(wd, sum(padding[1]), dilation[1], kw, stride[1])
    return (kh, kw), (oh, ow)


def _cols(x, w, stride, padding, dilation, groups):
    """The im2col matrix (G, N*OH*OW, C/G*kh*kw) and the output's spatial size."""
    kernel, out_hw = _conv_geometry(x, w, stride, padding, dilation)
    n, c = x.shape[:2]
    win = _windows(_pad4(x, padding), kernel, stride, dilation, out_hw)
    cg = c // groups
    win = win.reshape((n, groups, cg) + out_hw + kernel)
    cols = win.transpose(1, 0, 3, 4, 2, 5, 6).reshape(groups, n * out_hw[0] * out_hw[1],
                                                      cg * kernel[0] * kernel[1])
    return cols, out_hw


def _conv(x, w, b, stride, padding, dilation, groups, has_bias):
    one_d = x.ndim == 3
    x, w = _as4d(x), _as4d(w)
    n, o = x.shape[0], w.shape[0]
    cols, (oh, ow) = _cols(x, w, stride, padding, dilation, groups)
    wm = w.reshape(groups, o // groups, -1).transpose(0, 2, 1)
    out = np.matmul(cols, wm)  # (G, N*OH*OW, O/G)
    out = out.reshape(groups, n, oh, ow, o // groups).transpose(1, 0, 4, 2, 3).reshape(n, o, oh, ow)
    if has_bias:
        out = out + b[:, None, None]
    out = np.ascontiguousarray(out)
    return out[:, :, 0, :] if one_d else out


def _conv_grad_out(g, groups):
    """grad of the output (N, O, OH, OW) as (G, N*OH*OW, O/G)."""
    g = _as4d(_arrays_only(g, "convolution"))
    n, o, oh, ow = g.shape
    return g.reshape(n, groups, o // groups, oh, ow).transpose(1, 0, 3, 4, 2).reshape(
        groups, n * oh * ow, o // groups)


def _conv_vjp_input(g, out, x, w, b, stride, padding, dilation, groups, has_bias):
    x4, w4 = _as4d(raw(x)), _as4d(raw(w))
    n, c, h, wd = x4.shape
    o = w4.shape[0]
    kernel, (oh, ow) = _conv_geometry(x4, w4, stride, padding, dilation)
    cg = c // groups
    dcols = np.matmul(_conv_grad_out(g, groups), w4.reshape(groups, o // groups, -1))
    dcols = dcols.reshape((groups, n, oh, ow, cg) + kernel).transpose(1, 0, 4, 2, 3, 5, 6)
    dcols = dcols.reshape((n, c, oh, ow) + kernel)
    (t, bo), (left, r) = padding
    dxp = np.zeros((n, c, h + t + bo, wd + left + r), dtype=x4.dtype)
    for i in range(kernel[0]):  # a loop over the kernel's positions, not over pixels
        hi = i * dilation[0]
        for j in range(kernel[1]):
            wj = j * dilation[1]
            dxp[:, :, hi:hi + stride[0] * (oh - 1) + 1:stride[0],
                wj:wj + stride[1] * (ow - 1) + 1:stride[1]] += dcols[..., i, j]
    dx = dxp[:, :, t:t + h, left:left + wd]
    return dx[:, :, 0, :] if raw(x).ndim == 3 else dx


def _conv_vjp_weight(g, out, x, w, b, stride, padding, dilation, groups, has_bias):
    w4 = _as4d(raw(w))
    cols, _ = _cols(_as4d(raw(x)), w4, stride, padding, dilation, groups)
    gw = np.matmul(_conv_grad_out(g, groups).transpose(0, 2, 1), cols)  # (G, O/G, K)
    return gw.reshape(raw(w).shape)


def _conv_vjp_bias(g, out, x, w, b, stride, padding, dilation, groups, has_bias):
    g = _arrays_only(g, "convolution")
    return np.sum(g, axis=(0,) + tuple(range(2, g.ndim)), dtype=g.dtype)


op("convolution", "ConvolutionBackward0", _conv, _conv_vjp_input, _conv_vjp_weight,
   _conv_vjp_bias, formulas=("conv_transpose(grad, weight)", "grad (x) im2col(input)",
                             "grad summed over batch and space"))


# ---------------------------------------------------------------- pooling
def _pool_windows(x, kernel, stride, padding, dilation, out_hw, fill):
    """Padded (with `fill`, and on the right as far as ceil_mode's last window reaches)
    input and its window view."""
    h, w = x.shape[2:]
    need_h = (out_hw[0] - 1) * stride[0] + dilation[0] * (kernel[0] - 1) + 1
    need_w = (out_hw[1] - 1) * stride[1] + dilation[1] * (kernel[1] - 1) + 1
    pad = ((padding[0], max(need_h - h - padding[0], 0)),
           (padding[1], max(need_w - w - padding[1], 0)))
    xp = _pad4(x, pad, fill)
    return xp, _windows(xp, kernel, stride, dilation, out_hw), pad


def _max_pool(x, kernel, stride, padding, dilation, out_hw):
    one_d = x.ndim == 3
    x = _as4d(x)
    _, win, _ = _pool_windows(x, kernel, stride, padding, dilation, out_hw, -np.inf)
    out = np.max(win, axis=(4, 5))
    return out[:, :, 0, :] if one_d else out


def _max_pool_vjp(g, out, x, kernel, stride, padding, dilation, out_hw):
    g = _as4d(_arrays_only(g, "max_pool2d"))
    x4 = _as4d(raw(x))
    xp, win, pad = _pool_windows(x4, kernel, stride, padding, dilation, out_hw, -np.inf)
    flat = win.reshape(win.shape[:4] + (-1,))
    arg = np.argmax(flat, axis=4)  # the first maximum in window order, as torch's scan
    dxp = np.zeros(xp.shape, dtype=x4.dtype)
    oh, ow = out_hw
    for i in range(kernel[0]):
        hi = i * dilation[0]
        for j in range(kernel[1]):
            wj = j * dilation[1]
            hit = arg == i * kernel[1] + j
            if hit.any():
                dxp[:, :, hi:hi + stride[0] * (oh - 1) + 1:stride[0],
                    wj:wj + stride[1] * (ow - 1) + 1:stride[1]] += np.where(hit, g, 0)
    dx = dxp[:, :, pad[0][0]:pad[0][0] + x4.shape[2], pad[1][0]:pad[1][0] + x4.shape[3]]
    return dx[:, :, 0, :] if raw(x).ndim == 3 else dx


op("max_pool2d", "MaxPool2DWithIndicesBackward0", _max_pool, _max_pool_vjp,
   formulas=("grad at each window's argmax",), dtype_rule="same")


def _avg_divisor(shape_hw, kernel, stride, padding, out_hw, count_include_pad, divisor_override):
    """Per-output divisor: PyTorch's window clipped to the padded input (or, without
    count_include_pad, to the input itself)."""
    if divisor_override:
        return np.asarray(divisor_override)
    h, w = shape_hw
    ones = np.ones((1, 1, h, w))
    if count_include_pad:
        ones = _pad4(ones, ((padding[0], padding[0]), (padding[1], padding[1])), 1.0)
        padding = (0, 0)
    _, win, _ = _pool_windows(ones, kernel, stride, padding, (1, 1), out_hw, 0.0)
    return win.sum(axis=(4, 5))[0, 0]


def _avg_pool(x, kernel, stride, padding, out_hw, count_include_pad=True, divisor_override=None):
    one_d = x.ndim == 3
    x = _as4d(x)
    _, win, _ = _pool_windows(x, kernel, stride, padding, (1, 1), out_hw, 0.0)
    div = _avg_divisor(x.shape[2:], kernel, stride, padding, out_hw, count_include_pad,
                       divisor_override)
    out = (np.sum(win, axis=(4, 5)) / div.astype(x.dtype)).astype(x.dtype)
    return out[:, :, 0, :] if one_d else out


def _avg_pool_vjp(g, out, x, kernel, stride, padding, out_hw, count_include_pad=True,
                  divisor_override=None):
    g = _as4d(_arrays_only(g, "avg_pool2d"))
    x4 = _as4d(raw(x))
    xp, _, pad = _pool_windows(x4, kernel, stride, padding, (1, 1), out_hw, 0.0)
    div = _avg_divisor(x4.shape[2:], kernel, stride, padding, out_hw, count_include_pad,
                       divisor_override)
    gd = (g / div.astype(g.dtype)).astype(x4.dtype)
    dxp = np.zeros(xp.shape, dtype=x4.dtype)
    oh, ow = out_hw
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            dxp[:, :, i:i + stride[0] * (oh - 1) + 1:stride[0],
                j:j + stride[1] * (ow - 1) + 1:stride[1]] += gd
    dx = dxp[:, :, pad[0][0]:pad[0][0] + x4.shape[2], pad[1][0]:pad[1][0] + x4.shape[3]]
    return dx[:, :, 0, :] if raw(x).ndim == 3 else dx


op("avg_pool2d", "AvgPool2DBackward0", _avg_pool, _avg_pool_vjp,
   formulas=("grad / window size, spread over each window",), saves=False, dtype_rule="same")


def _adaptive_bounds(size, out):
    return [(i * size // out, -((-(i + 1) * size) // out)) for i in range(out)]


def _adaptive_avg(x, out_hw):
    one_d = x.ndim == 3
    x = _as4d(x)
    h, w = x.shape[2:]
    oh, ow = out_hw
    if h % oh == 0 and w % ow == 0:
        kh, kw = h // oh, w // ow
        r = x.reshape(x.shape[:2] + (oh, kh, ow, kw)).sum(axis=(3, 5), dtype=x.dtype) / (kh * kw)
    else:  # uneven windows: one slice per output row and column (out_hw is small)
        r = np.empty(x.shape[:2] + (oh, ow), dtype=x.dtype)
        for i, (h0, h1) in enumerate(_adaptive_bounds(h, oh)):
            for j, (w0, w1) in enumerate(_adaptive_bounds(w, ow)):
                r[:, :, i, j] = x[:, :, h0:h1, w0:w1].sum(axis=(2, 3)) / ((h1 - h0) * (w1 - w0))
    r = r.astype(x.dtype)
    return r[:, :, 0, :] if one_d else r


def _adaptive_avg_vjp(g, out, x, out_hw):
    g = _as4d(_arrays_only(g, "adaptive_avg_pool2d"))
    x4 = _as4d(raw(x))
    dx = np.zeros(x4.shape, dtype=x4.dtype)
    h, w = x4.shape[2:]
    for i, (h0, h1) in enumerate(_adaptive_bounds(h, out_hw[0])):
        for j, (w0, w1) in enumerate(_adaptive_bounds(w, out_hw[1])):
            dx[:, :, h0:h1, w0:w1] += (g[:, :, i, j] / ((h1 - h0) * (w1 - w0)))[:, :, None, None]
    return dx[:, :, 0, :] if raw(x).ndim == 3 else dx


op("adaptive_avg_pool2d", "AdaptiveAvgPool2DBackward0", _adaptive_avg, _adaptive_avg_vjp,
   formulas=("grad / window size, spread over each window",), saves=False, dtype_rule="same")


# ---------------------------------------------------------------- normalisation
def _bn_axes(x):
    return (0,) + tuple(range(2, x.ndim))


def _bc(v, x):
    """A per-channel vector shaped to broadcast over (N, C, ...)."""
    return v.reshape((1, -1) + (1,) * (x.ndim - 2))


def _bn_stats(x, mean, invstd, training, eps):
    if training:
        axes = _bn_axes(x)
        m = np.mean(x, axis=axes, dtype=np.float64)
        v = np.mean((x - _bc(m, x)) ** 2, axis=axes)
        return m.astype(x.dtype), (1.0 / np.sqrt(v + eps)).astype(x.dtype)
    return mean, invstd


def _batch_norm(x, w, b, mean=None, invstd=None, training=True, eps=1e-5):
    m, inv = _bn_stats(x, mean, invstd, training, eps)
    alpha = inv * w  # PyTorch's CPU kernel: out = x * alpha + beta
    beta = b - m * alpha
    return (x * _bc(alpha, x) + _bc(beta, x)).astype(x.dtype)


def _bn_xhat(x, mean, invstd, training, eps):
    m, inv = _bn_stats(x, mean, invstd, training, eps)
    return (x - _bc(m, x)) * _bc(inv, x), inv


def _bn_vjp_input(g, o, x, w, b, mean=None, invstd=None, training=True, eps=1e-5):
    g = _arrays_only(g, "batch_norm")
    x = raw(x)
    xhat, inv = _bn_xhat(x, mean, invstd, training, eps)
    scale = _bc(inv * raw(w), x)
    if not training:
        return g * scale
    axes = _bn_axes(x)
    n = x.size // x.shape[1]
    gsum = np.sum(g, axis=axes, keepdims=True, dtype=np.float64)
    gx = np.sum(g * xhat, axis=axes, keepdims=True, dtype=np.float64)
    return ((g - gsum / n - xhat * (gx / n)) * scale).astype(x.dtype)


def _bn_vjp_weight(g, o, x, w, b, mean=None, invstd=None, training=True, eps=1e-5):
    g = _arrays_only(g, "batch_norm")
    xhat, _ = _bn_xhat(raw(x), mean, invstd, training, eps)
    return np.sum(g * xhat, axis=_bn_axes(g), dtype=g.dtype)


op("batch_norm", "NativeBatchNormBackward0", _batch_norm, _bn_vjp_input, _bn_vjp_weight,
   lambda g, o, x, w, b, **kw: np.sum(_arrays_only(g, "batch_norm"), axis=_bn_axes(g),
                                      dtype=g.dtype),
   formulas=("batch_norm_backward(grad)", "sum(grad * xhat)", "sum(grad)"))


def _ln_stats(x, k):
    axes = tuple(range(x.ndim - k, x.ndim))
    m = np.mean(x, axis=axes, keepdims=True, dtype=np.float64)
    v = np.mean((x - m) ** 2, axis=axes, keepdims=True)
    return axes, m.astype(x.dtype), v


def _layer_norm(x, w, b, k, eps=1e-5):
    _, m, v = _ln_stats(x, k)
    inv = (1.0 / np.sqrt(v + eps)).astype(x.dtype)
    return ((x - m) * inv * w + b).astype(x.dtype)


def _ln_vjp_input(g, o, x, w, b, k, eps=1e-5):
    g = _arrays_only(g, "layer_norm")
    x = raw(x)
    axes, m, v = _ln_stats(x, k)
    inv = 1.0 / np.sqrt(v + eps)
    xhat = (x - m) * inv
    gw = g * raw(w)
    r = (gw - gw.mean(axis=axes, keepdims=True, dtype=np.float64)
         - xhat * (gw * xhat).mean(axis=axes, keepdims=True, dtype=np.float64)) * inv
    return r.astype(x.dtype)


def _ln_vjp_weight(g, o, x, w, b, k, eps=1e-5):
    g = _arrays_only(g, "layer_norm")
    x = raw(x)
    _, m, v = _ln_stats(x, k)
    xhat = ((x - m) / np.sqrt(v + eps)).astype(x.dtype)
    return np.sum(g * xhat, axis=tuple(range(g.ndim - k)), dtype=g.dtype)


op("layer_norm", "NativeLayerNormBackward0", _layer_norm, _ln_vjp_input, _ln_vjp_weight,
   lambda g, o, x, w, b, k, eps=1e-5: np.sum(_arrays_only(g, "layer_norm"),
                                             axis=tuple(range(g.ndim - k)), dtype=g.dtype),
   formulas=("layer_norm_backward(grad)", "sum(grad * xhat)", "sum(grad)"))


# ---------------------------------------------------------------- embedding, padding
def _embedding_vjp(g, o, w, indices, padding_idx=None):
    g = _arrays_only(g, "embedding")
    dw = np.zeros(raw(w).shape, dtype=g.dtype)
    np.add.at(dw, indices.reshape(-1), g.reshape(-1, dw.shape[1]))
    if padding_idx is not None:
        dw[padding_idx] = 0
    return dw


op("embedding", "EmbeddingBackward0", lambda w, indices, padding_idx=None: w[indices],
   _embedding_vjp, formulas=("grad summed into the rows taken",), saves=False,
   dtype_rule="same")


def _crop(g, pads):
    """The inverse of constant padding: slice the padded grad back (negative pads cut)."""
    key = [slice(None)] * g.ndim
    for d, (lo, hi) in enumerate(pads):
        n = raw(g).shape[d]
        key[d] = slice(lo, n - hi)
    return D.slice(g, key=tuple(key))


def _constant_pad(a, pads, value=0.0):
    neg = [(max(-lo, 0), max(-hi, 0)) for lo, hi in pads]
    a = a[tuple(slice(lo, a.shape[d] - hi) for d, (lo, hi) in enumerate(neg))]
    return np.pad(a, [(max(lo, 0), max(hi, 0)) for lo, hi in pads], constant_values=value)


def _constant_pad_vjp(g, o, a, pads, value=0.0):
    if any(lo < 0 or hi < 0 for lo, hi in pads):
        _arrays_only(g, "F.pad with negative padding")
        out = np.zeros(raw(a).shape, dtype=raw(g).dtype)
        src = tuple(slice(max(lo, 0), raw(g).shape[d] - max(hi, 0))
                    for d, (lo, hi) in enumerate(pads))
        dst = tuple(slice(max(-lo, 0), raw(a).shape[d] - max(-hi, 0))
                    for d, (lo, hi) in enumerate(pads))
        out[dst] = g[src]
        return out
    return _crop(g, pads)


op("constant_pad", "ConstantPadNdBackward0", _constant_pad, _constant_pad_vjp,
   formulas=("grad cropped",), saves=False, dtype_rule="same")


def _mode_pad_vjp(mode):
    def vjp(g, o, a, pads, grad_fn_dims=None):
        g = _arrays_only(g, f"{mode} padding")
        idx = np.arange(raw(a).size).reshape(raw(a).shape)
        src = np.pad(idx, pads, mode="reflect" if mode == "reflect" else "edge")
        out = np.zeros(raw(a).size, dtype=g.dtype)
        np.add.at(out, src.reshape(-1), g.reshape(-1))
        return out.reshape(raw(a).shape)
    return vjp


for _d in (1, 2, 3):
    op(f"reflection_pad{_d}d", f"ReflectionPad{_d}DBackward0",
       lambda a, pads, grad_fn_dims=None: np.pad(a, pads, mode="reflect"),
       _mode_pad_vjp("reflect"), formulas=("grad folded back",), saves=False, dtype_rule="same")
    op(f"replication_pad{_d}d", f"ReplicationPad{_d}DBackward0",
       lambda a, pads, grad_fn_dims=None: np.pad(a, pads, mode="edge"),
       _mode_pad_vjp("replicate"), formulas=("grad folded back",), saves=False,
       dtype_rule="same")
