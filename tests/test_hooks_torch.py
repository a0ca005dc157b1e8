"""Tensor hooks (issue 17) against torch: register_hook on leaves and non-leaves (a
returned tensor replaces the gradient, in registration order), removable handles,
register_post_accumulate_grad_hook, autograd.grad and create_graph, and the errors. The
same Python scenario runs once on torch and once on gradcli's engine (its torch-like API)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

from gradcli.engine import api  # noqa: E402

F, M = api.FUNCTIONS, api.METHODS


class Engine:
    """The few torch calls the scenarios make, on gradcli's engine."""

    @staticmethod
    def tensor(v, requires_grad=False):
        return F["tensor"](v, requires_grad=requires_grad)

    @staticmethod
    def call(t, name, *args):
        return M[name](t, *args)

    @staticmethod
    def grad(out, ins, **kw):
        return F["autograd.grad"](out, ins, **kw)

    @staticmethod
    def value(t):
        return None if t is None else np.asarray(t.data, dtype=np.float64)


class Torch:
    tensor = staticmethod(lambda v, requires_grad=False: torch.tensor(v, requires_grad=requires_grad))
    call = staticmethod(lambda t, name, *args: getattr(t, name)(*args))
    grad = staticmethod(lambda out, ins, **kw: torch.autograd.grad(out, ins, **kw))
    value = staticmethod(lambda t: None if t is None else t.detach().numpy().astype(np.float64))


def leaf_and_nonleaf(T):
    seen = []
    x = T.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = x * x
    T.call(y, "register_hook", lambda g: g * 10)
    T.call(y, "register_hook", lambda g: seen.append(T.value(g)))
    h = T.call(x, "register_hook", lambda g: g + 1)
    T.call(T.call(y, "sum"), "backward")
    first = T.value(x.grad)
    h.remove()
    h.remove()
    x.grad = None
    T.call(T.call(x * x, "sum"), "backward")
    return [first, T.value(x.grad)] + seen


def post_accumulate(T):
    log = []
    x = T.tensor([1.0, 2.0], requires_grad=True)
    T.call(x, "register_post_accumulate_grad_hook", lambda t: log.append(T.value(t.grad)))
    T.call(T.call(x * 3, "sum"), "backward")
    T.call(T.call(x * 2, "sum"), "backward")
    return log


def with_grad(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    T.call(y, "register_hook", lambda g: g * 3)
    g, = T.grad(T.call(y, "sum"), [x], create_graph=True)
    h, = T.grad(T.call(g, "sum"), [x])
    return [T.value(g), T.value(h)]


@pytest.mark.parametrize("scenario", [leaf_and_nonleaf, post_accumulate, with_grad],
                         ids=lambda f: f.__name__)
def test_scenario_agrees_with_torch(scenario):
    want, got = scenario(Torch), scenario(Engine)
    assert len(want) == len(got)
    for w, g in zip(want, got, strict=True):
        np.testing.assert_array_equal(g, w)


def test_errors_match_torch():
    for make in (lambda T: T.call(T.tensor([1.0]), "register_hook", lambda g: g),
                 lambda T: T.call(T.tensor([1.0], requires_grad=True) * 2,
                                  "register_post_accumulate_grad_hook", lambda t: None)):
        with pytest.raises(RuntimeError) as want:
            make(Torch)
        with pytest.raises(Exception) as got:
            make(Engine)
        assert str(want.value) in str(got.value)
