"""torch.func.vmap: the function run once per batch entry and the results stacked, with
PyTorch's pytrees (inputs, in_dims and out_dims nested in tuples, lists and dicts, checked
and reported with PyTorch's TreeSpec text) and its three randomness modes.

Randomness: functorch gives every random op under vmap one draw for the whole batch.
`error` raises PyTorch's message at the first draw; `same` draws once with the unbatched
shape (every batch entry sees it); `different` draws ONE tensor of shape (B, *shape) when
the first entry reaches the op, and entry b takes its slice b — so the generator moves
exactly as PyTorch's does and manual_seed gives PyTorch's numbers. The hook sits on the
distributions that take a shape (engine/rng/distributions.py's VMAP_DRAW); any other draw
(bernoulli with a tensor p, multinomial, randperm, whose batching PyTorch does per
element of a tensor argument) and every in-place random op (whose result PyTorch bases on
whether the tensor is batched) are refused by name in `same`/`different` mode."""

from .errors import runtime, value_error
from .tensor import Tensor
from .torch_api.registry import FUNCTIONS, METHODS

RANDOMNESS = ("error", "different", "same")
RANDOM_ERROR = ("vmap: called random operation while in randomness error mode. Please either "
                "use the 'same' or 'different' randomness flags on vmap or perform the "
                "randomness operation out of vmap")
_NODES = (tuple, list, dict)


# ---------------------------------------------------------------- pytrees
class Spec:
    """torch.utils._pytree's TreeSpec for tuples, lists and dicts (`*` a leaf)."""

    __slots__ = ("kind", "context", "children")

    def __init__(self, kind=None, context=None, children=()):
        self.kind = kind          # tuple | list | dict | None for a leaf
        self.context = context    # dict: its keys in order
        self.children = children

    @property
    def num_leaves(self) -> int:
        return 1 if self.kind is None else sum(c.num_leaves for c in self.children)

    def __eq__(self, other):
        return (isinstance(other, Spec) and self.kind is other.kind
                and self.context == other.context and self.children == other.children)

    def text(self, indent: int = 0) -> str:
        if self.kind is None:
            return "*"
        parts = ""
        if self.children:
            indent += 2
            parts = self.children[0].text(indent) + ("," if len(self.children) > 1 else "")
            parts += ",".join("\n" + " " * indent + c.text(indent) for c in self.children[1:])
        return f"TreeSpec({self.kind.__name__}, {self.context!r}, [{parts}])"

    __repr__ = __str__ = text


def flatten(tree) -> tuple:
    """(leaves, spec): tuples, lists and dicts are nodes (exact types), anything else a
    leaf (None included), as torch's tree_flatten."""
    leaves: list = []

    def walk(x) -> Spec:
        kind = type(x)
        if kind is dict:
            keys = list(x)
            return Spec(dict, keys, tuple(walk(x[k]) for k in keys))
        if kind is tuple or kind is list:
            return Spec(kind, None, tuple(walk(v) for v in x))
        leaves.append(x)
        return Spec()
    return leaves, walk(tree)


def unflatten(leaves, spec: Spec):
    it = iter(leaves)

    def build(s: Spec):
        if s.kind is None:
            return next(it)
        values = [build(c) for c in s.children]
        if s.kind is dict:
            return dict(zip(s.context, values, strict=True))
        return s.kind(values)
    return build(spec)


def broadcast_prefix(prefix, spec: Spec) -> list | None:
    """torch's _broadcast_to_and_flatten: `prefix` (in_dims, out_dims) repeated over every
    leaf of the subtree it stands for; None when it is no prefix of `spec`."""
    out: list = []

    def walk(p, s: Spec) -> bool:
        kind = type(p)
        if kind not in _NODES:
            out.extend([p] * s.num_leaves)
            return True
        if s.kind is not kind:
            return False
        if kind is dict:
            if set(p) != set(s.context):
                return False
            # PyTorch's flatten_up_to follows the PREFIX dict's key order, and the result
            # is zipped with the inputs in their own order: kept as PyTorch does it
            child = dict(zip(s.context, s.children, strict=True))
            return all(walk(v, child[k]) for k, v in p.items())
        if len(p) != len(s.children):
            return False
        return all(walk(v, c) for v, c in zip(p, s.children, strict=True))
    return out if walk(prefix, spec) else None


# ---------------------------------------------------------------- randomness
class _Frame:
    __slots__ = ("mode", "size", "entry", "calls", "k", "inside", "moved")

    def __init__(self, mode: str, size: int, moved: bool = False):
        self.mode, self.size = mode, size
        self.moved = moved  # an input is mapped over a dim other than 0
        self.entry = 0     # the batch entry running
        self.calls = []    # (distribution, shape, draw) in the order the first entry made them
        self.k = 0         # the next call's index in this entry
        self.inside = False  # inside a distribution (its own inner draws pass)


_FRAMES: list = []


