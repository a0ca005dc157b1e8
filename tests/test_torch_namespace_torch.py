"""Every name a program finds in gradcli's torch facade exists in PyTorch's module of the
same name: `torch.gelu` must be the AttributeError it is in PyTorch, not a silent success."""

import importlib

import pytest

torch = pytest.importorskip("torch")

from gradcli.parser.program import modules  # noqa: E402

MADE = modules.build()
TORCH_MODULES = sorted(n for n in MADE if n == "torch" or n.startswith("torch."))


@pytest.mark.parametrize("name", TORCH_MODULES)
def test_facade_names_exist_in_torch(name):
    try:
        real = importlib.import_module(name)
    except ImportError:  # a facade module PyTorch reaches only as an attribute
        real = torch
        for part in name.split(".")[1:]:
            real = getattr(real, part)
    ours = [n for n in vars(MADE[name]) if not n.startswith("_")]
    missing = sorted(n for n in ours if not hasattr(real, n))
    assert missing == [], f"{name} has names PyTorch's {name} does not: {missing}"


def test_case_only_names_still_work_bare_and_fail_with_the_prefix(tmp_path):
    from conftest import run_gradcli
    ok = run_gradcli("eval", "y = gelu(x) + mse_loss(x, x)", "--at", "x=1.5", "--format", "json")
    assert ok.returncode == 0, ok.stderr
    prog = tmp_path / "p.py"
    prog.write_text("import torch\nprint(torch.gelu(torch.ones(1)))\n")
    r = run_gradcli("run", str(prog))
    assert r.returncode == 1
    assert "AttributeError: module 'torch' has no attribute 'gelu'" in r.stderr
