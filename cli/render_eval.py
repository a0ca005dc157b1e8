"""eval's three output forms: a Rich table, JSON Lines, and plain tab-separated text."""

import re

from .records import case_json
from .render_tensor import AUTO_SUMMARY


def value_text(data) -> str:
    from gradcli.engine.torch_repr import tensor_body

    return tensor_body(data)


def one_line(text: str) -> str:
    """A multi-line tensor body folded onto one line (for plain output)."""
    return " ".join(part.strip() for part in text.splitlines()) if "\n" in text else text


def json_line(result, summary: bool = False) -> str:
    """The case's JSON record; with --summary each value and grad of one dimension or
    more is its summary object (shape, dtype, numel, min, max, mean, norm, first,
    last) instead of every element."""
    if not summary or not any(n.tensor.data.ndim or (n.grad is not None and n.grad.data.ndim)
                              for n in result.nodes):
        return case_json(result)
    import json

    from .records import error_record

    rec = {"line": result.line, "source": result.source, "output": result.output,
           "nodes": [_summary_node(n) for n in result.nodes],
           "error": error_record(result.error) if result.error is not None else None}
    return json.dumps(rec, ensure_ascii=False)


def _summary_node(node) -> dict:
    from .records import dtype_name, json_value
    from .render_tensor import summary_json

    def shown(data):
        return summary_json(data) if data.ndim else json_value(data)

    t = node.tensor
    return {"id": node.id, "expr": node.expr, "shape": list(t.data.shape),
            "dtype": dtype_name(t.data.dtype), "value": shown(t.data),
            "requires_grad": t.requires_grad, "is_leaf": t.grad_fn is None,
            "grad_fn": t.grad_fn.name() if t.grad_fn is not None else None,
            "grad": shown(node.grad.data) if node.grad is not None else None}


def _plain_value(data, summary: bool) -> str:
    if summary and data.ndim:
        from .render_tensor import summary_line

        return summary_line(data)
    return one_line(value_text(data))


def plain_lines(result, summary: bool = False) -> str:
    head = f"line={result.line}\tsource={result.source}\toutput={result.output}"
    rows = [head]
    for n in result.nodes:
        t = n.tensor
        rows.append("\t".join((
            f"line={result.line}", f"id={n.id}", f"expr={n.expr}",
            f"shape={list(t.data.shape)}", f"dtype={t.data.dtype.name}",
            f"value={_plain_value(t.data, summary)}", f"requires_grad={t.requires_grad}",
            f"is_leaf={t.grad_fn is None}",
            f"grad_fn={t.grad_fn.name() if t.grad_fn is not None else None}",
            f"grad={_plain_value(n.grad.data, summary) if n.grad is not None else None}")))
    if result.error is not None:
        rows.append(f"line={result.line}\terror={result.error.type_name}: {result.error.message}")
    return "\n".join(rows) + "\n"


COLUMNS = ("id", "expr", "shape", "value", "requires_grad", "is_leaf", "grad_fn", "grad")
# when the table must narrow to fit, the two boolean columns take short headers (their
# cells stay PyTorch's True/False) and a legend under the table names them
SHORT = {"requires_grad": "req", "is_leaf": "leaf"}
LEGEND = "req: requires_grad, leaf: is_leaf"
FLEXIBLE = ("expr", "value", "grad")  # the columns that narrow; the others never wrap
MIN_EXPR = 8  # an expression is elided below its length only down to this
LEAF_EXPR = 20  # a leaf's literal (its value again) asks for no wider a column
EXPR_KEEP = 16  # an expression cut anyway keeps this much before tensors move below
_LITERAL = re.compile(r"(tensor\()?[-+\d.\[(]")  # `[[1.,2.]]`, `-1.5`, `tensor([0], ...)`


TABLE_ROWS = 1000  # Rich measures every cell of a table: long tables are cut into pieces


