"""eval's three output forms: a Rich table, JSON Lines, and plain tab-separated text."""

import json

from .records import case_record


def value_text(data) -> str:
    from gradcli.engine.torch_repr import tensor_body

    return tensor_body(data)


def one_line(text: str) -> str:
    """A multi-line tensor body folded onto one line (for plain output)."""
    return " ".join(part.strip() for part in text.splitlines()) if "\n" in text else text


def json_line(result) -> str:
    return json.dumps(case_record(result), ensure_ascii=False)


def plain_lines(result) -> str:
    head = f"line={result.line}\tsource={result.source}\toutput={result.output}"
    rows = [head]
    for n in result.nodes:
        t = n.tensor
        rows.append("\t".join((
            f"line={result.line}", f"id={n.id}", f"expr={n.expr}",
            f"shape={list(t.data.shape)}", f"dtype={t.data.dtype.name}",
            f"value={one_line(value_text(t.data))}", f"requires_grad={t.requires_grad}",
            f"is_leaf={t.grad_fn is None}",
            f"grad_fn={t.grad_fn.name() if t.grad_fn is not None else None}",
            f"grad={one_line(value_text(n.grad.data)) if n.grad is not None else None}")))
    if result.error is not None:
        rows.append(f"line={result.line}\terror={result.error.type_name}: {result.error.message}")
    return "\n".join(rows) + "\n"


COLUMNS = ("id", "expr", "shape", "value", "requires_grad", "is_leaf", "grad_fn", "grad")


def table(results, with_line: bool):
    """One Rich table for a run of results (a batch shares one table)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    title = None
    if not with_line and results:
        r = results[0]
        title = f"{r.source}   (output: {r.output})" if r.output else r.source
    tbl = Table(title=title, box=box.SIMPLE_HEAVY, show_lines=False, title_justify="left")
    if with_line:
        tbl.add_column("line", justify="right", style="dim")
    for c in COLUMNS:
        tbl.add_column(c, no_wrap=c in ("id", "grad_fn", "shape", "requires_grad", "is_leaf"),
                       style={"id": "bold cyan", "grad_fn": "magenta", "grad": "green"}.get(c))
    for r in results:
        for n in r.nodes:
            t = n.tensor
            row = [n.id, n.expr, str(list(t.data.shape)), value_text(t.data),
                   str(t.requires_grad), str(t.grad_fn is None),
                   t.grad_fn.name() if t.grad_fn is not None else "None",
                   value_text(n.grad.data) if n.grad is not None else "None"]
            if with_line:
                row.insert(0, str(r.line))
            tbl.add_row(*[Text(x) for x in row])
        if r.error is not None:
            row = [Text("error", style="red"),
                   Text(f"{r.error.type_name}: {r.error.message}", style="bold red")]
            tbl.add_row(*(([Text(str(r.line))] if with_line else []) + row))
    return tbl
