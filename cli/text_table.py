"""Rich's SIMPLE_HEAVY table layout, written directly as text.

Rich measures and renders every cell through its segment machinery (~0.2 ms a cell), so a
10,000-case batch would spend most of its time drawing. Off a terminal there are no
colours to draw, and a table that fits the width needs no wrapping: then the layout is
simple enough to write here, character for character what Rich prints (a test holds the
two side by side). Anything else (too wide, a title to wrap) returns None: Rich draws it."""


def _width(text: str) -> int:
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def render(title, headers, rows, right=(), max_width=80):
    """headers: column names; rows: lists of cell strings (may hold newlines); right:
    indices of right-justified columns. Returns the text, or None if Rich must draw."""
    split = [[cell.split("\n") for cell in row] for row in rows]
    widths = [_width(h) for h in headers]
    for row in split:
        for i, lines in enumerate(row):
            for line in lines:
                w = _width(line)
                if w > widths[i]:
                    widths[i] = w
    total = sum(widths) + 3 * len(widths) + 1
    if total > max_width or (title and _width(title) > total):
        return None
    out = []
    if title:
        out.append(title + " " * (total - _width(title)))
    blank = " " * total
    out.append(blank)
    out.append(_line(headers, widths, right))
    out.append(" " + "━" * (total - 2) + " ")
    for row in split:
        height = max(len(lines) for lines in row)
        for k in range(height):
            out.append(_line([lines[k] if k < len(lines) else "" for lines in row],
                             widths, right))
    out.append(blank)
    return "\n".join(out) + "\n"


def _line(cells, widths, right) -> str:
    parts = []
    for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
        pad = " " * (w - _width(cell))
        parts.append(" " + (pad + cell if i in right else cell + pad) + " ")
    return " " + " ".join(parts) + " "