def _draw(fn, gen, shape, args, kwargs):
    """engine/rng/distributions.py's hook while a vmap runs: one draw per op for the batch."""
    frame = _FRAMES[-1]
    if frame.inside:
        return fn(gen, shape, *args, **kwargs)
    if frame.mode == "error":
        raise runtime(RANDOM_ERROR)
    if len(_FRAMES) > 1:
        raise NotImplementedError("gradcli: random operations under nested torch.func.vmap "
                                  "calls are not supported")
    k = frame.k
    frame.k += 1
    n = frame.size
    count = isinstance(shape, int)  # normal_scalar takes an element count
    if frame.entry == 0:
        drawn_shape = shape if frame.mode == "same" else (
            shape * n if count else (n, *tuple(shape)))
        frame.inside = True
        try:
            draw = fn(gen, drawn_shape, *args, **kwargs)
        finally:
            frame.inside = False
        frame.calls.append((fn, shape, draw))
    else:
        if k >= len(frame.calls) or frame.calls[k][0] is not fn or frame.calls[k][1] != shape:
            raise NotImplementedError("gradcli: torch.func.vmap over a function whose batch "
                                      "entries make different random operations is not "
                                      "supported")
        draw = frame.calls[k][2]
    if frame.mode == "same":
        return draw.copy()
    b = frame.entry
    return (draw[b * shape:(b + 1) * shape] if count else draw[b]).copy()


def _raw(_gen):
    """engine/rng/generator.py's hook: a draw outside the distributions that take a shape."""
    frame = _FRAMES[-1]
    if frame.inside:
        return
    if frame.mode == "error":
        raise runtime(RANDOM_ERROR)
    raise NotImplementedError(f"gradcli: torch.func.vmap(randomness={frame.mode!r}) over this "
                              f"random operation (one drawing per element of a tensor "
                              f"argument: bernoulli with a tensor p, multinomial, randperm) "
                              f"is not supported")


def _inplace(t):
    """An in-place random op (uniform_, normal_, bernoulli_, ...): PyTorch's result depends
    on whether the tensor is batched ('different' on an unbatched one is an error), which
    the per-entry loop cannot tell — except for F.dropout's noise, batched like its input
    (drawn as any other op: (B, *shape) for 'different')."""
    from .rng import distributions

    frame = _FRAMES[-1]
    if t is distributions.DROPOUT_NOISE[0] or frame.inside:
        return
    if frame.mode == "error":
        raise runtime(RANDOM_ERROR)
    raise NotImplementedError(f"gradcli: torch.func.vmap(randomness={frame.mode!r}) over an "
                              f"in-place random operation (uniform_, normal_, bernoulli_, "
                              f"random_, exponential_) is not supported")


def _like(name: str) -> None:
    """rand_like & co: PyTorch draws them in the batched input's memory layout (the batch
    at the input's in_dim), not batch-first; matched only when every in_dim is 0."""
    frame = _FRAMES[-1]
    if frame.mode == "different" and frame.moved and not frame.inside:
        raise NotImplementedError(f"gradcli: torch.func.vmap(randomness='different') over "
                                  f"{name} with an in_dim other than 0 is not supported "
                                  f"(PyTorch draws it in the batched input's layout)")


def _push(frame: _Frame) -> None:
    from .rng import distributions, generator

    _FRAMES.append(frame)
    distributions.VMAP_DRAW[0] = _draw
    distributions.VMAP_INPLACE[0] = _inplace
    distributions.VMAP_LIKE[0] = _like
    generator.RAW_HOOK[0] = _raw


def _pop() -> None:
    from .rng import distributions, generator

    _FRAMES.pop()
    if not _FRAMES:
        distributions.VMAP_DRAW[0] = None
        distributions.VMAP_INPLACE[0] = None
        distributions.VMAP_LIKE[0] = None
        generator.RAW_HOOK[0] = None


# ---------------------------------------------------------------- vmap
def _name(func) -> str:
    return getattr(func, "__name__", type(func).__name__)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None, levels=None):
    """`levels`: func_transforms' [_LEVEL, _VMAP] counters (transforms running)."""
    if randomness not in RANDOMNESS:
        raise runtime(f"Only allowed values for randomness are 'error', 'different', or "
                      f"'same'. Got {randomness}")
    if chunk_size is not None and randomness != "error":
        raise NotImplementedError("gradcli: torch.func.vmap(chunk_size=...) with "
                                  "randomness='same' or 'different' is not supported")

    def wrapper(*args, **kwargs):
        name = _name(func)
        _check_out_dims(out_dims, name)
        size, flat_dims, flat_args, spec = _inputs(in_dims, args, name)
        results = []
        if levels is not None:
            for counter in levels:
                counter[0] += 1
        _push(_Frame(randomness, size, any(d not in (None, 0) for d in flat_dims)))
        try:
            for b in range(size):
                _FRAMES[-1].entry, _FRAMES[-1].k = b, 0
                sliced = [a if d is None else METHODS["select"](a, d, b)
                          for a, d in zip(flat_args, flat_dims, strict=True)]
                results.append(func(*unflatten(sliced, spec), **kwargs))
        finally:
            _pop()
            if levels is not None:
                for counter in levels:
                    counter[0] -= 1
        return _outputs(results, out_dims, name, levels)
    return wrapper


