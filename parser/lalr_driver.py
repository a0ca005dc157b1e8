"""A lean LALR driver for the case grammar's valid input, over lark's own tables.

Lark compiles grammars/case.lark; `tables_from_lark` copies out what parsing needs, as
plain data (the LALR actions, each rule's tree shaping as lark does it, the lexer's
regex and keywords), which parser/grammar.py caches on disk as JSON, so a process that
parses cases needs neither lark's import nor its cache loading (~70 ms of start-up).
`LalrDriver` runs those tables with the Builder's callbacks: it accepts the same language
and builds the same trees, and leaves out what a batch line pays for and does not need:
a Python call and a `Rule` hash per pass-through reduction (`?expr: or_test`, ten
precedence levels climbed by every operand), lark's wrapper objects, the error
bookkeeping.

It does not report errors: on the first thing it cannot take (an unknown character, a
token the state has no action for) it gives up, and the caller parses the text again
with lark itself, which raises lark's exact error. It lexes with lark's root lexer (all
terminals) where lark lexes per parser state; a token the state cannot take is given
back too, so the two never differ on a text that parses. tests/test_lalr_driver.py holds
the two to the same trees and the same errors."""

FORMAT = 1  # of the tables: bump when tables_from_lark changes what it writes

# The lark versions whose internals this driver was tested on (tests/test_lalr_versions.py
# runs tests/test_lalr_driver.py under the lower and the upper one): 1.1.9 up to 1.3.x,
# as pyproject's `lark>=1.1.9,<1.4`. On any other lark the driver steps aside.
TESTED_LARK = ((1, 1, 9), (1, 4))


def lark_version() -> str | None:
    """The installed lark's version, read from its __init__.py without importing lark (the
    cached tables exist to spare that import; importlib.metadata would cost ~30 ms).
    None when lark is not found or does not say."""
    import importlib.util
    import re

    try:
        spec = importlib.util.find_spec("lark")
        if spec is None or spec.origin is None:
            return None
        with open(spec.origin, encoding="utf-8") as f:
            text = f.read()
    except (ImportError, OSError, ValueError):
        return None
    m = re.search(r"""^__version__\s*(?::\s*str\s*)?=\s*["']([^"']+)["']""", text, re.M)
    return m.group(1) if m else None


def tested(version: str | None) -> bool:
    """Whether the driver may read this lark's internals (a version the tests ran)."""
    if version is None:
        return False
    parts = []
    for piece in version.split(".")[:3]:
        digits = ""
        for c in piece:
            if not c.isdigit():
                break
            digits += c
        if not digits:
            return False
        parts.append(int(digits))
    low, high = TESTED_LARK
    return low <= tuple(parts) < high


class Token(str):
    """A token as the Builder reads it: its text (the str itself), type, span, line and
    column: lark's Token attributes of those names, without the rest, which cost a
    keyword-argument call to make."""

    __slots__ = ("type", "start_pos", "end_pos", "line", "column")


_new_token = str.__new__


class GiveUp(Exception):
    """The text is not in the language (or not in this driver's reach): ask lark."""


class _Inlined:
    """A `_rule`'s children on their way into the parent (lark's Tree, for inlining)."""

    __slots__ = ("data", "children")

    def __init__(self, data, children):
        self.data, self.children = data, children


_END = "$END"


# ---------------------------------------------------------------- tables, from lark