def _title(results, with_line: bool, width: int = 10**6):
    """The case above its table; `(output: y)` on a line of its own when the line would
    be wider than the table (Rich would wrap it anywhere)."""
    if with_line or not results:
        return None
    r = results[0]
    if not r.output:
        return r.source
    one = f"{r.source}   (output: {r.output})"
    from .render_tensor import width_of

    return one if width_of(one) <= width else f"{r.source}\n(output: {r.output})"


def _w(text: str) -> int:
    """width_of for a table cell: a one-line ASCII cell (almost all) is its length."""
    if text.isascii() and "\n" not in text:
        return len(text)
    from .render_tensor import width_of

    return width_of(text)


def _table_width(headers, rows) -> int:
    widths = [len(h) for h in headers]
    for row, _ in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], _w(cell))
    return sum(widths) + 2 * len(widths) + 2


TABLE_EXPR = 60  # a table column, not a record: long expressions are elided in the middle


def _short(expr: str, width: int = TABLE_EXPR) -> str:
    width = min(width, TABLE_EXPR)
    if len(expr) <= width:
        return expr
    half = (width - 1) // 2
    return f"{expr[:half]}…{expr[len(expr) - (width - 1 - half):]}"


def _summarised(data, summary: bool) -> bool:
    """A value shown as a summary: --summary (every tensor of one dimension or more), or
    above torch's print threshold (1,000 elements) in a table."""
    return data.ndim > 0 and data.size > 0 and (summary or data.size > AUTO_SUMMARY)


class _Cell:
    """A value or grad cell: torch's print of the tensor (or its summary), in the table
    when it fits its column at its own width, else below the table (BELOW marks it)."""

    __slots__ = ("data", "summary", "label", "_text", "_natural")

    def __init__(self, data, summary: bool, label: str):
        self.data, self.summary, self.label = data, _summarised(data, summary), label
        self._text = self._natural = None

    def text(self) -> str:
        if self._text is None:
            from .render_tensor import summary_cell

            if self.data.ndim == 0:
                self._text = value_text(self.data)
            elif self.summary:
                self._text = summary_cell(self.data, 80)
            else:
                self._text = value_text(self.data)
        return self._text

    def natural(self) -> int:
        if self._natural is None:  # asked once per layout pass (and in its sorts)
            self._natural = _w(self.text())
        return self._natural

    def block(self, width: int) -> str:
        """`label = ` and the tensor laid out for the rest of the line, its later lines
        aligned under its first."""
        from .render_tensor import fitted, summary_cell

        head = f"{self.label} = "
        if self.summary:
            pad = "\n" + " " * len(head)
            return head + pad.join(summary_cell(self.data, max(width - len(head), 20))
                                   .split("\n"))
        return head + fitted(self.data, width, indent=len(head))


BELOW = "↓"  # a value or grad cell whose tensor is printed under the table