def _check_out_dims(out_dims, name) -> None:
    for d in flatten(out_dims)[0]:
        if d is not None and not isinstance(d, int):
            raise value_error(f"vmap({name}, ..., out_dims={out_dims}): `out_dims` must be an "
                              f"int, None or a python collection of ints representing where "
                              f"in the outputs the vmapped dimension should appear.")


def _inputs(in_dims, args, name):
    """torch's _process_batched_inputs: (batch size, flat in_dims, flat args, args spec)."""
    if not isinstance(in_dims, (int, tuple)):
        raise value_error(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` "
                          f"to be int or a (potentially nested) tuple matching the structure "
                          f"of inputs, got: {type(in_dims)}.")
    if not args:
        raise value_error(f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add "
                          f"inputs, or you are trying to vmap over a function with no inputs. "
                          f"The latter is unsupported.")
    flat_args, spec = flatten(args)
    dims = broadcast_prefix(in_dims, spec)
    if dims is None:
        raise value_error(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not "
                          f"compatible with the structure of `inputs`. in_dims has structure "
                          f"{flatten(in_dims)[1]} but inputs has structure {spec}.")
    head = f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): "
    for i, (a, d) in enumerate(zip(flat_args, dims, strict=True)):
        if not isinstance(d, int) and d is not None:
            raise value_error(f"{head}Got in_dim={d} for an input but in_dim must be either "
                              f"an integer dimension or None.")
        if isinstance(d, int) and not isinstance(a, Tensor):
            raise value_error(f"{head}Got in_dim={d} for an input but the input is of type "
                              f"{type(a)}. We cannot vmap over non-Tensor arguments, please "
                              f"use None as the respective in_dim")
        if d is not None:
            nd = a.data.ndim
            if d < -nd or d >= nd:
                raise value_error(f"{head}Got in_dim={d} for some input, but that input is a "
                                  f"Tensor of dimensionality {nd} so expected in_dim to "
                                  f"satisfy -{nd} <= in_dim < {nd}.")
            if d < 0:
                dims[i] = d % nd
    sizes = [a.data.shape[d] for a, d in zip(flat_args, dims, strict=True) if d is not None]
    if not sizes:
        raise value_error("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise value_error(f"vmap: Expected all tensors to have the same size in the mapped "
                          f"dimension, got sizes {sizes} for the mapped dimension")
    return sizes[0], dims, flat_args, spec


def _outputs(results, out_dims, name, levels):
    """torch's _unwrap_batched: each output leaf stacked at its out_dim."""
    flat_first, spec = flatten(results[0])

    def incompatible():
        return value_error(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not "
                           f"compatible with the structure of `outputs`. out_dims has "
                           f"structure {flatten(out_dims)[1]} but outputs has structure "
                           f"{spec}.")
    if isinstance(results[0], Tensor):
        if isinstance(out_dims, int) or out_dims is None:
            dims = [out_dims]
        elif isinstance(out_dims, tuple) and len(out_dims) == 1:
            dims = list(out_dims)
        else:
            raise incompatible()
    else:
        dims = broadcast_prefix(out_dims, spec)
        if dims is None:
            raise incompatible()
    per_entry = [flat_first] + [flatten(r)[0] for r in results[1:]]
    outs = []
    for k, od in enumerate(dims):
        items = [leaves[k] for leaves in per_entry]
        if od is None:
            if isinstance(items[0], Tensor) and _varies(items):
                raise value_error(f"vmap({name}, ...): `{name}` can not return a BatchedTensor "
                                  f"when out_dim is None")
            outs.append(items[0])
            continue
        for it in items:
            if not isinstance(it, Tensor):
                raise value_error(f"vmap({name}, ...): `{name}` must only return Tensors, got "
                                  f"type {type(it)}. Did you mean to set out_dims= to None "
                                  f"for output?")
        stacked = FUNCTIONS["stack"](items, dim=od)
        if (levels is None or levels[0][0] == 0) and stacked.requires_grad:
            raise NotImplementedError("torch.func.vmap over a function whose result requires "
                                      "grad (outside other torch.func transforms) is not "
                                      "supported by gradcli: functorch records the batched op "
                                      "itself, not a stack")
        outs.append(stacked)
    return unflatten(outs, spec)


def _varies(items) -> bool:
    """Whether a Tensor output differs between batch entries (PyTorch: it is batched)."""
    import numpy as np

    first = items[0].data
    return any(it is not items[0] and (it.data.shape != first.shape or
                                       not np.array_equal(it.data, first, equal_nan=True))
               for it in items[1:])
