"""Syntax errors people make writing maths as on paper, told as Python 3.11 tells them
plus a hint (issue 21.3): `2x` is Python's `invalid decimal literal` (the caret
under the number's last digit) with "write 2*x"; `x ^ 2` is a power written as xor."""

import re

# a number run straight into a name: 2x, 3.5w, 10sin(x)
_GLUED = re.compile(r"(?<![\w.])(\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?)([A-Za-z_]\w*)")


def refine(err, src: str):
    """Reword/annotate a GradcliSyntaxError `err` raised for the line `src`; returns it."""
    col = err.column or 0
    for m in _GLUED.finditer(src):
        if m.start(2) <= col - 1 <= m.end(2) or m.start(1) <= col - 1 < m.start(2):
            err.message = "invalid decimal literal"
            err.args = (err.message,)
            err.column = m.end(1)  # Python's caret: the number's last character
            err.hint = f"write {m.group(1)}*{m.group(2)} for a product"
            return err
    if 0 < col <= len(src) and src[col - 1] == "^":
        example = f"{_operand_before(src[:col - 1])} ** {_operand_after(src[col:])}"
        err.hint = ("'^' is bitwise xor in Python and PyTorch (on float tensors PyTorch "
                    "raises: \"bitwise_xor_cpu\" not implemented for 'Float'), not a power: "
                    f"write {example}")
    return err


def _operand_before(text: str) -> str:
    text = text.rstrip()
    if text.endswith(")"):  # the bracketed group that ends here
        depth = 0
        for i in range(len(text) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(text[i], 0)
            if depth == 0:
                return text[i:]
    m = re.search(r"[\w.]+$", text)
    return m.group() if m else "x"


def _operand_after(text: str) -> str:
    m = re.match(r"\s*(-?[\w.]+)", text)
    return m.group(1) if m else "2"
