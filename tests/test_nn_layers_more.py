# ruff: noqa: B023  (lambdas are called inside the loop iteration that makes them)
"""Issue 18's torch.nn.functional layers (engine/torch_api/nn_functional_more.py) and
their nn modules (engine/nn/layers_more.py) against PyTorch: values, dtypes, every input's
gradient and the grad_fn chain on generated shapes and hyperparameters; PyTorch's errors
for wrong shapes word for word; rrelu's training draws bit for bit; module reprs, init
draws and training; and one `gradcli run` program through all the modules."""

import re
import subprocess
import sys

import numpy as np
import pytest
from conftest import no_traceback, run_gradcli

torch = pytest.importorskip("torch")
F = torch.nn.functional

from gradcli.engine import api  # noqa: E402
from gradcli.engine import nn as gnn  # noqa: E402
from gradcli.engine.errors import GradcliError  # noqa: E402
from gradcli.engine.rng import generator as ggen  # noqa: E402
from gradcli.engine.tensor import Tensor  # noqa: E402
from gradcli.engine.torch_api import nn_functional as api_nn  # noqa: E402

pytestmark = pytest.mark.torch
G = api_nn.FUNCTIONAL


def chain(t):
    """grad_fn names along the first-input edges (PyTorch's and ours alike)."""
    names, fn = [], t.grad_fn
    while fn is not None:
        name = fn.name() if hasattr(fn, "name") else type(fn).__name__
        if "AccumulateGrad" in name:
            break
        names.append(name)
        nxt = [f for f, _ in fn.next_functions if f is not None]
        fn = nxt[0] if nxt else None
    return names


def compare(name, arrays, *args, rtol=1e-4, atol=1e-5, **kw):
    """F.<name>(*tensors, *args, **kw) in both libraries: arrays become tensors (floating
    ones require grad); value, dtype, shape, grad_fn chain and every input's grad."""
    ts = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    gs = [Tensor(a.copy(), a.dtype.kind == "f") for a in arrays]
    want = getattr(F, name)(ts[0], *args, *ts[1:], **kw)
    got = G[name](gs[0], *args, *gs[1:], **kw)
    w = want.detach().numpy()
    assert got.data.shape == w.shape and got.data.dtype == w.dtype
    np.testing.assert_allclose(got.data, w, rtol=rtol, atol=atol)
    assert chain(got) == chain(want)
    if not want.requires_grad:
        return
    seed = np.random.default_rng(7).standard_normal(w.shape).astype(w.dtype)
    want.backward(torch.tensor(seed))
    api.METHODS["backward"](got, Tensor(seed))
    for t, g in zip(ts, gs, strict=True):
        if t.grad is None:
            assert g.grad is None
        else:
            np.testing.assert_allclose(g.grad.data, t.grad.numpy(), rtol=rtol, atol=atol)


