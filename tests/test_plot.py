"""`gradcli plot` and the pyplot recorder of `gradcli run --plots`.

- the JSON series against reverse mode computed elsewhere: `gradcli eval --wrt` at points
  of the plot, and PyTorch (create_graph, second order) over every point;
- the point-by-point path against the all-points-at-once path (the vectorizing must not
  change a number), and a non-elementwise case against PyTorch;
- gaps (non-finite points, jumps), errors and exit codes, the terminal output (a golden
  snapshot at NO_COLOR, COLUMNS=80, plus properties that hold at any width);
- -o PNG/SVG/PDF (magic bytes, size), the one-line error without matplotlib;
- the recorder: replay into files, savefig kept inside DIR, pyplot's state rules, hist's
  numbers against matplotlib's own, the requires-grad refusal against PyTorch's message,
  the seeds' programs (under CPython with PyTorch); `run --plots` plumbing."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import GRADCLI, no_traceback

GOLDEN = Path(__file__).parent / "golden"
SEEDS = Path(__file__).parent.parent.parent / "shared" / "conformance" / "seed_programs"


def gradcli(*args, input=None, env=None, columns=None):
    """Run the installed command; unlike conftest's helper it can fix COLUMNS."""
    full = dict(os.environ)
    full.pop("COLUMNS", None)
    full.update(env or {})
    if columns is not None:
        full["COLUMNS"] = str(columns)
    proc = subprocess.run([*GRADCLI, *map(str, args)], input=input, capture_output=True,
                          text=True, env=full, timeout=120)
    no_traceback(proc)
    return proc


def plot_json(*args, input=None):
    proc = gradcli("plot", *args, "--format", "json", input=input)
    return proc, [json.loads(line) for line in proc.stdout.splitlines()]


def series(record):
    return {s["label"]: s["values"] for s in record["series"]}


def no_matplotlib_env(tmp_path):
    """PYTHONPATH with a `matplotlib` package whose import fails, as if not installed."""
    shim = tmp_path / "shim" / "matplotlib"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("raise ImportError('No module named matplotlib')\n")
    return {"PYTHONPATH": str(tmp_path / "shim")}


# ---------------------------------------------------------------- the series

def test_json_series_match_eval_wrt_at_points_of_the_plot():
    case = "y = x*tanh(x) + sin(x)**2"
    proc, (rec,) = plot_json(case, "--range=-2,3", "--points", "41")
    assert proc.returncode == 0, proc.stderr
    assert rec["line"] == 1 and rec["source"] == case and rec["error"] is None
    assert len(rec["x"]) == 41 and rec["x"][0] == -2.0 and rec["x"][-1] == 3.0
    got = series(rec)
    assert list(got) == ["y", "dy/dx"]
    for i in (0, 7, 20, 33, 40):
        x = rec["x"][i]
        ev = gradcli("eval", case, "--at", f"x={x!r}", "--wrt", "x", "--format", "json")
        nodes = {n["id"]: n for n in json.loads(ev.stdout)["nodes"]}
        assert nodes["x"]["value"] == x
        np.testing.assert_allclose(got["y"][i], nodes["y"]["value"], rtol=2e-6, atol=1e-7)
        np.testing.assert_allclose(got["dy/dx"][i], nodes["x"]["grad"], rtol=2e-6, atol=1e-7)


