"""check's output forms: Rich tables, JSON Lines and plain text, from one CheckResult."""

import json

import numpy as np

from .records import error_record, json_value

STATUS_STYLE = {"pass": "green", "fail": "bold red", "kink": "yellow"}


def _num(x: float) -> str:
    return f"{x:.3g}"


def _worst(c) -> str:
    where = c.measure.worst if c.measure is not None else c.comparison.worst
    if where is None:
        return "-"
    k, j = where
    return f"out[{k}] / in[{j}]"


def _plain_measure(c) -> list:
    m = c.measure
    if m is None or m.worst is None:
        return []
    return [f"worst_error={_num(m.worst_error)}", f"worst_allowed={_num(m.worst_allowed)}",
            f"bound={m.bound}", f"bound_used={m.used:.3g}",
            f"max_abs_at={_worst_at(m.max_abs_at)}", f"max_rel_at={_worst_at(m.max_rel_at)}"]


def _worst_at(where) -> str:
    return "-" if where is None else f"out[{where[0]}] / in[{where[1]}]"


def _at(where) -> str:
    return "-" if where is None else f"out[{where[0]}]/in[{where[1]}]"


def _short_at(where) -> str:
    return "-" if where is None else f"{where[0]}/{where[1]}"


def _used(c) -> str:
    """The deciding element's share of its allowance and the term that dominates it."""
    m = c.measure
    if m is None or m.bound is None:
        return "-"
    if 0 < m.used < 0.01:
        return f"<1% {m.bound}"
    return f"{m.used:.0%} {m.bound}" if m.used < 10 else f"{m.used:.3g}x {m.bound}"


def _measure_record(c) -> dict:
    m = c.measure
    if m is None:
        return {}
    # "worst" (an existing field) is the deciding element: the largest share of its bound
    return {"worst": list(m.worst) if m.worst else None,
            "worst_error": m.worst_error, "worst_allowed": m.worst_allowed,
            "bound": m.bound, "bound_used": m.used,
            "max_abs_at": list(m.max_abs_at) if m.max_abs_at else None,
            "max_rel_at": list(m.max_rel_at) if m.max_rel_at else None}


def _decided(c) -> str:
    """One sentence, where the table's "at" does not already say it: the element that
    decides the verdict, its error against atol + rtol*|numeric| there, the larger term."""
    m = c.measure
    if m is None or m.worst is None or (m.worst == m.max_abs_at and c.status == "pass"):
        return ""
    op = "<=" if m.used <= 1 else ">"
    return (f"{c.name}: decided at {_at(m.worst)}: error {_num(m.worst_error)} {op} "
            f"{_num(m.worst_allowed)} allowed ({m.bound} term)")


def _array_text(a) -> str:
    from gradcli.engine.torch_repr import tensor_body

    return tensor_body(np.asarray(a, dtype=np.float64))


def record(r) -> dict:
    def block(c):
        rec = {"input": c.name, "shape": c.shape, "max_abs_error": c.comparison.max_abs,
               "max_rel_error": c.comparison.max_rel, "finite": c.comparison.finite,
               "worst": list(c.comparison.worst) if c.comparison.worst else None,
               "status": c.status}
        rec.update(_measure_record(c))
        if c.status != "pass":
            rec["analytic"] = json_value(c.analytic)
            rec["numeric"] = json_value(c.numeric)
        return rec

    def claim(c):
        fail = c.failure and {"point": {k: json_value(np.asarray(v)) for k, v in
                                        c.failure["point"].items()},
                              "claimed": json_value(c.failure["claimed"]),
                              "engine": json_value(c.failure["engine"])}
        return {"input": c.name, "claim": c.text, "claimed": json_value(c.claimed),
                "engine": json_value(c.engine), "status": c.status, "samples": c.samples,
                "samples_passed": c.samples_passed, "samples_skipped": c.samples_skipped,
                "first_failure": fail or None}

    return {"line": r.line, "source": r.source, "output": r.output,
            "ok": r.ok, "inputs": r.inputs, "kinks": r.kinks,
            "gradcheck": [block(c) for c in r.gradcheck],
            "gradgradcheck": [block(c) for c in r.gradgradcheck],
            "claims": [claim(c) for c in r.claims],
            "error": error_record(r.error) if r.error is not None else None}


def json_line(r) -> str:
    return json.dumps(record(r), ensure_ascii=False)


def verdict(r) -> str:
    if r.error is not None:
        return "error"
    if not r.ok:
        return "FAIL"
    kinks = any(c.status == "kink" for c in (*r.gradcheck, *r.gradgradcheck))
    return "pass (kink: not differentiable at this point, mismatch not counted)" if kinks \
        else "pass"


def plain_lines(r) -> str:
    rows = [f"line={r.line}\tsource={r.source}\toutput={r.output}"]
    for kind, checks in (("gradcheck", r.gradcheck), ("gradgradcheck", r.gradgradcheck)):
        for c in checks:
            rows.append("\t".join((
                f"line={r.line}", kind, f"input={c.name}", f"shape={c.shape}",
                f"max_abs_error={_num(c.comparison.max_abs)}",
                f"max_rel_error={_num(c.comparison.max_rel)}", f"worst={_worst(c)}",
                f"status={c.status}", *_plain_measure(c))))
            if c.status != "pass":
                rows.append(f"line={r.line}\tanalytic={_flat(c.analytic)}")
                rows.append(f"line={r.line}\tnumeric={_flat(c.numeric)}")
    for k in r.kinks:
        rows.append(f"line={r.line}\tkink={k}")
    for c in r.claims:
        rows.append("\t".join((
            f"line={r.line}", "claim", f"input={c.name}", f"claim={c.text}",
            f"claimed={_flat(c.claimed)}", f"engine={_flat(c.engine)}", f"status={c.status}",
            f"samples={c.samples_passed}/{c.samples}")))
        if c.failure:
            rows.append(f"line={r.line}\tfirst_failure={_failure(c.failure)}")
    if r.error is not None:
        rows.append(f"line={r.line}\terror={r.error.type_name}: {r.error.message}")
    rows.append(f"line={r.line}\tresult={verdict(r)}")
    return "\n".join(rows) + "\n"


