"""Scalar lanes of VJP rules: a row's rules again, on numpy float scalars (issue 23).

A training loop's graph is mostly 0-d float32/float64 nodes, where each VJP rule's numpy
calls on 0-d arrays (~0.5-1 µs of dispatch each) cost far more than the arithmetic. A
row may register, next to its rules, one lane per input: the same formula written with
Python operators on numpy scalars of one dtype (numpy's scalar math: the same IEEE
result as the ufunc, as engine/scalar_math.py uses it in the forward).

Contract (engine/autograd.py's plain walk keeps it): a lane is called as
`lane(g, out, *inputs)` only when g, the node's result and every input are numpy scalars
of one type, float32 or float64, and the node has no params. It returns the contribution
(a scalar of that type) or None to leave this input to the row's own rule. A nan result
is never trusted either (which operand's payload a nan keeps may differ between scalar
math and the ufunc): the row's rule computes it then. tests/test_scalar_lanes.py holds
every lane to its row's rule, bit for bit."""

# id(op row) -> a tuple with one lane (or None) per input of the row
LANES: dict = {}


def lane(op, *lanes) -> None:
    """Register `op`'s scalar lanes, one per input (None: the rule alone)."""
    if op.variadic or len(lanes) != len(op.vjps):
        raise ValueError(f"{op.name}: one lane per input of a fixed-arity row")
    for k, ln in enumerate(lanes):
        if ln is not None and op.vjps[k] is None:
            raise ValueError(f"{op.name}: a lane for input {k}, which has no rule")
    LANES[id(op)] = tuple(lanes)
