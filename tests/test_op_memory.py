"""Rows that are not views return fresh memory: an in-place write to their result must
never reach their input (torch.flip copies; numpy's flip is a view, which once made
`x.flip(0).add_(1)` change x). Walks every row's own samples, so a new row is checked too."""

import numpy as np
import pytest
from gradcli.engine import api  # noqa: F401  (loads every row)
from gradcli.engine.ops import OPS
from gradcli.engine.ops.samples import Sampler

# rows whose forward may return its input's memory on purpose, and why:
SHARING = {
    # views in PyTorch too, but reached through wrappers that mark them (or not yet: the
    # report of tests/differential_programs.py lists as_strided/split as known gaps)
    "as_strided", "reshape_alias_view", "split", "split_with_sizes", "squeeze_dims", "unbind",
    # in-place rows: their result is their input by definition
    "squeeze_inplace_dims", "transpose_inplace", "unsqueeze_inplace",
    # _unsafe_view: PyTorch applies it to a fresh result (a clone or a product) only
    "unsafe_view",
}


def _rows():
    s = Sampler(7)
    for name, op in sorted(OPS.items()):
        if op.samples is None or op.view or name in SHARING:
            continue
        for i, (ins, params) in enumerate(op.samples(s)):
            yield pytest.param(op, ins, params, id=f"{name}-{i}")


@pytest.mark.parametrize(("op", "ins", "params"), list(_rows()))
def test_non_view_rows_return_fresh_memory(op, ins, params):
    out = op.forward(*ins, **params)
    for o in out if isinstance(out, tuple) else (out,):
        for a in ins:
            if isinstance(a, np.ndarray) and isinstance(o, np.ndarray):
                assert not np.shares_memory(o, a), f"{op.name}'s result shares its input's memory"


def test_flip_result_is_a_copy_under_run(tmp_path):
    """The program that found it, against torch."""
    torch = pytest.importorskip("torch")
    from conftest import run_gradcli

    prog = ("import torch\nx = torch.arange(6.).reshape(2, 3)\n"
            "for y in (x.flip(0), x.fliplr(), torch.flipud(x)):\n    y.add_(1)\nprint(x)\n")
    expected = torch.arange(6.).reshape(2, 3)
    r = run_gradcli("run", "-", input=prog)
    assert r.returncode == 0, r.stderr
    assert r.stdout == str(expected) + "\n"


def test_expand_without_repeats_writes_through_under_run():
    """x.expand_as(x) and x.expand(1, *x.shape) are views torch writes through (gradcli's
    read-only numpy broadcast made the in-place result a silent copy); found by a probe of
    the differential programs' view list."""
    pytest.importorskip("torch")
    import subprocess
    import sys

    from conftest import run_gradcli

    prog = ("import torch\nx = torch.arange(6.).reshape(2, 3)\ny = x.expand_as(x)\ny.add_(1)\n"
            "print(x, y)\nz = x.expand(1, 2, 3)\nz.mul_(2)\nprint(x, z.shape)\n"
            "x.expand(2, 3)[0, 0] = 7.\nprint(x)\n")
    want = subprocess.run([sys.executable, "-"], input=prog, capture_output=True, text=True,
                          timeout=120)
    r = run_gradcli("run", "-", input=prog)
    assert r.returncode == 0, r.stderr
    assert r.stdout == want.stdout
