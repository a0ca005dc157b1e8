"""torch.nn modules against PyTorch: reprs, registration and traversal, state_dict,
train/eval, hooks, and every layer's forward and backward given the SAME parameter values
(copied from PyTorch's layer, so nothing depends on the random numbers)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
tnn = torch.nn

from gradcli.engine import api, nn  # noqa: E402
from gradcli.engine.tensor import Tensor  # noqa: E402

pytestmark = pytest.mark.torch


def copy_params(mine, theirs):
    """Copy PyTorch's parameters and buffers into ours, by name."""
    tsd = theirs.state_dict()
    msd = mine.state_dict(keep_vars=True)
    assert list(msd) == list(tsd)
    for k, v in tsd.items():
        assert msd[k].data.shape == tuple(v.shape), k
        msd[k].data[...] = v.numpy()


def both(ctor, *args, **kwargs):
    return getattr(nn, ctor)(*args, **kwargs), getattr(tnn, ctor)(*args, **kwargs)


LAYERS = [
    ("Linear", (4, 3), {}, (5, 4)),
    ("Linear", (4, 3), {"bias": False}, (2, 6, 4)),
    ("Linear", (4, 2), {}, (4,)),
    ("Conv1d", (2, 4, 3), {"padding": 1, "stride": 2}, (2, 2, 9)),
    ("Conv2d", (1, 6, 3), {}, (1, 1, 12, 12)),
    ("Conv2d", (4, 6, (3, 2)), {"groups": 2, "dilation": 2, "bias": False}, (2, 4, 9, 8)),
    ("Conv2d", (2, 3, 3), {"padding": "same", "padding_mode": "reflect"}, (1, 2, 6, 6)),
    ("Conv2d", (2, 3, 4), {"padding": "same"}, (2, 5, 7)),
    ("MaxPool2d", (2,), {}, (2, 3, 6, 7)),
    ("MaxPool2d", (3, 2, 1), {"ceil_mode": True}, (1, 2, 7, 7)),
    ("MaxPool1d", (3,), {"stride": 1}, (2, 3, 8)),
    ("AvgPool2d", (3, 2, 1), {}, (1, 2, 7, 6)),
    ("AvgPool1d", (2,), {}, (2, 3, 8)),
    ("AdaptiveAvgPool2d", ((3, 2),), {}, (2, 2, 7, 5)),
    ("AdaptiveAvgPool1d", (3,), {}, (2, 2, 7)),
    ("BatchNorm1d", (3,), {}, (5, 3)),
    ("BatchNorm1d", (3,), {"affine": False, "momentum": None}, (4, 3, 2)),
    ("BatchNorm2d", (2,), {}, (3, 2, 4, 4)),
    ("LayerNorm", ((3, 4),), {}, (2, 3, 4)),
    ("LayerNorm", (4,), {"elementwise_affine": False}, (5, 4)),
    ("Flatten", (), {}, (2, 3, 4)),
    ("Unflatten", (1, (2, 3)), {}, (4, 6)),
    ("Identity", (), {}, (3,)),
    ("ReLU", (), {}, (3, 4)), ("LeakyReLU", (0.2,), {}, (3, 4)), ("ELU", (), {}, (3, 4)),
    ("GELU", (), {}, (3, 4)), ("SiLU", (), {}, (3, 4)), ("Sigmoid", (), {}, (3, 4)),
    ("Tanh", (), {}, (3, 4)), ("Softplus", (2.0,), {}, (3, 4)), ("Softmax", (1,), {}, (3, 4)),
    ("LogSoftmax", (1,), {}, (3, 4)), ("Hardtanh", (-0.5, 0.5), {}, (3, 4)),
    ("ReLU6", (), {}, (3, 4)), ("SELU", (), {}, (3, 4)), ("LogSigmoid", (), {}, (3, 4)),
    ("Dropout", (0.3,), {}, (3, 4)),
]


