"""torch.func: grad, grad_and_value, vjp, jacrev, jacfwd, hessian, vmap.

functorch's transforms are built here from reverse mode (autograd.grad): the inputs a
transform differentiates become fresh leaves (or, when an enclosing transform or the
program's own graph already tracks them, aliases that keep that graph, with create_graph
so the enclosing level can differentiate the result again); jacrev stacks one VJP per
standard-basis cotangent, as functorch's vmap over vjp computes them; jacfwd computes one
JVP per standard-basis tangent by the double-backward trick (the VJP of the VJP with
respect to its cotangent); hessian is jacfwd(jacrev(f)) as in functorch. vmap runs the
function once per batch entry and stacks the results.

What functorch does that is not reproduced is refused with NotImplementedError naming
it: a vmap result that carries the program's autograd graph (functorch records the batched
op itself, so its grad_fn names differ from the stacked loop's). vmap itself (pytrees,
randomness modes) is engine/vmap.py."""

from . import autograd, grad_mode
from .errors import runtime, value_error
from .tensor import Tensor
from .torch_api.registry import FUNCTIONS, METHODS

# how many transforms are running (inside one, results keep their graph for the outer);
# how many of them are vmaps (custom Functions ask: engine/custom_function.py)
_LEVEL = [0]
_VMAP = [0]
_JVP = [0]  # torch.func.jvp calls running


def _name(func) -> str:
    return getattr(func, "__name__", type(func).__name__)


def _check_tensor(x):
    if not isinstance(x, Tensor):
        raise value_error(f"Thing passed to transform API must be Tensor, got {type(x)}")


