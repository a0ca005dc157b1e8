"""explain's output forms: Rich panels, plain text and JSON Lines, from one ExplainResult.

The plain and Rich forms share one description: a list of blocks (title, lines), so the
two never say different things; JSON carries the same numbers as data."""

import json
import re

import numpy as np

from .engine.ops.surface import formula_functions
from .records import error_record, json_number, json_value
from .render_graph import heading

MAX_PANELS = 300  # Rich panels for a 100,000-step pass help nobody: plain/json show all
# the function names a formula may call (the op table's elementwise rows)
_FUNCS = formula_functions()
_WORD = re.compile(r"(?<![.\w])[A-Za-z_]\w*")
_NOT_ARITHMETIC = re.compile(r"[\[\]?~]|\w\.[A-Za-z_]")


# While the human form is being described, tensors of one dimension or more are not
# written into the lines: each becomes a placeholder (\x01k\x02) for _GRIDS[k], laid out
# as torch prints it once the column it starts at and the panel's width are known.
_GRIDS: list | None = None
_PLACEHOLDER = re.compile("\x01(\\d+)\x02")


def _body(a) -> str:
    from .render_graph import value_text

    if _GRIDS is not None and np.ndim(a) > 0 and np.size(a) > 1:
        _GRIDS.append(np.asarray(a))
        return f"\x01{len(_GRIDS) - 1}\x02"
    return value_text(a)


def _block_text(a, indent: int) -> list:
    """A tensor printed over several lines (matrices), each indented."""
    from gradcli.engine.torch_repr import tensor_body

    return [" " * indent + row for row in tensor_body(np.asarray(a)).splitlines()]