@pytest.mark.parametrize("ctor, args, kwargs, shape", LAYERS)
def test_layer(ctor, args, kwargs, shape):
    mine, theirs = both(ctor, *args, **kwargs)
    assert repr(mine) == repr(theirs)
    assert [n for n, _ in mine.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in mine.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    copy_params(mine, theirs)
    if ctor == "Dropout":  # the mask is random: compare in eval mode (the identity)
        mine.eval()
        theirs.eval()
    x = np.random.default_rng(len(shape)).standard_normal(shape).astype(np.float32) * 2
    tx = torch.tensor(x, requires_grad=True)
    ox = Tensor(x.copy(), requires_grad=True)
    ty, oy = theirs(tx), mine(ox)
    np.testing.assert_allclose(oy.data, ty.detach().numpy(), rtol=1e-4, atol=1e-5)
    assert (oy.grad_fn.name() if oy.grad_fn else None) == \
        (ty.grad_fn.name() if ty.grad_fn else None)
    g = np.random.default_rng(9).standard_normal(ty.shape).astype(np.float32)
    ty.backward(torch.tensor(g))
    api.METHODS["backward"](oy, Tensor(g))
    np.testing.assert_allclose(ox.grad.data, tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    for (n, p), (_, tp) in zip(mine.named_parameters(), theirs.named_parameters(), strict=True):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-4, atol=1e-4,
                                   err_msg=n)
    for (n, b), (_, tb) in zip(mine.named_buffers(), theirs.named_buffers(), strict=True):
        np.testing.assert_allclose(b.data, tb.numpy(), rtol=1e-5, atol=1e-6, err_msg=n)
    # eval mode (batch norm's running statistics)
    mine.eval()
    theirs.eval()
    np.testing.assert_allclose(mine(Tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-4, atol=1e-5)


LOSSES = [
    ("MSELoss", {}), ("MSELoss", {"reduction": "sum"}), ("L1Loss", {}),
    ("SmoothL1Loss", {"beta": 0.5}), ("HuberLoss", {"delta": 2.0}),
    ("BCELoss", {}), ("BCEWithLogitsLoss", {}), ("KLDivLoss", {"reduction": "batchmean"}),
    ("MSELoss", {"size_average": False}),
]


@pytest.mark.parametrize("ctor, kwargs", LOSSES)
def test_loss(ctor, kwargs):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mine, theirs = both(ctor, **kwargs)
    assert repr(mine) == repr(theirs)
    assert mine.reduction == theirs.reduction
    rng = np.random.default_rng(2)
    x = rng.random((4, 3)).astype(np.float32)
    if ctor == "KLDivLoss":
        x = np.log(x)
    t = rng.random((4, 3)).astype(np.float32)
    tx, ox = torch.tensor(x, requires_grad=True), Tensor(x.copy(), requires_grad=True)
    tl, ol = theirs(tx, torch.tensor(t)), mine(ox, Tensor(t))
    assert repr(ol) == repr(tl)
    tl.backward()
    api.METHODS["backward"](ol)
    np.testing.assert_allclose(ox.grad.data, tx.grad.numpy(), rtol=1e-4, atol=1e-6)


def test_classification_losses():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    y = np.array([0, 3, 1, 1, 2])
    for ctor in ("CrossEntropyLoss", "NLLLoss"):
        mine, theirs = both(ctor)
        assert repr(mine) == repr(theirs)
        assert repr(mine(Tensor(x), Tensor(y))) == repr(theirs(torch.tensor(x), torch.tensor(y)))
    w = np.array([0.5, 1.0, 2.0, 0.25], np.float32)
    mine = nn.CrossEntropyLoss(weight=Tensor(w), label_smoothing=0.1, ignore_index=1)
    theirs = tnn.CrossEntropyLoss(weight=torch.tensor(w), label_smoothing=0.1, ignore_index=1)
    assert repr(mine(Tensor(x), Tensor(y))) == repr(theirs(torch.tensor(x), torch.tensor(y)))


class TinyOurs(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
        self.heads = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.Tanh()])
        self.extra = nn.ModuleDict({"norm": nn.LayerNorm(2)})
        self.scale = nn.Parameter(Tensor(np.ones(2, np.float32)))
        self.register_buffer("offset", Tensor(np.zeros(2, np.float32)))

    def forward(self, x):
        h = self.body(x)
        for m in self.heads:
            h = m(h)
        return self.extra["norm"](h) * self.scale + self.offset


class TinyTorch(tnn.Module):
    def __init__(self):
        super().__init__()
        self.body = tnn.Sequential(tnn.Linear(3, 4), tnn.ReLU(), tnn.Linear(4, 2))
        self.heads = tnn.ModuleList([tnn.Linear(2, 2), tnn.Linear(2, 2), tnn.Tanh()])
        self.extra = tnn.ModuleDict({"norm": tnn.LayerNorm(2)})
        self.scale = tnn.Parameter(torch.ones(2))
        self.register_buffer("offset", torch.zeros(2))

    def forward(self, x):
        h = self.body(x)
        for m in self.heads:
            h = m(h)
        return self.extra["norm"](h) * self.scale + self.offset


def test_module_api():
    mine, theirs = TinyOurs(), TinyTorch()
    assert repr(mine).replace("TinyOurs", "TinyTorch") == repr(theirs)
    assert [n for n, _ in mine.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in mine.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in mine.named_children()] == [n for n, _ in theirs.named_children()]
    assert list(mine.state_dict()) == list(theirs.state_dict())
    copy_params(mine, theirs)
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    assert repr(mine(Tensor(x))) == repr(theirs(torch.tensor(x)))
    assert repr(mine.scale) == repr(theirs.scale)
    assert repr(mine.state_dict()["scale"]) == repr(theirs.state_dict()["scale"])
    assert mine.train() is mine and mine.training
    mine.eval()
    assert not any(m.training for m in mine.modules())
    seen = []
    mine.apply(lambda m: seen.append(type(m).__name__))
    assert seen[-1] == "TinyOurs" and seen[0] == "Linear"
    # hooks
    calls = []
    h1 = mine.body.register_forward_pre_hook(lambda m, args: calls.append("pre"))
    h2 = mine.body.register_forward_hook(lambda m, args, out: out * 0)
    assert not mine.body(Tensor(x)).data.any() and calls == ["pre"]
    h1.remove()
    h2.remove()
    assert mine.body(Tensor(x)).data.any() and calls == ["pre"]
    # state_dict round trip and its messages
    other = TinyOurs()
    assert repr(other.load_state_dict(mine.state_dict())) == "<All keys matched successfully>"
    sd = mine.state_dict()
    del sd["scale"]
    sd["bogus"] = Tensor(np.zeros(1, np.float32))
    tsd = theirs.state_dict()
    del tsd["scale"]
    tsd["bogus"] = torch.zeros(1)
    with pytest.raises(Exception) as e1:
        other.load_state_dict(sd)
    with pytest.raises(RuntimeError) as e2:
        TinyTorch().load_state_dict(tsd)
    assert e1.value.message == str(e2.value).replace("TinyTorch", "TinyOurs")
    # zero_grad, requires_grad_, double
    api.METHODS["backward"](api.FUNCTIONS["sum"](mine(Tensor(x))))
    assert all(p.grad is not None for p in mine.parameters())
    mine.zero_grad()
    assert all(p.grad is None for p in mine.parameters())
    mine.requires_grad_(False)
    assert not any(p.requires_grad for p in mine.parameters())
    assert mine.double().scale.data.dtype == np.float64


def test_registration_errors():
    class Early(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)

    class EarlyT(tnn.Module):
        def __init__(self):
            self.fc = tnn.Linear(1, 1)

    with pytest.raises(AttributeError) as a:
        Early()
    with pytest.raises(AttributeError) as b:
        EarlyT()
    assert str(a.value) == str(b.value)
    m, t = nn.Linear(2, 2), tnn.Linear(2, 2)
    for obj in (m, t):
        with pytest.raises(TypeError):
            obj.weight = 3
    with pytest.raises(AttributeError) as a:
        _ = m.nothing
    with pytest.raises(AttributeError) as b:
        _ = t.nothing
    assert str(a.value) == str(b.value)


def test_seed_net_backward():
    """seed003: the blitz net's repr, forward, backward(gradient), MSE loss and its
    grad_fn chain, with PyTorch's parameters."""
    import torch.nn.functional as TF
    from gradcli.engine.torch_api.nn_functional import FUNCTIONAL as F

    def make(mod, Fm, view):
        class Net(mod.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = mod.Conv2d(1, 6, 3)
                self.conv2 = mod.Conv2d(6, 16, 3)
                self.fc1 = mod.Linear(16 * 6 * 6, 120)
                self.fc2 = mod.Linear(120, 84)
                self.fc3 = mod.Linear(84, 10)

            def forward(self, x):
                x = Fm["max_pool2d"](Fm["relu"](self.conv1(x)), (2, 2))
                x = Fm["max_pool2d"](Fm["relu"](self.conv2(x)), 2)
                x = view(x)
                x = Fm["relu"](self.fc1(x))
                x = Fm["relu"](self.fc2(x))
                return self.fc3(x)
        return Net()

    theirs = make(tnn, {"max_pool2d": TF.max_pool2d, "relu": TF.relu}, lambda x: x.view(-1, 576))
    mine = make(nn, F, lambda x: api.METHODS["reshape"](x, -1, 576))
    assert repr(mine) == repr(theirs)
    params = list(mine.parameters())
    assert len(params) == 10 and api.METHODS["size"](params[0]) == theirs.conv1.weight.size()
    copy_params(mine, theirs)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 1, 32, 32)).astype(np.float32)
    g = rng.standard_normal((1, 10)).astype(np.float32)
    target = rng.standard_normal((1, 10)).astype(np.float32)
    tout, oout = theirs(torch.tensor(x)), mine(Tensor(x))
    assert repr(oout) == repr(tout)
    theirs.zero_grad()
    mine.zero_grad()
    tout.backward(torch.tensor(g))
    api.METHODS["backward"](oout, Tensor(g))
    assert repr(mine.conv1.bias.grad) == repr(theirs.conv1.bias.grad)
    tl = tnn.MSELoss()(theirs(torch.tensor(x)), torch.tensor(target))
    ol = nn.MSELoss()(mine(Tensor(x)), Tensor(target))
    assert repr(ol) == repr(tl)
    tchain = [tl.grad_fn, tl.grad_fn.next_functions[0][0],
              tl.grad_fn.next_functions[0][0].next_functions[0][0]]
    ochain = [ol.grad_fn, ol.grad_fn.next_functions[0][0],
              ol.grad_fn.next_functions[0][0].next_functions[0][0]]
    assert [repr(n) for n in ochain] == ["<MseLossBackward0>", "<AddmmBackward0>",
                                         "<AccumulateGrad>"]
    assert [type(n).__name__ for n in tchain] == ["MseLossBackward0", "AddmmBackward0",
                                                  "AccumulateGrad"]
    theirs.zero_grad()
    mine.zero_grad()
    tl.backward()
    api.METHODS["backward"](ol)
    assert repr(mine.conv1.bias.grad) == repr(theirs.conv1.bias.grad)


