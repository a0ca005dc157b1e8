"""The compile-time half of the policy: RestrictedPython's transformer, widened to what
PyTorch programs write and no further.

RestrictedPython 9 refuses every name and attribute beginning with `_`. Programs need a
few: the data-model methods a class defines (`def __init__`, `def __call__`, ...), the
calls that reach them (`super().__init__()`, `nn.Module.__init__(self)`), and reading
`__name__` (`if __name__ == "__main__":`). Those, and only those, are let through here;
at run time every attribute access still goes through guards.guarded_getattr, which
allows exactly the same names. Beyond that this policy adds `nonlocal`, augmented
assignment to attributes and items (`self.n += 1`, `x[0] -= 1`) and a budget tick at the
top of every function body and while-loop body."""

import ast

from RestrictedPython import RestrictingNodeTransformer

# the data-model methods a class may define and a program may name after a dot
DATA_MODEL = frozenset(f"__{n}__" for n in (
    "init call repr str len getitem setitem delitem iter next contains enter exit "
    "eq ne lt le gt ge hash bool float int index format post_init "
    "add radd iadd sub rsub isub mul rmul imul truediv rtruediv itruediv floordiv "
    "rfloordiv ifloordiv mod rmod pow rpow matmul rmatmul neg pos abs "
    "and or xor rand ror rxor invert round").split())
# read-only names a program may use beside them
# the name programs are compiled under: frames with it are the user's program
FILENAME = "<gradcli program>"
READABLE_NAMES = frozenset({"__name__"})
READABLE_ATTRIBUTES = frozenset({"__name__", "__doc__", "__version__"})


def private_variable(name: str) -> bool:
    """A variable, function or class name like `_iteration` or `_helper`: a name, not an
    attribute, so it walks to nothing. Refused stay dunders and every spelling of the
    guards' own names (`_getattr_`, `_print`, `_tmp0`, ...), which a program could
    otherwise rebind."""
    return (name.startswith("_") and not name.startswith("__") and not name.endswith("_")
            and name not in ("_print", "_caught") and not name.startswith("_tmp"))


def allowed_attribute(name: str) -> bool:
    return not name.startswith("_") or name in DATA_MODEL or name in READABLE_ATTRIBUTES


def _located(new, node):
    """`new` and every node inside it placed at `node` (compile needs each one placed)."""
    for child in ast.walk(new):
        if "lineno" in child._attributes and not hasattr(child, "lineno"):
            ast.copy_location(child, node)
    return new


class ProgramPolicy(RestrictingNodeTransformer):
    def check_name(self, node, name, allow_magic_methods=False):
        # a class body's method `def __call__(self)`: a data-model name, defined
        if allow_magic_methods and name in DATA_MODEL and getattr(node, "col_offset", 0):
            return
        if name is not None and private_variable(name):
            return
        super().check_name(node, name, allow_magic_methods=False)

    def visit_Name(self, node):
        if node.id in READABLE_NAMES and isinstance(node.ctx, ast.Load):
            return node
        return super().visit_Name(node)

    def visit_Attribute(self, node):
        if private_variable(node.attr):
            # `self._x`: decided when it runs (guards: only on the program's own classes)
            node = self.node_contents_visit(node)
            if isinstance(node.ctx, ast.Load):
                new = ast.Call(func=ast.Name("_getattr_", ast.Load()),
                               args=[node.value, ast.Constant(node.attr)], keywords=[])
                return _located(new, node)
            node.value = _located(ast.Call(func=ast.Name("_write_private_", ast.Load()),
                                           args=[node.value], keywords=[]), node.value)
            return node
        if node.attr.startswith("_") and allowed_attribute(node.attr):
            # RestrictedPython would refuse it: build its _getattr_/_write_ form ourselves
            node = self.node_contents_visit(node)
            if isinstance(node.ctx, ast.Load):
                new = ast.Call(func=ast.Name("_getattr_", ast.Load()),
                               args=[node.value, ast.Constant(node.attr)], keywords=[])
                return _located(new, node)
            self.error(node, f'"{node.attr}" may be read, not assigned or deleted.')
            return node
        return super().visit_Attribute(node)

    def visit_ExceptHandler(self, node):
        """`except T as e:` catches gradcli's errors as the Python types they name:
        `except _exc_(T) as e:` then `e = _caught_(e, T)`, which hands the handler a real
        RuntimeError/IndexError/... (or re-raises what T does not cover, and the budget and
        policy errors, which no handler may swallow)."""
        node = super().visit_ExceptHandler(node)
        kind = node.type if node.type is not None else ast.Name("BaseException", ast.Load())
        name = node.name or "_caught"
        again = self.visit(_located(ast.parse(ast.unparse(kind), mode="eval").body, kind)) \
            if node.type is not None else ast.Name("BaseException", ast.Load())
        node.type = _located(ast.Call(func=ast.Name("_exc_", ast.Load()), args=[kind],
                                      keywords=[]), node)
        node.name = name
        bind = ast.Assign(targets=[ast.Name(name, ast.Store())],
                          value=ast.Call(func=ast.Name("_caught_", ast.Load()),
                                         args=[ast.Name(name, ast.Load()), again],
                                         keywords=[]))
        node.body.insert(0, _located(bind, node.body[0] if node.body else node))
        return node

    def visit_AnnAssign(self, node):
        # `x: int = 1` (dataclass fields): the target is checked as an assignment's is;
        # the annotation is an expression like any other
        return self.node_contents_visit(node)

    def visit_Nonlocal(self, node):
        for name in node.names:
            self.check_name(node, name)
        return node

    def visit_AugAssign(self, node):
        target = node.target
        if isinstance(target, ast.Name):
            return super().visit_AugAssign(node)
        op = ast.Constant(type(node.op).__name__)
        value = self.visit(node.value)
        if isinstance(target, ast.Attribute):
            if target.attr.startswith("_") and not private_variable(target.attr):
                self.error(node, f'"{target.attr}" is an invalid attribute name because it '
                                 f'starts with "_".')
                return node
            call = ast.Call(func=ast.Name("_inplaceattr_", ast.Load()),
                            args=[self.visit(target.value), ast.Constant(target.attr), op,
                                  value], keywords=[])
        elif isinstance(target, ast.Subscript):
            call = ast.Call(func=ast.Name("_inplaceitem_", ast.Load()),
                            args=[self.visit(target.value), self.visit(target.slice), op,
                                  value], keywords=[])
        else:
            return super().visit_AugAssign(node)
        return _located(ast.Expr(value=call), node)

    def _tick(self, node):
        stmt = ast.Expr(value=ast.Call(func=ast.Name("_tick_", ast.Load()), args=[],
                                       keywords=[]))
        return _located(stmt, node)

    def visit_FunctionDef(self, node):
        node = super().visit_FunctionDef(node)
        body = node.body
        # after a docstring, so the function keeps it
        at = 1 if body and isinstance(body[0], ast.Expr) and isinstance(
            body[0].value, ast.Constant) and isinstance(body[0].value.value, str) else 0
        body.insert(at, self._tick(body[at] if at < len(body) else node))
        return node

    def visit_While(self, node):
        node = super().visit_While(node)
        node.body.insert(0, self._tick(node.body[0]))
        return node