def _shape(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _is_tensor_value(v) -> bool:
    return isinstance(v, np.ndarray | np.generic)


def _scalar(v) -> str:
    if _is_tensor_value(v):
        text = _body(np.asarray(v).reshape(()))
    else:
        text = repr(v)
    return f"({text})" if text.startswith("-") else text


def _value(v) -> str:
    return _body(v) if _is_tensor_value(v) else repr(v)


def substituted(formula: str, values) -> str | None:
    """The formula with its numbers in place, when it is plain arithmetic on one-element
    values (otherwise None: the values are listed beside it instead)."""
    vals = dict(values)
    if _NOT_ARITHMETIC.search(formula):
        return None
    for w in _WORD.findall(formula):
        if w not in vals and w not in _FUNCS:
            return None
    for v in vals.values():
        if v is None or isinstance(v, (tuple, list, str)) or np.size(v) != 1:
            return None
    return _WORD.sub(lambda m: _scalar(vals[m.group()]) if m.group() in vals else m.group(),
                     formula)


def _axes(axes) -> str:
    return ("axis " if len(axes) == 1 else "axes ") + ", ".join(str(a) for a in axes)


# ---------------------------------------------------------------- the shared description


def _header(r) -> tuple:
    exp = r.explanation
    lines = [(f"output {r.output}: shape {_shape(r.output_shape)}, value "
              f"{_body(r.output_value)}", None)]
    if exp.implicit_seed:
        lines.append((f"seed: 1 (implicit: {r.output} has one element)", None))
    else:
        lines.append((f"seed v = {_body(exp.seed)} (--grad, shape {_shape(exp.seed.shape)})",
                      None))
    count = f"{len(exp.steps)} step{'s' if len(exp.steps) != 1 else ''}"
    lines.append((f"{count}, in reverse topological order (the order "
                  f"backward visits the tensors)", "dim"))
    return f"explain {heading(r)}", lines


def _arrival_lines(out: str, step) -> list:
    head = f"d({out})/d({step.id})"
    arr = step.arrivals
    if len(arr) == 1:
        a = arr[0]
        where = "the seed" if a.source == "seed" else f"from {a.source}"
        return [(f"gradient arriving: {head} = {_body(step.grad)} ({where})", "bold")]
    if all(np.size(a.value) == 1 for a in arr):
        terms = " + ".join(f"{_scalar(a.value)} (via {a.source})" for a in arr)
        return [(f"gradient arriving: {head} = {terms} = {_body(step.grad)}", "bold")]
    lines = [(f"gradient arriving: {head}, the sum of {len(arr)} contributions:", "bold")]
    lines += [(f"  via {a.source}: {_body(a.value)}", None) for a in arr]
    lines.append((f"  sum: {_body(step.grad)}", "bold"))
    return lines


def _send_lines(step, send) -> list:
    target = (f"-> {send.to} ({send.input_name})" if send.to is not None
              else f"-> {send.input_name}")
    if send.skipped is not None:
        return [(f"{target}: {send.skipped}", "dim")]
    formula = send.formula or "(rule without a formula)"
    result = _body(send.rule_output)
    plugged = substituted(formula, send.values) if send.formula else None
    if plugged is not None and plugged != formula and plugged != result:
        lines = [(f"{target}: {formula} = {plugged} = {result}", "green")]
    else:
        lines = [(f"{target}: {formula} = {result}", "green")]
        shown = [(k, v) for k, v in send.values if k != "result" or "result" in formula]
        if shown and plugged is None and formula not in dict(shown):
            lines.append(("     with " + ", ".join(f"{k} = {_value(v)}" for k, v in shown),
                          None))
    if send.summed:
        rule_shape = np.shape(send.rule_output)
        uses = int(np.prod([rule_shape[a] for a in send.summed]))
        kept = (" (kept as size 1)" if send.kept == send.summed else
                f" ({_axes(send.kept)} kept as size 1)" if send.kept else "")
        lines.append((f"     broadcast: the rule gives shape {_shape(rule_shape)} but "
                      f"{send.to} has shape {_shape(np.shape(send.fitted))}: the forward "
                      f"broadcast it, each element used {uses} times, so the gradient is "
                      f"summed over {_axes(send.summed)}{kept} -> {_body(send.fitted)}",
                      "yellow"))
    return lines


def _step_block(out: str, step) -> tuple:
    if step.kind == "leaf":
        title = f"step {step.index}: {step.id} (leaf, AccumulateGrad), shape {_shape(step.shape)}"
    else:
        title = f"step {step.index}: {step.id} ({step.grad_fn}), shape {_shape(step.shape)}"
    lines = _arrival_lines(out, step)
    if step.kind == "op":
        rules = "; ".join(f"grad_{name} = {f}" for name, f in step.formulas)
        lines.append((f"local rule: {rules}" if rules else "local rule: (none recorded)",
                      "magenta"))
        for send in step.sends:
            lines += _send_lines(step, send)
    if step.stored == "leaf":
        lines.append((f"AccumulateGrad: {step.id}.grad = {_body(step.grad)}", "bold cyan"))
    elif step.stored == "retain_grad":
        lines.append((f"kept (--retain-grad): {step.id}.grad = {_body(step.grad)}", "cyan"))
    return title, lines


def _vjp_block(r) -> tuple | None:
    exp = r.explanation
    vjp = exp.vjp
    if vjp is None:
        return None
    out = r.output
    lines = [(f"{out} has shape {_shape(vjp.output_shape)}, so backward needs a gradient "
              f"vector v of that shape", None),
             (f"v = {_body(vjp.v)}", "bold"),
             (f"backward computes vᵀJ = d(sum_k v[k] * {out}[k]) / d(leaf): v weights the "
              f"output's elements", None)]
    if vjp.skipped:
        lines.append((f"J not shown: {vjp.skipped}", "dim"))
    for b in vjp.blocks:
        if b.skipped:
            lines.append((f"J = d({out})/d({b.wrt}) not shown: {b.skipped}", "dim"))
            continue
        m, n = b.jacobian.shape
        lines.append((f"J = d({out})/d({b.wrt}), {m} x {n} (row k: {out} element k; column "
                      f"j: {b.wrt} element j, row-major):", None))
        lines += [(row, None) for row in _block_text(b.jacobian, 2)]
        verdict = {True: f"equals {b.wrt}.grad", False: f"DIFFERS from {b.wrt}.grad = "
                   f"{_body(b.grad) if b.grad is not None else None}",
                   None: f"{b.wrt}.grad is None"}[b.matches]
        lines.append((f"vᵀJ = {_body(b.vjp)} (shape {_shape(b.shape)}), {verdict}",
                      "bold green" if b.matches else "bold red"))
    return "vector-Jacobian product", lines


def _none_block(r) -> tuple | None:
    exp = r.explanation
    if not exp.none:
        return None
    groups: dict = {}
    for n in exp.none:
        groups.setdefault((n.code, n.text), []).append(n.id)
    lines = [(f"{', '.join(ids)}: {text}", None) for (_, text), ids in groups.items()]
    return "why these grads are None", lines


def blocks(r) -> list:
    if r.explanation is None:
        return []
    exp = r.explanation
    out = [_header(r)]
    out += [_step_block(r.output, s) for s in exp.steps]
    grads = [(f"{k}.grad = {_body(v)}", "bold cyan") for k, v in exp.grads.items()]
    out.append(("leaf grads", grads or [("no leaf received a gradient", "dim")]))
    for extra in (_vjp_block(r), _none_block(r)):
        if extra is not None:
            out.append(extra)
    return out


# ---------------------------------------------------------------- the three forms


def plain_text(r) -> str:
    rows = []
    for title, lines in blocks(r):
        rows.append(title)
        rows += ["  " + text for text, _ in lines]
        rows.append("")
    if r.error is not None:
        rows.append(f"explain {heading(r)}")
        rows.append(f"  error: {r.error.type_name}: {r.error.message}")
        rows.append("")
    return "\n".join(rows) + "\n"


def _laid_out(text: str, grids: list, width: int) -> str:
    """A line with its placeholders replaced by torch's print of their tensors, fitted
    to `width` from the column each starts at (its later lines aligned under its
    first); a tensor whose rows would wrap where it starts starts on a line of its own."""
    from .render_tensor import _span, fitted, width_of

    parts = _PLACEHOLDER.split(text)
    if len(parts) == 1:
        return text
    out, col = [], 0
    for k, piece in enumerate(parts):
        if k % 2 == 0:
            out.append(piece)
            col = col + len(piece) if "\n" not in piece else len(piece.rpartition("\n")[2])
            continue
        data = grids[int(piece)]
        grid = fitted(data, width, indent=col)
        if col > 4:
            alone = fitted(data, width, indent=4)
            if alone.count("\n") < grid.count("\n") or _span(grid, col) > width:
                out.append("\n    ")  # its rows would wrap here: a line of its own
                col, grid = 4, alone
        out.append(grid)
        col = (col if "\n" not in grid else 0) + width_of(grid.rpartition("\n")[2])
    return "".join(out)


def renderable(r, width: int | None = None):
    """Rich panels laid out for `width` columns (default: the console's, --width)."""
    global _GRIDS
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    if width is None:
        from .case_options import make_console

        width = make_console(True).width
    parts = []
    _GRIDS = grids = []
    try:
        all_blocks = blocks(r)
    finally:
        _GRIDS = None
    inner = max(width - 4, 20)  # a panel's border and padding take four columns
    all_blocks = [(title, [(_laid_out(text, grids, inner if i else width), style)
                           for text, style in lines])
                  for i, (title, lines) in enumerate(all_blocks)]
    steps_shown = 0
    for i, (title, lines) in enumerate(all_blocks):
        is_step = title.startswith("step ")
        if is_step:
            steps_shown += 1
            if steps_shown > MAX_PANELS:
                continue
        body = Text("\n").join(Text(text, style=style or "") for text, style in lines)
        if i == 0:
            parts.append(Text(title, style="bold"))
            parts.append(body)
            continue
        parts.append(Panel(body, title=Text(title), title_align="left", expand=False,
                           border_style="blue" if is_step else "green"))
    if steps_shown > MAX_PANELS:
        parts.insert(2 + MAX_PANELS, Text(
            f"... {steps_shown - MAX_PANELS} more steps not shown as panels "
            f"(--format plain or json shows them all)", style="yellow"))
    if r.error is not None:
        parts.append(Text(f"explain {heading(r)}", style="bold"))
        parts.append(Text(f"error: {r.error.type_name}: {r.error.message}", style="bold red"))
    return Group(*parts)


def _jsonable(v):
    if isinstance(v, np.ndarray):
        return json_value(v)
    if isinstance(v, np.generic):
        return json_number(v.item())
    if isinstance(v, bool | int | str) or v is None:
        return v
    if isinstance(v, float):
        return json_number(v)
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    return str(v)


def record(r) -> dict:
    rec = {"line": r.line, "source": r.source, "output": r.output,
           "output_shape": list(r.output_shape), "seed": None, "implicit_seed": None,
           "steps": [], "grads": {}, "none": [], "vjp": None,
           "error": error_record(r.error) if r.error is not None else None}
    exp = r.explanation
    if exp is None:
        return rec
    rec["seed"] = json_value(exp.seed)
    rec["implicit_seed"] = exp.implicit_seed
    rec["steps"] = [_step_record(s) for s in exp.steps]
    rec["grads"] = {k: json_value(v) for k, v in exp.grads.items()}
    rec["none"] = [{"id": n.id, "reason": n.code, "detail": n.text} for n in exp.none]
    if exp.vjp is not None:
        v = exp.vjp
        rec["vjp"] = {"v": json_value(v.v), "output_shape": list(v.output_shape),
                      "skipped": v.skipped,
                      "jacobians": [{"wrt": b.wrt, "shape": list(b.shape),
                                     "jacobian": json_value(b.jacobian)
                                     if b.jacobian is not None else None,
                                     "vjp": json_value(b.vjp) if b.vjp is not None else None,
                                     "grad": json_value(b.grad) if b.grad is not None else None,
                                     "matches": b.matches, "skipped": b.skipped}
                                    for b in v.blocks]}
    return rec


def _step_record(s) -> dict:
    return {
        "step": s.index, "id": s.id, "kind": s.kind, "grad_fn": s.grad_fn,
        "shape": list(s.shape), "grad": json_value(s.grad),
        "arrivals": [{"from": a.source, "input_index": a.input_index,
                      "value": json_value(a.value)} for a in s.arrivals],
        "rules": [{"input_index": x.input_index, "input": x.input_name, "to": x.to,
                   "formula": x.formula, "values": {k: _jsonable(v) for k, v in x.values},
                   "rule_output": json_value(x.rule_output) if x.rule_output is not None
                   else None,
                   "rule_shape": list(np.shape(x.rule_output))
                   if x.rule_output is not None else None,
                   "sent": json_value(x.fitted) if x.fitted is not None else None,
                   "summed_axes": list(x.summed), "kept_axes": list(x.kept),
                   "skipped": x.skipped} for x in s.sends],
        "stored": s.stored,
    }


def json_line(r) -> str:
    return json.dumps(record(r), ensure_ascii=False)