def test_seed_logistic_regression():
    """seed002: the logistic regression trained 100 steps with SGD(momentum=0.9) on the
    same data and initial parameters: the printed losses, accuracies and parameters.

    Linear's forward is bit for bit PyTorch's and SGD's update is too, but PyTorch's float32
    exp inside sigmoid (Sleef / MKL VML) differs from numpy's in the last bit for ~17% of
    inputs, so the weights' full float reprs can drift by a few ulps: they are compared to
    1e-4 here, the printed tensors exactly."""
    from gradcli.engine import optim

    torch.manual_seed(10)
    n_data = torch.ones(100, 2)
    x0 = torch.normal(1.7 * n_data, 1) + 5
    x1 = torch.normal(-1.7 * n_data, 1) + 5
    tx = torch.cat((x0, x1), 0)
    ty = torch.cat((torch.zeros(100), torch.ones(100)), 0)
    ox, oy = Tensor(tx.numpy().copy()), Tensor(ty.numpy().copy())

    def make(mod):
        class LR(mod.Module):
            def __init__(self):
                super().__init__()
                self.features = mod.Linear(2, 1)
                self.sigmoid = mod.Sigmoid()

            def forward(self, x):
                return self.sigmoid(self.features(x))
        return LR()

    theirs, mine = make(tnn), make(nn)
    copy_params(mine, theirs)
    assert repr(mine.features.bias) == repr(theirs.features.bias)
    topt = torch.optim.SGD(theirs.parameters(), lr=0.01, momentum=0.9)
    oopt = optim.SGD(mine.parameters(), lr=0.01, momentum=0.9)
    tlog, olog = [], []
    for it in range(100):
        tp = theirs(tx)
        op = mine(ox)
        tl = tnn.BCELoss()(tp.squeeze(), ty)
        ol = nn.BCELoss()(api.FUNCTIONS["squeeze"](op), oy)
        tl.backward()
        api.METHODS["backward"](ol)
        topt.step()
        oopt.step()
        topt.zero_grad()
        oopt.zero_grad()
        if it % 20 == 0:
            tacc = (tp.ge(0.5).float().squeeze() == ty).sum().item() / 200
            oacc = float((op.data >= 0.5).astype(np.float32).squeeze().__eq__(oy.data).sum()) / 200
            tlog.append((it, repr(tl), tacc, [float(v) for v in theirs.features.weight[0]]))
            olog.append((it, repr(ol), oacc, [float(v) for v in mine.features.weight.data[0]]))
    assert [r[:3] for r in olog] == [r[:3] for r in tlog]
    for (_, _, _, ow), (_, _, _, tw) in zip(olog, tlog, strict=True):
        np.testing.assert_allclose(ow, tw, rtol=1e-4, atol=1e-6)
    assert repr(mine) == repr(theirs)
    assert repr(list(mine.parameters())) == repr(list(theirs.parameters()))