def test_second_order_matches_torch_create_graph():
    torch = pytest.importorskip("torch")
    proc, (rec,) = plot_json("y = exp(-x**2/2)*cos(3*x)", "--range=-2.5,2", "--order", "2",
                             "--points", "57")
    assert proc.returncode == 0, proc.stderr
    x = torch.tensor(rec["x"], dtype=torch.float32, requires_grad=True)
    y = torch.exp(-x**2 / 2) * torch.cos(3 * x)
    (d1,) = torch.autograd.grad(y, x, torch.ones_like(y), create_graph=True)
    (d2,) = torch.autograd.grad(d1, x, torch.ones_like(d1))
    got = series(rec)
    assert list(got) == ["y", "dy/dx", "d2y/dx2"]
    for label, want in (("y", y), ("dy/dx", d1), ("d2y/dx2", d2)):
        np.testing.assert_allclose(got[label], want.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_float64_points_are_numpys_linspace():
    proc, (rec,) = plot_json("y = x**3", "--range=-1,2", "--points", "7", "--dtype", "float64")
    assert proc.returncode == 0
    assert rec["x"] == np.linspace(-1, 2, 7).tolist()
    np.testing.assert_allclose(series(rec)["dy/dx"], 3 * np.linspace(-1, 2, 7) ** 2,
                               rtol=1e-15)


def test_pointwise_and_vectorized_paths_give_the_same_numbers():
    from gradcli.engine import dtypes
    from gradcli.parser.grammar import parse
    from gradcli.parser.interpreter.case import CaseOptions
    from gradcli.tasks.plot import PlotOptions, _elementwise, _pointwise, _vectorized

    dtypes.set_default_float("float32")
    xs = np.linspace(-3, 3, 31).astype(np.float32)
    for case in ("y = sigmoid(2*x) * x**2 - relu(x)", "y = torch.exp(-x).sin().abs() / (1 + x*x)",
                 "a = x*x; y = F.softplus(a - 1).log1p()"):
        assert _elementwise(parse(case, start="case"))
        opts = PlotOptions(CaseOptions(), -3, 3, 31, 3)
        out_v, cols_v, extra_v = _vectorized(case, opts, "x", xs)
        out_p, cols_p, extra_p = _pointwise(case, opts, "x", xs, False)
        assert out_v == out_p == "y"
        for v, p in zip(cols_v + [extra_v], cols_p + [extra_p], strict=True):
            np.testing.assert_allclose(np.asarray(v, np.float64), p, rtol=1e-5, atol=1e-6)


def test_non_elementwise_case_runs_point_by_point_against_torch():
    torch = pytest.importorskip("torch")
    from gradcli.parser.grammar import parse
    from gradcli.tasks.plot import _elementwise

    case = "y = sum(softmax(w*x, 0) * w)"
    assert not _elementwise(parse(case, start="case"))
    proc, (rec,) = plot_json(case, "--range=-1,1", "--points", "9", "--at", "w=[1., 2., -1.]",
                             "--const", "w")
    assert proc.returncode == 0, proc.stderr
    w = torch.tensor([1., 2., -1.])
    for i, xv in enumerate(rec["x"]):
        x = torch.tensor(xv, requires_grad=True)
        y = torch.sum(torch.softmax(w * x, 0) * w)
        (d,) = torch.autograd.grad(y, x)
        np.testing.assert_allclose(series(rec)["y"][i], y.item(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(series(rec)["dy/dx"][i], d.item(), rtol=1e-5, atol=1e-6)


def test_var_other_names_bound_with_at_grad_seed_and_labels():
    proc, (rec,) = plot_json("z = t*w + t**2", "--range=0,1", "--points", "3", "--var", "t",
                             "--at", "w=5", "--order", "3", "--grad", "2")
    assert proc.returncode == 0, proc.stderr
    got = series(rec)
    assert list(got) == ["z", "dz/dt", "d2z/dt2", "d3z/dt3"]
    np.testing.assert_allclose(got["dz/dt"], [2 * (5 + 2 * t) for t in (0, .5, 1)])
    np.testing.assert_allclose(got["d2z/dt2"], [4, 4, 4])
    assert got["d3z/dt3"] == [0, 0, 0]


def test_a_variable_the_case_assigns_is_plotted_over_with_var():
    proc, (rec,) = plot_json("x = 0.5; y = x**3", "--range=0,2", "--points", "3", "--var", "x")
    assert proc.returncode == 0, proc.stderr
    assert series(rec)["y"] == [0.0, 1.0, 8.0]
    assert series(rec)["dy/dx"] == [0.0, 3.0, 12.0]


def test_non_finite_values_are_null():
    proc, (rec,) = plot_json("y = log(x)", "--range=-1,1", "--points", "3")
    assert proc.returncode == 0
    assert series(rec)["y"] == [None, None, 0.0]  # log(-1) nan, log(0) -inf
    assert series(rec)["dy/dx"] == [-1.0, None, 1.0]


# ---------------------------------------------------------------- gaps

def _breaks(case, order=1, points=201):
    from gradcli.engine import dtypes
    from gradcli.parser.interpreter.case import CaseOptions
    from gradcli.tasks.plot import PlotOptions, plot_case

    dtypes.set_default_float("float64")
    r = plot_case(case, 1, PlotOptions(CaseOptions(), -2, 2, points, order))
    assert r.error is None, r.error
    return r.x, {s.label: np.nonzero(s.breaks)[0] for s in r.series}


def test_jumps_are_gaps_and_smooth_or_continuous_curves_are_not():
    x, b = _breaks("y = tanh(5*x) + x**3", order=2)
    assert all(len(v) == 0 for v in b.values())
    x, b = _breaks("y = abs(x)")  # a corner: y continuous, dy/dx jumps at 0
    assert len(b["y"]) == 0 and 1 <= len(b["dy/dx"]) <= 2  # (0 itself: sign(0) = 0)
    assert all(-0.021 < x[i] < 0.001 for i in b["dy/dx"])
    x, b = _breaks("y = sign(x - 0.3)")
    assert 1 <= len(b["y"]) <= 2 and all(abs(x[i] - 0.3) < 0.03 for i in b["y"])
    x, b = _breaks("y = 1/(x - 0.01)")  # the pole: the step across it is cut
    assert len(b["y"]) == 1 and x[b["y"][0]] < 0.01 < x[b["y"][0] + 1]


# ---------------------------------------------------------------- errors

def test_missing_or_bad_range_is_a_one_line_usage_error():
    for args in ((), ("--range", "3"), ("--range=1,0",), ("--range=0,inf",), ("-r", "a,b")):
        proc = gradcli("plot", "y = x", *args)
        assert proc.returncode == 2, args
        assert proc.stdout == "" and len(proc.stderr.splitlines()) == 1
        assert proc.stderr.startswith("gradcli: usage error: ") and "--range" in proc.stderr


def test_case_errors_are_one_line_and_exit_1():
    cases = {
        "y = x*ones(3)": "ValueError: the output y has shape [3] at each x",
        "y = x*w": "several free variables (x, w)",
        "y = 2": "no free variable",
        "y = (x": "SyntaxError",
    }
    for case, expected in cases.items():
        proc = gradcli("plot", case, "--range=0,1")
        assert proc.returncode == 1, case
        assert expected in proc.stderr.splitlines()[0], proc.stderr
        assert proc.stderr.startswith("gradcli: line 1: ")


def test_batch_keeps_order_and_reports_the_bad_line():
    proc, recs = plot_json("--range=0,1", "--points", "2",
                           input="y = x**2\n# comment\ny = x*ones(2)\ny = 3*x\n")
    assert proc.returncode == 1
    assert [r["line"] for r in recs] == [1, 3, 4]
    assert recs[1]["error"]["type"] == "ValueError" and recs[1]["series"] == []
    assert series(recs[2])["dy/dx"] == [3.0, 3.0]


# ---------------------------------------------------------------- terminal

def test_terminal_snapshot_no_color_80_columns():
    proc = gradcli("plot", "y = tanh(x)", "--range=-3,3", "--order", "2",
                   env={"NO_COLOR": "1"}, columns=80)
    assert proc.returncode == 0, proc.stderr
    path = GOLDEN / "plot_tanh_order2_80.txt"
    if os.environ.get("GRADCLI_UPDATE_GOLDEN"):
        path.write_text(proc.stdout)
    assert proc.stdout == path.read_text()


@pytest.mark.parametrize("columns", [50, 80, 133])
def test_terminal_fits_the_width_and_names_every_series(columns):
    proc = gradcli("plot", "y = relu(x) - x**2/4", "--range=-2,2", "--order", "2",
                   "--no-color", columns=columns)
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert "\x1b" not in proc.stdout
    assert max(len(line) for line in lines) <= columns
    assert lines[0] == "y = relu(x) - x**2/4"
    assert lines[-1].split() == ["━━", "y", "━━", "dy/dx", "━━", "d2y/dx2"]
    assert any(line.endswith(" y") for line in lines[1:-3])  # names at the curves' ends
    assert any(line.endswith(" dy/dx") for line in lines[1:-3])
    assert any(chr(0x2801) <= ch <= chr(0x28FF) for ch in proc.stdout)


def test_terminal_colours_one_per_series():
    from gradcli.engine import dtypes
    from gradcli.parser.interpreter.case import CaseOptions
    from gradcli.render_plot_terminal import COLORS, render
    from gradcli.tasks.plot import PlotOptions, plot_case

    dtypes.set_default_float("float32")
    r = plot_case("y = sin(x)", 1, PlotOptions(CaseOptions(), -3, 3, 100, 1))
    styles = {style for line in render(r, 80, "t")[1:] for _, style in line if style}
    assert styles == set(COLORS[:2])


def test_ticks_are_round_numbers():
    from gradcli.render_plot_terminal import nice_ticks

    assert nice_ticks(-3.1, 3.1, 5) == [-3, -2, -1, 0, 1, 2, 3]
    assert nice_ticks(-3.1, 3.1, 3) == [-2, 0, 2]
    assert nice_ticks(0.013, 0.094, 4) == pytest.approx([0.02, 0.04, 0.06, 0.08])


# ---------------------------------------------------------------- files

MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".svg": b"<?xml", ".pdf": b"%PDF-"}


@pytest.mark.parametrize("ext", [".png", ".svg", ".pdf"])
def test_output_files(tmp_path, ext):
    pytest.importorskip("matplotlib")
    out = tmp_path / f"tanh{ext}"
    proc = gradcli("plot", "y = tanh(x)", "--range=-3,3", "--order", "2", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    data = out.read_bytes()
    assert data.startswith(MAGIC[ext]) and len(data) > 5000
    if ext == ".svg":
        assert b"d2y/dx2" in data or b"<svg" in data


def test_output_files_of_a_batch_are_named_by_line(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "p.png"
    proc = gradcli("plot", "--range=0,1", "-o", out, input="y = x\n\ny = x**2\n")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p-1.png", "p-3.png"]


def test_output_needs_a_known_suffix(tmp_path):
    proc = gradcli("plot", "y = x", "--range=0,1", "-o", tmp_path / "p.jpg")
    assert proc.returncode == 2 and "must end in .png, .svg or .pdf" in proc.stderr


def test_without_matplotlib_files_fail_in_one_line_and_the_terminal_still_works(tmp_path):
    env = no_matplotlib_env(tmp_path)
    proc = gradcli("plot", "y = x", "--range=0,1", "-o", tmp_path / "p.png", env=env)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == ('gradcli: plot -o needs matplotlib, which is not installed: '
                           'pip install "gradcli[plot]"\n')
    assert not (tmp_path / "p.png").exists()
    proc = gradcli("plot", "y = x", "--range=0,1", env=env)
    assert proc.returncode == 0 and "━━ y" in proc.stdout
    prog = tmp_path / "p.py"
    prog.write_text("print(1)\n")
    proc = gradcli("run", prog, "--plots", tmp_path / "figs", env=env)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.endswith('needs matplotlib, which is not installed: '
                                'pip install "gradcli[plot]"\n')


# ---------------------------------------------------------------- the recorder

def _recorder(enabled=True):
    from gradcli.parser.program.pyplot import Recorder

    return Recorder(enabled=enabled)


def _pngs(directory):
    names = sorted(p.name for p in Path(directory).iterdir())
    for name in names:
        data = (Path(directory) / name).read_bytes()
        assert data.startswith(MAGIC[".png"]) and len(data) > 2000, name
    return names


def test_recorder_writes_shown_saved_and_open_figures(tmp_path):
    pytest.importorskip("matplotlib")
    plt = _recorder()
    x = np.linspace(0, 1, 20)
    plt.plot(x, x**2, "r-", label="square")
    plt.title("one")
    plt.legend()
    plt.show()                           # figure-1, then closed as the window would be
    plt.figure(figsize=(4, 3))
    plt.scatter(x, x, c="b")
    plt.savefig("scatter.png", dpi=50)   # written under this name, state of now
    plt.show()                           # nothing new since the save: not written again
    fig, axes = plt.subplots(2, 2)
    axes[1, 0].hist(np.arange(10.0), bins=3)
    axes[0, 1].imshow(np.eye(3), cmap=plt.cm.viridis)
    fig.suptitle("grid")                 # open at the end: figure-2
    plt.figure()
    plt.plot([1, 2])
    plt.close()                          # closed unseen: never drawn
    written, errors = plt.write(str(tmp_path / "figs"))
    assert errors == []
    assert _pngs(tmp_path / "figs") == ["figure-1.png", "figure-2.png", "scatter.png"]
    assert [Path(p).name for p in written] == ["figure-1.png", "scatter.png", "figure-2.png"]


def test_savefig_never_writes_outside_the_directory(tmp_path):
    pytest.importorskip("matplotlib")
    plt = _recorder()
    plt.plot([0, 1], [1, 0])
    plt.savefig("../../escape.png")
    plt.savefig(str(tmp_path / "abs.png"))
    plt.savefig("noext")
    plt.savefig("..")
    out = tmp_path / "d" / "figs"
    written, errors = plt.write(str(out))
    assert errors == []
    assert sorted(os.listdir(out)) == ["abs.png", "escape.png", "figure-1.png", "noext.png"]
    assert sorted(os.listdir(tmp_path)) == ["d"] and os.listdir(tmp_path / "d") == ["figs"]
    assert all(Path(p).parent == out for p in written)


def test_interactive_loop_writes_the_final_state_once(tmp_path):
    pytest.importorskip("matplotlib")
    plt = _recorder()
    plt.ion()
    fig, ax = plt.subplots()
    (line,) = ax.plot([0, 1], [0, 0])
    for i in range(5):
        line.set_ydata([0, i])
        plt.pause(0.1)
        plt.show()
    plt.ioff()
    written, errors = plt.write(str(tmp_path))
    assert errors == [] and _pngs(tmp_path) == ["figure-1.png"]


def test_disabled_recorder_answers_the_same_and_keeps_nothing(tmp_path):
    on, off = _recorder(True), _recorder(False)
    data = np.random.default_rng(0).normal(size=200)
    for plt in (on, off):
        n, bins, _ = plt.hist(data, bins=7)
        lines = plt.plot([1, 2], [3, 4], "k", [1, 2], [4, 5], np.eye(3))
        assert len(lines) == 5  # one line, another, and one per column of eye(3)
        assert plt.xlim(0, 2) == (0.0, 2.0)
        plt.show()
    assert sum(len(f._calls) for f, *_ in off._entries) == 0
    assert off.pending() == 1 and on.pending() == 1  # (off's write is never called)


def test_hist_numbers_are_matplotlibs():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as real

    rng = np.random.default_rng(1)
    plt = _recorder(False)
    for args, kwargs in [((rng.normal(size=100),), {}),
                         ((rng.normal(size=50), 4), {"density": True}),
                         ((rng.uniform(size=30),), {"bins": [0, .2, .5, 1], "cumulative": True}),
                         ((rng.normal(size=(40, 2)),), {"bins": 5})]:
        n, bins, _ = plt.hist(*args, **kwargs)
        want_n, want_bins, _ = real.hist(*args, **kwargs)
        real.close("all")
        np.testing.assert_allclose(bins, want_bins)
        np.testing.assert_allclose(np.asarray(n), np.asarray(want_n))


def test_tensors_are_copied_and_requires_grad_is_refused_as_pytorch_does():
    torch = pytest.importorskip("torch")
    from gradcli.engine.tensor import Tensor

    plt = _recorder()
    t = Tensor(np.array([1.0, 2.0], np.float32))
    plt.plot(t)
    t.data[0] = 99.0  # changed in place later: the recorded line keeps what was drawn
    call = plt.gcf()._calls[-1]
    assert call[2][0].tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError) as got:
        plt.plot(Tensor(np.ones(2, np.float32), requires_grad=True))
    with pytest.raises(RuntimeError) as want:
        np.asarray(torch.ones(2, requires_grad=True))
    assert str(got.value) == str(want.value)


def test_reading_state_or_unknown_names_is_a_clear_error():
    plt = _recorder()
    with pytest.raises(NotImplementedError, match=r"plt.xlim\(\) without arguments"):
        plt.xlim()
    (line,) = plt.plot([1, 2])
    with pytest.raises(NotImplementedError, match="get_color"):
        line.get_color()
    with pytest.raises(AttributeError, match="'matplotlib.pyplot' has no attribute 'nope'"):
        plt.nope()
    with pytest.raises(AttributeError, match="'Axes' object has no attribute 'nope'"):
        plt.gca().nope()


def test_pyplot_state_rules():
    plt = _recorder()
    a = plt.subplot(211)
    assert plt.subplot(2, 1, 1) is a and plt.gca() is a  # the same position: reused
    b = plt.subplot(212)
    assert plt.gca() is b and b.figure is plt.gcf()
    f1 = plt.gcf()
    f2 = plt.figure()
    assert (f1.number, f2.number) == (1, 2) and plt.figure(1) is f1
    plt.sca(b)
    assert plt.gcf() is f1 and f1.axes == [a, b]
    mpl = plt.matplotlib_module()
    mpl.use("TkAgg")
    assert mpl.pyplot is plt and mpl.rcParams is plt.rcParams
    plt.close("all")
    assert plt.get_fignums() == [] and plt.figure().number == 1


def _run_seed_with_recorder(program, out_dir):
    """Run a seed program under CPython with PyTorch, its pyplot bound to the recorder."""
    script = (
        "import sys, types, runpy\n"
        "from gradcli.parser.program.pyplot import Recorder\n"
        "rec = Recorder(enabled=True)\n"
        "mpl = types.ModuleType('matplotlib'); mpl.pyplot = rec\n"
        "sys.modules['matplotlib'] = mpl; sys.modules['matplotlib.pyplot'] = rec\n"
        "runpy.run_path(sys.argv[1], run_name='__main__')\n"
        "del sys.modules['matplotlib'], sys.modules['matplotlib.pyplot']\n"
        "written, errors = rec.write(sys.argv[2])\n"
        "print('WRITTEN', len(written), errors)\n")
    return subprocess.run([sys.executable, "-c", script, str(program), str(out_dir)],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("name,count", [("seed002_regression_verbatim", 1),
                                        ("seed002_logistic_verbatim", 5)])
def test_seed_programs_figures(tmp_path, name, count):
    pytest.importorskip("torch")
    pytest.importorskip("matplotlib")
    program = SEEDS / f"{name}.py"
    if not program.exists():
        pytest.skip("the shared seed programs are not here")
    proc = _run_seed_with_recorder(program, tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out[-1] == "WRITTEN %d []" % count
    # the recorder leaves the program's own output as PyTorch prints it
    assert "\n".join(out[:-1]) + "\n" == (SEEDS / f"{name}.out").read_text()
    assert _pngs(tmp_path) == [f"figure-{i}.png" for i in range(1, count + 1)]


# ---------------------------------------------------------------- run --plots, --version

def test_run_plots_option_is_plumbed(tmp_path):
    pytest.importorskip("matplotlib")
    prog = tmp_path / "p.py"
    prog.write_text("import torch\nprint(torch.ones(2) * 3)\n")
    plain = gradcli("run", prog)
    proc = gradcli("run", prog, "--plots", tmp_path / "figs")
    assert proc.returncode == plain.returncode == 0
    assert proc.stdout == plain.stdout and proc.stderr == ""
    assert not (tmp_path / "figs").exists()  # nothing drawn: no directory made
    bad = gradcli("run", tmp_path / "missing.py", "--plots", tmp_path / "figs")
    assert bad.returncode == 2 and not (tmp_path / "figs").exists()


def test_run_file_takes_plots_dir():
    import inspect

    from gradcli.run_program import run_file

    assert "plots_dir" in inspect.signature(run_file).parameters


def test_version_from_package_metadata():
    from importlib.metadata import version

    proc = gradcli("--version")
    assert proc.returncode == 0 and proc.stdout == f"gradcli {version('gradcli')}\n"


def test_plain_columns_and_order_zero():
    proc = gradcli("plot", "y = x**2", "--range=-1,1", "--points", "3", "--format", "plain")
    assert proc.returncode == 0
    assert proc.stdout == ("# line=1\tsource=y = x**2\nx\ty\tdy/dx\n"
                           "-1.0\t1.0\t-2.0\n0.0\t0.0\t0.0\n1.0\t1.0\t2.0\n")
    proc, (rec,) = plot_json("y = exp(x)", "--range=0,1", "--points", "2", "--order", "0")
    assert [s["label"] for s in rec["series"]] == ["y"]
    np.testing.assert_allclose(series(rec)["y"], np.exp([0.0, 1.0]), rtol=1e-6)
