"""`gradcli plot` in the terminal: a line plot drawn in Unicode braille (2x4 dots a cell).

A small renderer of our own rather than a plotting library: it costs no dependency and
no start-up time beyond Rich, which prints it. Every series shares one y axis (as
matplotlib draws them on one Axes), has its own colour, and is named at its right end and
in the legend, so the plot still reads without colour (NO_COLOR, --no-color, a pipe).
Steps the task marks as breaks (non-finite points, jumps) are not joined."""

import math

import numpy as np

COLORS = ("blue", "dark_orange", "green", "red", "magenta", "cyan")  # matplotlib's order
HEIGHT = 16  # rows of text: 64 dots
_DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # [row][column] bits


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round values (1, 2 or 5 times a power of ten apart) between lo and hi."""
    if not hi > lo:
        return [lo]
    raw = (hi - lo) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = min((m * power for m in (1, 2, 5, 10)), key=lambda s: abs(math.log(s / raw)))
    first = math.ceil(lo / step - 1e-9)
    ticks = []
    k = first
    while k * step <= hi + step * 1e-9:
        ticks.append(k * step)
        k += 1
    return ticks


def tick_label(value: float, ticks: list[float]) -> str:
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else abs(value) or 1.0
    big = max(abs(t) for t in ticks)
    if big >= 1e5 or step < 1e-4:
        text = f"{value:.3g}"
    else:
        decimals = max(0, -math.floor(math.log10(step) + 1e-9))
        text = f"{value:.{decimals}f}"
    return "0" if text.lstrip("-") in ("0", "0.0", "0.00", "0.000") else text


def render(result, width: int, title: str) -> list[list[tuple[str, str | None]]]:
    """The plot as lines of (text, style) spans, `width` characters wide at most."""
    x = np.asarray(result.x, np.float64)
    series = result.series
    finite = np.concatenate([s.values[np.isfinite(s.values)] for s in series]) \
        if series else np.empty(0)
    lines: list[list[tuple[str, str | None]]] = [[(title, "bold")]]
    if finite.size == 0:
        lines.append([("(no finite values in this range)", None)])
        return lines
    ymin, ymax = float(finite.min()), float(finite.max())
    clipped = False
    lo2, hi2 = (float(v) for v in np.percentile(finite, [2, 98]))
    if hi2 > lo2 and ymax - ymin > 20 * (hi2 - lo2):
        # a pole (1/x, tan) would flatten everything else: show the bulk of the values
        # and let the spikes run off the frame
        ymin, ymax, clipped = lo2 - (hi2 - lo2) * 0.25, hi2 + (hi2 - lo2) * 0.25, True
    if ymax - ymin < 1e-12 * max(1.0, abs(ymax)):
        pad = max(1.0, abs(ymax)) * 0.5
        ymin, ymax = ymin - pad, ymax + pad
    else:
        margin = (ymax - ymin) * 0.04
        ymin, ymax = ymin - margin, ymax + margin
    yticks = nice_ticks(ymin, ymax, 5)
    ylabels = [tick_label(t, yticks) for t in yticks]
    gutter = max(len(t) for t in ylabels) + 1
    names = [s.label for s in series]
    right = max(len(n) for n in names) + 2
    cols = max(10, width - gutter - 1 - right)
    rows = HEIGHT
    xlo, xhi = float(x[0]), float(x[-1])

    def px(v):
        return np.rint((v - xlo) / (xhi - xlo) * (2 * cols - 1)).astype(np.int64)

    def py(v):
        return np.rint((ymax - v) / (ymax - ymin) * (4 * rows - 1))

    bits = np.zeros((rows, cols), np.int64)
    owner = np.full((rows, cols), -1, np.int64)
    ends = []  # (row of the last finite value, series index)
    dx = px(x)
    for k in reversed(range(len(series))):  # y drawn last: on top where they overlap
        s = series[k]
        dy = py(np.where(np.isfinite(s.values), s.values, np.nan))
        ok = np.isfinite(dy)
        drawn = np.zeros(len(x), bool)
        for i in range(len(x) - 1):
            if ok[i] and ok[i + 1] and not s.breaks[i]:
                _line(bits, owner, k, float(dx[i]), float(dy[i]), float(dx[i + 1]),
                      float(dy[i + 1]))
                drawn[i] = drawn[i + 1] = True
        for i in np.nonzero(ok & ~drawn)[0]:  # an isolated point: one dot
            if 0 <= dy[i] < 4 * rows:
                _dot(bits, owner, k, int(dx[i]), int(dy[i]))
        last = np.nonzero(ok)[0]
        if last.size:
            ends.append((min(max(int(dy[last[-1]]), 0), 4 * rows - 1) // 4, k))
    tick_rows = {}
    for t, label in zip(yticks, ylabels, strict=True):
        r = int(py(np.float64(t))) // 4
        if 0 <= r < rows:
            tick_rows.setdefault(r, label)
    marks = _place_labels(ends, rows)
    for r in range(rows):
        label = tick_rows.get(r)
        row: list[tuple[str, str | None]] = [
            ((label or "").rjust(gutter - 1) + " " + ("┤" if label else "│"), None)]
        row.extend(_cells(bits[r], owner[r]))
        if r in marks:
            k = marks[r]
            row.append((" " + names[k], COLORS[k % len(COLORS)]))
        lines.append(row)
    xticks = [t for t in nice_ticks(xlo, xhi, max(2, cols // 10)) if xlo <= t <= xhi]
    axis = ["─"] * cols
    under = [" "] * (cols + gutter + right + 12)
    for t in xticks:
        c = int(px(np.float64(t))) // 2
        axis[min(c, cols - 1)] = "┬"
        text = tick_label(t, xticks)
        start = gutter + c - len(text) // 2
        start = max(0, start)
        if all(ch == " " for ch in under[max(0, start - 1):start + len(text) + 1]):
            under[start:start + len(text)] = list(text)
    lines.append([(" " * (gutter - 1) + " └" + "".join(axis), None)])
    var_label = f"  {result.var}"
    lines.append([("".join(under).rstrip() + var_label, None)])
    legend: list[tuple[str, str | None]] = []
    for k, name in enumerate(names):
        legend.append(("  " if k else " " * gutter, None))
        legend.append((f"━━ {name}", COLORS[k % len(COLORS)]))
    if clipped:
        legend.append(("  (values beyond the frame cut off)", None))
    lines.append(legend)
    return lines


def _dot(bits, owner, k, x, y):
    r, c = y // 4, x // 2
    if 0 <= r < bits.shape[0] and 0 <= c < bits.shape[1]:
        bits[r, c] |= _DOTS[y % 4][x % 2]
        owner[r, c] = k


def _line(bits, owner, k, x0, y0, x1, y1):
    """The dots of a straight line, cut to the frame's rows first (a spike running off
    the frame must not cost a dot per unit of its height)."""
    top, bottom = -0.5, bits.shape[0] * 4 - 0.5
    if (y0 < top and y1 < top) or (y0 > bottom and y1 > bottom):
        return
    if y0 != y1:
        t0, t1 = (top - y0) / (y1 - y0), (bottom - y0) / (y1 - y0)
        lo, hi = max(0.0, min(t0, t1)), min(1.0, max(t0, t1))
        x0, y0, x1, y1 = (x0 + (x1 - x0) * lo, y0 + (y1 - y0) * lo,
                          x0 + (x1 - x0) * hi, y0 + (y1 - y0) * hi)
    x0, y0, x1, y1 = (int(round(v)) for v in (x0, y0, x1, y1))
    n = max(abs(x1 - x0), abs(y1 - y0))
    if n == 0:
        _dot(bits, owner, k, x0, y0)
        return
    for j in range(n + 1):
        _dot(bits, owner, k, x0 + round((x1 - x0) * j / n), y0 + round((y1 - y0) * j / n))


def _cells(bits_row, owner_row) -> list[tuple[str, str | None]]:
    """One text row: runs of cells of one series become one span."""
    spans: list[tuple[str, str | None]] = []
    run, style = [], None
    for b, k in zip(bits_row.tolist(), owner_row.tolist(), strict=True):
        st = COLORS[k % len(COLORS)] if b else None
        if st != style and run:
            spans.append(("".join(run), style))
            run = []
        style = st
        run.append(chr(0x2800 + b) if b else " ")
    if run:
        spans.append(("".join(run), style))
    return spans


def _place_labels(ends, rows) -> dict:
    """Each series' name beside its last value, moved to the nearest free row."""
    taken: dict = {}
    for r, k in sorted(ends, key=lambda e: e[1]):
        for d in range(rows):
            for cand in (r + d, r - d):
                if 0 <= cand < rows and cand not in taken:
                    taken[cand] = k
                    break
            else:
                continue
            break
    return taken


def plain(lines) -> str:
    return "".join("".join(text for text, _ in line).rstrip() + "\n" for line in lines)


def rich_text(lines):
    from rich.text import Text

    out = Text()
    for line in lines:
        for text, style in line:
            out.append(text, style=style)
        out.append("\n")
    return out
