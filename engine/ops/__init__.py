"""The op table: one row per differentiable op (engine/ops/table.py describes a row),
split by family. Importing this package declares every row."""

from . import (  # noqa: F401  (declare rows)  # noqa: F401,I001  (after reductions: the table's order)
    binary,
    elementwise,
    elementwise_more,  # noqa: F401,E402  (issue 18's elementwise rows)
    linalg,
    losses,
    nn_functional,
    reductions,
    shape,
)
from .helpers import _sum_to  # noqa: F401  (autograd's unbroadcast)
from .table import OPS, Op, op  # noqa: F401