def tables_from_lark(lark_parser) -> dict:
    """What the driver needs from a Lark LALR parser (built with maybe_placeholders and
    no postlexer), as JSON-able data. Raises ValueError (or AttributeError on a lark
    whose internals differ) for anything it cannot express."""
    from lark.parse_tree_builder import maybe_create_child_filter

    frontend = lark_parser.parser
    table = frontend.parser.parser.parse_table
    if sorted(table.states) != list(range(len(table.states))):
        raise ValueError("the parse table's states are not numbered 0..n-1")
    rules, rule_ids, actions = [], {}, []
    for state in range(len(table.states)):
        row = {}
        for sym, (action, arg) in table.states[state].items():
            if action.name == "Shift":
                row[sym] = arg
                continue
            rid = rule_ids.get(id(arg))
            if rid is None:
                rid = rule_ids[id(arg)] = len(rules)
                rules.append(_rule_entry(arg, maybe_create_child_filter))
            row[sym] = ~rid
        actions.append(row)
    root = frontend.lexer.root_lexer
    scanner = root.scanner  # lark builds it, and its keyword callbacks, on first use
    keywords = {}
    for type_, callback in root.callback.items():
        words = {}
        for term in callback.scanner.terminals:  # lark's UnlessCallback: keyword strings
            if term.pattern.type != "str" or term.pattern.flags:
                raise ValueError(f"keyword terminal {term.name} is not a plain string")
            words[term.pattern.value] = term.name
        keywords[type_] = words
    return {"format": FORMAT, "start": dict(table.start_states), "end": dict(table.end_states),
            "actions": actions, "rules": rules,
            "lexer": {"patterns": [[m.pattern, m.flags] for m in scanner._mres],
                      "keywords": keywords, "ignore": sorted(root.ignore_types),
                      "newline": sorted(root.newline_types)}}


def _rule_entry(rule, maybe_create_child_filter) -> list:
    """[size, origin, shaping]: shaping is None for a pass-through, else [callback name,
    expand a single child?, children to keep as [index, inline?, Nones before] or None
    for all, Nones after] — lark's ParseTreeBuilder, written down."""
    size, origin = len(rule.expansion), rule.origin.name
    if _passes_through(rule):
        return [size, origin, None]
    name = rule.alias or rule.options.template_source or origin
    shaping = maybe_create_child_filter(rule.expansion, rule.options.keep_all_tokens, False,
                                        rule.options.empty_indices)
    keep, nones_after = None, 0
    if shaping is not None:
        if shaping.func.__name__ == "ChildFilterLALR":
            to_include, nones_after = shaping.args
            keep = [[i, bool(inline), nones] for i, inline, nones in to_include]
        elif shaping.func.__name__ == "ChildFilterLALR_NoPlaceholders":
            keep = [[i, bool(inline), 0] for i, inline in shaping.args[0]]
        else:
            raise ValueError(f"unknown tree shaping {shaping.func.__name__}")
    return [size, origin, [name, bool(rule.options.expand1 and not rule.alias), keep,
                           nones_after]]


def _passes_through(rule) -> bool:
    """`?a: b` with one non-inlined symbol: lark's ExpandSingleChild hands the child up."""
    if (not rule.options.expand1 or rule.alias or len(rule.expansion) != 1
            or any(rule.options.empty_indices or ())):
        return False
    (sym,) = rule.expansion
    if sym.is_term:
        return not sym.filter_out
    return not sym.name.startswith("_")


# ---------------------------------------------------------------- the driver

