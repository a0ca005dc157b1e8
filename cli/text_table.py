"""Rich's SIMPLE_HEAVY table layout (collapse_padding: two spaces between columns),
written directly as text.

Rich measures and renders every cell through its segment machinery (~0.2 ms a cell), so a
10,000-case batch would spend most of its time drawing. Off a terminal there are no
colours to draw, and a table that fits the width needs no wrapping: then the layout is
simple enough to write here, character for character what Rich prints (a test holds the
two side by side). Anything else (too wide, a title to wrap) returns None: Rich draws it."""


# False: every table through the general measuring below (the reference that
# tests/test_table_text_fast.py holds _render_plain to)
FAST = True


def _width(text: str) -> int:
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def render(title, headers, rows, right=(), max_width=80):
    """headers: column names; rows: lists of cell strings (may hold newlines); right:
    indices of right-justified columns. Returns the text, or None if Rich must draw."""
    if FAST and _plain(headers, rows, title):
        return _render_plain(title, headers, rows, right, max_width)
    # each cell as its lines, each line with its width (measured once)
    measured = [[[(line, _width(line)) for line in cell.split("\n")] for cell in row]
                for row in rows]
    widths = [_width(h) for h in headers]
    for row in measured:
        for i, lines in enumerate(row):
            for _line_text, w in lines:
                if w > widths[i]:
                    widths[i] = w
    total = sum(widths) + 2 * len(widths) + 2
    if total > max_width or (title and ("\n" in title or _width(title) > total)):
        return None
    out = []
    if title:
        out.append(title + " " * (total - _width(title)))
    blank = " " * total
    out.append(blank)
    out.append(_line([(h, _width(h)) for h in headers], widths, right))
    out.append(" " + "━" * (total - 2) + " ")
    empty = ("", 0)
    for row in measured:
        height = max(len(lines) for lines in row)
        for k in range(height):
            out.append(_line([lines[k] if k < len(lines) else empty for lines in row],
                             widths, right))
    out.append(blank)
    return "\n".join(out) + "\n"


def _line(cells, widths, right) -> str:
    """One text line of a row: cells as (text, width), padded to the column widths."""
    parts = []
    for i, ((cell, cw), w) in enumerate(zip(cells, widths, strict=True)):
        pad = " " * (w - cw)
        parts.append(pad + cell if i in right else cell + pad)
    return "  " + "  ".join(parts) + "  "


def _plain(headers, rows, title) -> bool:
    """Every cell one line of ASCII, or of the table's own one-column marks (an elided
    expression's `…`, a moved tensor's `↓`): its width is its length. One pass over the
    joined text decides it."""
    text = "".join("".join(row) for row in rows) + "".join(headers) + (title or "")
    return "\n" not in text and text.replace("…", "").replace("↓", "").isascii()


def _render_plain(title, headers, rows, right, max_width):
    """render() for one-line cells whose width is their length: the same characters,
    each line one format."""
    widths = [len(h) for h in headers]
    for i, column in enumerate(zip(*rows, strict=True)):
        w = max(map(len, column))
        if w > widths[i]:
            widths[i] = w
    total = sum(widths) + 2 * len(widths) + 2
    if total > max_width or (title and len(title) > total):
        return None
    fmt = "  " + "  ".join(f"{{:{'>' if i in right else '<'}{w}}}"
                           for i, w in enumerate(widths)) + "  "
    blank = " " * total
    out = [title + " " * (total - len(title))] if title else []
    out += [blank, fmt.format(*headers), " " + "━" * (total - 2) + " "]
    out += [fmt.format(*row) for row in rows]
    out.append(blank)
    return "\n".join(out) + "\n"
