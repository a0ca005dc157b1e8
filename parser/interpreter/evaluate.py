"""Evaluating expression trees, iteratively (an explicit stack: 5,000 nested parentheses
or a 100,000-term sum cost no Python recursion).

What names, calls, attributes and indexing mean is the Runtime's business (cases and
programs resolve names differently); this module only walks the tree, applies Python's
operator semantics (which Tensor's operators make PyTorch's) and keeps short-circuits."""

import operator
import re

from ...engine.errors import GradcliError, LimitError, TorchError
from ...engine.tensor import Tensor
from ..ast import Node

_BINARY = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
    "floordiv": operator.floordiv, "mod": operator.mod, "matmul": operator.matmul,
    "pow": operator.pow,
}
_COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
            "==": operator.eq, "!=": operator.ne, "is": operator.is_,
            "is not": operator.is_not, "in": lambda a, b: _contains(b, a),
            "not in": lambda a, b: not _contains(b, a)}
_NONE = Node("const", (), None)
_MAX_BITS = 1 << 16  # Python ints beyond 65,536 bits: refuse rather than hang
_MAX_SEQ = 10**7     # list/str results beyond this length


def _contains(container, item) -> bool:
    """`item in container`. A range answers ints in constant time but scans itself for
    anything else (`1.5 in range(10**12)` would hang): answer those arithmetically."""
    if isinstance(container, range) and not isinstance(item, int):
        try:
            hit = item == int(item)
        except (TypeError, ValueError, OverflowError):
            return False
        return bool(hit) and int(item) in container
    return operator.contains(container, item)


# Python's own call errors name the Python function that raised them; in gradcli that
# can be an internal wrapper (`_reduction.<locals>.fn()`): the user called a PyTorch name
_CALL_ERROR = re.compile(r"^[\w.<>]+\(\) (got an unexpected keyword argument|got multiple "
                         r"values for argument|missing \d+ required|takes )")


_ARGUMENT_ERROR = re.compile(r"^\w+\(\) (got an unexpected keyword argument|received an "
                             r"invalid combination of arguments)")


def _callee(node: Node | None) -> str | None:
    """The PyTorch name the user called at a call node (`x.sum(...)`: sum)."""
    if node is None or node.kind != "call" or not node.children:
        return None
    f = node.children[0]
    return f.value if f.kind in ("name", "attr") and isinstance(f.value, str) else None


def _duplicate_dim(args) -> int | None:
    """numpy's `duplicate value in 'axis'`: the repeated dim of the call's dims, as
    PyTorch names it (wrapped to non-negative, when the tensor's rank is known)."""
    receiver = getattr(args[0], "obj", None) if args else None  # x.sum(...): x
    tensor = receiver if isinstance(receiver, Tensor) else \
        next((a for a in args if isinstance(a, Tensor)), None)
    for a in args:
        dims = a if isinstance(a, (list, tuple)) else None
        if dims and all(type(d) is int for d in dims):
            n = tensor.data.ndim if tensor is not None else None
            seen = set()
            for d in dims:
                w = d % n if n else d
                if w in seen:
                    return w
                seen.add(w)
    return None


def python_error(e: Exception, node: Node | None = None, args=()) -> GradcliError:
    """A Python exception from an operator on user values, as the user's error."""
    name = _callee(node)
    if isinstance(e, GradcliError):
        if e.column is None and node is not None:
            e.column, e.line = node.column, node.line
        if e.type_name == "TypeError" and name and _ARGUMENT_ERROR.match(e.message) and \
                not e.message.startswith(f"{name}()"):
            # an alias's row (torch.absolute is abs's): PyTorch names what was called
            e.message = f"{name}(){e.message[e.message.index('()') + 2:]}"
        return e
    msg = str(e)
    if isinstance(e, TypeError) and name and _CALL_ERROR.match(msg):
        msg = f"{name}(){msg[msg.index('()') + 2:]}"
    elif isinstance(e, ValueError) and msg.startswith("duplicate value in 'axis'"):
        dim = _duplicate_dim(args)
        msg = (f"dim {dim} appears multiple times in the list of dims" if dim is not None
               else "a dim appears multiple times in the list of dims")
        e = RuntimeError(msg)
    if isinstance(e, ZeroDivisionError):
        msg = msg or "division by zero"
    err = TorchError(msg, type_name=type(e).__name__)
    if node is not None:
        err.column, err.line = node.column, node.line
    return err


