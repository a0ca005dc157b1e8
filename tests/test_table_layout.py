"""Readable output (issue 21 point 7): eval's table fits the width it is given (--width,
COLUMNS, 80 off a terminal), matrices print as torch prints them (checked against torch's
own print), the expression keeps its length when other columns can give way, and
--summary describes big tensors in every format (statistics checked against numpy over
the complete values). Goldens hold the tables at 80 and 120 columns; regenerate them with
GRADCLI_UPDATE_GOLDEN=1 after an intended change, and read the diff."""

import ast
import json
import os
from pathlib import Path

import numpy as np
import pytest
from conftest import no_traceback, run_gradcli
from rich.cells import cell_len

GOLDEN = Path(__file__).parent / "golden"
MATRIX = ("x=[[0.5,-1.25,2.,3.5,-0.75],[1.,2.,-3.,4.,5.5],[-6.,7.25,8.,-9.,10.],"
          "[11.,-12.,13.5,14.,-15.],[16.,17.,-18.,19.25,20.],[-21.,22.,23.,-24.,25.5]]")
MATRIX_CASE = ["y = (x*w).tanh().sum()", "-a", MATRIX, "-a", "w=[[0.1,-0.2,0.3,-0.4,0.5]]"]
LONG = "y = (x + w) * (w + 1) * sigmoid(x - w) + tanh(x * w) / (1 + x ** 2)"
LONG_CASE = [LONG, "-a", "x=0.5", "-a", "w=-1.5"]
SMALL_CASE = ["y = (x*w).sum()", "-a", "x=[[1.,2.],[3.,4.]]", "-a", "w=[0.5,2.]"]
CASES = {"matrix": MATRIX_CASE, "long_expr": LONG_CASE, "small": SMALL_CASE}


def table(args, width=None, env=None):
    extra = ["--width", str(width)] if width else []
    proc = run_gradcli("eval", *args, *extra, env=env)
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def widest(text: str) -> int:
    return max(cell_len(line.rstrip()) for line in text.splitlines())


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_tables(name, width):
    out = table(CASES[name], width)
    path = GOLDEN / f"eval_{name}_{width}.txt"
    if os.environ.get("GRADCLI_UPDATE_GOLDEN"):
        path.write_text(out)
    assert out == path.read_text()


@pytest.mark.parametrize("width", [60, 80, 100, 120, 160])
@pytest.mark.parametrize("name", sorted(CASES))
def test_every_line_fits_the_width(name, width):
    assert widest(table(CASES[name], width)) <= width


def test_width_option_overrides_columns_and_pipes_default_to_80():
    at80 = table(MATRIX_CASE, 80)
    assert table(MATRIX_CASE, 80, env={"COLUMNS": "200"}) == at80
    assert run_gradcli("eval", *MATRIX_CASE, env={"COLUMNS": "80"}).stdout == at80
    assert table(MATRIX_CASE) == at80  # a pipe, no COLUMNS: 80
    assert table(MATRIX_CASE, 120) != at80


def test_bad_width_is_a_usage_error():
    proc = run_gradcli("eval", "y = x", "-a", "x=1", "--width", "5")
    assert proc.returncode == 2 and "--width" in proc.stderr


@pytest.mark.parametrize("width", [80, 120])
def test_matrices_print_as_torch_prints_them(width):
    """Each 2-D tensor's rows (in the table or under it) are torch's own rows."""
    torch = pytest.importorskip("torch")
    out = table(MATRIX_CASE, width)
    rows = out.splitlines()
    x = torch.tensor(ast.literal_eval(MATRIX[2:]), requires_grad=True)
    w = torch.tensor([[0.1, -0.2, 0.3, -0.4, 0.5]], requires_grad=True)
    (x * w).tanh().sum().backward()
    for t in (x.detach(), x.grad, (x * w).detach(), (x * w).tanh().detach()):
        for torch_row in str(t).splitlines():
            body = torch_row.replace("tensor(", "").strip().strip("[],)").strip()
            assert any(body and body in row for row in rows), (body, out)


@pytest.mark.parametrize("width", [80, 120])
def test_expression_kept_when_other_columns_give_way(width):
    out = table(["y = (x@w).tanh()*2", "-a", "x=ones(6,4)/3", "-a", "w=ones(4,5)/7",
                 "--grad", "ones(6,5)"], width)
    assert "(x@w).tanh()*2" in out.split("\n", 3)[3]  # in the table, not only the title
    assert "…" not in out


def test_long_expression_elided_only_as_far_as_needed():
    wide = table(LONG_CASE, 160)
    assert "(x + w) * (w + 1) * sigmoid(x - w)" in wide and "…" in wide  # 60-char cap
    narrow = table(LONG_CASE, 80)
    assert widest(narrow) <= 80 and "sigmoid(x - w)" in narrow


