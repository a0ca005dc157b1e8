"""`gradcli plot`'s text records: JSON Lines and plain columns (for diff, gnuplot, awk)."""

import json

import numpy as np

from .records import error_record


def _numbers(values) -> list:
    """Floats as JSON numbers, non-finite ones as null."""
    arr = np.asarray(values, np.float64)
    out = arr.astype(object)
    out[~np.isfinite(arr)] = None
    return out.tolist()


def json_record(result) -> dict:
    ok = result.error is None
    return {
        "line": result.line,
        "source": result.source,
        "x": np.asarray(result.x).tolist() if ok else [],
        "series": [{"label": s.label, "values": _numbers(s.values)} for s in result.series]
        if ok else [],
        "error": None if ok else error_record(result.error),
    }


def json_line(result) -> str:
    return json.dumps(json_record(result), ensure_ascii=False)


def plain_text(result) -> str:
    """`# line=N source=...` then one tab-separated row per point: x and every series."""
    head = f"# line={result.line}\tsource={result.source}"
    if result.error is not None:
        return f"{head}\n# error={result.error.type_name}: {result.error.message}\n"
    rows = [head, "\t".join([result.var] + [s.label for s in result.series])]
    columns = [np.asarray(result.x).tolist()] + [s.values.tolist() for s in result.series]
    for values in zip(*columns, strict=True):
        rows.append("\t".join(repr(v) for v in values))
    return "\n".join(rows) + "\n"
