"""The losses of issue 18 and the weight/label-smoothing/probability forms of the older ones
against torch: value, dtype, shape, grad_fn name (and the chain below it), every input's
grad, and PyTorch's messages for bad arguments, over generated shapes and arguments."""

import math

import numpy as np
import pytest
from gradcli.engine import api
from gradcli.engine.autograd import run_backward
from gradcli.engine.tensor import Tensor
from oracle_calls import _errors_agree, _run

torch = pytest.importorskip("torch")


class Const:
    """An input that does not require grad (a target, a class weight)."""

    def __init__(self, a):
        self.a = a


def _convert(v, make, const):
    if isinstance(v, Const):
        return const(v.a)
    if isinstance(v, np.ndarray):
        return make(v)
    return v


def _chain(fn, depth=6):
    """grad_fn names down the graph (the composition PyTorch builds)."""
    if fn is None or depth == 0:
        return None
    nexts = [_chain(n, depth - 1) for n, _ in fn.next_functions]
    return (fn.name(), tuple(n for n in nexts if n not in (None, "AccumulateGrad",
                                                              "torch::autograd::AccumulateGrad")))


def _name(fn):
    return None if fn is None else fn.name().replace("torch::autograd::", "")


def _chain_names(fn, depth=6):
    if fn is None or depth == 0:
        return None
    nexts = [_chain_names(n, depth - 1) for n, _ in fn.next_functions if n is not None]
    return (_name(fn), tuple(n for n in nexts if n is not None and n[0] != "AccumulateGrad"))


def check(name, args, kwargs=None, rtol=2e-6, atol=1e-7, chain=True):
    kwargs = kwargs or {}
    label = f"{name} {[getattr(a, 'shape', a) for a in args]} {kwargs}"
    tmade, gmade = [], []

    def tmake(v):
        t = torch.tensor(v.copy(), requires_grad=v.dtype.kind == "f")
        tmade.append(t)
        return t

    def gmake(v):
        t = Tensor(v.copy(), v.dtype.kind == "f")
        gmade.append(t)
        return t

    def tcall():
        a = [_convert(v, tmake, lambda c: torch.tensor(c.copy())) for v in args]
        kw = {k: _convert(v, tmake, lambda c: torch.tensor(c.copy())) for k, v in kwargs.items()}
        return getattr(torch.nn.functional, name)(*a, **kw)

    def gcall():
        a = [_convert(v, gmake, lambda c: Tensor(c.copy())) for v in args]
        kw = {k: _convert(v, gmake, lambda c: Tensor(c.copy())) for k, v in kwargs.items()}
        return api.NN_FUNCTIONS[name](*a, **kw)

    want, werr = _run(tcall)
    got, gerr = _run(gcall)
    if werr is not None or gerr is not None:
        _errors_agree(werr, gerr, label)
        return None
    wv = want.detach().numpy()
    assert got.data.shape == wv.shape, label
    assert str(got.data.dtype) == str(wv.dtype), label
    np.testing.assert_allclose(got.data, wv, rtol=rtol, atol=atol, equal_nan=True, err_msg=label)
    if chain:
        assert _chain_names(got.grad_fn) == _chain_names(want.grad_fn), label
    seed = np.linspace(-1.0, 1.5, wv.size).reshape(wv.shape).astype(wv.dtype)
    _, werr = _run(lambda: want.backward(torch.tensor(seed)))
    _, gerr = _run(lambda: run_backward([got], [Tensor(seed.copy())]))
    if werr is not None or gerr is not None:
        _errors_agree(werr, gerr, label)
        return want
    for w, g in zip(tmade, gmade, strict=True):
        if w.grad is None:
            assert g.grad is None, label
            continue
        assert g.grad is not None, label
        np.testing.assert_allclose(g.grad.data, w.grad.numpy(), rtol=rtol * 5, atol=atol,
                                   equal_nan=True, err_msg=f"{label}: grad")
    return want


SEEDS = range(12)
RED = ("mean", "sum", "none")


def _rng(seed):
    return np.random.default_rng(1000 + seed)


def _shape(r, lo=1, hi=3):
    return tuple(int(n) for n in r.integers(1, 5, int(r.integers(lo, hi + 1))))


def _f32(r, shape, scale=1.0):
    return (r.normal(size=shape) * scale).astype(np.float32)


def _signs(r, shape, dtype=np.float32):
    return np.where(r.random(shape) < 0.5, -1, 1).astype(dtype)