class LalrDriver:
    """Runs `tables` (from tables_from_lark, possibly through JSON) with `builder`'s
    callbacks; `parse(text, start)` for any start symbol of the tables."""

    def __init__(self, tables: dict, builder):
        import re

        if tables.get("format") != FORMAT:
            raise ValueError("tables of another format")
        self.tables = tables
        self.start_states, self.end_states = tables["start"], tables["end"]
        self.actions = tables["actions"]
        self.rules = [(size, origin, None if shaping is None else _callback(builder, *shaping))
                      for size, origin, shaping in tables["rules"]]
        lex = tables["lexer"]
        self.matchers = tuple(re.compile(p, flags).match for p, flags in lex["patterns"])
        self.keywords = lex["keywords"]
        self.ignore, self.newline = frozenset(lex["ignore"]), frozenset(lex["newline"])
        # a space between tokens is ignored text (no token starts with one): skipped
        # without a regex where the lexer itself would ignore it
        first = next(filter(None, (match(" ") for match in self.matchers)), None)
        self.spaces = first is not None and first.lastgroup in self.ignore
        # runs of pass-through reductions, by (state below, state on top, lookahead)
        self.climbs: dict = {}

    def parse(self, text: str, start: str):
        actions, rules, climbs = self.actions, self.rules, self.climbs
        matchers, keywords, ignore, newline = self.matchers, self.keywords, self.ignore, self.newline
        spaces = self.spaces
        end_state = self.end_states[start]
        states = [self.start_states[start]]
        values = []
        pos, n, line, line_start = 0, len(text), 1, 0
        while True:
            # -- the next token
            token = None
            while pos < n:
                if spaces and text[pos] == " ":  # the commonest ignored text
                    pos += 1
                    continue
                for match in matchers:
                    m = match(text, pos)
                    if m:
                        break
                else:
                    raise GiveUp
                value, type_ = m.group(0), m.lastgroup
                end = m.end()
                if type_ not in ignore:
                    words = keywords.get(type_)
                    if words is not None:  # NAME `if` is the keyword IF (lark's "unless")
                        type_ = words.get(value, type_)
                    token = _new_token(Token, value)
                    token.type = type_
                    token.start_pos = pos
                    token.end_pos = end
                    token.line = line
                    token.column = pos - line_start + 1
                if type_ in newline and "\n" in value:
                    line += value.count("\n")
                    line_start = pos + value.rindex("\n") + 1
                pos = end
                if token is not None:
                    break
            type_ = token.type if token is not None else _END
            # -- reduce as the table says, then shift
            while True:
                code = actions[states[-1]].get(type_)
                if code is None:
                    raise GiveUp
                if code >= 0:
                    break
                size, origin, callback = rules[~code]
                if callback is None:  # climb the whole run of pass-throughs at once
                    key = (states[-2], states[-1], type_)
                    top = climbs.get(key)
                    if top is None:
                        top = climbs[key] = self._climb(key, end_state)
                    states[-1] = top
                else:
                    if size:
                        children = values[-size:]
                        del values[-size:]
                        del states[-size:]
                    else:
                        children = []
                    values.append(callback(children))
                    states.append(actions[states[-1]][origin])
                if token is None and states[-1] == end_state:
                    return values[-1]
            if token is None:
                raise GiveUp
            states.append(code)
            values.append(token)

    def _climb(self, key, end_state):
        """Where a run of pass-through reductions ends: the state on top once the next
        action is a shift or a reduction that builds something (or the parse is done).
        (A start's end state follows only its own start state, which is then `below`: the
        key tells which end applies.)"""
        below, top, type_ = key
        while True:
            code = self.actions[top].get(type_)
            if (code is None or code >= 0 or self.rules[~code][2] is not None
                    or top == end_state):
                return top
            top = self.actions[below][self.rules[~code][1]]


def _callback(builder, name, expand_single, keep, nones_after):
    """The reduction callback lark would make: the builder's method `name` (or an inlined
    node) behind lark's child filter and single-child expansion."""
    method = getattr(builder, name, None) if not name.startswith("_") else None
    if method is None:
        def method(children, _name=name):
            return _Inlined(_name, children)
    if expand_single:
        inner = method

        def method(children):
            return children[0] if len(children) == 1 else inner(children)
    if keep is None:
        return method
    if not nones_after and not any(inline or nones for _, inline, nones in keep):
        indices = tuple(i for i, _, _ in keep)
        return lambda children: method([children[i] for i in indices])
    keep = tuple((i, inline, nones) for i, inline, nones in keep)

    def shaped(children):
        kept = []
        for i, inline, nones in keep:
            if nones:
                kept += [None] * nones
            if inline:
                if kept:
                    kept += children[i].children
                else:  # lark reuses the inlined list (left recursion stays linear)
                    kept = children[i].children
            else:
                kept.append(children[i])
        if nones_after:
            kept += [None] * nones_after
        return method(kept)
    return shaped
