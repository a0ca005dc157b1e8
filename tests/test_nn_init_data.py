"""nn.init and layer construction draw exactly what PyTorch draws (the same methods, the
same bounds, the same order: recorded on both sides), and torch.utils.data's batching."""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from gradcli.engine import api, data, nn  # noqa: E402
from gradcli.engine.errors import TorchError  # noqa: E402
from gradcli.engine.nn import init  # noqa: E402
from gradcli.engine.tensor import Tensor  # noqa: E402

pytestmark = pytest.mark.torch


@pytest.fixture
def recorders(monkeypatch):
    theirs, mine = [], []

    def spy(name, orig):
        def method(self, *args, **kwargs):
            theirs.append((name, tuple(self.shape), args))
            return orig(self, *args, **kwargs)
        return method

    for name in ("uniform_", "normal_"):
        monkeypatch.setattr(torch.Tensor, name, spy(name, getattr(torch.Tensor, name)))

    def record(name):
        def method(t, *args):
            mine.append((name, t.data.shape, args))
            return t
        return method

    for name in ("uniform_", "normal_"):
        monkeypatch.setitem(api.METHODS, name, record(name))
    return theirs, mine


CTORS = [("Linear", (5, 3)), ("Linear", (7, 2, False)), ("Conv2d", (3, 6, (3, 2))),
         ("Conv1d", (4, 2, 5)), ("Conv2d", (4, 6, 3), {"groups": 2}), ("Embedding", (10, 4)),
         ("Bilinear", (3, 4, 5)), ("BatchNorm2d", (3,)), ("LayerNorm", (4,)),
         ("RNN", (3, 4)), ("LSTM", (3, 4, 2)), ("GRU", (2, 3), {"bidirectional": True})]


@pytest.mark.parametrize("ctor", CTORS)
def test_layer_draws(recorders, ctor):
    theirs, mine = recorders
    name, args, *kw = ctor
    kw = kw[0] if kw else {}
    getattr(torch.nn, name)(*args, **kw)
    getattr(nn, name)(*args, **kw)
    assert mine == theirs
    assert theirs or name in ("BatchNorm2d", "LayerNorm")


@pytest.mark.parametrize("fn, kwargs", [
    ("xavier_uniform_", {"gain": 2.0}), ("xavier_normal_", {}),
    ("kaiming_uniform_", {"a": 0.1, "mode": "fan_out", "nonlinearity": "leaky_relu"}),
    ("kaiming_normal_", {"nonlinearity": "relu"}), ("uniform_", {"a": -2, "b": 3}),
    ("normal_", {"mean": 1.0, "std": 0.5}),
])
def test_init_draws(recorders, fn, kwargs):
    theirs, mine = recorders
    getattr(torch.nn.init, fn)(torch.empty(4, 3, 2), **kwargs)
    getattr(init, fn)(Tensor(np.zeros((4, 3, 2), np.float32)), **kwargs)
    assert mine == theirs and len(theirs) == 1


def test_init_values():
    for gain_args in [("linear",), ("tanh",), ("relu",), ("leaky_relu", 0.2), ("selu",)]:
        assert init.calculate_gain(*gain_args) == torch.nn.init.calculate_gain(*gain_args)
    t = Tensor(np.zeros((3, 4), np.float32))
    init.eye_(t)
    np.testing.assert_array_equal(t.data, torch.nn.init.eye_(torch.empty(3, 4)).numpy())
    c = Tensor(np.zeros((4, 2, 3, 3), np.float32))
    init.dirac_(c, groups=2)
    np.testing.assert_array_equal(c.data, torch.nn.init.dirac_(torch.empty(4, 2, 3, 3), 2).numpy())
    init.constant_(t, 0.25)
    assert (t.data == 0.25).all()
    with pytest.raises(TorchError, match=r"Fan in and fan out can not be computed") as e:
        init.xavier_uniform_(Tensor(np.zeros(3, np.float32)))
    assert e.value.type_name == "ValueError"  # PyTorch's type, as a typed engine error
    assert math.isclose(init.calculate_gain("leaky_relu"), math.sqrt(2 / (1 + 0.01 ** 2)))


@pytest.mark.parametrize("n, batch, drop_last", [(10, 3, False), (10, 3, True), (8, 4, False),
                                                  (5, 8, False), (5, 8, True)])
def test_dataloader_batches(n, batch, drop_last):
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    y = np.arange(n)
    tl = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor(x),
                                                                   torch.tensor(y)),
                                     batch_size=batch, drop_last=drop_last)
    ol = data.DataLoader(data.TensorDataset(Tensor(x), Tensor(y)), batch_size=batch,
                         drop_last=drop_last)
    assert len(ol) == len(tl)
    got, want = list(ol), list(tl)
    assert len(got) == len(want)
    for (ox, oy), (tx, ty) in zip(got, want, strict=True):
        assert repr(ox) == repr(tx) and repr(oy) == repr(ty)
    ds = data.TensorDataset(Tensor(x), Tensor(y))
    assert len(ds) == n and repr(ds[1]) == repr(torch.utils.data.TensorDataset(
        torch.tensor(x), torch.tensor(y))[1])


def test_dataloader_shuffle_is_a_permutation():
    x = np.arange(12, dtype=np.float32)
    seen = np.concatenate([b[0].data for b in data.DataLoader(data.TensorDataset(Tensor(x)),
                                                              batch_size=5, shuffle=True)])
    assert sorted(seen.tolist()) == x.tolist()


def test_collate_python_numbers():
    batch = data.default_collate([(1, 2.5), (3, 4.0)])
    want = torch.utils.data.default_collate([(1, 2.5), (3, 4.0)])
    assert [repr(b) for b in batch] == [repr(w) for w in want]
