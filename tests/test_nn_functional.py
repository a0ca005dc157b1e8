# ruff: noqa: B023  (lambdas are called inside the loop iteration that makes them)
"""torch.nn.functional's layer ops (engine/api_nn.py) against PyTorch: forward values,
every input's gradient and the grad_fn chain, on generated shapes and hyperparameters."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from gradcli.engine import api  # noqa: E402
from gradcli.engine.tensor import Tensor  # noqa: E402
from gradcli.engine.torch_api import nn_functional as api_nn  # noqa: E402

pytestmark = pytest.mark.torch
G = api_nn.FUNCTIONAL


def ours(a, grad=True):
    return Tensor(np.array(a, copy=True), requires_grad=grad and a.dtype.kind == "f")


def chain(t):
    """grad_fn names along the first-input edges (PyTorch's and ours alike)."""
    names, fn = [], t.grad_fn
    while fn is not None and fn.name() not in ("AccumulateGrad",
                                              "torch::autograd::AccumulateGrad"):
        names.append(fn.name())
        nxt = [f for f, _ in fn.next_functions if f is not None]
        fn = nxt[0] if nxt else None
    return names


def compare(ours_fn, torch_fn, arrays, rtol=1e-4, atol=1e-5, grad=True):
    ts = [torch.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
    gs = [ours(a, grad) for a in arrays]
    expected = torch_fn(*ts)
    got = ours_fn(*gs)
    np.testing.assert_allclose(got.data, expected.detach().numpy(), rtol=rtol, atol=atol)
    assert got.data.dtype == expected.detach().numpy().dtype
    assert chain(got) == chain(expected)
    if not grad or not expected.requires_grad:
        return
    seed = np.random.default_rng(1).standard_normal(expected.shape).astype(np.float32)
    expected.backward(torch.tensor(seed))
    api.METHODS["backward"](got, Tensor(seed))
    for t, g in zip(ts, gs, strict=True):
        if t.grad is None:
            assert g.grad is None
        else:
            np.testing.assert_allclose(g.grad.data, t.grad.numpy(), rtol=rtol, atol=atol)


def rnd(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize("seed", range(6))
def test_linear(seed):
    rng = np.random.default_rng(seed)
    k, o = rng.integers(1, 6, 2)
    lead = tuple(rng.integers(1, 4, rng.integers(0, 3)))
    x, w, b = rnd(rng, *lead, k), rnd(rng, o, k), rnd(rng, o)
    compare(G["linear"], F.linear, [x, w, b])
    compare(lambda x, w: G["linear"](x, w), lambda x, w: F.linear(x, w), [x, w])


@pytest.mark.parametrize("seed", range(8))
def test_conv(seed):
    rng = np.random.default_rng(seed)
    n1 = seed % 2 == 0
    groups = int(rng.integers(1, 3))
    c, o = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 3))
    k = int(rng.integers(1, 4))
    stride, dil = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    pad = int(rng.integers(0, 2)) if stride > 1 or seed % 3 else "same"
    size = int(rng.integers(k * dil + 1, 10))
    shape = (2, c, size) if n1 else (2, c, size, size + 1)
    kshape = (o, c // groups, k) if n1 else (o, c // groups, k, k)
    x, w, b = rnd(rng, *shape), rnd(rng, *kshape), rnd(rng, o)
    kw = dict(stride=stride, padding=pad, dilation=dil, groups=groups)
    ofn, tfn = (G["conv1d"], F.conv1d) if n1 else (G["conv2d"], F.conv2d)
    compare(lambda x, w, b: ofn(x, w, b, **kw), lambda x, w, b: tfn(x, w, b, **kw), [x, w, b])
    compare(lambda x, w: ofn(x, w, **kw), lambda x, w: tfn(x, w, **kw), [x, w])


@pytest.mark.parametrize("seed", range(8))
def test_pools(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 4))
    stride = int(rng.integers(1, 3))
    pad = int(rng.integers(0, k // 2 + 1))
    ceil = bool(seed % 2)
    x2, x1 = rnd(rng, 2, 3, 9, 8), rnd(rng, 2, 3, 9)
    for n, x in ((1, x1), (2, x2)):
        kw = dict(stride=stride, padding=pad, ceil_mode=ceil)
        for name in (f"max_pool{n}d", f"avg_pool{n}d"):
            compare(lambda x: G[name](x, k, **kw), lambda x: getattr(F, name)(x, k, **kw), [x])
        out = (3, 4) if n == 2 else 4
        compare(lambda x: G[f"adaptive_avg_pool{n}d"](x, out),
                lambda x: getattr(F, f"adaptive_avg_pool{n}d")(x, out), [x])
    compare(lambda x: G["adaptive_avg_pool2d"](x, 1), lambda x: F.adaptive_avg_pool2d(x, 1), [x2])
    compare(lambda x: G["avg_pool2d"](x, 3, 1, 1, count_include_pad=False),
            lambda x: F.avg_pool2d(x, 3, 1, 1, count_include_pad=False), [x2])
    o, i = G["max_pool2d"](ours(x2), 2, return_indices=True)
    to, ti = F.max_pool2d(torch.tensor(x2), 2, return_indices=True)
    np.testing.assert_array_equal(i.data, ti.numpy())


@pytest.mark.parametrize("seed", range(4))
def test_norms(seed):
    rng = np.random.default_rng(seed)
    x = rnd(rng, 4, 3, 5) if seed % 2 else rnd(rng, 6, 3)
    w, b = rnd(rng, 3), rnd(rng, 3)
    compare(lambda x, w, b: G["batch_norm"](x, None, None, w, b, True),
            lambda x, w, b: F.batch_norm(x, None, None, w, b, True), [x, w, b])
    rm, rv = rnd(rng, 3), np.abs(rnd(rng, 3)) + 0.5
    compare(lambda x, w, b: G["batch_norm"](x, Tensor(rm), Tensor(rv), w, b, False),
            lambda x, w, b: F.batch_norm(x, torch.tensor(rm), torch.tensor(rv), w, b, False),
            [x, w, b])
    # running statistics after a training step
    ours_rm, ours_rv = Tensor(rm.copy()), Tensor(rv.copy())
    t_rm, t_rv = torch.tensor(rm), torch.tensor(rv)
    G["batch_norm"](ours(x), ours_rm, ours_rv, training=True, momentum=0.3)
    F.batch_norm(torch.tensor(x), t_rm, t_rv, training=True, momentum=0.3)
    np.testing.assert_allclose(ours_rm.data, t_rm.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours_rv.data, t_rv.numpy(), rtol=1e-5, atol=1e-6)
    shape = x.shape[-1:] if seed < 2 else x.shape[1:]
    lw, lb = rnd(rng, *shape), rnd(rng, *shape)
    compare(lambda x, w, b: G["layer_norm"](x, shape, w, b),
            lambda x, w, b: F.layer_norm(x, shape, w, b), [x, lw, lb])
    compare(lambda x: G["layer_norm"](x, shape), lambda x: F.layer_norm(x, shape), [x])


def test_embedding_pad_activations():
    rng = np.random.default_rng(0)
    w = rnd(rng, 6, 3)
    idx = np.array([[0, 2, 2], [5, 1, 0]])
    compare(lambda w: G["embedding"](Tensor(idx), w, padding_idx=2),
            lambda w: F.embedding(torch.tensor(idx), w, padding_idx=2), [w])
    x = rnd(rng, 2, 3, 4, 5)
    for p in [(1, 2), (1, 0, 2, 1), (-1, 2, 0, 1)]:
        compare(lambda x: G["pad"](x, p, value=0.5), lambda x: F.pad(x, p, value=0.5), [x])
    for mode in ("reflect", "replicate"):
        compare(lambda x: G["pad"](x, (1, 2, 2, 1), mode=mode),
                lambda x: F.pad(x, (1, 2, 2, 1), mode=mode), [x])
        compare(lambda x: G["pad"](x, (1, 2), mode=mode),
                lambda x: F.pad(x, (1, 2), mode=mode), [x[0]])
    for name, kw in [("elu", {}), ("elu", {"alpha": 0.3}), ("selu", {}), ("silu", {}),
                     ("hardtanh", {}), ("hardtanh", {"min_val": -0.5, "max_val": 2.0}),
                     ("relu6", {}), ("logsigmoid", {}), ("gelu", {"approximate": "tanh"}),
                     ("gelu", {})]:
        compare(lambda x: G[name](x * 3, **kw), lambda x: getattr(F, name)(x * 3, **kw), [x])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_losses(reduction):
    rng = np.random.default_rng(3)
    x, t = rnd(rng, 4, 3), rng.random((4, 3)).astype(np.float32)
    pw, w = rng.random(3).astype(np.float32) + 0.5, rng.random(3).astype(np.float32)
    r = {"reduction": reduction}
    compare(lambda x, t: G["binary_cross_entropy_with_logits"](x, t, **r),
            lambda x, t: F.binary_cross_entropy_with_logits(x, t, **r), [x, t])
    compare(lambda x, t: G["binary_cross_entropy_with_logits"](x, t, Tensor(w), pos_weight=Tensor(pw), **r),
            lambda x, t: F.binary_cross_entropy_with_logits(
                x, t, torch.tensor(w), pos_weight=torch.tensor(pw), **r), [x, t])
    for beta in (1.0, 0.5):
        compare(lambda x, t: G["smooth_l1_loss"](x, t, beta=beta, **r),
                lambda x, t: F.smooth_l1_loss(x, t, beta=beta, **r), [x, t])
        compare(lambda x, t: G["huber_loss"](x, t, delta=beta, **r),
                lambda x, t: F.huber_loss(x, t, delta=beta, **r), [x, t])
    logp = np.log(rng.random((4, 3)).astype(np.float32))
    compare(lambda x: G["kl_div"](x, Tensor(t), **r), lambda x: F.kl_div(x, torch.tensor(t), **r),
            [logp])
    compare(lambda x, t: G["kl_div"](x, t, log_target=True, **r),
            lambda x, t: F.kl_div(x, t, log_target=True, **r), [logp, np.log(t)])
    compare(lambda x: G["kl_div"](x, Tensor(t), reduction="batchmean"),
            lambda x: F.kl_div(x, torch.tensor(t), reduction="batchmean"), [logp])


@pytest.mark.parametrize("call, message", [
    (lambda: G["linear"](Tensor(np.zeros((4, 3), np.float32)), Tensor(np.zeros((1, 2), np.float32))),
     "mat1 and mat2 shapes cannot be multiplied (4x3 and 2x1)"),
    (lambda: G["conv2d"](Tensor(np.zeros((1, 2, 32, 32), np.float32)),
                         Tensor(np.zeros((6, 1, 3, 3), np.float32))),
     "Given groups=1, weight of size [6, 1, 3, 3], expected input[1, 2, 32, 32] to have 1 "
     "channels, but got 2 channels instead"),
    (lambda: G["conv2d"](Tensor(np.zeros((1, 2, 2, 2), np.float32)),
                         Tensor(np.zeros((6, 2, 3, 3), np.float32))),
     "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size "
     "can't be greater than actual input size"),
    (lambda: G["max_pool2d"](Tensor(np.zeros((1, 6, 1, 1), np.float32)), 2),
     "Given input size: (6x1x1). Calculated output size: (6x0x0). Output size is too small"),
    (lambda: G["binary_cross_entropy_with_logits"](Tensor(np.zeros((3, 1), np.float32)),
                                                   Tensor(np.zeros(3, np.float32))),
     "Target size (torch.Size([3])) must be the same as input size (torch.Size([3, 1]))"),
])
def test_messages(call, message):
    with pytest.raises(Exception) as e:
        call()
    assert getattr(e.value, "message", str(e.value)) == message


@pytest.mark.parametrize("seed", range(8))
def test_cross_entropy_forms(seed):
    """Class weights, ignore_index, label smoothing and probability targets."""
    rng = np.random.default_rng(seed)
    n, c = int(rng.integers(2, 6)), int(rng.integers(2, 5))
    x = rnd(rng, n, c) * 2
    y = rng.integers(0, c, n)
    y[0] = -100 if seed % 2 else y[0]
    w = rng.random(c).astype(np.float32) + 0.2 if seed % 3 else None
    ls = [0.0, 0.1, 0.3][seed % 3]
    probs = rng.random((n, c)).astype(np.float32)
    probs /= probs.sum(1, keepdims=True)
    for reduction in ("mean", "sum", "none"):
        kw = {"reduction": reduction, "label_smoothing": ls}
        tw = None if w is None else torch.tensor(w)
        ow = None if w is None else Tensor(w)
        compare(lambda x: G["cross_entropy"](x, Tensor(y), ow, **kw),
                lambda x: F.cross_entropy(x, torch.tensor(y), tw, **kw), [x])
        compare(lambda x: G["cross_entropy"](x, Tensor(probs), ow, **kw),
                lambda x: F.cross_entropy(x, torch.tensor(probs), tw, **kw), [x])
        if w is not None:
            compare(lambda x: G["nll_loss"](x, Tensor(y), ow, reduction=reduction),
                    lambda x: F.nll_loss(x, torch.tensor(y), tw, reduction=reduction), [x])


@pytest.mark.parametrize("lead", [(5,), (2, 3), ()])
def test_bilinear(lead):
    rng = np.random.default_rng(len(lead))
    x1, x2 = rnd(rng, *lead, 3), rnd(rng, *lead, 4)
    w, b = rnd(rng, 2, 3, 4), rnd(rng, 2)
    compare(G["bilinear"], F.bilinear, [x1, x2, w, b])
    compare(lambda a, c, w: G["bilinear"](a, c, w), lambda a, c, w: F.bilinear(a, c, w),
            [x1, x2, w])
