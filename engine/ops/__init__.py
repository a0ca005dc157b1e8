"""The op table: one row per differentiable op (engine/ops/table.py describes a row),
split by family. Importing this package declares every row."""

from . import binary, elementwise, linalg, losses, nn_functional, reductions, shape  # noqa: F401  (declare rows)  # noqa: F401,I001  (after reductions: the table's order)
from .helpers import _sum_to  # noqa: F401  (autograd's unbroadcast)
from .table import OPS, Op, op  # noqa: F401

_ROWS_OF_ISSUE_18 = "activations, binary_more, elementwise_more"  # declared after the families above
from . import activations, binary_more, elementwise_more  # noqa: E402,F401
