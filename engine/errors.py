"""Typed errors. The engine and the parser raise these and never print; the CLI edge
turns them into `gradcli: <where>: <Type>: <message>` lines."""


class GradcliError(Exception):
    """An error the user caused, reported as `<type_name>: <message>`.

    `type_name` is the Python/PyTorch exception name the user would see from PyTorch
    (RuntimeError, IndexError, ...); `column` (1-based) points into the source line where
    the failing construct starts, when known."""

    type_name = "Error"

    def __init__(self, message: str, *, type_name: str | None = None, column: int | None = None,
                 line: int | None = None):
        super().__init__(message)
        self.message = message
        if type_name is not None:
            self.type_name = type_name
        self.column = column
        self.line = line

    def __str__(self) -> str:
        return f"{self.type_name}: {self.message}"


class TorchError(GradcliError):
    """An error PyTorch itself raises, with PyTorch's type name and exact message."""

    type_name = "RuntimeError"


class GradcliSyntaxError(GradcliError):
    """Input the grammar does not accept; `source_line` and `column` draw the caret."""

    type_name = "SyntaxError"

    def __init__(self, message: str, *, line: int, column: int, source_line: str):
        super().__init__(message, line=line, column=column)
        self.source_line = source_line


class UnsupportedError(GradcliError):
    """A construct outside gradcli's PyTorch subset (def, import os, dunder access, ...)."""

    type_name = "UnsupportedError"

    def __str__(self) -> str:
        # its class name is its type name: a program's `type(e).__name__ + ': ' + str(e)`
        # (as PyTorch's errors print) must not repeat it
        return self.message


class LimitError(GradcliError):
    """A resource limit (--max-elements, --max-steps, input size) was reached."""

    type_name = "LimitError"


def runtime(msg: str) -> TorchError:
    return TorchError(msg, type_name="RuntimeError")


def index_error(msg: str) -> TorchError:
    return TorchError(msg, type_name="IndexError")


def type_error(msg: str) -> TorchError:
    return TorchError(msg, type_name="TypeError")


def value_error(msg: str) -> TorchError:
    return TorchError(msg, type_name="ValueError")
