"""Which leaves keep the dtype they were written with (SPEC section 2, issue 21).

A leaf (an --at binding, or a case name assigned an expression that uses no variable) is
made a float tensor of the default dtype, like `torch.tensor(v, requires_grad=True)` —
`x = [1, 2]` is a float leaf. A leaf whose dtype is WRITTEN keeps it:

- a `dtype=` keyword anywhere in its expression: `tensor([0], dtype=torch.long)`;
- a dtype conversion method: `.long()`, `.int()`, `.bool()`, `.double()`, `.to(...)`, ...;
- a bool value: `tensor([True, False])`, `[True, False]` (a mask stays a mask).

An integer or bool leaf cannot require grad (PyTorch raises for
`torch.tensor([0], dtype=torch.long, requires_grad=True)`), so it must be marked
`--const`; otherwise the case fails with PyTorch's error and a hint, never with a
silently different dtype."""

from ..engine.errors import runtime
from ..engine.tensor import Tensor

# Tensor methods whose whole point is the dtype of their result
DTYPE_METHODS = frozenset({"long", "int", "short", "char", "byte", "bool", "half", "float",
                           "double", "bfloat16", "to", "type"})


def keeps_dtype(tree, value) -> bool:
    """Whether the leaf written as `tree` (evaluated to `value`) keeps its dtype."""
    data = value.data if isinstance(value, Tensor) else None
    if data is not None and data.dtype.kind == "b":
        return True
    if data is None and _all_bools(value):
        return True
    stack = [tree]
    while stack:  # iterative: a leaf's expression may be deeply nested
        n = stack.pop()
        if n is None or not hasattr(n, "kind"):
            continue
        if n.kind == "call" and isinstance(n.value, tuple) and "dtype" in n.value:
            return True
        if n.kind == "kwarg" and n.value == "dtype":
            return True
        if n.kind == "call" and n.children and getattr(n.children[0], "kind", None) == "attr" \
                and n.children[0].value in DTYPE_METHODS:
            return True
        stack.extend(c for c in n.children if c is not None)
    return False


def _all_bools(value) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, (list, tuple)) and value:
        return all(_all_bools(v) for v in value)
    return False


def non_float_leaf(name: str | None):
    """PyTorch's error for an integer/bool leaf asked to require grad, with the way out."""
    err = runtime("Only Tensors of floating point and complex dtype can require gradients")
    if name:
        err.hint = (f"{name} keeps the integer/bool dtype it was written with; mark it "
                    f"constant with --const {name}")
    return err
