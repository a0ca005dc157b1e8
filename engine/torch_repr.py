"""PyTorch 2.13's tensor printing (torch/_tensor_str.py), reproduced over numpy arrays.

Printing options are PyTorch's defaults: precision 4, threshold 1000 elements, 3 edge
items, 80 columns. Each function below names the PyTorch function it mirrors; values are
formatted as Python floats/ints exactly as PyTorch's `tolist()`/`item()` give them, and
the fixed/scientific/integer choice is computed in the same dtypes PyTorch uses, so
borderline cases fall the same way."""

import math

import numpy as np

PRECISION = 4
THRESHOLD = 1000
EDGEITEMS = 3
LINEWIDTH = 80
SCI_MODE = None  # torch.set_printoptions(sci_mode=...): None lets the values decide

_NAMES = {"float32": "torch.float32", "float64": "torch.float64", "int64": "torch.int64",
          "bool": "torch.bool", "int32": "torch.int32", "float16": "torch.float16"}
_DEFAULT_SHOWN = ("float32", "int64", "bool")  # dtypes that print no dtype= suffix


def dtype_name(np_dtype) -> str:
    """'torch.float32' etc. for a numpy dtype."""
    name = np.dtype(np_dtype).name
    return _NAMES.get(name, f"torch.{name}")


class _Formatter:
    """_Formatter: one width and one notation (integer, fixed or scientific) for all."""

    def __init__(self, data: np.ndarray):
        self.floating = data.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = data.reshape(-1)
        if not self.floating:
            self.max_width = max([1] + [len(str(v)) for v in set(flat.tolist())])
            return
        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            return
        absolute = np.abs(vals).astype(np.float64)  # PyTorch: tensor_totype (double)
        lo, hi = absolute.min(), absolute.max()
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        # torch.set_printoptions(sci_mode=...) decides before the widths are measured
        self.sci_mode = bool(hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4) \
            if SCI_MODE is None else bool(SCI_MODE)
        pyvals = set(vals.tolist())
        if self.sci_mode:
            self.max_width = max(len(f"{v:.{PRECISION}e}") for v in pyvals)
        elif self.int_mode:
            self.max_width = max(len(f"{v:.0f}") + 1 for v in pyvals)
        else:
            self.max_width = max(len(f"{v:.{PRECISION}f}") for v in pyvals)

    def format(self, value) -> str:
        if self.floating:
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{PRECISION}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{PRECISION}f}"
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _summarized(data: np.ndarray) -> np.ndarray:
    """get_summarized_data: only the edge items, which is all the formatter may look at."""
    if data.ndim == 0:
        return data
    if data.ndim == 1:
        if data.shape[0] > 2 * EDGEITEMS:
            return np.concatenate((data[:EDGEITEMS], data[-EDGEITEMS:]))
        return data
    if data.shape[0] > 2 * EDGEITEMS:
        rows = [data[i] for i in range(EDGEITEMS)] + \
               [data[i] for i in range(len(data) - EDGEITEMS, len(data))]
    else:
        rows = list(data)
    return np.stack([_summarized(r) for r in rows])


def _vector_str(data, indent, summarize, fmt) -> str:
    """_vector_str: one row, wrapped to the line width."""
    element_length = fmt.max_width + 2
    per_line = max(1, math.floor((LINEWIDTH - indent) / element_length))
    if summarize and data.shape[0] > 2 * EDGEITEMS:
        items = [fmt.format(v) for v in data[:EDGEITEMS].tolist()] + [" ..."] + \
                [fmt.format(v) for v in data[-EDGEITEMS:].tolist()]
    else:
        items = [fmt.format(v) for v in data.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(data, indent, summarize, fmt) -> str:
    """_tensor_str_with_formatter: nested brackets, blank lines between blocks."""
    if data.ndim == 0:
        return fmt.format(data.item())
    if data.ndim == 1:
        return _vector_str(data, indent, summarize, fmt)
    n = data.shape[0]
    if summarize and n > 2 * EDGEITEMS:
        slices = [_tensor_str_with_formatter(data[i], indent + 1, summarize, fmt)
                  for i in range(EDGEITEMS)] + ["..."] + \
                 [_tensor_str_with_formatter(data[i], indent + 1, summarize, fmt)
                  for i in range(n - EDGEITEMS, n)]
    else:
        slices = [_tensor_str_with_formatter(data[i], indent + 1, summarize, fmt)
                  for i in range(n)]
    return "[" + ("," + "\n" * (data.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def scalar_str(value, floating: bool) -> str:
    """What _Formatter makes of a tensor's only element (a 0-d tensor): the same notation
    rules, for one value; its width is its own, so there is no padding. (Most nodes of a
    batch are 0-d: this skips building a formatter for each.)"""
    if not floating:
        return f"{value}"
    if SCI_MODE is not None:
        fmt = _Formatter(np.array([value]))
        return fmt.format(value).lstrip()
    if value == 0 or math.isinf(value) or math.isnan(value):  # nothing to measure: int mode
        ret = f"{value:.0f}"
        return ret if math.isinf(value) or math.isnan(value) else ret + "."
    a = abs(value)
    if a > 1.0e8 or a < 1.0e-4:
        return f"{value:.{PRECISION}e}"
    if value == math.ceil(value):
        return f"{value:.0f}."
    return f"{value:.{PRECISION}f}"


def tensor_body(data: np.ndarray, indent: int = 0) -> str:
    """_tensor_str: the bracketed values, laid out as if starting at column `indent`."""
    if data.ndim == 0:
        return scalar_str(data.item(), data.dtype.kind == "f")
    if data.size == 0:
        return "[]"
    summarize = data.size > THRESHOLD
    fmt = _Formatter(_summarized(data) if summarize else data)
    return _tensor_str_with_formatter(data, indent, summarize, fmt)


def _add_suffixes(text: str, suffixes: list, indent: int) -> str:
    """_add_suffixes: `, suffix` on the last line, or a new line when it would pass 80."""
    parts = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > LINEWIDTH:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(data: np.ndarray, *, requires_grad: bool = False,
                grad_fn: str | None = None, tangent=None) -> str:
    """_str_intern: what repr(t) / str(t) / print(t) shows for a tensor holding `data`."""
    prefix = "tensor("
    indent = len(prefix)
    suffixes = []
    name = data.dtype.name
    if data.size == 0:
        if data.ndim != 1:
            suffixes.append("size=" + str(tuple(int(s) for s in data.shape)))
        if name != "float32":
            suffixes.append("dtype=" + dtype_name(data.dtype))
        body = "[]"
    else:
        if name not in _DEFAULT_SHOWN:
            suffixes.append("dtype=" + dtype_name(data.dtype))
        body = tensor_body(data, indent)
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    if tangent is not None:  # a dual tensor (forward AD): f"{tangent}", as torch formats it
        suffixes.append(f"tangent={tangent}")
    return _add_suffixes(prefix + body, suffixes, indent)
