"""The expression evaluator now lives in parser/interpreter/evaluate.py. This name stays
only for parser/program.py (`run`'s statement interpreter, which the RestrictedPython
runner replaces next): delete it with that file."""

from .interpreter.evaluate import binary, evaluate, python_error

__all__ = ["binary", "evaluate", "python_error"]