class _Message:
    """An error row's message in the expr column: wrapped to the column's width."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message

    def natural(self) -> int:
        return len(self.message)

    def wrapped(self, width: int) -> str:
        import textwrap

        return "\n".join(textwrap.wrap(self.message, max(width, 10),
                                        break_on_hyphens=False)) or self.message


def _raw_rows(results, with_line: bool, summary: bool) -> list:
    """(cells, is_error) per row; the expr, value and grad cells still to be laid out."""
    rows = []
    for r in results:
        where = f"line {r.line}: " if with_line else ""
        for n in r.nodes:
            t = n.tensor
            row = [n.id, n.expr, str(list(t.data.shape)), _Cell(t.data, summary, where + n.id),
                   str(t.requires_grad), str(t.grad_fn is None),
                   t.grad_fn.name() if t.grad_fn is not None else "None",
                   _Cell(n.grad.data, summary, f"{where}{n.id}.grad")
                   if n.grad is not None else "None"]
            if with_line:
                row.insert(0, str(r.line))
            rows.append((row, False))
        if r.error is not None:
            row = ["error", _Message(f"{r.error.type_name}: {r.error.message}")]
            rows.append((([str(r.line)] if with_line else []) + row
                         + [""] * (len(COLUMNS) - 2), True))
    return rows


def _cell_width(cell) -> int:
    return _w(cell) if isinstance(cell, str) else cell.natural()


def layout(results, with_line: bool, width: int, summary: bool = False):
    """(headers, rows of cell strings with is_error, notes under the table) fitting
    `width` columns where they can. Values and grads are torch's print, never wrapped
    mid-row: one too wide for its column is printed under the table, at the full width,
    as `id = [[...]]` (`↓` in its cell). The expression keeps its length while
    moving tensors below makes room; requires_grad and is_leaf take short headers (and
    a legend) only when the full ones do not fit."""
    raw = _raw_rows(results, with_line, summary)
    names = (("line",) if with_line else ()) + COLUMNS
    e = names.index("expr")
    tensors = [names.index("value"), names.index("grad")]
    fn = names.index("grad_fn")
    nat = [len(h) for h in names]
    computed = len("expr")  # the widest expression of a computed node (not a leaf)
    for i in range(len(names)):  # the plain columns: their widest cell
        if i != e and i not in tensors:
            nat[i] = max(nat[i], _column_width([cells[i] for cells, _ in raw]))
    for cells, is_error in raw:
        w = _cell_width(cells[e])
        if not is_error and cells[fn] == "None" and _LITERAL.match(cells[e]):
            w = min(w, LEAF_EXPR)  # a leaf's literal repeats its value
        else:
            computed = max(computed, w)
        nat[e] = max(nat[e], w)
    nat[e] = min(nat[e], max(TABLE_EXPR, len("expr")))
    wanted = nat[e]
    computed = min(computed, nat[e])
    cells = [(i, row[i]) for row, _ in raw for i in tensors if isinstance(row[i], _Cell)]
    for i, c in cells:
        nat[i] = max(nat[i], c.natural())
    overhead = 2 * len(names) + 2  # collapse_padding: two spaces between columns
    headers, notes, below = list(names), [], set()
    if sum(nat) + overhead > width:
        notes.append(LEGEND)  # narrow the boolean columns first
        for full, short in SHORT.items():
            i = names.index(full)
            headers[i] = short
            nat[i] = max([len(short)] + [_cell_width(c[i]) for c, _ in raw])
        # then shorten leaves' literals (their values are in the table too) down to
        # the computed expressions' width
        excess = sum(nat) + overhead - width
        if excess > 0:
            nat[e] = max(computed, MIN_EXPR, nat[e] - excess)
        # then move the widest tensors under the table until the row fits
        floor = {i: max([len(names[i]), len(BELOW)] + [_cell_width(row[i]) for row, _ in raw
                                                        if isinstance(row[i], str)])
                 for i in tensors}
        # an expression that cannot fit even with every tensor below is cut anyway:
        # tensors move only to keep EXPR_KEEP of it
        bare = sum(nat) - sum(nat[i] for i in tensors) + sum(floor.values()) + overhead
        if bare > width:
            nat[e] = min(nat[e], EXPR_KEEP)  # the room left over comes back below
        waiting = sorted(((i, c) for i, c in cells if c.data.ndim),  # numbers stay
                         key=lambda ic: ic[1].natural())
        while sum(nat) + overhead > width and waiting:
            i, c = waiting.pop()
            below.add(id(c))
            nat[i] = max([floor[i]] + [d.natural() for j, d in cells
                                        if j == i and id(d) not in below])
        # a tensor moved early may fit again in the room the later moves made
        for i, c in sorted(((i, c) for i, c in cells if id(c) in below),
                           key=lambda ic: ic[1].natural()):
            grow = max(0, c.natural() - nat[i])
            if sum(nat) + overhead + grow <= width:
                below.discard(id(c))
                nat[i] += grow
        if sum(nat) + overhead > width:  # the expression gives way last
            nat[e] = max(min(nat[e], MIN_EXPR), nat[e] - (sum(nat) + overhead - width))
        elif nat[e] < wanted:  # room left over: the literals take it back
            nat[e] = min(wanted, nat[e] + width - sum(nat) - overhead)
    rows, blocks = [], []
    for cells_, is_error in raw:
        row = list(cells_)
        for i, cell in enumerate(cells_) if is_error else ((e, cells_[e]),):
            if isinstance(cell, _Message):
                row[i] = cell.wrapped(nat[i])
            elif i == e:
                row[i] = _short(cell, nat[i])
        for i in tensors:  # value then grad, as they stand in the row
            cell = row[i]
            if isinstance(cell, _Cell):
                if id(cell) in below:
                    row[i] = BELOW
                    blocks.append(cell.block(width))
                else:
                    row[i] = cell.text()
        rows.append((row, is_error))
    return headers, rows, notes + blocks


def _column_width(column) -> int:
    """The widest of a column's cells: one C-level pass when all are one-line ASCII."""
    if all(isinstance(c, str) for c in column):
        text = "".join(column)
        if text.isascii() and "\n" not in text:
            return max(map(len, column), default=0)
    return max(map(_cell_width, column), default=0)


