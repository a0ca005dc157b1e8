"""What names, calls, attributes and subscripts mean: the whitelisted PyTorch surface.

Nothing of Python itself is reachable: attribute access goes through tables (the engine's
tensor attributes and methods, the torch namespaces, a few list/str methods), never
through Python's getattr on user-chosen names, and dunder names are refused outright."""

import functools

from ..engine import api, dtypes, grad_mode
from ..engine.errors import GradcliError, UnsupportedError, index_error, type_error
from ..engine.suggest import did_you_mean, public
from ..engine.tensor import AccumulateGrad, Node, Tensor


class Namespace:
    """A module as programs see it: torch, torch.nn.functional, torch.autograd, ..."""

    __slots__ = ("name", "members")

    def __init__(self, name: str, members: dict):
        self.name = name
        self.members = members

    def __repr__(self) -> str:
        return f"<module '{self.name}'>"


class BoundMethod:
    __slots__ = ("fn", "obj", "name")

    def __init__(self, fn, obj, name):
        self.fn, self.obj, self.name = fn, obj, name

    def __call__(self, *args, **kwargs):
        return self.fn(self.obj, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<built-in method {self.name} of {type_label(self.obj)} object>"


# torch.nn.functional's names: declared by the op table's rows (and api's composites)
NN_FUNCTIONAL = tuple(api.NN_FUNCTIONS)


@functools.lru_cache(maxsize=None)
def modules() -> dict:
    """The importable namespaces: torch, torch.nn, torch.nn.functional, torch.autograd."""
    functional = Namespace("torch.nn.functional",
                           dict(api.NN_FUNCTIONS))
    nn = Namespace("torch.nn", {"functional": functional})
    linalg = Namespace("torch.linalg", dict(api.LINALG_FUNCTIONS))
    special = Namespace("torch.special", dict(api.SPECIAL_FUNCTIONS))
    autograd = Namespace("torch.autograd", {
        "grad": api.FUNCTIONS["autograd.grad"], "backward": api.FUNCTIONS["autograd.backward"],
        "Variable": api.FUNCTIONS["Variable"]})
    torch = Namespace("torch", {n: f for n, f in api.FUNCTIONS.items()
                                if "." not in n and n not in api.NOT_IN_TORCH})
    torch.members.update(dtypes.TORCH_DTYPES)
    torch.members.update({
        "nn": nn, "linalg": linalg, "special": special, "autograd": autograd, "Size": api.Size,
        "no_grad": grad_mode.no_grad, "enable_grad": grad_mode.enable_grad,
        "set_grad_enabled": grad_mode.set_grad_enabled,
        "is_grad_enabled": grad_mode.is_enabled,
        "pi": 3.141592653589793, "e": 2.718281828459045, "inf": float("inf"),
        "nan": float("nan")})
    return {"torch": torch, "torch.nn": nn, "torch.nn.functional": functional,
            "torch.autograd": autograd, "torch.linalg": linalg, "torch.special": special}


_LIST_METHODS = ("append", "extend", "pop", "insert", "index", "count", "reverse", "copy",
                 "clear", "remove")
_STR_METHODS = ("format", "join", "upper", "lower", "strip", "split", "replace", "startswith",
                "endswith", "ljust", "rjust", "center", "title", "capitalize", "lstrip", "rstrip")
_SAFE_METHODS = {list: _LIST_METHODS, str: _STR_METHODS, tuple: ("index", "count"),
                 api.Size: ("index", "count", "numel"), float: ("is_integer", "hex"),
                 int: ("bit_length",)}


def type_label(obj) -> str:
    if isinstance(obj, Tensor):
        return "Tensor"
    return {bool: "bool", int: "int", float: "float", str: "str", list: "list", tuple: "tuple",
            type(None): "NoneType", api.Size: "Size"}.get(type(obj), type(obj).__name__)


class Runtime:
    """Shared semantics; subclasses decide what a bare name means."""

    tracking = False

    def name(self, node):
        raise NotImplementedError

    def is_variable(self, name: str) -> bool:
        return False

    def produced(self, node, value, uses_variable: bool) -> None:
        pass

    def call(self, func, args, kwargs, node):
        if isinstance(func, (Namespace, Tensor)) or not callable(func):
            raise type_error(f"'{type_label(func)}' object is not callable")
        return func(*args, **kwargs)

    def getattr(self, obj, name: str, node):
        if name.startswith("_"):
            raise UnsupportedError(f"access to the attribute '{name}' is not allowed",
                                   column=node.column, line=node.line)
        if isinstance(obj, Tensor):
            if name in api.ATTRIBUTES:
                return api.ATTRIBUTES[name](obj)
            if name in api.METHODS:
                return BoundMethod(api.METHODS[name], obj, name)
            raise _no_attr("'Tensor' object", name, [*api.ATTRIBUTES, *api.METHODS])
        if isinstance(obj, Namespace):
            if name in obj.members:
                return obj.members[name]
            raise _no_attr(f"module '{obj.name}'", name, obj.members)
        if isinstance(obj, (Node, AccumulateGrad)):
            if name in api.NODE_ATTRIBUTES:
                return api.NODE_ATTRIBUTES[name](obj)
            if name in api.NODE_METHODS:
                return BoundMethod(lambda n: api.NODE_METHODS[name](n), obj, name)
            raise _no_attr(f"'{obj.name()}' object", name,
                           [*api.NODE_ATTRIBUTES, *api.NODE_METHODS])
        if isinstance(obj, api.ReturnTypes) and name in ("values", "indices"):
            return getattr(obj, name)
        if isinstance(obj, dtypes.DType) and name in ("is_floating_point", "itemsize"):
            return obj.is_floating_point if name == "is_floating_point" else obj.np.itemsize
        for cls, names in _SAFE_METHODS.items():
            if type(obj) is cls and name in names:
                return BoundMethod(getattr(cls, name), obj, name)
        raise _no_attr(f"'{type_label(obj)}' object", name)

    def getitem(self, obj, key, node):
        if isinstance(obj, Tensor):
            return obj[key]
        if isinstance(obj, (list, tuple, str, api.Size)):
            if isinstance(key, Tensor):
                key = api.METHODS["item"](key) if key.data.size == 1 else key
            if isinstance(key, slice) or isinstance(key, int):
                result = obj[key]
                return api.Size(result) if isinstance(obj, api.Size) and isinstance(key, slice) \
                    else result
            raise type_error(f"{type_label(obj)} indices must be integers or slices, not "
                             f"{type_label(key)}")
        raise type_error(f"'{type_label(obj)}' object is not subscriptable")

    def fstring(self, node):
        raise GradcliError("f-strings are only supported in programs (gradcli run)",
                           type_name="SyntaxError", column=node.column, line=node.line)

    def listcomp(self, node, iterable):
        raise GradcliError("list comprehensions are only supported in programs (gradcli run)",
                           type_name="SyntaxError", column=node.column, line=node.line)


def _no_attr(what: str, name: str, candidates=()) -> GradcliError:
    # Python 3.11's closest-name suggestion among the object's (sorted, public) names
    hint = did_you_mean(name, sorted(public(candidates)))
    return GradcliError(f"{what} has no attribute '{name}'{hint}", type_name="AttributeError")


def index_out_of_range(kind="list") -> GradcliError:
    return index_error(f"{kind} index out of range")