def _guard_binary(kind, a, b):
    """Keep pure-Python arithmetic bounded (10**10**10, [0] * 10**12)."""
    if kind == "pow" and type(a) is int and type(b) is int and b > 0 and a not in (0, 1, -1):
        if b * max(abs(a).bit_length(), 1) > _MAX_BITS:
            raise LimitError("integer result too large (more than 65,536 bits)")
    elif kind == "mul" and (isinstance(a, (str, list, tuple)) and type(b) is int or
                            isinstance(b, (str, list, tuple)) and type(a) is int):
        seq, n = (a, b) if isinstance(a, (str, list, tuple)) else (b, a)
        if len(seq) * n > _MAX_SEQ:
            raise LimitError(f"sequence result too long (more than {_MAX_SEQ:,} items)")
    elif kind in ("add", "sub", "mul") and type(a) is int and type(b) is int:
        if a.bit_length() > _MAX_BITS or b.bit_length() > _MAX_BITS:
            raise LimitError("integer result too large (more than 65,536 bits)")


def binary(kind: str, a, b):
    if type(a) is not Tensor and type(b) is not Tensor:  # tensor arithmetic is bounded
        _guard_binary(kind, a, b)
    return _BINARY[kind](a, b)


def compare(ops, values):
    left = values[0]
    result = True
    for op, right in zip(ops, values[1:], strict=False):
        result = _COMPARE[op](left, right)
        if not isinstance(result, Tensor) and not result:
            return result
        left = right
    return result


def truth(value) -> bool:
    return bool(value)


def evaluate(node: Node, rt):
    """The value of expression `node`. `rt` (a Runtime) supplies name(), call(),
    getattr(), getitem(), fstring(), listcomp() and the hook produced(node, value, uses)."""
    track = rt.tracking
    stack = [(node, False)]
    vals: list = []
    uses: list = []  # parallel to vals when tracking: does the value depend on a variable?
    while stack:
        n, ready = stack.pop()
        kind = n.kind
        if kind == "const":
            vals.append(n.value)
            if track:
                uses.append(False)
            continue
        if kind == "name":
            vals.append(rt.name(n))
            if track:
                uses.append(rt.is_variable(n.value))
            continue
        if not ready:
            if kind in ("and", "or", "ifexp"):
                stack.append((n, True))
                stack.append((n.children[0], False))
                continue
            stack.append((n, True))
            # a comprehension's element is evaluated per item by the runtime, not here
            for c in reversed(n.children if kind != "listcomp" else n.children[1:]):
                stack.append((_NONE if c is None else c, False))
            continue
        if kind in ("and", "or", "ifexp"):
            _short_circuit(n, stack, vals, uses, track)
            continue
        k = len(n.children) if kind != "listcomp" else 1
        args = vals[-k:] if k else []
        if k:
            del vals[-k:]
        used = False
        if track:
            used = any(uses[-k:]) if k else False
            if k:
                del uses[-k:]
        try:
            value = _apply(n, args, rt)
        except GradcliError as e:
            raise python_error(e, n) from None
        except (TypeError, ValueError, ZeroDivisionError, OverflowError, IndexError, KeyError,
                AttributeError) as e:
            raise python_error(e, n, args) from None
        vals.append(value)
        if track:
            uses.append(used)
            rt.produced(n, value, used)
    return vals[-1]


def _short_circuit(n, stack, vals, uses, track):
    """Second visit of and/or/ifexp: the first child's value is on top of vals."""
    kind = n.kind
    first = vals[-1]
    if kind == "ifexp":  # children: cond, body, other
        vals.pop()
        if track:
            uses.pop()
        stack.append((n.children[1] if truth(first) else n.children[2], False))
        return
    take_first = (not truth(first)) if kind == "and" else truth(first)
    if not take_first:
        vals.pop()
        if track:
            uses.pop()
        stack.append((n.children[1], False))


def _apply(n: Node, args: list, rt):
    kind = n.kind
    if kind in _BINARY:
        return binary(kind, args[0], args[1])
    if kind == "call":
        func = args[0]
        kwnames = n.value
        nkw = len(kwnames)
        pos = args[1:len(args) - nkw]
        kw = dict(zip(kwnames, args[len(args) - nkw:], strict=False))
        flat = []
        for a, node in zip(pos, n.children[1:], strict=False):
            if node.kind == "starred":
                flat.extend(a)
            else:
                flat.append(a)
        return rt.call(func, flat, kw, n)
    if kind == "attr":
        return rt.getattr(args[0], n.value, n)
    if kind == "index":
        key = tuple(args[1:]) if n.value else args[1]
        return rt.getitem(args[0], key, n)
    if kind == "neg":
        return -args[0]
    if kind == "pos":
        return +args[0]
    if kind == "not":
        return not truth(args[0])
    if kind == "compare":
        return compare(n.value, args)
    if kind == "slice":
        return slice(*args)
    if kind == "tuple":
        return tuple(args)
    if kind == "list":
        return list(args)
    if kind in ("kwarg", "starred"):
        return args[0]
    if kind == "fstring":
        return rt.fstring(n)
    if kind == "listcomp":
        return rt.listcomp(n, args[0])
    raise GradcliError(f"'{kind}' expressions are not supported here", type_name="SyntaxError",
                       column=n.column, line=n.line)