def table_text(results, with_line: bool, max_width: int, summary: bool = False):
    """The tables as plain text (off a terminal), or None when Rich must lay them out."""
    from .text_table import render

    headers, rows, notes = layout(results, with_line, max_width, summary)
    # a batch's tables (with_line) have no title: no need to measure them for one
    title = None if with_line or not results else _title(results, with_line,
                                                         _table_width(headers, rows))
    rows = [row for row, _ in rows]
    pieces = [rows[i:i + TABLE_ROWS] for i in range(0, len(rows), TABLE_ROWS)] or [[]]
    if len(pieces) > 1 and title:
        title = f"{title[:200]}   ({len(rows):,} rows, shown {TABLE_ROWS:,} per table)"
    texts = [render(title if k == 0 else None, headers, piece, right=(0,) if with_line else (),
                    max_width=max_width) for k, piece in enumerate(pieces)]
    if None in texts:
        return None
    return "".join(texts) + "".join(note + "\n" for note in notes)


def table(results, with_line: bool, width: int = 80, summary: bool = False):
    """Rich tables for a run of results (a batch shares them), at most TABLE_ROWS rows
    each, laid out for `width` columns, as one renderable."""
    from rich.console import Group
    from rich.text import Text

    headers, laid, notes = layout(results, with_line, width, summary)
    title = _title(results, with_line, _table_width(headers, laid))
    rows = []
    for row, is_error in laid:
        cells = [Text(x) for x in row]
        if is_error:
            cells[-len(COLUMNS)].stylize("red")
            cells[-len(COLUMNS) + 1].stylize("bold red")
        rows.append(cells)
    pieces = [rows[i:i + TABLE_ROWS] for i in range(0, len(rows), TABLE_ROWS)] or [[]]
    if len(pieces) > 1 and title:
        title = f"{title[:200]}   ({len(rows):,} rows, shown {TABLE_ROWS:,} per table)"
    parts = [_table(piece, headers, with_line, title if k == 0 else None)
             for k, piece in enumerate(pieces)]
    parts += [Text(note, style="dim" if note == LEGEND else "") for note in notes]
    return Group(*parts)


def _table(rows, headers, with_line: bool, title):
    from rich import box
    from rich.table import Table

    tbl = Table(title=title, box=box.SIMPLE_HEAVY, show_lines=False, title_justify="left",
                collapse_padding=True)
    names = (("line",) if with_line else ()) + COLUMNS
    for name, header in zip(names, headers, strict=True):
        if name == "line":
            tbl.add_column(header, justify="right", style="dim")
            continue
        tbl.add_column(header, no_wrap=name not in FLEXIBLE,
                       style={"id": "bold cyan", "grad_fn": "magenta", "grad": "green"}.get(name))
    for row in rows:
        tbl.add_row(*row)
    return tbl
