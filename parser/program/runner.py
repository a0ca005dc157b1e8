"""`gradcli run`: the program compiled under the policy (policy.py) and executed by CPython
with the guards (guards.py), the facade modules (modules.py) and a step budget.

A syntax error or a policy refusal stops the program before anything runs, as Python's
compile does; any other error stops it where it happens, and is reported with the line of
the user's file that was executing (the innermost frame of the program's code)."""

import builtins as builtins_module
import sys
import warnings

from RestrictedPython import compile_restricted_exec

from ...engine import grad_mode, torch_extras
from ...engine.errors import GradcliError, GradcliSyntaxError
from ...engine.nn import module_hooks
from ...engine.suggest import did_you_mean
from . import guards, modules, torch_autograd, torch_nn  # noqa: F401  (they register modules)
from .policy import FILENAME, ProgramPolicy

DEFAULT_MAX_STEPS = 10_000_000  # a 10,000-iteration training loop takes ~100,000
RECURSION_LIMIT = 1000  # Python's default; the guards add at most two frames a level


class ProgramError(GradcliError):
    """An error ending the program, with the line it happened on."""


def compile_program(text: str, warn=None):
    """The code object, or a GradcliError: Python's SyntaxError (with its caret) or the
    policy's refusal, naming the line. Python's compile-time warnings (`x is 1`) go to
    `warn`, once."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = _compile(text)
    if warn is not None:
        seen = set()
        for w in caught:
            key = (w.lineno, str(w.message))
            if key not in seen:
                seen.add(key)
                warn(w.lineno, f"{w.category.__name__}: {w.message}")
    return code


def _compile(text: str):
    try:
        compile(text, FILENAME, "exec", dont_inherit=True)
    except SyntaxError as e:
        err = GradcliSyntaxError(e.msg, line=e.lineno or 1, column=e.offset or 1,
                                 source_line=(e.text or "").rstrip("\n"))
        err.type_name = type(e).__name__
        raise err from None
    except ValueError as e:  # source code string cannot contain null bytes
        raise GradcliError(str(e), type_name="SyntaxError", line=1) from None
    result = compile_restricted_exec(text, filename=FILENAME, policy=ProgramPolicy)
    if result.errors:
        first = result.errors[0]
        line = 1
        if first.startswith("Line "):
            head, _, first = first.partition(": ")
            line = int(head.split()[1].rstrip(":") or 1)
        raise guards.PolicyError(first, line=line)
    return result.code


def run_program(text: str, write, warn, max_steps: int = DEFAULT_MAX_STEPS,
                pyplot=None) -> dict:
    """Compile and run a program; output goes to `write`, warnings to `warn(line, text)`.
    Raises GradcliError (with .line) when the program fails; returns the program's globals
    (graph/explain --program read its tensors)."""
    code = compile_program(text, warn)
    made = modules.build(pyplot)
    g = guards.Guards(write, warn, max_steps, {id(m) for m in made.values()})
    builtins = guards.guarded_builtins(g)
    builtins["__import__"] = modules.Importer(made)
    namespace = g.namespace()
    namespace["__builtins__"] = builtins
    grad_before = grad_mode._enabled[0]
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(RECURSION_LIMIT + _depth())
    def show(message, category, filename, lineno, file=None, line=None):
        # a warning while the program runs (numpy's RuntimeWarning, a program's own
        # warnings.warn is not reachable): named by the program's line, as Python does
        g.warn(lineno if filename == FILENAME else _running_line(),
               f"{category.__name__}: {message}")

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = show
            exec(code, namespace)
    except GradcliError as e:
        e.line = _program_line(e) or e.line
        raise
    except RecursionError as e:
        raise ProgramError(str(e), type_name="RecursionError", line=_program_line(e)) from None
    except (Exception, AssertionError) as e:  # the program's own error, as Python names it
        raise ProgramError(_message(e), type_name=_type_name(e),
                           line=_program_line(e)) from None
    finally:
        sys.setrecursionlimit(limit)
        grad_mode._enabled[0] = grad_before
        torch_extras.reset_printoptions()
        module_hooks.reset()  # torch.nn.modules.module's global hooks end with the run
    return namespace


def _running_line() -> int:
    f = sys._getframe(1)
    while f is not None and f.f_code.co_filename != FILENAME:
        f = f.f_back
    return f.f_lineno if f is not None else 0


def _depth() -> int:
    f, n = sys._getframe(), 0
    while f is not None:
        f, n = f.f_back, n + 1
    return n + 50


def _program_line(e: BaseException):
    """The line of the innermost frame running the program's code."""
    line = None
    tb = e.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _type_name(e: BaseException) -> str:
    name = type(e).__name__
    return getattr(e, "type_name", name) if isinstance(e, GradcliError) else name


def _message(e: BaseException) -> str:
    if isinstance(e, KeyError) and len(e.args) == 1:
        return repr(e.args[0])
    if type(e) is NameError and getattr(e, "name", None):
        return str(e) + _name_hint(e)
    return str(e)


def _name_hint(e: NameError) -> str:
    """Python 3.11's "Did you mean: 'print'?" (its traceback printer adds it): the closest
    name among the failing frame's locals, then its globals, then Python's builtins."""
    frame, tb = None, e.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == FILENAME:
            frame = tb.tb_frame
        tb = tb.tb_next
    if frame is None:
        return ""
    scopes = [list(frame.f_locals), list(frame.f_globals), list(vars(builtins_module))]
    if frame.f_locals is frame.f_globals:
        scopes.pop(0)
    return did_you_mean(e.name, *scopes)
