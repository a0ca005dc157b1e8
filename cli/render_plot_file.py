"""`gradcli plot -o FILE`: the same plot drawn by matplotlib (the optional extra `plot`).

matplotlib is imported only here, when a file is asked for; its Figure is used without
pyplot, so no window system or global state is involved."""

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