def test_boolean_columns_short_only_when_needed():
    wide = table(["y = x * 2", "-a", "x=3"], 120)
    assert "requires_grad" in wide and "is_leaf" in wide and "req: " not in wide
    narrow = table(MATRIX_CASE, 80)
    header = next(line for line in narrow.splitlines() if line.split()[:2] == ["id", "expr"])
    assert header.split() == ["id", "expr", "shape", "value", "req", "leaf", "grad_fn", "grad"]
    assert "req: requires_grad, leaf: is_leaf" in narrow  # PyTorch's names stay visible


# ---------------------------------------------------------------- --summary


BIG = ["y = (x*x).sum()", "-a", "x=arange(1000000.).reshape(1000,1000)/1000000"]
MID = ["y = (x*x).sum()", "-a", "x=sin(arange(1200.)).reshape(40,30)"]


def _stats(values) -> dict:
    a = np.asarray(values, dtype=np.float64).reshape(-1)
    return {"min": a.min(), "max": a.max(), "mean": a.mean(), "norm": np.linalg.norm(a),
            "first": a[:3].tolist(), "last": a[-3:].tolist(), "numel": a.size}


def test_summary_json_matches_the_complete_values():
    full = json.loads(run_gradcli("eval", *MID, "--format", "json").stdout)
    proc = run_gradcli("eval", *MID, "--format", "json", "--summary")
    assert proc.returncode == 0, proc.stderr
    short = json.loads(proc.stdout)
    for node, brief in zip(full["nodes"], short["nodes"], strict=True):
        for key in ("value", "grad"):
            if node[key] is None or not node["shape"]:
                assert brief[key] == node[key]
                continue
            want, got = _stats(node[key]), brief[key]
            assert got["shape"] == node["shape"] and got["dtype"] == node["dtype"]
            for stat, expected in want.items():
                np.testing.assert_allclose(got[stat], expected, rtol=1e-12, err_msg=stat)


def test_summary_json_of_a_million_elements_is_small():
    proc = run_gradcli("eval", *BIG, "--format", "json", "--summary")
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.encode()) < 4000  # without --summary: tens of megabytes
    x = json.loads(proc.stdout)["nodes"][0]
    values = np.arange(1_000_000, dtype=np.float32) / np.float32(1_000_000)
    assert x["value"]["numel"] == 1_000_000 and x["value"]["shape"] == [1000, 1000]
    np.testing.assert_allclose(x["value"]["mean"], values.astype(np.float64).mean(),
                               rtol=1e-9)
    np.testing.assert_allclose(x["grad"]["max"], float(2 * values[-1]), rtol=1e-7)


def test_summary_plain_and_table():
    plain = run_gradcli("eval", *MID, "--format", "plain", "--summary").stdout
    x_line = plain.splitlines()[1]
    assert "value=summary(shape=[40, 30], dtype=float32, min=" in x_line
    assert "grad=summary(" in x_line and len(x_line) < 600
    tab = table([*MID, "--summary"], 80)
    assert "mean" in tab and "norm" in tab and widest(tab) <= 80


def test_table_summarises_big_tensors_by_itself():
    out = table(BIG, 80)
    assert len(out.splitlines()) < 60 and widest(out) <= 80
    assert "min 0.  max 1.0000" in out and "..." in out
    assert "1000000" not in out.replace("1000000.", "")  # no element list of a million


# ---------------------------------------------------------------- explain and check


@pytest.mark.parametrize("width", [80, 120])
def test_explain_panels_fit_when_piped(width):
    proc = run_gradcli("explain", "y = (x@w).tanh().sum()", "-a", "x=ones(3,4)/3",
                       "-a", "w=ones(4,5)/7", "--width", str(width))
    assert proc.returncode == 0, proc.stderr
    assert widest(proc.stdout) <= width
    # a matrix is a grid: its rows on lines of their own, aligned under the first
    lines = proc.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if "mat2 = [[0.1429" in line
                 or line.rstrip(" │").endswith("mat2 =") and "[[0.1429" in lines[i + 1])
    rows = [line for line in lines[start:start + 5] if "[0.1429, 0.1429, 0.1429" in line]
    assert len(rows) == 4  # w's 4 rows of 5, none wrapped
    assert len({line.index("[0.1429") for line in rows[1:]}) == 1


def test_check_failure_fits():
    proc = run_gradcli("check", "y = x**3", "-a", "x=[[1.,2.],[3.,4.],[5.,6.]]",
                       "--grad", "ones(3,2)", "--eps", "0.5", "--claim", "x: 2*x",
                       "--width", "80")
    assert proc.returncode == 1
    assert widest(proc.stdout) <= 80
    assert "analytic (reverse mode)" in proc.stdout and "claimed" in proc.stdout