def _argnums_list(argnums, nargs: int) -> list:
    nums = list(argnums) if isinstance(argnums, tuple) else [argnums]
    if isinstance(argnums, tuple) and not argnums:
        raise runtime("argnums must be non-empty")
    out = []
    for n in nums:
        if not isinstance(n, int) or isinstance(n, bool):
            raise runtime(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
        if not -nargs <= n < nargs:
            raise runtime(f"Got argnum={n}, but only {nargs} positional inputs")
        out.append(n % nargs)
    return out


def _prepare(x: Tensor) -> Tensor:
    """The differentiable stand-in for one input: an alias keeping the graph that already
    tracks x, or a fresh leaf."""
    _check_tensor(x)
    if x.requires_grad:
        return METHODS["view_as"](x, x)
    return METHODS["requires_grad_"](METHODS["detach"](x), True)


def _tracked(inputs) -> bool:
    return any(x.requires_grad for x in inputs)


def _finish(t, keep: bool):
    """A transform's result: as it is for an enclosing graph, else detached."""
    if t is None or not isinstance(t, Tensor):
        return t
    return t if keep else METHODS["detach"](t)


def _finish_tree(tree, keep: bool):
    if isinstance(tree, tuple):
        return tuple(_finish_tree(t, keep) for t in tree)
    if isinstance(tree, list):
        return [_finish_tree(t, keep) for t in tree]
    return _finish(tree, keep)


def _grads(outputs, inputs, grad_outputs, keep):
    got = autograd.grad(outputs, inputs, grad_outputs, retain_graph=True, create_graph=keep,
                        allow_unused=True)
    return tuple(FUNCTIONS["zeros_like"](x) if g is None else g for g, x in zip(got, inputs,
                                                                               strict=True))


# ---------------------------------------------------------------- grad, grad_and_value
def grad_and_value(func, argnums=0, has_aux=False):
    def wrapper(*args, **kwargs):
        nums = _argnums_list(argnums, len(args))
        with grad_mode.enable_grad():
            args = list(args)
            originals = [args[n] for n in nums]
            for n in nums:
                args[n] = _prepare(args[n])
            keep = _tracked(originals)
            _LEVEL[0] += 1
            try:
                result = func(*args, **kwargs)
            finally:
                _LEVEL[0] -= 1
            aux = None
            if has_aux:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise runtime("grad_and_value(f)(*args): output of function f should be "
                                  "a tuple: (output, aux) if has_aux is True")
                result, aux = result
            if not isinstance(result, Tensor):
                raise runtime(f"grad_and_value(f)(*args): Expected f(*args) to return a "
                              f"Tensor, got {type(result)}")
            if result.data.ndim != 0:
                raise runtime(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar "
                              f"Tensor, got tensor with {result.data.ndim} dims. Maybe you "
                              f"wanted to use the vjp or jacrev APIs instead?")
            diff = [args[n] for n in nums]
            if result.requires_grad:
                grads = _grads([result], diff, None, keep)
            else:
                grads = tuple(FUNCTIONS["zeros_like"](x) for x in diff)
        grads = tuple(_finish(g, keep) for g in grads)
        g = grads if isinstance(argnums, tuple) else grads[0]
        value = _finish(result, keep)
        if has_aux:
            return g, (value, _finish_tree(aux, keep))
        return g, value
    return wrapper


def grad(func, argnums=0, has_aux=False):
    inner = grad_and_value(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        g, value = inner(*args, **kwargs)
        return (g, value[1]) if has_aux else g
    return wrapper


# ---------------------------------------------------------------- vjp, jacrev, jacfwd
def vjp(func, *primals, has_aux=False):
    with grad_mode.enable_grad():
        for p in primals:
            _check_tensor(p)
        keep = _tracked(primals)
        diff = [_prepare(p) for p in primals]
        _LEVEL[0] += 1
        try:
            result = func(*diff)
        finally:
            _LEVEL[0] -= 1
        aux = None
        if has_aux:
            result, aux = result
    outs = result if isinstance(result, tuple) else (result,)
    for o in outs:
        if not isinstance(o, Tensor):
            raise runtime(f"vjp(f, *primals): Expected f to be a function that has "
                          f"non-empty inputs and returns a Tensor or a tuple of Tensors, "
                          f"got {type(o)}")

    def vjp_fn(*cotangents):
        cts = cotangents[0] if len(cotangents) == 1 and isinstance(result, tuple) \
            else cotangents
        cts = cts if isinstance(cts, tuple) else (cts,)
        if len(cts) != len(outs):
            raise runtime(f"Expected pytree structure of cotangents to be the same as pytree "
                          f"structure of outputs to the function. cotangents: {len(cts)}, "
                          f"primal output: {len(outs)}")
        with grad_mode.enable_grad():
            pairs = [(o, c) for o, c in zip(outs, cts, strict=True) if o.requires_grad]
            if not pairs:
                got = tuple(FUNCTIONS["zeros_like"](x) for x in diff)
            else:
                got = _grads([o for o, _ in pairs], diff, [c for _, c in pairs],
                             keep or _tracked(cts))
        return tuple(_finish(g, keep) for g in got)

    value = _finish_tree(result, keep)
    if has_aux:
        return value, vjp_fn, _finish_tree(aux, keep)
    return value, vjp_fn


def _basis(t: Tensor, k: int) -> Tensor:
    e = FUNCTIONS["zeros_like"](t)
    e.data.reshape(-1)[k] = 1
    return e


def _call_diff(func, args, nums):
    """f at args with the argnums inputs made differentiable: (outputs tuple, was tuple,
    the differentiable inputs, whether an enclosing graph tracks them)."""
    args = list(args)
    originals = [args[n] for n in nums]
    for n in nums:
        args[n] = _prepare(args[n])
    keep = _tracked(originals)
    _LEVEL[0] += 1
    try:
        result = func(*args)
    finally:
        _LEVEL[0] -= 1
    return result, [args[n] for n in nums], keep


def _aux_split(result, has_aux, name):
    if not has_aux:
        return result, None
    if not (isinstance(result, tuple) and len(result) == 2):
        raise runtime(f"{name}(f, ...): output of function f should be a tuple: "
                      f"(output, aux) if has_aux is True")
    return result


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None):
    def wrapper(*args):
        nums = _argnums_list(argnums, len(args))
        with grad_mode.enable_grad():
            result, diff, keep = _call_diff(func, args, nums)
            result, aux = _aux_split(result, has_aux, "jacrev")
            outs = result if isinstance(result, tuple) else (result,)
            per_output = []
            for o in outs:
                if not isinstance(o, Tensor):
                    raise runtime(f"jacrev(f, ...)(*args): Expected f to return a Tensor or "
                                  f"a tuple of Tensors, got {type(o)}")
                rows = []
                for k in range(o.data.size):
                    e = _basis(o, k)
                    rows.append(_grads([o], diff, [e], keep) if o.requires_grad
                                else tuple(FUNCTIONS["zeros_like"](x) for x in diff))
                jacs = []
                for j, x in enumerate(diff):
                    if rows:
                        stacked = FUNCTIONS["stack"]([r[j] for r in rows])
                    else:
                        stacked = FUNCTIONS["zeros"](0, *x.data.shape, dtype=_dt(x))
                    jacs.append(METHODS["reshape"](stacked, o.data.shape + x.data.shape))
                jacs = tuple(_finish(t, keep) for t in jacs)
                per_output.append(jacs if isinstance(argnums, tuple) else jacs[0])
        jac = tuple(per_output) if isinstance(result, tuple) else per_output[0]
        return (jac, _finish_tree(aux, keep)) if has_aux else jac
    return wrapper


def _dt(t):
    from . import dtypes

    return dtypes.dtype_object(t.data.dtype)


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    if randomness != "error":
        raise NotImplementedError(f"torch.func.jacfwd(randomness={randomness!r}) is not "
                                  f"supported by gradcli")

    def wrapper(*args):
        nums = _argnums_list(argnums, len(args))
        with grad_mode.enable_grad():
            result, diff, keep = _call_diff(func, args, nums)
            result, aux = _aux_split(result, has_aux, "jacfwd")
            outs = result if isinstance(result, tuple) else (result,)
            per_output = []
            for o in outs:
                if not isinstance(o, Tensor):
                    raise runtime(f"jacfwd(f, ...)(*args): Expected f to return a Tensor or "
                                  f"a tuple of Tensors, got {type(o)}")
                jacs = []
                for x in diff:
                    jacs.append(_finish(_forward_columns(o, x, keep), keep))
                per_output.append(tuple(jacs) if isinstance(argnums, tuple) else jacs[0])
        jac = tuple(per_output) if isinstance(result, tuple) else per_output[0]
        return (jac, _finish_tree(aux, keep)) if has_aux else jac
    return wrapper


def _forward_columns(o: Tensor, x: Tensor, keep: bool) -> Tensor:
    """d o / d x, one column per element of x: each a JVP along a basis tangent, by the
    double-backward trick (u -> J^T u is linear in u; its VJP with the tangent is J t)."""
    cols = []
    if o.requires_grad:
        u = METHODS["requires_grad_"](FUNCTIONS["zeros_like"](o), True)
        (gu,) = autograd.grad([o], [x], [u], retain_graph=True, create_graph=True,
                              allow_unused=True)
    else:
        gu = None
    for k in range(x.data.size):
        if gu is None or not gu.requires_grad:
            cols.append(FUNCTIONS["zeros_like"](o))
            continue
        (col,) = autograd.grad([gu], [u], [_basis(x, k)], retain_graph=True,
                               create_graph=keep, allow_unused=True)
        cols.append(FUNCTIONS["zeros_like"](o) if col is None else col)
    if not cols:
        return FUNCTIONS["zeros"](*o.data.shape, 0, dtype=_dt(o))
    stacked = FUNCTIONS["stack"](cols, dim=-1)
    return METHODS["reshape"](stacked, o.data.shape + x.data.shape)


def hessian(func, argnums=0):
    return jacfwd(jacrev(func, argnums), argnums)


# ---------------------------------------------------------------- vmap
def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """engine/vmap.py (pytrees, randomness), counted as a running transform here."""
    from .vmap import vmap as batched

    return batched(func, in_dims, out_dims, randomness, chunk_size=chunk_size,
                   levels=(_LEVEL, _VMAP))


# ---------------------------------------------------------------- jvp (forward mode)
def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """torch.func.jvp over engine/forward_ad.py's dual tensors."""
    from . import forward_ad as fwd

    if not isinstance(primals, tuple):
        raise runtime("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it "
                      "should be valid to call f(*primals).")
    if not isinstance(tangents, tuple):
        raise runtime("jvp(f, primals, tangents): Expected tangents to be a tuple. E.g. it "
                      "should be valid to call f(*primals).")
    if len(primals) != len(tangents):
        raise runtime("jvp(f, primals, tangents): Expected primals and tangents to have the "
                      "same python structure. For example, if primals is a tuple of 3 tensors, "
                      "tangents also must be. Got primals with structure "
                      f"{len(primals)} and tangents with structure {len(tangents)}")
    if strict:
        raise NotImplementedError("torch.func.jvp(strict=True) is not supported by gradcli")
    # PyTorch's jvp enters forward_ad's own dual_level (inside a program's level: its
    # nesting error); a jvp inside jvp runs on functorch's wrappers, not reproduced here
    if _JVP[0]:
        raise NotImplementedError("gradcli: torch.func.jvp nested inside torch.func.jvp is "
                                  "not supported")
    _JVP[0] += 1
    try:
        with fwd.dual_level():
            duals = tuple(fwd.make_dual(p, t) for p, t in zip(primals, tangents, strict=True))
            result = func(*duals)
            aux = None
            if has_aux:
                result, aux = result
            outs = result if isinstance(result, tuple) else (result,)
            pairs = [fwd.unpack_dual(o) for o in outs]
            primal_out = tuple(Tensor(p.data) for p, _ in pairs)
            tangent_out = tuple(Tensor(t.data) if t is not None else FUNCTIONS["zeros_like"](p)
                                for p, t in pairs)
    finally:
        _JVP[0] -= 1
    if not isinstance(result, tuple):
        primal_out, tangent_out = primal_out[0], tangent_out[0]
    return (primal_out, tangent_out, aux) if has_aux else (primal_out, tangent_out)