@pytest.mark.parametrize("seed", SEEDS)
def test_soft_margin_and_hinge(seed):
    r = _rng(seed)
    shape = _shape(r)
    x = _f32(r, shape, 2.0)
    for red in RED:
        check("soft_margin_loss", [x, Const(_signs(r, shape))], {"reduction": red})
        check("soft_margin_loss", [x, _signs(r, shape)], {"reduction": red})  # target grad: error
        check("hinge_embedding_loss", [x, Const(_signs(r, shape))],
              {"margin": float(r.uniform(0.1, 2)), "reduction": red})
    check("soft_margin_loss", [x, Const(_signs(r, shape, np.int64))])
    check("soft_margin_loss", [x, Const(_signs(r, shape[-1:]))], {"reduction": "none"})
    check("soft_margin_loss", [x[..., :1], Const(_signs(r, shape))])  # output-shape message
    check("soft_margin_loss", [x, Const(_signs(r, shape))], {"reduction": "avg"})
    check("hinge_embedding_loss", [x, Const(_signs(r, shape, np.int64))])
    check("hinge_embedding_loss", [x, Const(_signs(r, (7,)))])


@pytest.mark.parametrize("seed", SEEDS)
def test_margin_ranking_and_cosine_embedding(seed):
    r = _rng(seed)
    n = int(r.integers(1, 6))
    a, b = _f32(r, (n,)), _f32(r, (n,))
    for red in RED:
        m = float(r.uniform(0, 1))
        check("margin_ranking_loss", [a, b, Const(_signs(r, (n,)))], {"margin": m, "reduction": red})
        check("margin_ranking_loss", [a, b, _signs(r, (n,))], {"margin": m, "reduction": red})
    check("margin_ranking_loss", [a, b, Const(_signs(r, (1, n)))])
    check("margin_ranking_loss", [a, b, Const(_signs(r, (n + 1,)))])
    d = int(r.integers(1, 5))
    x1, x2 = _f32(r, (n, d)), _f32(r, (n, d))
    for red in RED:
        m = float(r.uniform(-0.5, 0.5))
        check("cosine_embedding_loss", [x1, x2, Const(_signs(r, (n,)))],
              {"margin": m, "reduction": red}, rtol=1e-5, atol=1e-6)
        check("cosine_embedding_loss", [x1[0], x2[0], Const(_signs(r, ()))],
              {"margin": m, "reduction": red}, rtol=1e-5, atol=1e-6)
    check("cosine_embedding_loss", [x1, x2, Const(_signs(r, (n, 1)))])
    check("cosine_embedding_loss", [x1[0], x2[0], Const(_signs(r, (n,)))])
    check("cosine_embedding_loss", [x1, x2, Const(_signs(r, ()))])


@pytest.mark.parametrize("seed", SEEDS)
def test_triplet_margin(seed):
    r = _rng(seed)
    shape = (int(r.integers(1, 5)), int(r.integers(1, 5)))
    a, p, n = _f32(r, shape), _f32(r, shape), _f32(r, shape)
    for red in RED:
        kw = {"margin": float(r.uniform(0.1, 2)), "p": float(r.choice([1.0, 2.0, 3.0, 1.5])),
              "swap": bool(r.integers(0, 2)), "reduction": red}
        check("triplet_margin_loss", [a, p, n], kw, rtol=1e-5, atol=1e-6)
        check("triplet_margin_loss", [a[0], p[0], n[0]], kw, rtol=1e-5, atol=1e-6)
    check("triplet_margin_loss", [a, p, n[0]])
    check("triplet_margin_loss", [a, p, n], {"margin": 0.0})


@pytest.mark.parametrize("seed", SEEDS)
def test_poisson_and_gaussian_nll(seed):
    r = _rng(seed)
    shape = _shape(r)
    x = _f32(r, shape)
    counts = r.integers(0, 5, shape).astype(np.float32)
    for red in RED:
        for full in (False, True):
            check("poisson_nll_loss", [x, Const(counts)], {"full": full, "reduction": red})
            check("poisson_nll_loss", [np.abs(x) + 0.1, counts],
                  {"log_input": False, "full": full, "eps": float(r.uniform(1e-8, 1e-3)),
                   "reduction": red}, rtol=1e-5)
            var = r.uniform(0.01, 2, shape).astype(np.float32)
            check("gaussian_nll_loss", [x, _f32(r, shape), var],
                  {"full": full, "eps": float(r.choice([1e-6, 0.1])), "reduction": red})
            check("gaussian_nll_loss", [x, Const(_f32(r, shape)), var[..., :1]],
                  {"full": full, "reduction": red})
    if len(shape) > 1:
        check("gaussian_nll_loss", [x, _f32(r, shape), r.uniform(0.1, 1, shape[:-1]).astype(np.float32)])
    check("gaussian_nll_loss", [x, _f32(r, shape), 0.5])
    check("gaussian_nll_loss", [x, _f32(r, shape), -0.5])
    check("gaussian_nll_loss", [x, _f32(r, shape), np.full(shape, -1.0, np.float32)])
    check("gaussian_nll_loss", [x, _f32(r, shape), np.ones(shape + (2,), np.float32)])
    check("gaussian_nll_loss", [x, _f32(r, shape), np.ones(shape, np.float32)], {"reduction": "x"})
    check("poisson_nll_loss", [x, Const(counts)], {"reduction": "x"})


