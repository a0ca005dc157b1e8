"""Python keywords outside gradcli's subset, and the error that names one. Its own module
so that the grammar loader and the tree builder (parser/ast.py) both read it without
importing each other."""

from ..engine.errors import UnsupportedError

# Python keywords outside gradcli's subset: a line starting with one is refused by name.
UNSUPPORTED = ("def", "class", "lambda", "return", "yield", "try", "except", "finally",
               "raise", "global", "nonlocal", "del", "assert", "async", "await", "while")


def unsupported_keyword(word: str, line: int, column: int):
    """The error for a Python keyword outside the subset (`def`, `lambda`, `while`...)."""
    return UnsupportedError(f"'{word}' is not supported: gradcli runs a PyTorch subset "
                            f"without functions, lambdas, classes, while loops or exceptions",
                            line=line, column=column)
