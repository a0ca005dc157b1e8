"""`gradcli eval --format json` by compiled plans (issue 23, third round): a line whose
shape (parser/shape_cache.py's scan: its text with the number literals cut out, and the
literals' classes) has a trusted plan (parser/interpreter/plan.py) is replayed and its
JSON record written from the plan's fixed parts plus the values, with no interpreter,
Tensor, Node or record objects.

A shape's first line runs the general path; its second runs the general path too, and
compiles the plan from that run, which must then give that line's record byte for byte;
its third runs both again and must agree again before the plan is trusted. A trusted
plan that meets anything unusual on a line (a nan or an inf, a literal the parser would
refuse, a line past EXPR_SHOWN characters, global state other than the plain one)
returns None and that line goes the general way. ENABLED off (or GRADCLI_NO_PLAN set): the general path only
(tests/test_eval_plan.py holds the two to one output)."""

import os
from json.encoder import encode_basestring as _text

from .parser.interpreter.case import EXPR_SHOWN
from .parser.interpreter.plan import compile_plan
from .parser.shape_cache import scan
from .records import dtype_name

ENABLED = [not os.environ.get("GRADCLI_NO_PLAN")]  # (the variable: for measuring)
MAX_SHAPES = 4096
MAX_TRIES = 6  # lines of a shape with an error or a nan before it is given up
_BAD = object()


def plain(opts) -> bool:
    """Whether a batch's options are the plain ones plans are made for."""
    return (not opts.bindings and not opts.consts and opts.grad is None and opts.of is None
            and opts.wrt is None and not opts.retain_grad and opts.backward
            and opts.overrides is None)


class Planned:
    """A line done by its plan: its JSON record (batch.py's render writes it as it is)."""

    __slots__ = ("line", "json")
    error = None

    def __init__(self, line, json):
        self.line, self.json = line, json


class PlanRunner:
    """runner(text, line) for batch.py: a Planned record or run_case's CaseResult."""

    def __init__(self, opts, summary: bool = False):
        from .tasks.eval import run_case

        self.opts, self.summary, self.run_case = opts, summary, run_case
        self.shapes: dict = {}  # key -> lines seen (no plan yet), a _Record, or _BAD

    def __call__(self, text: str, line: int):
        if not ENABLED[0]:
            return self.run_case(text, line, self.opts)
        scanned = scan(text)
        if scanned is None:
            return self.run_case(text, line, self.opts)
        key, pieces, literals = scanned
        entry = self.shapes.get(key)
        if type(entry) is _Record and entry.trusted:
            json = entry.render(line, text, pieces, literals)
            if json is not None:
                return Planned(line, json)
            return self.run_case(text, line, self.opts)
        result = self.run_case(text, line, self.opts)
        if entry is _BAD or (entry is None and len(self.shapes) >= MAX_SHAPES):
            return result
        if entry is None:
            self.shapes[key] = 1
        elif type(entry) is int:
            self.shapes[key] = self._learn(text, result, pieces, literals, entry)
        else:  # on probation: it must agree once more (a nan there: try the next line)
            json = entry.render(line, text, pieces, literals)
            if json == self._general(result):
                entry.trusted = True
            elif json is not None or result.error is not None:
                self.shapes[key] = _BAD
        return result

    def _general(self, result) -> str:
        from .render_eval import json_line

        return json_line(result, self.summary)

    def _learn(self, text, result, pieces, literals, tries):
        """The shape's _Record on probation, _BAD, or (a line with an error, a nan: no
        verdict) tries + 1, until MAX_TRIES."""
        if result.error is not None:
            return tries + 1 if tries < MAX_TRIES else _BAD
        from .parser.grammar import parse

        try:
            tree = parse(text, start="case")
        except Exception:  # noqa: BLE001 - no plan, never a different result
            return _BAD
        try:
            plan = compile_plan(tree, result, pieces, literals)
            if plan is None:
                return _BAD
            record = _Record(plan, result, pieces)
        except Exception:  # noqa: BLE001 - an engine object not as plans read it: no plan
            return _BAD
        json = record.render(result.line, text, pieces, literals)
        if json is None:
            return tries + 1 if tries < MAX_TRIES else _BAD
        return record if json == self._general(result) else _BAD


class _Record:
    """A plan and its JSON record's text (cli/records.py's case_json) as a function of
    the line: the fixed parts (ids, dtypes, flags, grad_fn names) written once, the
    source, expressions, values and grads filled in (generated straight-line code)."""

    __slots__ = ("plan", "trusted", "fill")

    def __init__(self, plan, result, pieces):
        self.plan = plan
        self.trusted = False
        scope = {"T": _text, "R": float.__repr__}

        def part(text: str) -> str:  # a fixed piece of JSON, by name (never source text)
            name = f"P{len(scope)}"
            scope[name] = text
            return "{" + name + "}"

        offsets = [0]  # where each piece starts in the shape's text without its literals
        for piece in pieces:
            offsets.append(offsets[-1] + len(piece))
        body, fmt, numbers, used = [], [], [], set()
        fmt.append(part('{"line": ') + "{line}" + part(', "source": ') + "{T(text)}" +
                   part(f', "output": {_text(result.output)}, "nodes": ['))
        for n, (cn, (s, lo, hi)) in enumerate(zip(result.nodes, plan.nodes, strict=True)):
            t = cn.tensor
            fn = t.grad_fn
            used.update((lo[0], hi[0]))
            start, end = (f"{offsets[j] + off}+D{j}" for j, off in (lo, hi))
            body.append(f"    a{n} = V[{s}].item()")
            numbers.append(f"a{n}")
            grad = "null"
            if cn.grad is not None:
                body.append(f"    b{n} = G[{s}].item()")
                numbers.append(f"b{n}")
                grad = f"{{R(b{n})}}"
            fmt.append(
                part(f'{", " if n else ""}{{"id": {_text(cn.id)}, "expr": ') +
                f"{{T(text[{start}:{end}])}}" +
                part(f', "shape": [], "dtype": "{dtype_name(t.data.dtype)}", "value": ') +
                f"{{R(a{n})}}" +
                part(f', "requires_grad": {"true" if t.requires_grad else "false"}, '
                     f'"is_leaf": {"true" if fn is None else "false"}, '
                     f'"grad_fn": {_text(fn.name()) if fn is not None else "null"}, '
                     f'"grad": ') + grad + part("}"))
        fmt.append(part('], "error": null}'))
        lines = ["def fill(line, text, L, V, G):", *body,
                 # a nan or an inf anywhere (a sum that overflows only sends the line the
                 # general way): not what the plan was checked on
                 f"    chk = {' + '.join(numbers)}",
                 "    if chk - chk != 0:",
                 "        return None",
                 "    D0 = 0"]
        for j in range(1, max(used) + 1):
            lines.append(f"    D{j} = D{j - 1} + len(L[{j - 1}])")
        lines.append(f"    return f{''.join(fmt)!r}")
        exec(compile("\n".join(lines) + "\n", "<line record>", "exec"), scope)  # noqa: S102
        self.fill = scope["fill"]

    def render(self, line, text, pieces, literals):
        """The line's JSON record, or None (the general path's business)."""
        if len(text) > EXPR_SHOWN:  # (a node's text could be elided)
            return None
        plan = self.plan
        try:
            values = plan.values(literals)
            if values is None:
                return None
            done = plan.run(values)
            if done is None:
                return None
            return self.fill(int(line), text, literals, *done)
        except Exception:  # noqa: BLE001 - the general path raises (or not) its own way
            return None
