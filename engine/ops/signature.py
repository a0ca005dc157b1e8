"""PyTorch's argument parsing, generated from a signature as PyTorch prints it.

A row of the op table gives its surface as the overloads torch shows in its errors,
e.g. "(Tensor input, tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None)".
From them `Signature` binds a call's arguments and, on a bad call, raises the TypeError
PyTorch raises, word for word: its python_arg_parser (torch.X and Tensor.X of native
functions, torch/csrc/utils/python_arg_parser.cpp and invalid_arguments.cpp), CPython's
own messages for the Python functions of torch.nn.functional (style="python"), and
CPython's METH_NOARGS messages for argument-less methods (`x.exp(1)`).

Parsing is built once per signature; wrappers call `bind` only off their fast path."""

import ast
import re

from ..errors import type_error
from ..tensor import Tensor

_MISSING = object()
_PARAM = re.compile(r"(?P<type>.+?) (?P<name>\w+)(?: = (?P<default>.+))?$")


def type_name(x) -> str:
    """Py_TYPE(obj)->tp_name as torch's messages print it."""
    if isinstance(x, Tensor):
        return "Tensor"
    return {bool: "bool", int: "int", float: "float", str: "str", list: "list",
            tuple: "tuple", type(None): "NoneType"}.get(type(x), type(x).__name__)


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _matches(kind: str, x, default, nullable=False) -> bool:
    if x is None and (default is None or nullable):
        return True
    if kind == "Tensor":
        return isinstance(x, Tensor)
    if kind in ("int", "SymInt"):
        return _is_int(x)
    if kind == "bool":
        return isinstance(x, bool)
    if kind in ("float", "Number"):
        return isinstance(x, (int, float))
    if kind == "tuple of ints":
        return _is_int(x) or isinstance(x, (tuple, list)) and all(_is_int(v) for v in x)
    if kind == "str":
        return isinstance(x, str)
    return True  # torch.dtype and the like: checked by the wrapper that uses them


class Param:
    __slots__ = ("kind", "name", "default", "kwonly", "nullable")

    def __init__(self, kind, name, default, kwonly):
        # "tuple of ints? dim": None is accepted; torch prints the type without the `?`
        self.nullable = kind.endswith("?")
        self.kind = kind.rstrip("?")
        self.name, self.default, self.kwonly = name, default, kwonly

    @property
    def required(self) -> bool:
        return self.default is _MISSING


class Overload:
    """One of a function's signatures: its parameters and its printed form."""

    def __init__(self, text: str):
        self.params: list = []
        kwonly = False
        inner = text.strip()[1:-1]
        for part in filter(None, (p.strip() for p in inner.split(", "))):
            if part == "*":
                kwonly = True
                continue
            m = _PARAM.match(part)
            if m is None:
                raise ValueError(f"bad signature part {part!r} in {text!r}")
            d = m.group("default")
            self.params.append(Param(m.group("type"), m.group("name"),
                                     _MISSING if d is None else ast.literal_eval(d), kwonly))
        self.text = _printed(self.params)  # as torch prints it
        self.spec = _printed(self.params, marks=True)  # as written, nullable marks kept
        self.positional = [p for p in self.params if not p.kwonly]
        self.by_name = {p.name: p for p in self.params}
        self.min_args = sum(p.required for p in self.params)

    def without(self, *names) -> "Overload":
        return Overload(_printed([p for p in self.params if p.name not in names], marks=True))

    def bind(self, fname, args, kwargs, raise_errors: bool, python: bool):
        """name -> value (defaults filled), or None when it does not match. Errors come in
        the order each parser finds them: CPython's (python=True) checks keywords before
        missing arguments; torch's walks the parameters, then reports leftover keywords."""
        pos = self.positional
        if len(args) > len(pos):
            if not raise_errors:
                return None
            _too_many(fname, len(args), self, python)
        out = dict(zip((p.name for p in pos), args, strict=False))
        if python:
            self._check_keywords(fname, out, kwargs, raise_errors)
        for p in self.params:
            if p.name in out:
                v = out[p.name]
            elif p.name in kwargs:
                v = out[p.name] = kwargs[p.name]
            elif p.required:
                if not raise_errors:
                    return None
                _missing(fname, [q.name for q in self.params if q.required and q.name not in out
                                 and q.name not in kwargs], python)
            else:
                out[p.name] = p.default
                continue
            if python and p.name == "inplace":  # a Python def reads it without checking
                continue
            if not _matches(p.kind, v, p.default, p.nullable):
                if not raise_errors:
                    return None
                where = (f" (position {pos.index(p) + 1})"
                         if p.name not in kwargs and not p.kwonly else "")
                raise type_error(f"{fname}(): argument '{p.name}'{where} must be {p.kind}, "
                                 f"not {type_name(v)}")
        if not python and not self._check_keywords(fname, dict(zip((p.name for p in pos), args, strict=False)),
                                                   kwargs, raise_errors):
            return None
        return out

    def _check_keywords(self, fname, positional, kwargs, raise_errors) -> bool:
        for k in kwargs:
            p = self.by_name.get(k)
            if p is None or k in positional:
                if not raise_errors:
                    return False
                if p is None:
                    raise type_error(f"{fname}() got an unexpected keyword argument '{k}'")
                raise type_error(f"{fname}() got multiple values for argument '{k}'")
        return True


