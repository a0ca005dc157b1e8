"""The op table: one row per differentiable op (engine/ops/table.py describes a row),
split by family. Importing this package declares every row."""

# the table's order: the families, then torch.nn's layer rows (nn_layers, nn_losses)
from . import (  # noqa: F401  (declare rows)
    backward_ops,
    binary,
    elementwise,
    linalg,
    losses,
    nn_functional,
    nn_layers,
    nn_losses,
    reductions,
    shape,
    shape_index,
)
from .helpers import _sum_to  # noqa: F401  (autograd's unbroadcast)
from .table import OPS, Op, op  # noqa: F401

_ROWS_OF_ISSUE_18 = "activations, binary_more, elementwise_more"  # declared after the families above
from . import (  # noqa: E402,F401
    activations,
    binary_more,
    elementwise_more,
    nn_losses_more,  # noqa: E402,F401  (issue 18's losses, after the families)
    special,  # noqa: E402,F401  (issue 18's special functions)
)

_LAYER_ROWS_OF_ISSUE_18 = "nn_layers_more"  # glu ... pixel_shuffle, after the families too
from . import nn_layers_more  # noqa: E402,F401
