"""Tensors laid out for a column of a given width, and summaries of big tensors.

`grid` is PyTorch's own print (engine/torch_repr.py: one formatter, aligned columns,
rows wrapped at the line width, `...` above 1,000 elements) with the line width as a
parameter, as `torch.set_printoptions(linewidth=N)` sets it: a matrix in a narrow table
cell stays an aligned grid whose long rows wrap element-wise, never mid-number.

`summary` describes a tensor too big to read (SPEC's 107 MB of JSON for a 1000x1000
case): shape, dtype, min/max/mean/norm and its first and last few elements. The statistics
are computed in float64 (a description, not a PyTorch result: torch's float32 mean of a
big tensor can differ in the last digits)."""

import math

import numpy as np
from gradcli.engine import torch_repr
from gradcli.engine.torch_repr import _Formatter, _summarized, scalar_str

AUTO_SUMMARY = torch_repr.THRESHOLD  # table format: above this many elements, a summary
FEW = 3  # elements shown at each end of a summary (torch's edgeitems)


def _vector(data, indent, summarize, fmt, linewidth) -> str:
    """torch's _vector_str at `linewidth`."""
    element_length = fmt.max_width + 2
    per_line = max(1, math.floor((linewidth - indent) / element_length))
    edge = torch_repr.EDGEITEMS
    if summarize and data.shape[0] > 2 * edge:
        items = [fmt.format(v) for v in data[:edge].tolist()] + [" ..."] + \
                [fmt.format(v) for v in data[-edge:].tolist()]
    else:
        items = [fmt.format(v) for v in data.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(data, indent, summarize, fmt, linewidth) -> str:
    """torch's _tensor_str_with_formatter at `linewidth`."""
    if data.ndim == 0:
        return fmt.format(data.item())
    if data.ndim == 1:
        return _vector(data, indent, summarize, fmt, linewidth)
    n, edge = data.shape[0], torch_repr.EDGEITEMS
    if summarize and n > 2 * edge:
        index = [*range(edge), None, *range(n - edge, n)]
    else:
        index = range(n)
    slices = ["..." if i is None else _nested(data[i], indent + 1, summarize, fmt, linewidth)
              for i in index]
    return "[" + ("," + "\n" * (data.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _prepared(data, summarize):
    data = np.asarray(data)
    if data.ndim == 0 or data.size == 0:
        return data, None, False
    if summarize is None:
        summarize = data.size > torch_repr.THRESHOLD
    return data, _Formatter(_summarized(data) if summarize else data), summarize


def grid(data: np.ndarray, linewidth: int = torch_repr.LINEWIDTH, indent: int = 0,
         summarize: bool | None = None) -> str:
    """torch's tensor body (tensor_body) laid out for `linewidth` columns, as if it
    started at column `indent`; `summarize` forces torch's `...` form (None: above
    1,000 elements, as torch)."""
    data, fmt, summarize = _prepared(data, summarize)
    if fmt is None:
        return torch_repr.tensor_body(data)
    return _nested(data, indent, summarize, fmt, linewidth)


def width_of(text: str) -> int:
    from rich.cells import cell_len

    return max((len(line) if line.isascii() else cell_len(line))
               for line in text.split("\n"))


def _span(text: str, indent: int) -> int:
    """The columns a grid starting at column `indent` reaches (its later lines carry
    their own indentation)."""
    first, _, rest = text.partition("\n")
    return max(indent + width_of(first), width_of(rest) if rest else 0)


def fitted(data: np.ndarray, width: int, summarize: bool | None = None,
           indent: int = 0) -> str:
    """The grid at line width `width`, narrowed until its widest line fits `width`
    (as far as one element a line allows; torch's line width does not count the
    closing brackets, so the fit is measured, not computed). `indent`: the column the
    grid starts at (its later lines are indented to align under the first)."""
    data, fmt, summarize = _prepared(data, summarize)
    if fmt is None:
        return torch_repr.tensor_body(data)
    linewidth = width  # torch.set_printoptions(linewidth=width)
    text = _nested(data, indent, summarize, fmt, linewidth)
    while _span(text, indent) > width and linewidth > 1:
        text = _nested(data, indent, summarize, fmt, linewidth)
        linewidth -= 1
    return text


# ---------------------------------------------------------------- summaries


def _stat(x, floating: bool):
    """A statistic as a Python number (ints stay ints for integer and bool tensors)."""
    if isinstance(x, np.generic):
        x = x.item()
    return float(x) if floating or isinstance(x, float) else int(x)


def summary(data: np.ndarray) -> dict:
    """shape, dtype, numel, min, max, mean, norm (2-norm), first and last FEW elements
    (row-major), as Python values; nan propagates as numpy's reductions give it."""
    data = np.asarray(data)
    flat = data.reshape(-1)
    floating = data.dtype.kind == "f"
    wide = flat.astype(np.float64)
    out = {"shape": list(data.shape), "dtype": data.dtype.name, "numel": int(flat.size)}
    if flat.size:
        with np.errstate(all="ignore"):
            out.update(min=_stat(flat.min(), floating), max=_stat(flat.max(), floating),
                       mean=float(wide.mean()), norm=float(np.sqrt(np.dot(wide, wide))))
    else:
        out.update(min=None, max=None, mean=None, norm=None)
    n = min(FEW, flat.size)
    out["first"] = flat[:n].tolist()
    out["last"] = flat[max(n, flat.size - FEW):].tolist() if flat.size > n else []
    return out


def summary_json(data: np.ndarray) -> dict:
    """summary() with nan/inf as the strings SPEC names for JSON."""
    from .records import json_number

    s = summary(data)
    for key in ("min", "max", "mean", "norm"):
        if s[key] is not None:
            s[key] = json_number(s[key])
    s["first"] = [json_number(v) for v in s["first"]]
    s["last"] = [json_number(v) for v in s["last"]]
    return s


def _num(v) -> str:
    if isinstance(v, bool) or isinstance(v, int):
        return str(v)
    return scalar_str(v, True)


def summary_line(data: np.ndarray) -> str:
    """One line (plain format): `summary(shape=[..], dtype=.., min=.., ...)`."""
    s = summary(data)
    first = ", ".join(_num(v) for v in s["first"])
    last = ", ".join(_num(v) for v in s["last"])
    elems = f"[{first}" + (f", ..., {last}]" if last else "]")
    return (f"summary(shape={s['shape']}, dtype={s['dtype']}, min={_num(s['min'])}, "
            f"max={_num(s['max'])}, mean={_num(s['mean'])}, norm={_num(s['norm'])}, "
            f"elements={elems})") if s["numel"] else f"summary(shape={s['shape']}, " \
        f"dtype={s['dtype']}, numel=0)"


def summary_cell(data: np.ndarray, width: int) -> str:
    """A table cell: the statistics on two lines, then torch's `...` print of the edges,
    narrowed to `width`."""
    s = summary(data)
    if not s["numel"]:
        return "[]"
    stats = [f"min {_num(s['min'])}  max {_num(s['max'])}",
             f"mean {_num(s['mean'])}  norm {_num(s['norm'])}"]
    lines = []
    for line in stats:  # two statistics a line when they fit, else one
        if len(line) <= width:
            lines.append(line)
        else:
            lines += line.split("  ")
    return "\n".join(lines) + "\n" + fitted(data, width, summarize=True)


def min_width(data: np.ndarray, summarize: bool) -> int:
    """The narrowest a cell of this tensor can be laid out (one element a line)."""
    data = np.asarray(data)
    if data.ndim == 0 or data.size == 0:
        return len(grid(data))
    return width_of(grid(data, 1, 0, summarize or data.size > torch_repr.THRESHOLD))