def _missing(fname, missing, python):
    n = len(missing)
    if python:
        names = (f"'{missing[0]}'" if n == 1 else
                 ", ".join(f"'{m}'" for m in missing[:-1]) + f" and '{missing[-1]}'")
        raise type_error(f"{fname}() missing {n} required positional argument"
                         f"{'s' if n > 1 else ''}: {names}")
    names = ", ".join(f'"{m}"' for m in missing)
    raise type_error(f"{fname}() missing {n} required positional arguments: {names}")


def _printed(params, marks=False) -> str:
    """An overload's text: torch's spelling ("tuple of ints dim, bool keepdim = False"),
    or with marks=True our own (nullable types keep their `?`)."""
    kept, star = [], False
    for p in params:
        if p.kwonly and not star:
            kept.append("*")
            star = True
        d = "" if p.required else f" = {_show(p.default)}"
        kept.append(f"{p.kind}{'?' if marks and p.nullable else ''} {p.name}{d}")
    return "(" + ", ".join(kept) + ")"


def _show(v) -> str:
    if isinstance(v, (list, tuple)):  # no spaces: the overload text is split on ", "
        return "[" + ",".join(map(str, v)) + "]"
    # torch prints a str default in double quotes: str interpolation = "linear"
    return "None" if v is None else f'"{v}"' if isinstance(v, str) else str(v)


def _too_many(fname, n, ov, python):
    hi, lo = len(ov.positional), sum(p.required for p in ov.positional)
    if lo != hi:
        raise type_error(f"{fname}() takes from {lo} to {hi} positional arguments but {n} "
                         f"were given")
    raise type_error(f"{fname}() takes {hi} positional argument{'' if hi == 1 else 's'} but "
                     f"{n} {'was' if n == 1 else 'were'} given")


class Signature:
    """A function's overloads and how it reports a bad call.

    style: "native" (python_arg_parser), "python" (a def of torch.nn.functional),
    "noargs" (a method taking nothing but self)."""

    def __init__(self, name: str, *overloads: str, style: str = "native"):
        self.name = name
        self.style = style
        self.overloads = [Overload(o) for o in overloads]

    def method(self) -> "Signature":
        """Tensor.X's signature: the function's without its first Tensor and `out`."""
        first = self.overloads[0].params[0].name if self.overloads[0].params else None
        obs = [o.without(first, "out") for o in self.overloads]
        if all(not o.params for o in obs):
            return Signature(self.name, style="noargs")
        return Signature(self.name, *(o.spec for o in obs), style=self.style)

    def bind(self, args, kwargs) -> tuple:
        """(overload index, name -> value) or PyTorch's TypeError."""
        name = self.name
        if self.style == "noargs":
            if kwargs:
                raise type_error(f"TensorBase.{name}() takes no keyword arguments")
            if args:
                raise type_error(f"TensorBase.{name}() takes no arguments ({len(args)} given)")
            return 0, {}
        obs = self.overloads
        if len(obs) == 1:
            return 0, obs[0].bind(name, args, kwargs, True, self.style == "python")
        for i, o in enumerate(obs):
            r = o.bind(name, args, kwargs, False, False)
            if r is not None:
                return i, r
        n = len(args) + len(kwargs)
        plausible = [o for o in obs if o.min_args <= n <= len(o.params)]
        if len(plausible) == 1:
            plausible[0].bind(name, args, kwargs, True, False)
        # torch lists the keywords last given first (clamp(x, min=t, max=2.) -> max=, min=)
        got = [type_name(a) for a in args] + [f"{k}={type_name(v)}"
                                              for k, v in reversed(list(kwargs.items()))]
        desc = ", ".join(got) if args else "".join(g + ", " for g in got)
        options = "".join(f" * {o.text}\n" for o in obs)
        raise type_error(f"{name}() received an invalid combination of arguments - got ({desc}), "
                         f"but expected one of:\n{options}")

    def texts(self) -> list:
        return [o.text for o in self.overloads]
