"""`gradcli run`: PyTorch programs, interpreted statement by statement.

The program is parsed whole first (a syntax error runs nothing, as in Python), then
executed by a loop over an explicit stack of frames (blocks, for-loops, with-blocks), so
neither nesting nor loop length costs Python recursion. Expressions go through
parser/evaluate.py. A step budget bounds runaway programs."""

import builtins
from collections.abc import Iterator

from lark.indenter import DedentError, Indenter

from ..engine import api, grad_mode
from ..engine.errors import GradcliError, LimitError, UnsupportedError, type_error, value_error
from ..engine.suggest import did_you_mean
from ..engine.tensor import Tensor
from .evaluate import binary, evaluate, python_error
from .grammar import parse
from .pyformat import convert, format_value, safe_format, split_fstring
from .runtime import BoundMethod, Runtime, modules, type_label

DEFAULT_MAX_STEPS = 10_000_000  # a 10,000-iteration training loop takes ~100,000
MAX_SEQUENCE = 10_000_000


class ProgramIndenter(Indenter):
    NL_type = "_NEWLINE"
    OPEN_PAREN_types = ["LPAR", "LSQB"]
    CLOSE_PAREN_types = ["RPAR", "RSQB"]
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 8

    def handle_NL(self, token):
        try:
            yield from super().handle_NL(token)
        except DedentError:  # Python's IndentationError, at the line that dedents
            from ..engine.errors import GradcliSyntaxError

            indent = token.rsplit("\n", 1)[1]
            err = GradcliSyntaxError("unindent does not match any outer indentation level",
                                     line=token.end_line, column=len(indent) + 1,
                                     source_line="")
            err.type_name = "IndentationError"
            raise err from None


def parse_program(text: str):
    if not text.endswith("\n"):
        text += "\n"
    return parse(text, start="program", grammar="program.lark", starts=("program",),
                 postlex=ProgramIndenter)


# the modules `import` may name, and what `import X` binds
IMPORTABLE = ("torch", "torch.nn", "torch.nn.functional", "torch.autograd")
_INPLACE = {"+": "add_", "-": "sub_", "*": "mul_", "/": "div_"}
_AUG_KIND = {"+": "add", "-": "sub", "*": "mul", "/": "div", "//": "floordiv", "%": "mod",
             "**": "pow", "@": "matmul"}
NONLEAF_GRAD_WARNING = (
    "UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being "
    "accessed. Its .grad attribute won't be populated during autograd.backward(). If you "
    "indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() "
    "on the non-leaf Tensor.")


class ProgramError(GradcliError):
    """An error ending the program, with the line it happened on."""


