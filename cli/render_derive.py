"""derive's output: text lines (`dy/dx = w + 1`), LaTeX lines, and JSON records."""

import json

from .records import error_record, json_value


def _value_text(v) -> str:
    from gradcli.engine.torch_repr import tensor_body

    from .render_eval import one_line

    return one_line(tensor_body(v))


def label(r, d) -> str:
    """dy/dx, d2y/dx2, d2y/dxdw (a mixed partial or a Hessian block), or for a bare
    expression d/dx sin(x**2)."""
    n = "" if d.order == 1 else str(d.order)
    below = f"d{d.wrt}d{d.wrt2}" if d.wrt2 is not None else f"d{d.wrt}{n}"
    if r.label is not None:
        return f"d{n}{r.label}/{below}"
    return f"d{n}/{below} {r.expr_text}"


def latex_label(r, d) -> str:
    from gradcli.engine.symbolic.latex import latex_name

    n = "" if d.order == 1 else f"^{{{d.order}}}"
    x = rf"\partial {latex_name(d.wrt)}{n}"
    if d.wrt2 is not None:
        top = r"^{\top}" if d.kind == "hessian" and d.wrt == d.wrt2 else ""
        x = rf"\partial {latex_name(d.wrt)} \partial {latex_name(d.wrt2)}{top}"
    if r.label is not None:
        return rf"\frac{{\partial{n} {latex_name(r.label)}}}{{{x}}}"
    expr = r.expr_latex if r.expr_latex is not None else rf"\mathtt{{{r.expr_text}}}"
    return rf"\frac{{\partial{n}}}{{{x}}} {expr}"


def text_lines(r, latex: bool = False, with_line: bool = False) -> str:
    if r.error is not None:
        return ""
    prefix = f"line {r.line}: " if with_line else ""
    rows = []
    for d in r.derivatives:
        head = latex_label(r, d) if latex else label(r, d)
        if d.error is not None:
            rows.append(f"{prefix}{label(r, d)}: {d.error.type_name}: {d.error.message}")
            continue
        row = f"{prefix}{head} = {d.latex if latex else d.text}"
        if d.value is not None or d.engine_value is not None:
            row += _comparison(d, latex)
        rows.append(row)
    return "".join(row + "\n" for row in rows)


def _comparison(d, latex: bool) -> str:
    value = _value_text(d.value) if d.value is not None else "?"
    engine = _value_text(d.engine_value)
    if d.match:
        return f"  % = {value}" if latex else f" = {value}"
    why = d.note or "MISMATCH with reverse mode"
    if latex:
        return f"  % = {value}; {why}: reverse mode gives {engine}"
    return f" = {value}  [{why}: reverse mode gives {engine}]"


def problem_lines(r) -> str:
    """stderr lines for derivatives that failed or disagree with reverse mode."""
    from .edge import error_lines

    out = ""
    for d in r.derivatives:
        where = f"line {r.line}"
        if d.error is not None:
            out += error_lines(where, _Prefixed(d.error, label(r, d)))
        elif d.match is False:
            out += (f"gradcli: {where}: MismatchError: {label(r, d)}: the symbolic derivative "
                    f"{d.text} gives {_value_text(d.value) if d.value is not None else '?'} but "
                    f"reverse mode gives {_value_text(d.engine_value)} (this is a bug in "
                    f"gradcli; please report it with the input)\n")
    return out


class _Prefixed:
    def __init__(self, err, label_text):
        self.type_name = err.type_name
        self.message = f"{label_text}: {err.message}"
        self.column = None


def derivative_record(r, d) -> dict:
    return {
        "wrt": d.wrt,
        "wrt2": d.wrt2,
        "kind": d.kind,
        "order": d.order,
        "label": label(r, d),
        "text": d.text,
        "latex": d.latex,
        "latex_label": latex_label(r, d),
        "assumes": d.assumes,
        "value": json_value(d.value) if d.value is not None else None,
        "engine_value": json_value(d.engine_value) if d.engine_value is not None else None,
        "match": d.match,
        "note": d.note,
        "error": error_record(d.error) if d.error is not None else None,
    }


def record(r) -> dict:
    return {
        "line": r.line,
        "source": r.source,
        "output": r.output,
        "error": error_record(r.error) if r.error is not None else None,
        "free": r.free,
        "evaluated": r.evaluated,
        "derivatives": [derivative_record(r, d) for d in r.derivatives],
    }


def json_line(r) -> str:
    return json.dumps(record(r), ensure_ascii=False)