def rnd(rng, *shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def _dtype(seed):
    return np.float64 if seed % 3 == 2 else np.float32


# ---------------------------------------------------------------- generated calls
@pytest.mark.parametrize("seed", range(6))
def test_glu_prelu_rrelu(seed):
    rng = np.random.default_rng(seed)
    dt = _dtype(seed)
    shape = tuple(int(v) for v in rng.integers(1, 4, rng.integers(1, 4)))
    d = int(rng.integers(-len(shape), len(shape)))
    shape = tuple(2 * s if i == d % len(shape) else s for i, s in enumerate(shape))
    compare("glu", [rnd(rng, *shape, dtype=dt)], d)
    c = shape[1] if len(shape) > 1 else 1
    compare("prelu", [rnd(rng, *shape, dtype=dt), rnd(rng, c, dtype=dt)])
    compare("prelu", [rnd(rng, *shape, dtype=dt), rnd(rng, 1, dtype=dt)])
    lo, hi = sorted(rng.uniform(0, 0.5, 2))
    compare("rrelu", [rnd(rng, *shape, dtype=dt)], lo, hi)


@pytest.mark.parametrize("seed", range(6))
def test_rrelu_training_draws_torch_noise(seed):
    """training=True: the noise is drawn from the default generator, bit for bit."""
    rng = np.random.default_rng(seed)
    dt = _dtype(seed)
    a = rnd(rng, *rng.integers(1, 6, 2), dtype=dt)
    lo, hi = sorted(rng.uniform(0, 0.5, 2))
    torch.manual_seed(seed)
    ggen.manual_seed(seed)
    t, g = torch.tensor(a, requires_grad=True), Tensor(a.copy(), True)
    want, got = F.rrelu(t, lo, hi, training=True), G["rrelu"](g, lo, hi, training=True)
    np.testing.assert_array_equal(got.data, want.detach().numpy())
    assert chain(got) == chain(want) == ["RreluWithNoiseBackward0"]
    want.sum().backward()
    api.METHODS["backward"](api.FUNCTIONS["sum"](got))
    np.testing.assert_array_equal(g.grad.data, t.grad.numpy())
    # the generator is left where torch's is
    assert torch.rand(1).item() == api.FUNCTIONS["rand"](1).data[0]


@pytest.mark.parametrize("seed", range(6))
def test_normalize_cosine_pairwise_pdist(seed):
    rng = np.random.default_rng(seed)
    dt = _dtype(seed)
    n, k = (int(v) for v in rng.integers(2, 6, 2))
    p = [1.0, 2.0, 3.0, 1.5][seed % 4]
    compare("normalize", [rnd(rng, n, k, 3, dtype=dt)], p=p, dim=int(rng.integers(-3, 3)))
    compare("cosine_similarity", [rnd(rng, n, k, dtype=dt), rnd(rng, n, k, dtype=dt)])
    compare("cosine_similarity", [rnd(rng, n, 1, k, dtype=dt), rnd(rng, 3, k, dtype=dt)],
            dim=-1, eps=1e-6)
    compare("pairwise_distance", [rnd(rng, n, k, dtype=dt), rnd(rng, n, k, dtype=dt)], p=p)
    compare("pairwise_distance", [rnd(rng, n, k, dtype=dt), rnd(rng, k, dtype=dt)],
            keepdim=True)
    compare("pdist", [rnd(rng, n, k, dtype=dt)], p)
    compare("pdist", [rnd(rng, n, k, dtype=dt)], float("inf"))


@pytest.mark.parametrize("seed", range(6))
def test_group_and_instance_norm(seed):
    rng = np.random.default_rng(seed)
    dt = _dtype(seed)
    groups = int(rng.integers(1, 4))
    c = groups * int(rng.integers(1, 3))
    spatial = tuple(int(v) for v in rng.integers(2, 4, rng.integers(1, 3)))
    x = rnd(rng, 2, c, *spatial, dtype=dt)
    compare("group_norm", [x, rnd(rng, c, dtype=dt), rnd(rng, c, dtype=dt)], groups,
            rtol=1e-3, atol=1e-4)
    compare("group_norm", [x], groups, eps=1e-3, rtol=1e-3, atol=1e-4)
    compare("instance_norm", [x], rtol=1e-3, atol=1e-4)
    # running statistics: updated as PyTorch updates them
    rm_t, rv_t = torch.zeros(c, dtype=torch.float64 if dt == np.float64 else torch.float32), \
        torch.ones(c, dtype=torch.float64 if dt == np.float64 else torch.float32)
    rm_g, rv_g = Tensor(rm_t.numpy().copy()), Tensor(rv_t.numpy().copy())
    F.instance_norm(torch.tensor(x), rm_t, rv_t, momentum=0.3)
    G["instance_norm"](Tensor(x.copy()), rm_g, rv_g, momentum=0.3)
    np.testing.assert_allclose(rm_g.data, rm_t.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(rv_g.data, rv_t.numpy(), rtol=1e-5, atol=1e-6)
    want = F.instance_norm(torch.tensor(x), rm_t, rv_t, use_input_stats=False)
    got = G["instance_norm"](Tensor(x.copy()), rm_g, rv_g, use_input_stats=False)
    np.testing.assert_allclose(got.data, want.numpy(), rtol=1e-4, atol=1e-5)


def test_instance_norm_affine_grads():
    rng = np.random.default_rng(3)
    x, w, b = rnd(rng, 2, 3, 4), rnd(rng, 3), rnd(rng, 3)
    ts = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    gs = [Tensor(a.copy(), True) for a in (x, w, b)]
    want = F.instance_norm(ts[0], weight=ts[1], bias=ts[2])
    got = G["instance_norm"](gs[0], weight=gs[1], bias=gs[2])
    np.testing.assert_allclose(got.data, want.detach().numpy(), rtol=1e-4, atol=1e-5)
    assert chain(got) == chain(want)
    seed = rng.standard_normal(x.shape).astype(np.float32)
    want.backward(torch.tensor(seed))
    api.METHODS["backward"](got, Tensor(seed))
    for t, g in zip(ts, gs, strict=True):
        np.testing.assert_allclose(g.grad.data, t.grad.numpy(), rtol=1e-4, atol=1e-4)
    assert [type(f).__name__ for f, _ in want.grad_fn.next_functions[0][0].next_functions] == \
        [f.name() for f, _ in got.grad_fn.next_functions[0][0].next_functions]


@pytest.mark.parametrize("seed", range(8))
def test_conv_transpose(seed):
    rng = np.random.default_rng(seed)
    dt = _dtype(seed)
    n1 = seed % 2 == 0
    groups = int(rng.integers(1, 3))
    cin, cout_g = groups * int(rng.integers(1, 3)), int(rng.integers(1, 3))
    k = int(rng.integers(1, 4))
    stride, dil = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    pad = int(rng.integers(0, k))
    out_pad = int(rng.integers(0, max(stride, dil)))
    size = int(rng.integers(2, 6))
    batch = () if seed % 4 == 3 else (2,)
    shape = (*batch, cin, size) if n1 else (*batch, cin, size, size + 1)
    kshape = (cin, cout_g, k) if n1 else (cin, cout_g, k, k)
    x, w, b = rnd(rng, *shape, dtype=dt), rnd(rng, *kshape, dtype=dt), rnd(rng, cout_g * groups,
                                                                          dtype=dt)
    name = "conv_transpose1d" if n1 else "conv_transpose2d"
    compare(name, [x, w, b], stride=stride, padding=pad, output_padding=out_pad,
            groups=groups, dilation=dil)
    compare(name, [x, w], stride=stride, padding=pad, groups=groups, dilation=dil)


@pytest.mark.parametrize("seed", range(6))
def test_adaptive_max_pool2d(seed):
    rng = np.random.default_rng(seed)
    dt = _dtype(seed)
    h, w = (int(v) for v in rng.integers(1, 8, 2))
    oh, ow = int(rng.integers(1, h + 2)), int(rng.integers(1, w + 2))
    batch = () if seed % 3 == 1 else (2,)
    x = rnd(rng, *batch, 3, h, w, dtype=dt)
    compare("adaptive_max_pool2d", [x], (oh, ow))
    compare("adaptive_max_pool2d", [x], (None, ow))
    got, gi = G["adaptive_max_pool2d"](Tensor(x.copy()), (oh, ow), return_indices=True)
    want, wi = F.adaptive_max_pool2d(torch.tensor(x), (oh, ow), return_indices=True)
    np.testing.assert_array_equal(gi.data, wi.numpy())
    assert gi.data.dtype == np.int64


@pytest.mark.parametrize("seed", range(10))
def test_interpolate(seed):
    rng = np.random.default_rng(seed)
    dt = _dtype(seed)
    two_d = seed % 2 == 0
    spatial = tuple(int(v) for v in rng.integers(1, 7, 2 if two_d else 1))
    x = rnd(rng, 2, 2, *spatial, dtype=dt)
    mode = "bilinear" if two_d else "linear"
    size = tuple(int(v) for v in rng.integers(1, 9, len(spatial)))
    scale = tuple(float(v) for v in np.round(rng.uniform(0.5, 3.0, len(spatial)), 2))
    compare("interpolate", [x], size=size)
    compare("interpolate", [x], scale_factor=scale)
    compare("interpolate", [x], scale_factor=scale[0], recompute_scale_factor=True)
    for ac in (False, True):
        compare("interpolate", [x], size=size, mode=mode, align_corners=ac)
        compare("interpolate", [x], scale_factor=scale, mode=mode, align_corners=ac)
    compare("interpolate", [x], scale_factor=2, mode=mode)


@pytest.mark.parametrize("seed", range(6))
def test_unfold_pixel_shuffle(seed):
    rng = np.random.default_rng(seed)
    dt = _dtype(seed)
    k = tuple(int(v) for v in rng.integers(1, 4, 2))
    dil, pad, st = (tuple(int(v) for v in rng.integers(1, 3, 2)),
                    tuple(int(v) for v in rng.integers(0, 2, 2)),
                    tuple(int(v) for v in rng.integers(1, 3, 2)))
    h, w = (d * (kk - 1) + 1 + int(rng.integers(0, 4)) for d, kk in zip(dil, k, strict=True))
    batch = () if seed % 3 == 0 else (2,)
    compare("unfold", [rnd(rng, *batch, 3, h, w, dtype=dt)], k, dil, pad, st)
    r = int(rng.integers(1, 4))
    lead = tuple(int(v) for v in rng.integers(1, 3, rng.integers(0, 3)))
    compare("pixel_shuffle", [rnd(rng, *lead, 2 * r * r, 2, 3, dtype=dt)], r)
    compare("pixel_unshuffle", [rnd(rng, *lead, 2, 2 * r, 3 * r, dtype=dt)], r)
    ints = rng.integers(0, 9, (2, 4 * r * r, 2, 2))
    compare("pixel_shuffle", [ints], r)


# ---------------------------------------------------------------- errors, word for word
ERROR_CALLS = [
    "F.glu(x, 1)", "F.glu(torch.tensor(1.))", "F.glu(x, 3)", "F.glu(i6, 1)",
    "F.prelu(x, torch.rand(3))", "F.prelu(x, torch.rand(5, 1))",
    "F.prelu(torch.tensor(1.), torch.rand(3))", "F.prelu(x, torch.rand(5).double())",
    "F.group_norm(x, 2)", "F.group_norm(x, 5, torch.rand(4))", "F.group_norm(torch.randn(1, 5), 5)",
    "F.group_norm(torch.randn(5), 5)", "F.group_norm(x, 5, torch.rand(5), torch.rand(4))",
    "F.group_norm(x, 5, None, torch.rand(4))", "F.group_norm(i6, 2)",
    "F.instance_norm(torch.randn(2, 3, 1))", "F.instance_norm(x, weight=torch.rand(3))",
    "F.instance_norm(x, use_input_stats=False)",
    "F.conv_transpose1d(x, w)", "F.conv_transpose1d(x[:, :4], w, output_padding=1)",
    "F.conv_transpose1d(x[:, :4], w, groups=3)", "F.conv_transpose1d(x[:, :4], w[..., None])",
    "F.conv_transpose2d(x[:, :4], w[..., None])",
    "F.conv_transpose1d(x[:, :4], w, stride=2, output_padding=2)",
    "F.conv_transpose1d(x[:, :4], w, padding='same')",
    "F.conv_transpose1d(x[:, :4], w, torch.rand(4))", "F.conv_transpose1d(torch.randn(3), w)",
    "F.adaptive_max_pool2d(torch.randn(3, 3), 2)",
    "F.adaptive_max_pool2d(torch.randn(1, 3, 0, 3), 2)",
    "F.adaptive_max_pool2d(torch.randn(1, 3, 4, 3), (2, 3, 4))",
    "F.interpolate(x, mode='bilinear', scale_factor=2)",
    "F.interpolate(x, mode='nearest', scale_factor=2, align_corners=True)",
    "F.interpolate(x, mode='linear')", "F.interpolate(x, mode='foo', size=3)",
    "F.interpolate(torch.randn(3), size=3)", "F.interpolate(x, size=0)",
    "F.interpolate(x, size=3, scale_factor=2)", "F.interpolate(x, size=(3, 4))",
    "F.interpolate(x, scale_factor=(2., 3.))", "F.interpolate(x, size=[2.5])",
    "F.interpolate(x, size=3, recompute_scale_factor=True)",
    "F.interpolate(x, size=3, antialias=True)", "F.interpolate(i6[None], size=3)",
    "F.cosine_similarity(x, torch.randn(2, 4, 3))",
    "F.cosine_similarity(torch.tensor([1, 2]), torch.tensor([1, 2]))",
    "F.cosine_similarity(x, x, dim=3)", "F.pairwise_distance(x, torch.randn(2, 5, 4))",
    "F.pdist(x)", "F.pdist(x[0], -1.0)", "F.pdist(torch.tensor([[1, 2]]))",
    "F.unfold(torch.randn(1, 2, 3, 3), 4)", "F.unfold(torch.randn(2, 3), 1)",
    "F.unfold(torch.randn(1, 2, 3, 3), 0)", "F.unfold(torch.randn(1, 2, 3, 3), 1, stride=0)",
    "F.pixel_shuffle(torch.randn(3, 3), 2)", "F.pixel_shuffle(x, 2)",
    "F.pixel_unshuffle(x, 2)", "F.pixel_unshuffle(torch.randn(1, 4, 4), 0)",
    "F.pixel_unshuffle(torch.randn(1, 4, 5), 2)", "F.pixel_shuffle(x, 0)",
    "F.rrelu(torch.tensor([1, 2]))", "F.normalize(torch.tensor([1, 2]), dim=0)",
]


@pytest.mark.parametrize("call", ERROR_CALLS)
def test_errors_match_torch(call):
    def env(lib):
        if lib == "torch":
            t, f = torch, F
        else:
            t, f = _GradcliTorch, _GradcliF
        return {"torch": t, "F": f, "x": t.randn(2, 5, 3), "w": t.randn(4, 3, 2),
                "i6": t.arange(6).reshape(2, 3)}
    with pytest.raises(Exception) as want:
        eval(call, env("torch"))
    with pytest.raises(GradcliError) as got:
        eval(call, env("gradcli"))
    assert got.value.type_name == type(want.value).__name__
    assert got.value.message == str(want.value).split("\n")[0]


class _GradcliTorch:
    """Just enough of `torch` for the error calls, over gradcli's engine."""

    @staticmethod
    def randn(*shape):
        return Tensor(np.random.default_rng(0).standard_normal(shape).astype(np.float32))

    @staticmethod
    def rand(*shape):
        return Tensor(np.random.default_rng(1).random(shape).astype(np.float32))

    @staticmethod
    def tensor(v):
        return api.FUNCTIONS["tensor"](v)

    @staticmethod
    def arange(n):
        return api.FUNCTIONS["arange"](n)


class _GradcliF:
    def __getattr__(self, name):
        return G[name]


_GradcliF = _GradcliF()


# ---------------------------------------------------------------- modules
MODULES = [
    "nn.GLU()", "nn.GLU(1)", "nn.PReLU()", "nn.PReLU(3, 0.1)", "nn.RReLU()",
    "nn.RReLU(0.1, 0.3, True)", "nn.GroupNorm(2, 4)", "nn.GroupNorm(2, 4, affine=False, eps=1e-3)",
    "nn.InstanceNorm1d(3)", "nn.InstanceNorm2d(3, affine=True, track_running_stats=True)",
    "nn.ConvTranspose1d(2, 3, 2)",
    "nn.ConvTranspose2d(2, 4, (2, 3), stride=2, padding=1, output_padding=1, groups=2, "
    "dilation=2, bias=False)",
    "nn.Upsample(scale_factor=2)", "nn.Upsample(size=(3, 4), mode='bilinear', align_corners=True)",
    "nn.Upsample(size=5, mode='linear')", "nn.UpsamplingNearest2d(scale_factor=2)",
    "nn.UpsamplingBilinear2d(size=3)", "nn.CosineSimilarity()", "nn.CosineSimilarity(0, 1e-6)",
    "nn.PairwiseDistance()", "nn.PairwiseDistance(1, 1e-3, True)", "nn.Unfold(2)",
    "nn.Unfold((2, 3), 1, 1, 2)", "nn.PixelShuffle(2)", "nn.PixelUnshuffle(2)",
    "nn.AdaptiveMaxPool2d(2)", "nn.AdaptiveMaxPool2d((2, None), True)",
]


@pytest.mark.parametrize("expr", MODULES)
def test_module_repr_and_parameters(expr):
    torch.manual_seed(3)
    ggen.manual_seed(3)
    want = eval(expr, {"nn": torch.nn})
    got = eval(expr, {"nn": gnn})
    assert repr(got) == repr(want)
    wp, gp = dict(want.named_parameters()), dict(got.named_parameters())
    assert list(gp) == list(wp)
    for k in wp:  # the same init draws, in the same order
        np.testing.assert_array_equal(gp[k].data, wp[k].detach().numpy())
    assert [n for n, _ in got.named_buffers()] == [n for n, _ in want.named_buffers()]


MODULE_CALLS = [
    ("nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)",
     [(2, 4, 3, 3)]),
    ("nn.ConvTranspose1d(2, 3, 2, dilation=2)", [(2, 5)]),
    ("nn.GroupNorm(2, 4)", [(3, 4, 5)]), ("nn.PReLU(4)", [(2, 4, 3)]),
    ("nn.InstanceNorm1d(4, affine=True, track_running_stats=True)", [(2, 4, 5)]),
    ("nn.InstanceNorm2d(4)", [(4, 3, 3)]),
    ("nn.Upsample(scale_factor=1.5, mode='bilinear')", [(1, 2, 3, 4)]),
    ("nn.CosineSimilarity()", [(3, 4), (3, 4)]), ("nn.PairwiseDistance(3)", [(3, 4), (3, 4)]),
    ("nn.Unfold(2, padding=1)", [(1, 2, 3, 3)]), ("nn.PixelShuffle(2)", [(1, 8, 2, 2)]),
    ("nn.AdaptiveMaxPool2d((2, 3))", [(2, 5, 7)]), ("nn.GLU()", [(3, 4)]),
    ("nn.RReLU()", [(3, 4)]),
]


@pytest.mark.parametrize("expr,shapes", MODULE_CALLS, ids=[m[0] for m in MODULE_CALLS])
def test_module_forward_backward(expr, shapes):
    rng = np.random.default_rng(5)
    arrays = [rnd(rng, *s) for s in shapes]
    torch.manual_seed(4)
    ggen.manual_seed(4)
    want_m, got_m = eval(expr, {"nn": torch.nn}), eval(expr, {"nn": gnn})
    for _ in range(2):  # twice: the running statistics and the draws move on as torch's
        ts = [torch.tensor(a, requires_grad=True) for a in arrays]
        gs = [Tensor(a.copy(), True) for a in arrays]
        want, got = want_m(*ts), got_m(*gs)
        np.testing.assert_allclose(got.data, want.detach().numpy(), rtol=1e-4, atol=1e-5)
        assert chain(got) == chain(want)
        want.sum().backward()
        api.METHODS["backward"](api.FUNCTIONS["sum"](got))
        for t, g in zip(ts, gs, strict=True):
            np.testing.assert_allclose(g.grad.data, t.grad.numpy(), rtol=1e-4, atol=1e-4)
        for (k, p), (_, q) in zip(want_m.named_parameters(), got_m.named_parameters(),
                                  strict=True):
            np.testing.assert_allclose(q.grad.data, p.grad.numpy(), rtol=1e-4, atol=1e-4,
                                       err_msg=k)
        for (k, p), (_, q) in zip(want_m.named_buffers(), got_m.named_buffers(), strict=True):
            np.testing.assert_allclose(q.data, p.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)
    want_m.eval()
    got_m.eval()
    ts, gs = [torch.tensor(a) for a in arrays], [Tensor(a.copy()) for a in arrays]
    np.testing.assert_allclose(got_m(*gs).data, want_m(*ts).detach().numpy(), rtol=1e-4,
                               atol=1e-5)


@pytest.mark.parametrize("seed", range(4))
def test_conv_transpose_output_size(seed):
    """forward(input, output_size): PyTorch's output_padding for it, or its ValueError."""
    rng = np.random.default_rng(seed)
    n = 1 + seed % 2
    stride, k = int(rng.integers(2, 4)), int(rng.integers(1, 4))
    shape = (2, 3) + (4,) * n
    cls = f"ConvTranspose{n}d"
    torch.manual_seed(seed)
    ggen.manual_seed(seed)
    want_m = getattr(torch.nn, cls)(3, 2, k, stride=stride, padding=1)
    got_m = getattr(gnn, cls)(3, 2, k, stride=stride, padding=1)
    x = rnd(rng, *shape)
    lo = (4 - 1) * stride - 2 + (k - 1) + 1
    for size in (lo, lo + stride - 1, lo + stride, lo - 1):
        out = [size] * n
        for full in (out, [2, 2] + out):
            try:
                want = want_m(torch.tensor(x), output_size=full)
            except ValueError as e:
                with pytest.raises(ValueError) as got:
                    got_m(Tensor(x.copy()), output_size=full)
                assert str(got.value) == str(e)
                continue
            got = got_m(Tensor(x.copy()), output_size=full)
            np.testing.assert_allclose(got.data, want.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_deprecated_upsample_functions():
    x = rnd(np.random.default_rng(0), 1, 2, 3, 4)
    compare("upsample", [x], scale_factor=2)
    compare("upsample", [x], size=(4, 5), mode="bilinear")
    compare("upsample_nearest", [x], size=5)
    compare("upsample_bilinear", [x], scale_factor=1.5)


# ---------------------------------------------------------------- end to end: gradcli run
PROGRAM = """\
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
x = torch.randn(2, 4, 4, 4, requires_grad=True)
net = nn.Sequential(
    nn.ConvTranspose2d(4, 4, 3, stride=2, padding=1, output_padding=1, groups=2),
    nn.GroupNorm(2, 4),
    nn.PReLU(4),
    nn.InstanceNorm2d(4, affine=True),
    nn.PixelUnshuffle(2),
    nn.PixelShuffle(2),
    nn.Upsample(scale_factor=0.5, mode='bilinear'),
    nn.AdaptiveMaxPool2d((3, 3)),
    nn.GLU(1),
    nn.RReLU(),
)
print(net)
y = net(x)
print(y.shape, y.grad_fn)
cols = nn.Unfold(2)(y)
a, b = cols[0].t(), cols[1].t()
loss = nn.CosineSimilarity(dim=1)(a, b).sum() + nn.PairwiseDistance()(a, b).sum()
loss = loss + F.pdist(a).sum() + F.normalize(y, dim=1).sum()
loss = loss + nn.ConvTranspose1d(2, 3, 2)(y.flatten(2)).sum()
loss = loss + F.interpolate(y, size=(5, 4)).sum()
loss = loss + F.interpolate(y.flatten(2), scale_factor=1.5, mode='linear',
                            align_corners=True).sum()
loss.backward()
print(round(loss.item(), 4))
print(x.grad[0, 0])
print(net[0].weight.grad.shape, net[2].weight.grad)
net.eval()
print(net(x)[0, 0])
"""


def test_gradcli_run_program_through_every_module(tmp_path):
    """The installed `gradcli run` prints what Python + torch print for the program."""
    prog = tmp_path / "layers.py"
    prog.write_text(PROGRAM)
    want = subprocess.run([sys.executable, str(prog)], capture_output=True, text=True)
    assert want.returncode == 0, want.stderr
    got = run_gradcli("run", prog)
    no_traceback(got)
    assert got.returncode == 0, got.stderr
    address = re.compile(r" object at 0x[0-9a-fA-F]+")
    assert got.stdout == address.sub("", want.stdout)