class Program(Runtime):
    """The interpreter's state: variables, output, warnings and the step budget."""

    def __init__(self, write, warn, max_steps: int = DEFAULT_MAX_STEPS):
        self.vars: dict = {}
        self.write = write
        self.warn = warn
        self.max_steps = max_steps
        self.steps = 0
        self.line = 0
        self.builtins = self._builtins()

    # ------------------------------------------------------------------ names
    def name(self, node):
        n = node.value
        if n in self.vars:
            return self.vars[n]
        if n in self.builtins:
            return self.builtins[n]
        if n == "__name__":
            return "__main__"
        if n.startswith("__"):
            raise UnsupportedError(f"the name '{n}' is not available in gradcli programs",
                                   column=node.column, line=node.line)
        # CPython 3.11's search: the module's names, then ALL of Python's builtins (so the
        # suggestion is the one `python FILE` prints, even for a builtin gradcli lacks)
        hint = did_you_mean(n, list(self.vars), list(vars(builtins)))
        raise GradcliError(f"name '{n}' is not defined{hint}", type_name="NameError",
                           column=node.column, line=node.line)

    def getattr(self, obj, name, node):
        if name == "grad" and isinstance(obj, Tensor) and obj.grad_fn is not None \
                and not obj.retains_grad:
            self.warn(node.line, NONLEAF_GRAD_WARNING)
        if name == "format" and type(obj) is str:
            return BoundMethod(safe_format, obj, "format")
        return super().getattr(obj, name, node)

    def fstring(self, node):
        out = []
        for piece in split_fstring(node.value):
            if piece[0] == "text":
                out.append(piece[1])
                continue
            _, source, conv, spec, offset = piece
            shown = source
            if source.rstrip().endswith("=") and not source.rstrip().endswith(("==", "!=",
                                                                               "<=", ">=")):
                source = source.rstrip()[:-1]
                out.append(shown)
                conv = conv or ("r" if not spec else None)
            value = evaluate(parse(source.strip(), start="expr"), self)
            if "{" in spec:
                spec = "".join(p[1] if p[0] == "text" else
                               format_value(evaluate(parse(p[1].strip(), start="expr"), self),
                                            p[3]) for p in split_fstring('f"' + spec + '"'))
            out.append(format_value(convert(value, conv), spec))
        return "".join(out)

    def listcomp(self, node, iterable):
        elt = node.children[0]
        var = node.value
        saved = self.vars.get(var, _MISSING)
        result = []
        try:
            for item in self.iterate(iterable):
                self.tick()
                self.vars[var] = item
                result.append(evaluate(elt, self))
        finally:
            if saved is _MISSING:
                self.vars.pop(var, None)
            else:
                self.vars[var] = saved
        return result

    # ------------------------------------------------------------------ builtins
    def _builtins(self) -> dict:
        def print_(*args, sep=" ", end="\n", file=None, flush=False):
            if file is not None:
                raise UnsupportedError("print(file=...) is not supported")
            if sep is None:
                sep = " "
            if end is None:
                end = "\n"
            if not isinstance(sep, str) or not isinstance(end, str):
                raise type_error("sep and end must be None or a string")
            self.write(sep.join(str(a) for a in args) + end)

        def range_(*args):
            return builtins.range(*args)

        def bounded(kind):
            def make(iterable=(), *rest):
                if rest:
                    raise type_error(f"{kind.__name__} expected at most 1 argument, got "
                                     f"{1 + len(rest)}")
                if isinstance(iterable, builtins.range) and len(iterable) > MAX_SEQUENCE:
                    raise LimitError(f"a sequence of {len(iterable):,} items is more than "
                                     f"{MAX_SEQUENCE:,}")
                return kind(self.counted(iterable))
            return make

        def isinstance_(obj, cls):
            classes = cls if isinstance(cls, tuple) else (cls,)
            for c in classes:
                if c is api.FUNCTIONS["Tensor"] or c is api.FUNCTIONS["FloatTensor"]:
                    if isinstance(obj, Tensor):
                        return True
                elif c is api.Size:
                    if isinstance(obj, api.Size):
                        return True
                elif c in (int, float, str, bool, list, tuple):
                    if isinstance(obj, c):
                        return True
                else:
                    raise type_error("isinstance() arg 2 must be a type, a tuple of types, or a "
                                     "union")
            return False

        def sum_(iterable, start=0):
            return builtins.sum(self.counted(iterable), start)

        def extreme(pick):
            # min/max over one iterable walk it item by item within the step budget
            def call(*args, **kwargs):
                if len(args) == 1:
                    return pick(self.counted(args[0]), **kwargs)
                return pick(*args, **kwargs)
            return call

        return {
            "print": print_, "range": range_, "len": len, "round": round, "abs": abs,
            "min": extreme(min), "max": extreme(max), "sum": sum_, "float": float, "int": int, "str": str,
            "bool": bool, "list": bounded(list), "tuple": bounded(tuple),
            "sorted": bounded(sorted), "isinstance": isinstance_,
            "enumerate": enumerate, "zip": zip, "reversed": reversed,
            "True": True, "False": False, "None": None,
        }

    def iterate(self, value):
        """What a for-loop walks: a tensor's rows (unbind, as torch iterates), or a Python
        iterable of the values gradcli knows."""
        if isinstance(value, Tensor):
            return iter(api.unbind(value))
        # Iterator: what enumerate/zip/reversed/iter made (list_reverseiterator, …)
        if isinstance(value, (list, tuple, str, builtins.range, dict, api.Size, Iterator)):
            return iter(value)
        raise type_error(f"'{type_label(value)}' object is not iterable")

    def counted(self, value):
        """`iterate`, one step of the budget per item: what builtins (sum, min, list, …)
        consume, so `max(range(10**12))` ends with the step-budget error, not a hang."""
        for item in self.iterate(value):
            self.tick()
            yield item

    # ------------------------------------------------------------------ execution
    def tick(self) -> None:
        self.steps += 1
        if self.steps > self.max_steps:
            raise LimitError(f"the program ran more than {self.max_steps:,} steps; raise "
                             f"--max-steps if it is meant to run this long")

    def run(self, program) -> None:
        """Execute a parsed program (a block node)."""
        stack = [_Frame("block", program.children)]
        try:
            while stack:
                self._advance(stack)
        except BaseException:
            for frame in reversed(stack):  # leave grad mode as it was before the program
                if frame.kind == "with":
                    frame.payload.__exit__(None, None, None)
            raise

    def _advance(self, stack) -> None:
        top = stack[-1]
        if top.kind == "with":
            stack.pop()
            top.payload.__exit__(None, None, None)
            return
        if top.kind == "loop":
            try:
                item = next(top.payload)
                self.tick()
                self.assign(top.target, item)
            except StopIteration:
                stack.pop()
                return
            except GradcliError as e:  # the budget or the target: Python names the for line
                if e.line is None:
                    e.line = top.line
                raise
            stack.append(_Frame("block", top.body))
            return
        if top.index >= len(top.body):
            stack.pop()
            return
        stmt = top.body[top.index]
        top.index += 1
        self.tick()
        if stmt.line:
            self.line = stmt.line
        kind = stmt.kind
        try:
            if kind == "expr_stmt":
                evaluate(stmt.children[0], self)
            elif kind == "assign":
                value = evaluate(stmt.children[-1], self)
                for target in stmt.children[:-1]:
                    self.assign(target, value)
            elif kind == "augassign":
                self.augassign(stmt)
            elif kind == "if":
                parts = stmt.children
                for i in range(0, len(parts) - 1, 2):
                    if evaluate(parts[i], self):
                        stack.append(_Frame("block", parts[i + 1].children))
                        break
                else:
                    if parts[-1] is not None:
                        stack.append(_Frame("block", parts[-1].children))
            elif kind == "for":
                target, iterable, body = stmt.children
                stack.append(_Frame("loop", body.children, self.iterate(evaluate(iterable, self)),
                                    target, stmt.line or self.line))
            elif kind == "with":
                ctx = evaluate(stmt.children[0], self)
                if not isinstance(ctx, grad_mode.set_grad_enabled):
                    raise type_error(f"'{type_label(ctx)}' object does not support the context "
                                     f"manager protocol")
                ctx.__enter__()
                stack.append(_Frame("with", (), ctx))
                if stmt.value:
                    self.vars[stmt.value] = ctx
                stack.append(_Frame("block", stmt.children[1].children))
            elif kind in ("break", "continue"):
                self._jump(stack, kind)
            elif kind == "import":
                self._import(*stmt.value)
            elif kind == "from":
                self._from(*stmt.value)
            elif kind != "pass":
                raise UnsupportedError(f"'{kind}' statements are not supported")
        except GradcliError as e:
            if e.line is None:
                e.line = stmt.line or self.line
            raise
        except (TypeError, ValueError, ZeroDivisionError, OverflowError, IndexError,
                KeyError, AttributeError) as e:
            err = python_error(e)
            err.line = stmt.line or self.line
            raise err from None

    def _jump(self, stack, kind) -> None:
        while stack:
            top = stack[-1]
            if top.kind == "loop":
                if kind == "break":
                    stack.pop()
                return
            stack.pop()
            if top.kind == "with":
                top.payload.__exit__(None, None, None)
        raise GradcliError(f"'{kind}' outside loop", type_name="SyntaxError")

    def _import(self, module: str, alias) -> None:
        if module not in IMPORTABLE:
            raise UnsupportedError(f"import of '{module}' is not supported: gradcli runs "
                                   f"PyTorch's subset (torch, torch.nn, torch.nn.functional, "
                                   f"torch.autograd)")
        mods = modules()
        if alias:
            self.vars[alias] = mods[module]
        else:
            self.vars["torch"] = mods["torch"]

    def _from(self, module: str, names) -> None:
        mods = modules()
        if module not in IMPORTABLE:
            raise UnsupportedError(f"import from '{module}' is not supported: gradcli runs "
                                   f"PyTorch's subset (torch, torch.nn, torch.nn.functional, "
                                   f"torch.autograd)")
        ns = mods[module]
        for name, alias in names:
            if name == "*":
                raise UnsupportedError("'from ... import *' is not supported")
            if name not in ns.members:
                raise GradcliError(f"cannot import name '{name}' from '{module}'",
                                   type_name="ImportError")
            self.vars[alias or name] = ns.members[name]

    # ------------------------------------------------------------------ assignment
    def assign(self, target, value) -> None:
        """Bind `value` to a target (name, tuple/list of targets, attribute, subscript);
        nested unpacking is walked with a stack."""
        work = [(target, value)]
        while work:
            t, v = work.pop()
            kind = t.kind
            if kind == "name":
                if t.value.startswith("__"):
                    raise UnsupportedError(f"assigning to '{t.value}' is not allowed")
                self.vars[t.value] = v
            elif kind in ("tuple", "list"):
                items = list(self.iterate(v))
                n = len(t.children)
                if len(items) != n:
                    if len(items) > n:
                        raise value_error(f"too many values to unpack (expected {n})")
                    raise value_error(f"not enough values to unpack (expected {n}, got "
                                      f"{len(items)})")
                work.extend(reversed(list(zip(t.children, items, strict=False))))
            elif kind == "attr":
                obj = evaluate(t.children[0], self)
                if isinstance(obj, Tensor) and t.value in api.SETTERS:
                    api.SETTERS[t.value](obj, v)
                else:
                    raise UnsupportedError(f"assigning to the attribute '{t.value}' of "
                                           f"{type_label(obj)} is not supported")
            elif kind == "index":
                obj = evaluate(t.children[0], self)
                keys = [evaluate(k, self) for k in t.children[1:]]
                key = tuple(keys) if t.value else keys[0]
                if isinstance(obj, Tensor):
                    api.setitem(obj, key, v)
                elif isinstance(obj, list):
                    obj[key] = v
                else:
                    raise type_error(f"'{type_label(obj)}' object does not support item "
                                     f"assignment")
            else:
                raise GradcliError("cannot assign to expression", type_name="SyntaxError",
                                   column=t.column, line=t.line)

    def augassign(self, stmt) -> None:
        """x op= v: in place for tensors (torch's __iadd__ etc.), rebinding otherwise."""
        target, value_node = stmt.children
        op = stmt.value
        current = evaluate(target, self)
        value = evaluate(value_node, self)
        if isinstance(current, Tensor) and op in _INPLACE:
            result = api.METHODS[_INPLACE[op]](current, value)
        else:
            result = binary(_AUG_KIND[op], current, value)
            if isinstance(current, list) and op == "+":
                current[:] = result
                result = current
        if target.kind == "name":
            self.vars[target.value] = result
        elif result is not current:
            self.assign(target, result)


class _Frame:
    __slots__ = ("kind", "body", "payload", "target", "index", "line")

    def __init__(self, kind, body, payload=None, target=None, line=None):
        self.kind = kind
        self.body = body
        self.payload = payload
        self.target = target
        self.index = 0
        self.line = line  # a loop's `for` line, which its own errors name


_MISSING = object()


def run_program(text: str, write, warn, max_steps: int = DEFAULT_MAX_STEPS) -> None:
    """Parse and run a program; output goes to `write`, warnings to `warn(line, text)`.
    Raises GradcliError (with .line) when the program fails."""
    program = parse_program(text)
    Program(write, warn, max_steps).run(program)
