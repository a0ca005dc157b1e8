"""The op table's row type and registry.

One row (`Op`) carries everything about an op: its forward (numpy arrays in, array out),
one VJP rule per tensor input with the signature `vjp(g, out, *inputs, **params)`, the
grad_fn class name PyTorch 2.13 shows, a formula per input (PyTorch's derivatives.yaml
names: grad, self, other, result), and its PyTorch surface: the torch.X, Tensor.X and
torch.nn.functional.X names, the signature those are parsed by (PyTorch's TypeErrors are
generated from it), explain's input names, its LaTeX, whether it is elementwise, its kink
and dtype rule, and sample inputs for the numerical checks of tests/test_ops_vjp.py.

VJP rules are written against `dual` so they run on arrays (plain backward) and on
Tensors (create_graph). Broadcasting is undone by the engine, never here: a rule may
return a gradient of the broadcast shape. A rule of None means the input is not
differentiable (an exponent given as a number, a condition, indices).

`saves`: the backward reads saved tensors (inputs or result); such nodes raise PyTorch's
error on a second backward without retain_graph. `dtype_rule`: "promote" (torch.result_type
of the inputs), "float" (promote, then integers become the default float), "bool"
(comparisons), "same" (the first input's dtype, no casting)."""

from dataclasses import dataclass
from typing import Callable

from .. import dual
from .signature import Signature


@dataclass(frozen=True, slots=True)
class Op:
    name: str
    grad_fn: str
    forward: Callable
    vjps: tuple = ()
    formulas: tuple = ()
    saves: bool = True
    dtype_rule: str = "promote"
    broadcast: bool = False
    differentiable: bool = True
    variadic: bool = False  # cat/stack: vjps[0] serves every input, called with index=i
    # kink(*inputs, **params) -> True where the op is not differentiable at the evaluated
    # point (abs at 0, relu at 0, clamp edges, max ties): gradcheck reports a kink there,
    # not an engine bug. None: differentiable wherever it is defined.
    kink: Callable | None = None
    # inputs without a VJP rule are PyTorch's Scalar arguments (x.pow(2), 1 - x, 2 ** x):
    # no tensor in PyTorch, so no entry in grad_fn.next_functions
    scalar_overload: bool = False
    # the result is a view of the first input when numpy returns one (PyTorch's view ops:
    # t, permute, reshape, select, ...): it shares the base's memory and version counter
    view: bool = False
    # ---- the PyTorch surface. A row with a `signature` gets generated wrappers under its
    # names (api.FUNCTIONS / METHODS, torch.nn.functional); ops reached through a
    # hand-written wrapper (dispatching several rows: sum / sum_dim) leave it None.
    torch: tuple = ()        # torch.X names
    methods: tuple = ()      # Tensor.X names
    nn: tuple = ()           # torch.nn.functional.X names
    signature: Signature | None = None
    nn_signature: Signature | None = None  # F.X when it differs (a Python def)
    params: tuple = ()       # signature arguments passed to the forward as params
    # False: a hand-written wrapper (engine/torch_api/) binds the signature itself, because
    # the call picks among several rows (sum or sum_dim) or returns more than one tensor
    generated: bool = True
    # ---- explain and derive
    args: tuple = ("self", "other")  # the inputs' names in formulas (derivatives.yaml)
    text: str | None = None  # the name derive prints for a call (sum_dim -> sum); None: name
    latex: str | None = None  # LaTeX function name (\sin, \sigma); None: \operatorname{name}
    elementwise: bool = False  # one tensor in, same shape out: commutes with expand
    # samples(rng) -> [(inputs, params)]: inputs are arrays (None-free) or Python numbers
    samples: Callable | None = None
    # True when some other row or internal use supplies the samples (aliases of one op)
    internal: bool = False


OPS: dict[str, Op] = {}


def op(name, grad_fn, forward, *vjps, formulas=(), **kw) -> Op:
    """Declare a row; `dual.<name>` becomes the op (on arrays and on Tensors)."""
    if name in OPS:  # a second row of one name would silently replace the first
        raise ValueError(f"op {name!r} is declared twice")
    OPS[name] = entry = Op(name, grad_fn, forward, tuple(vjps), tuple(formulas), **kw)
    setattr(dual, name, dual.make(entry))
    return entry


UNARY = "(Tensor input, *, Tensor out = None)"


def reduction(name: str) -> Signature:
    """torch.sum / torch.mean: over everything, or over dims."""
    return Signature(name, "(Tensor input, *, torch.dtype? dtype = None)",
                     "(Tensor input, tuple of ints? dim, bool keepdim = False, *, "
                     "torch.dtype? dtype = None, Tensor? out = None)")


def unary(name: str) -> Signature:
    """torch.X(input, *, out=None) of a native elementwise function."""
    return Signature(name, UNARY)
