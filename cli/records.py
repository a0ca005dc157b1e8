"""JSON-ready records of case results (SPEC section 2), shared by every output format."""

import math

import numpy as np

_DTYPE_NAMES: dict = {}  # numpy's dtype.name is computed anew on every access (~10 us)


def dtype_name(dt: np.dtype) -> str:
    name = _DTYPE_NAMES.get(dt)
    if name is None:
        name = _DTYPE_NAMES[dt] = dt.name
    return name


def json_value(data: np.ndarray):
    """Nested lists (a 0-d tensor: a plain number); nan/inf as the strings SPEC names."""
    if data.ndim == 0:  # the common case in batches: one number, no array machinery
        return json_number(data.item())
    if data.dtype.kind == "f" and not np.isfinite(data).all():
        obj = data.astype(object)
        obj[np.isnan(data)] = "nan"
        obj[np.isposinf(data)] = "inf"
        obj[np.isneginf(data)] = "-inf"
        return obj.tolist()
    return data.tolist()


def json_number(x):
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    return x


def error_record(err) -> dict:
    rec = {"type": err.type_name, "message": err.message, "column": err.column}
    if getattr(err, "hint", None):  # how to fix it (issue 21): an added field, never a new wording
        rec["hint"] = err.hint
    return rec


def node_record(node) -> dict:
    t = node.tensor
    return {
        "id": node.id,
        "expr": node.expr,
        "shape": list(t.data.shape),
        "dtype": dtype_name(t.data.dtype),
        "value": json_value(t.data),
        "requires_grad": t.requires_grad,
        "is_leaf": t.grad_fn is None,
        "grad_fn": t.grad_fn.name() if t.grad_fn is not None else None,
        "grad": json_value(node.grad.data) if node.grad is not None else None,
    }


def case_record(result) -> dict:
    return {
        "line": result.line,
        "source": result.source,
        "output": result.output,
        "nodes": [node_record(n) for n in result.nodes],
        "error": error_record(result.error) if result.error is not None else None,
    }


# -- the same record written straight to JSON text, for batches of 0-d cases

def case_json(result) -> str:
    """json.dumps(case_record(result), ensure_ascii=False), written directly when every
    value and grad is 0-d (a batch's usual case): no dicts to build and walk. Anything
    else goes through json.dumps. tests/test_fast_paths.py holds the two to one text."""
    import json
    from json.encoder import encode_basestring as text

    nodes = []
    for n in result.nodes:
        t = n.tensor
        data = t.data
        grad = n.grad
        if data.ndim or (grad is not None and grad.data.ndim):
            return json.dumps(case_record(result), ensure_ascii=False)
        fn = t.grad_fn
        nodes.append(
            f'{{"id": {text(n.id)}, "expr": {text(n.expr)}, "shape": [], '
            f'"dtype": "{dtype_name(data.dtype)}", "value": {_number_json(data.item())}, '
            f'"requires_grad": {"true" if t.requires_grad else "false"}, '
            f'"is_leaf": {"true" if fn is None else "false"}, '
            f'"grad_fn": {text(fn.name()) if fn is not None else "null"}, '
            f'"grad": {_number_json(grad.data.item()) if grad is not None else "null"}}}')
    error = result.error
    output = result.output
    return (f'{{"line": {int(result.line)}, "source": {text(result.source)}, '
            f'"output": {text(output) if output is not None else "null"}, '
            f'"nodes": [{", ".join(nodes)}], '
            f'"error": {json.dumps(error_record(error), ensure_ascii=False) if error is not None else "null"}}}')


def _number_json(x) -> str:
    """A 0-d tensor's item as JSON: what json.dumps writes for json_number(x)."""
    if x is True or x is False:
        return "true" if x else "false"
    if type(x) is float:
        if math.isfinite(x):
            return float.__repr__(x)
        return '"nan"' if math.isnan(x) else ('"inf"' if x > 0 else '"-inf"')
    if type(x) is int:
        return int.__repr__(x)
    import json

    return json.dumps(json_number(x))


def unreadable_record(line: int, source, err) -> dict:
    return {"line": line, "source": source, "output": None, "nodes": [],
            "error": error_record(err)}
