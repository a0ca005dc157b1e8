"""The op table: one row per differentiable op (engine/ops/table.py describes a row),
split by family. Importing this package declares every row."""

from . import backward_ops, binary, elementwise, linalg, losses, nn_functional, reductions, shape, shape_index  # noqa: F401,I001  (declare rows; after reductions: the table's order)
from .helpers import _sum_to  # noqa: F401  (autograd's unbroadcast)
from .table import OPS, Op, op  # noqa: F401
