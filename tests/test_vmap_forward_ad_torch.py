"""torch.func.vmap's randomness modes and pytrees, and forward_ad's levels, against torch:
generated programs (fixed seed) printed by gradcli run and by python + torch."""

import random

import pytest
from test_run_torch import Oracle, assert_same_as_torch

pytest.importorskip("torch")
pytestmark = pytest.mark.torch
SEED = 17

RANDOM_OPS = ["torch.rand({s})", "torch.randn({s})", "torch.randn({s}, dtype=torch.float64)",
              "torch.randint(0, 7, ({s},))", "torch.normal(1.0, 0.5, ({s},))",
              "torch.rand_like(r)", "torch.randn_like(r)", "torch.bernoulli(torch.zeros({s}), 0.3)",
              "torch.nn.functional.dropout(r + 1, 0.4)", "torch.rand({s}) * torch.randn({s})"]


@pytest.fixture(scope="module")
def oracle():
    o = Oracle()
    yield o
    o.close()


def randomness_program(rng) -> str:
    lines = ["import torch", "from torch.func import vmap", "",
             "def attempt(f):", "    try:", "        print(f())", "    except Exception as e:",
             "        print(type(e).__name__, e)", ""]
    for _ in range(12):
        b, n = rng.choice([1, 2, 3, 5]), rng.choice([1, 2, 4, 7, 9])
        op = rng.choice(RANDOM_OPS).format(s=n)
        op2 = rng.choice(RANDOM_OPS).format(s=n)
        mode = rng.choice(["same", "different", "error"])
        # rand_like & co. draw in the batched input's layout: mapped over dim 0 only
        # (another in_dim is refused by name: test_like_ops_over_a_moved_dim_are_refused)
        dim = 0 if "_like" in op + op2 and mode == "different" else rng.choice([0, 1])
        shape = (b, n) if dim == 0 else (n, b)
        lines += [f"torch.manual_seed({rng.randrange(1000)})",
                  f"attempt(lambda: vmap(lambda r: r + {op} - {op2}, in_dims={dim}, "
                  f"randomness={mode!r})(torch.zeros{shape}))",
                  "print(torch.rand(3))"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("k", range(3))
def test_vmap_randomness_draws_what_torch_draws(oracle, k):
    assert_same_as_torch(oracle, randomness_program(random.Random(f"{SEED}-{k}")))


PYTREE_CALLS = [
    "vmap(lambda t: t[0] * t[1], in_dims={d})((x, y))",
    "vmap(lambda d: d['a'] - d['b'], in_dims={d})({{'a': x, 'b': y}})",
    "vmap(lambda t: [t[0], {{'k': t[1] * 2}}], out_dims={o})([x, y])",
    "vmap(lambda a, b: (a.sum(), [b, a]), in_dims={d}, out_dims={o})(x, y)",
]
DIMS = ["0", "1", "(0,)", "((0, 1),)", "((None, 0),)", "({{'a': 0, 'b': 1}},)", "([0, 0],)",
        "(0, None)", "[0]", "((0, 'a'),)", "({{'b': 1, 'a': 0}},)"]
OUTS = ["0", "1", "(0, 1)", "[0, {{'k': 1}}]", "(0, [1, 0])", "(None, 0)", "((0,),)", "None"]


def pytree_program(rng) -> str:
    lines = ["import torch", "from torch.func import vmap", "",
             "def attempt(f):", "    try:", "        print(f())", "    except Exception as e:",
             "        print(type(e).__name__, e)", "",
             "x = torch.arange(9.).reshape(3, 3)", "y = torch.ones(3, 3) * 0.5"]
    for _ in range(20):
        call = rng.choice(PYTREE_CALLS).format(d=rng.choice(DIMS).format(),
                                               o=rng.choice(OUTS).format())
        lines.append(f"attempt(lambda: {call})")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("k", range(3))
def test_vmap_pytrees_are_torchs(oracle, k):
    assert_same_as_torch(oracle, pytree_program(random.Random(f"{SEED}-tree-{k}")))


LEVEL_STEPS = ["fwAD.enter_dual_level()", "fwAD.exit_dual_level()",
               "fwAD.exit_dual_level(level=0)", "fwAD.exit_dual_level(level=1)",
               "fwAD.exit_dual_level(level=-1)", "fwAD.make_dual(x, t)",
               "fwAD.make_dual(x, t, level=0)", "fwAD.make_dual(x, t, level=1)",
               "fwAD.unpack_dual(x)", "fwAD.unpack_dual(x, level=0)",
               "fwAD.unpack_dual(fwAD.make_dual(x, t).exp())",
               "fwAD.unpack_dual(fwAD.make_dual(x, t).exp(), level=2)",
               "torch.func.jvp(torch.sin, (x,), (t,))", "fwAD.dual_level().__enter__()"]


def levels_program(rng) -> str:
    lines = ["import torch", "import torch.autograd.forward_ad as fwAD", "",
             "def attempt(f):", "    try:", "        print(f())", "    except Exception as e:",
             "        print(type(e).__name__, e)", "",
             "x = torch.tensor([0.5, -1.5])", "t = torch.tensor([1.0, 2.0])"]
    for _ in range(25):
        lines.append(f"attempt(lambda: {rng.choice(LEVEL_STEPS)})")
    lines.append("attempt(lambda: fwAD.exit_dual_level())")  # the oracle's process goes on
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("k", range(3))
def test_forward_ad_levels_are_torchs(oracle, k):
    assert_same_as_torch(oracle, levels_program(random.Random(f"{SEED}-levels-{k}")))


def test_like_ops_over_a_moved_dim_are_refused():
    from conftest import run_gradcli

    program = ("import torch\nfrom torch.func import vmap\n"
               "print(vmap(lambda r: torch.randn_like(r), in_dims=1, "
               "randomness='different')(torch.zeros(3, 2)))\n")
    proc = run_gradcli("run", "-", input=program)
    assert proc.returncode == 1
    assert "NotImplementedError: gradcli: torch.func.vmap(randomness='different') over " \
           "randn_like with an in_dim other than 0 is not supported" in proc.stderr


def test_per_element_draws_are_refused_in_same_and_different():
    from conftest import run_gradcli

    for mode in ("same", "different"):
        program = ("import torch\nfrom torch.func import vmap\n"
                   f"print(vmap(lambda r: torch.bernoulli(r), randomness={mode!r})"
                   "(torch.full((3, 2), 0.5)))\n")
        proc = run_gradcli("run", "-", input=program)
        assert proc.returncode == 1 and "NotImplementedError" in proc.stderr
        assert f"vmap(randomness={mode!r})" in proc.stderr