def _flat(a) -> str:
    return " ".join(_array_text(a).split()) if a is not None else "None"


def _failure(f) -> str:
    point = ", ".join(f"{k}={_flat(v)}" for k, v in f["point"].items())
    return f"at {point}: claimed {_flat(f['claimed'])}, reverse mode {_flat(f['engine'])}"


def _fits(rows, width: int, gap: int = 3) -> bool:
    """Whether a SIMPLE_HEAVY table of these cell texts fits `width` unwrapped (`gap`
    2: collapse_padding)."""
    from .render_tensor import width_of

    widths = [max(width_of(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return sum(widths) + gap * len(widths) + (1 if gap == 3 else 2) <= width


def _pair(title, left, right, width: int, stacked: bool = False) -> list:
    """Two tensors (name, array): side by side when both fit as torch prints them, else
    one under the other, each laid out for the full width (rows never cut in two by a
    narrow column)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from .render_tensor import fitted

    (lname, a), (rname, b) = left, right
    la, lb = _array_text(a), _array_text(b)
    if not stacked and _fits([(lname, rname), (la, lb)], width):
        side = Table(title=title, box=box.SIMPLE, title_justify="left")
        side.add_column(lname)
        side.add_column(rname)
        side.add_row(la, lb)
        return [side]
    out = [Text(title, style="italic")] if title else []
    for name, data in ((lname, a), (rname, b)):
        head = f"{name} = "
        if data is None:
            out.append(Text(head + "None"))
            continue
        data = np.asarray(data, dtype=np.float64)
        body = fitted(data, width, indent=len(head))
        alone = fitted(data, width, indent=2)
        if alone.count("\n") < body.count("\n"):  # rows would wrap after the name
            head, body = f"{name} =\n  ", alone
        out.append(Text(head + body))
    return out


def renderables(r, width: int | None = None) -> list:
    """Rich objects for one case: the gradcheck table, Jacobians of failures, claims,
    laid out for `width` columns (default: the console's, --width)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    if width is None:
        from .case_options import make_console

        width = make_console(True).width

    title = f"line {r.line}: {r.source}" + (f"   (output: {r.output})" if r.output else "")
    out = [Text(title, style="bold")]
    if r.error is not None:
        out.append(Text(f"{r.error.type_name}: {r.error.message}", style="bold red"))
        return out
    for kind, checks in (("gradcheck", r.gradcheck), ("gradgradcheck (order 2)",
                                                      r.gradgradcheck)):
        if not checks:
            continue
        tbl = Table(title=kind, box=box.SIMPLE_HEAVY, title_justify="left")
        # "at": where the max abs error is; "of bound": the deciding element's error as a
        # share of atol + rtol*|numeric| (pass <= 100%) and the larger of the two terms
        for col in ("input", "shape", "max abs", "at out/in", "max rel", "of bound",
                    "status"):
            tbl.add_column(col, no_wrap=True)
        for c in checks:
            tbl.add_row(c.name, str(c.shape), _num(c.comparison.max_abs),
                        _short_at(c.measure.max_abs_at if c.measure else c.comparison.worst),
                        _num(c.comparison.max_rel), _used(c),
                        Text(c.status, style=STATUS_STYLE[c.status]))
        out.append(tbl)
        m = checks[0].measure
        if m is not None:
            out.append(Text(f"of bound: error / (atol + rtol*|numeric|) where largest; "
                            f"atol={m.atol:g} rtol={m.rtol:g}", style="dim"))
        for c in checks:
            if _decided(c):
                out.append(Text(_decided(c)))
        for c in checks:
            if c.status != "pass":
                out += _pair(f"Jacobian d out / d {c.name}",
                             ("analytic (reverse mode)", c.analytic),
                             ("numeric (central differences)", c.numeric), width)
    for k in r.kinks:
        out.append(Text(f"kink: {k} is evaluated where it is not differentiable",
                        style="yellow"))
    if r.claims:
        tbl = Table(title="claims", box=box.SIMPLE_HEAVY, title_justify="left",
                    collapse_padding=True)
        for col in ("input", "claim", "claimed", "reverse mode", "samples", "status"):
            tbl.add_column(col)
        # the two tensors in the row when the row then fits, else each under the table
        texts = [(_array_text(c.claimed), _array_text(c.engine)) for c in r.claims]
        fits = _fits([("input", "claim", "claimed", "reverse mode", "samples", "status")]
                     + [(c.name, c.text, a, b, "10/10", c.status)
                        for c, (a, b) in zip(r.claims, texts, strict=True)], width, gap=2)
        below = []
        for c, (claimed, engine) in zip(r.claims, texts, strict=True):
            samples = (f"{c.samples_passed}/{c.samples}" if c.samples else "-")
            if not fits:
                below += _pair(None, (f"{c.name}: claimed", c.claimed),
                               (f"{c.name}: reverse mode", c.engine), width, stacked=True)
                claimed = engine = "↓"
            tbl.add_row(c.name, c.text, claimed, engine,
                        samples, Text(c.status, style=STATUS_STYLE[c.status]))
        out.append(tbl)
        out += below
        for c in r.claims:
            if c.failure:
                out.append(Text(f"claim for {c.name} fails {_failure(c.failure)}",
                                style="red"))
    out.append(Text(f"result: {verdict(r)}", style="green" if r.ok else "bold red"))
    return out