@pytest.mark.parametrize("seed", SEEDS)
def test_multi_margin_and_multilabel_soft_margin(seed):
    r = _rng(seed)
    n, c = int(r.integers(1, 5)), int(r.integers(1, 6))
    x = _f32(r, (n, c))
    target = r.integers(0, c, n)
    w = Const(r.uniform(0.1, 2, c).astype(np.float32))
    for red in RED:
        for p in (1, 2):
            kw = {"p": p, "margin": float(r.uniform(0, 2)), "reduction": red}
            check("multi_margin_loss", [x, Const(target)], kw)
            check("multi_margin_loss", [x, Const(target)], dict(kw, weight=w))
            check("multi_margin_loss", [x[0], Const(target[:1])], kw)
            check("multi_margin_loss", [x[0], Const(target[0])], kw)
        labels = (r.random((n, c)) < 0.5).astype(np.float32)
        check("multilabel_soft_margin_loss", [x, Const(labels)], {"reduction": red})
        check("multilabel_soft_margin_loss", [x, labels], {"weight": w, "reduction": red})
    check("multi_margin_loss", [x, Const(target)], {"p": 3})
    check("multi_margin_loss", [x, Const(target)], {"weight": Const(np.ones((c, 1), np.float32))})
    check("multi_margin_loss", [x, Const(target)], {"weight": Const(np.ones(c + 1, np.float32))})
    check("multi_margin_loss", [x, Const(target)], {"weight": w.a})  # weight grad: error
    check("multi_margin_loss", [x, Const(target[:-1])])
    check("multi_margin_loss", [x, Const(target + c)])
    check("multi_margin_loss", [x, Const(target.astype(np.float32))])
    check("multi_margin_loss", [x[None], Const(target)])
    check("multi_margin_loss", [x.astype(np.int64), Const(target)])
    check("multilabel_soft_margin_loss", [x, Const(x)], {"reduction": "x"})


# ---------------------------------------------------------------- the older losses' forms
@pytest.mark.parametrize("seed", SEEDS)
def test_cross_entropy_and_nll_forms(seed):
    r = _rng(seed)
    n, c = int(r.integers(1, 5)), int(r.integers(2, 6))
    x = _f32(r, (n, c))
    target = r.integers(0, c, n)
    w = Const(r.uniform(0.1, 2, c).astype(np.float32))
    ignore = int(target[0])
    probs = r.dirichlet(np.ones(c), n).astype(np.float32)
    for red in RED:
        ls = float(r.choice([0.0, 0.1, 0.35]))
        check("cross_entropy", [x, Const(target)], {"reduction": red, "label_smoothing": ls},
              rtol=1e-5)
        check("cross_entropy", [x, Const(target)], {"weight": w, "reduction": red,
                                                    "label_smoothing": ls}, rtol=1e-5)
        check("cross_entropy", [x, Const(target)], {"weight": w, "ignore_index": ignore,
                                                    "reduction": red}, rtol=1e-5)
        check("cross_entropy", [x, Const(probs)], {"reduction": red, "label_smoothing": ls},
              rtol=1e-5)
        check("cross_entropy", [x, probs], {"weight": w, "reduction": red}, rtol=1e-5)
        check("cross_entropy", [x, Const(target)], {"weight": w, "ignore_index": ignore,
                                                    "label_smoothing": 0.2, "reduction": red},
              rtol=1e-5)
        check("cross_entropy", [x, Const(target)], {"ignore_index": ignore,
                                                    "label_smoothing": 0.3, "reduction": red},
              rtol=1e-5)
        logp = np.log(r.dirichlet(np.ones(c), n)).astype(np.float32)
        check("nll_loss", [logp, Const(target)], {"weight": w, "reduction": red})
        check("nll_loss", [logp, Const(target)], {"weight": w, "ignore_index": ignore,
                                                  "reduction": red})
    check("cross_entropy", [x[0], Const(target[0])], {"weight": w}, rtol=1e-5)
    check("cross_entropy", [x, Const(probs[:, :-1])])
    check("cross_entropy", [x, Const(target)], {"label_smoothing": 1.5})
    check("nll_loss", [x, Const(target)], {"weight": Const(np.ones(c + 1, np.float32))})


