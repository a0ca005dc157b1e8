"""Pictures in files, through matplotlib (the optional extra `plot`): `gradcli plot -o
FILE`, and the figures of `gradcli run --plots DIR` (the recorder's calls around a program).

matplotlib is imported only when a file is asked for. `plot -o` draws on a Figure of its
own, without pyplot: no window system, no global state (the recorder's replay, in
plot_recorder.py, runs pyplot itself on the Agg backend, for pyplot's own semantics)."""

import os

import numpy as np

FORMATS = (".png", ".svg", ".pdf")
INSTALL_HINT = 'pip install "gradcli[plot]"'


def missing_matplotlib(what: str) -> str | None:
    """None when matplotlib can be imported, else the one line saying how to get it."""
    import importlib.util

    try:
        found = importlib.util.find_spec("matplotlib") is not None
    except (ImportError, ValueError):
        found = False
    if found:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            found = False
    if found:
        return None
    return f"{what} needs matplotlib, which is not installed: {INSTALL_HINT}"


def file_for(path: str, line: int, many: bool) -> str:
    """The file for one case: PATH itself, or PATH-<line>.ext for cases read from a file."""
    if not many:
        return path
    stem, ext = os.path.splitext(path)
    return f"{stem}-{line}{ext}"


def write(result, path: str) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.0, 4.5), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    x = np.asarray(result.x, np.float64)
    for s in result.series:
        y = s.values.astype(np.float64)
        # a cut step becomes a nan between its ends: matplotlib leaves a gap there
        cut = np.nonzero(s.breaks)[0]
        xs = np.insert(x, cut + 1, np.nan)
        ys = np.insert(y, cut + 1, np.nan)
        ax.plot(xs, ys, label=s.label, linewidth=1.6)
    ax.axhline(0.0, color="0.6", linewidth=0.7, zorder=0)
    ax.set_xlabel(result.var)
    ax.set_xlim(float(x[0]), float(x[-1]))
    ax.set_title(result.source)
    ax.grid(True, alpha=0.3)
    ax.legend()
    metadata = {"Date": None} if path.lower().endswith(".svg") else None
    if path.lower().endswith(".pdf"):
        metadata = {"CreationDate": None}
    fig.savefig(path, metadata=metadata)


# -- `gradcli run --plots DIR`: the edge's two calls around the program


def for_run(plots_dir: str | None):
    """The recorder a program's `matplotlib.pyplot` is bound to. With --plots, matplotlib
    must be importable: checked before the program runs (one line, exit 2)."""
    from .parser.program.pyplot import Recorder

    if plots_dir is not None:
        import sys

        from .edge import Exit

        missing = missing_matplotlib("run --plots")
        if missing:
            sys.stderr.write(f"gradcli: {missing}\n")
            raise Exit(2)
    return Recorder(enabled=plots_dir is not None)


def write_plots(recorder, plots_dir: str | None) -> int:
    """Write the program's figures (with --plots); 1 if one could not be drawn or DIR
    cannot be written, else 0. Problems are reported one line each on stderr."""
    if plots_dir is None:
        return 0
    import sys

    try:
        _written, errors = recorder.write(plots_dir)
    except OSError as e:
        sys.stderr.write(f"gradcli: --plots {plots_dir}: {e.strerror or e}\n")
        return 1
    for line in errors:
        sys.stderr.write(f"gradcli: --plots {plots_dir}: {line}\n")
    return 1 if errors else 0
