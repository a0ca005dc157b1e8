"""eval's three output forms: a Rich table, JSON Lines, and plain tab-separated text."""

from .records import case_json


def value_text(data) -> str:
    from gradcli.engine.torch_repr import tensor_body

    return tensor_body(data)


def one_line(text: str) -> str:
    """A multi-line tensor body folded onto one line (for plain output)."""
    return " ".join(part.strip() for part in text.splitlines()) if "\n" in text else text


def json_line(result) -> str:
    return case_json(result)


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


TABLE_ROWS = 1000  # Rich measures every cell of a table: long tables are cut into pieces


def _title(results, with_line: bool):
    if with_line or not results:
        return None
    r = results[0]
    return f"{r.source}   (output: {r.output})" if r.output else r.source


TABLE_EXPR = 60  # a table column, not a record: long expressions are elided in the middle


def _short(expr: str) -> str:
    if len(expr) <= TABLE_EXPR:
        return expr
    half = (TABLE_EXPR - 1) // 2
    return f"{expr[:half]}…{expr[-half:]}"


def _rows(results, with_line: bool) -> list:
    """(cell strings, is_error) per row; an error row is [line,] "error", message."""
    rows = []
    for r in results:
        for n in r.nodes:
            t = n.tensor
            row = [n.id, _short(n.expr), str(list(t.data.shape)), value_text(t.data),
                   str(t.requires_grad), str(t.grad_fn is None),
                   t.grad_fn.name() if t.grad_fn is not None else "None",
                   value_text(n.grad.data) if n.grad is not None else "None"]
            if with_line:
                row.insert(0, str(r.line))
            rows.append((row, False))
        if r.error is not None:
            row = ["error", f"{r.error.type_name}: {r.error.message}"]
            rows.append((([str(r.line)] if with_line else []) + row
                         + [""] * (len(COLUMNS) - 2), True))
    return rows


def table_text(results, with_line: bool, max_width: int):
    """The tables as plain text (off a terminal), or None when Rich must lay them out."""
    from .text_table import render

    title = _title(results, with_line)
    headers = (("line",) if with_line else ()) + COLUMNS
    rows = [row for row, _ in _rows(results, with_line)]
    pieces = [rows[i:i + TABLE_ROWS] for i in range(0, len(rows), TABLE_ROWS)] or [[]]
    if len(pieces) > 1 and title:
        title = f"{title[:200]}   ({len(rows):,} rows, shown {TABLE_ROWS:,} per table)"
    texts = [render(title if k == 0 else None, headers, piece, right=(0,) if with_line else (),
                    max_width=max_width) for k, piece in enumerate(pieces)]
    return None if None in texts else "".join(texts)


def table(results, with_line: bool):
    """Rich tables for a run of results (a batch shares them), at most TABLE_ROWS rows
    each, as one renderable."""
    from rich.console import Group
    from rich.text import Text

    title = _title(results, with_line)
    rows = []
    for row, is_error in _rows(results, with_line):
        cells = [Text(x) for x in row]
        if is_error:
            cells[-len(COLUMNS)].stylize("red")
            cells[-len(COLUMNS) + 1].stylize("bold red")
        rows.append(cells)
    pieces = [rows[i:i + TABLE_ROWS] for i in range(0, len(rows), TABLE_ROWS)] or [[]]
    if len(pieces) > 1 and title:
        title = f"{title[:200]}   ({len(rows):,} rows, shown {TABLE_ROWS:,} per table)"
    return Group(*(_table(piece, with_line, title if k == 0 else None)
                   for k, piece in enumerate(pieces)))


def _table(rows, with_line: bool, title):
    from rich import box
    from rich.table import Table

    tbl = Table(title=title, box=box.SIMPLE_HEAVY, show_lines=False, title_justify="left")
    if with_line:
        tbl.add_column("line", justify="right", style="dim")
    for c in COLUMNS:
        tbl.add_column(c, no_wrap=c in ("id", "grad_fn", "shape", "requires_grad", "is_leaf"),
                       style={"id": "bold cyan", "grad_fn": "magenta", "grad": "green"}.get(c))
    for row in rows:
        tbl.add_row(*row)
    return tbl