@pytest.mark.parametrize("ctor", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("kwargs, shape", [
    ({}, (5, 2, 3)), ({"num_layers": 2, "batch_first": True}, (2, 5, 3)),
    ({"bidirectional": True, "num_layers": 2}, (4, 3, 3)), ({"bias": False}, (4, 3)),
    ({"batch_first": True, "bidirectional": True}, (4, 3)),
])
def test_recurrent(ctor, kwargs, shape):
    mine, theirs = both(ctor, 3, 4, **kwargs)
    assert repr(mine) == repr(theirs)
    assert [n for n, _ in mine.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    copy_params(mine, theirs)
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    tx, ox = torch.tensor(x, requires_grad=True), Tensor(x.copy(), requires_grad=True)
    (ty, th), (oy, oh) = theirs(tx), mine(ox)
    th_list = th if isinstance(th, tuple) else (th,)
    oh_list = oh if isinstance(oh, tuple) else (oh,)
    np.testing.assert_allclose(oy.data, ty.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert oy.grad_fn.name() == ty.grad_fn.name()
    for o, t in zip(oh_list, th_list, strict=True):
        np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=1e-5, atol=1e-6)
        assert o.grad_fn.name() == t.grad_fn.name()
    g = np.random.default_rng(2).standard_normal(ty.shape).astype(np.float32)
    (ty * torch.tensor(g)).sum().backward()
    api.METHODS["backward"](oy, Tensor(g))
    np.testing.assert_allclose(ox.grad.data, tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    for (n, p), (_, tp) in zip(mine.named_parameters(), theirs.named_parameters(), strict=True):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-4, atol=1e-5,
                                   err_msg=n)


def test_bilinear_module():
    mine, theirs = both("Bilinear", 3, 4, 2)
    assert repr(mine) == repr(theirs)
    copy_params(mine, theirs)
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((5, 3)).astype(np.float32), rng.standard_normal((5, 4)).astype(
        np.float32)
    assert repr(mine(Tensor(a), Tensor(b))) == repr(theirs(torch.tensor(a), torch.tensor(b)))