@pytest.mark.parametrize("seed", SEEDS)
def test_bce_and_pointwise_forms(seed):
    r = _rng(seed)
    shape = _shape(r)
    p = r.uniform(0.02, 0.98, shape).astype(np.float32)
    t = r.uniform(0, 1, shape).astype(np.float32)
    x = _f32(r, shape, 2.0)
    wshape = shape[-1:]
    for red in RED:
        check("binary_cross_entropy", [p, Const(t)], {"reduction": red})
        check("binary_cross_entropy", [p, Const(t)],
              {"weight": Const(r.uniform(0.1, 2, wshape).astype(np.float32)), "reduction": red})
        check("binary_cross_entropy_with_logits", [x, t],
              {"pos_weight": Const(r.uniform(0.1, 3, wshape).astype(np.float32)),
               "weight": Const(r.uniform(0.1, 2, shape).astype(np.float32)), "reduction": red},
              rtol=1e-5)
        check("binary_cross_entropy_with_logits", [x, Const(t)], {"reduction": red}, rtol=1e-5)
        y = _f32(r, shape, 2.0)
        check("smooth_l1_loss", [x, y], {"beta": float(r.choice([0.0, 0.5, 1.0, 2.0])),
                                         "reduction": red})
        check("huber_loss", [x, y], {"delta": float(r.choice([0.5, 1.0, 2.0])), "reduction": red})
        q = np.log(r.dirichlet(np.ones(shape[-1]), shape[:-1] or None)).astype(np.float32)
        q = q.reshape(shape)
        check("kl_div", [x, Const(np.exp(q))], {"reduction": red})
        check("kl_div", [x, q], {"log_target": True, "reduction": red})
    check("kl_div", [x, Const(np.exp(x))], {"reduction": "batchmean"})
    check("smooth_l1_loss", [x, x], {"beta": -1.0})


def test_nn_loss_modules_reprs_and_calls():
    from gradcli.engine import nn

    r = _rng(99)
    x, y = _f32(r, (3, 4)), _f32(r, (3, 4))
    cases = [("SoftMarginLoss", {}), ("MarginRankingLoss", {"margin": 0.5}),
             ("HingeEmbeddingLoss", {"margin": 2.0}), ("PoissonNLLLoss", {"full": True}),
             ("GaussianNLLLoss", {"full": True, "eps": 1e-3}),
             ("CosineEmbeddingLoss", {"margin": 0.1}),
             ("TripletMarginLoss", {"margin": 0.5, "p": 1.0, "swap": True}),
             ("MultiMarginLoss", {"p": 2, "margin": 0.5}),
             ("MultiLabelSoftMarginLoss", {"reduction": "sum"})]
    for cls, kw in cases:
        tm, gm = getattr(torch.nn, cls)(**kw), getattr(nn, cls)(**kw)
        assert repr(gm) == repr(tm)
        assert gm.reduction == tm.reduction
        signs = np.sign(y[:, 0]).astype(np.float32)
        args = {"SoftMarginLoss": (x, np.sign(y)), "HingeEmbeddingLoss": (x, np.sign(y)),
                "MarginRankingLoss": (x[:, 0], y[:, 0], signs),
                "PoissonNLLLoss": (x, np.abs(y).round()),
                "GaussianNLLLoss": (x, y, np.abs(y) + 0.1),
                "CosineEmbeddingLoss": (x, y, signs),
                "TripletMarginLoss": (x, y, y[::-1].copy()),
                "MultiMarginLoss": (x, np.array([0, 3, 1])),
                "MultiLabelSoftMarginLoss": (x, (y > 0).astype(np.float32))}[cls]
        want = tm(*[torch.tensor(a) for a in args])
        got = gm(*[Tensor(a.copy()) for a in args])
        np.testing.assert_allclose(got.data, want.numpy(), rtol=1e-5, err_msg=cls)
    w = r.uniform(0.1, 2, 4).astype(np.float32)
    p, t = 1 / (1 + np.exp(-x)), (y > 0).astype(np.float32)
    for cls in ("BCELoss", "MultiLabelSoftMarginLoss"):
        want = getattr(torch.nn, cls)(weight=torch.tensor(w))(torch.tensor(p), torch.tensor(t))
        got = getattr(nn, cls)(weight=Tensor(w.copy()))(Tensor(p.copy()), Tensor(t.copy()))
        np.testing.assert_allclose(got.data, want.numpy(), rtol=1e-5, err_msg=cls)
    assert repr(nn.MultiMarginLoss(weight=Tensor(np.ones(4, np.float32))).weight) is not None
    with pytest.raises(Exception, match="only p == 1 and p == 2 supported"):
        nn.MultiMarginLoss(p=3)
    assert math.isclose(nn.PoissonNLLLoss(size_average=False).reduction == "sum", True)
