"""Torch-free checks of gradcli's generator: a seed fixes every draw (in-process and across
`gradcli run` processes), get/set of the state replays the stream, and a program without
manual_seed is seeded from the OS, so two runs differ, as in PyTorch."""

import numpy as np
from conftest import run_gradcli
from gradcli.engine import api, nn
from gradcli.engine.rng import generator as G
from gradcli.engine.tensor import Tensor

F, M = api.FUNCTIONS, api.METHODS


def draws():
    return [F["rand"](3).data, F["randn"](20).data, F["randn"](3, dtype="float64").data,
            F["normal"](1.0, 2.0, (5,)).data, F["randint"](0, 10, (4,)).data,
            F["randperm"](9).data, F["bernoulli"](F["full"]((6,), 0.5)).data,
            F["multinomial"](F["ones"](5), 3).data, M["exponential_"](F["zeros"](4)).data,
            nn.Linear(3, 2).weight.data]


def test_same_seed_same_values_and_state():
    F["manual_seed"](1234)
    first, state = draws(), G.default_generator.get_state()
    F["manual_seed"](1234)
    assert all(np.array_equal(a, b) for a, b in zip(first, draws(), strict=True))
    assert np.array_equal(state, G.default_generator.get_state())
    F["manual_seed"](1235)
    assert not all(np.array_equal(a, b) for a, b in zip(first, draws(), strict=True))


def test_state_round_trip_replays_the_stream():
    F["manual_seed"](7)
    F["randn"](3)  # a cached Box–Muller value is part of the state
    state = F["get_rng_state"]()
    assert state.data.dtype == np.uint8 and state.data.size == G.STATE_SIZE
    first = draws()
    F["set_rng_state"](Tensor(state.data.copy()))
    assert all(np.array_equal(a, b) for a, b in zip(first, draws(), strict=True))
    g = G.Generator().set_state(state.data)
    assert np.array_equal(g.get_state(), state.data)


def test_generators_are_independent():
    g1, g2 = F["Generator"]().manual_seed(5), F["Generator"]().manual_seed(5)
    a = F["rand"](4, generator=g1).data
    F["rand"](100)  # the default generator's draws do not move g2
    assert np.array_equal(a, F["rand"](4, generator=g2).data)


def test_runs_repeat_with_a_seed_and_differ_without(tmp_path):
    seeded, unseeded = tmp_path / "seeded.py", tmp_path / "unseeded.py"
    body = "print(torch.rand(4))\nprint(torch.randn(20).sum())\n"
    seeded.write_text("import torch\ntorch.manual_seed(0)\n" + body)
    unseeded.write_text("import torch\n" + body + "print(torch.initial_seed())\n")
    a, b = run_gradcli("run", seeded), run_gradcli("run", seeded)
    assert a.returncode == 0 and a.stdout == b.stdout, a.stderr
    c, d = run_gradcli("run", unseeded), run_gradcli("run", unseeded)
    assert c.returncode == 0 and c.stdout != d.stdout, c.stderr
