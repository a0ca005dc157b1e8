"""A lean LALR driver over lark's own tables, for the case grammar's valid input.

Lark compiles grammars/case.lark (and caches the tables); this module runs those very
tables, lark's per-state lexers and lark's rule callbacks (our Builder behind lark's
child filters), so it accepts the same language and builds the same trees. What it
leaves out is what a batch line pays for and does not need: a Python call and a `Rule`
hash per pass-through reduction (`?expr: or_test`, ten precedence levels climbed by
every operand), the lexer-thread and parser-state objects, and the error bookkeeping.

It does not report errors: on the first thing it cannot take (an unknown character, a
token the state has no action for) it gives up, and the caller parses the text again
with lark itself, which raises lark's exact error. tests/test_lalr_driver.py holds the
two to the same trees and the same errors."""

class Token(str):
    """A token as the Builder reads it: its text, type and span (lark's Token has the same
    attributes, but costs a keyword-argument call to make)."""

    __slots__ = ("type", "value", "start_pos", "end_pos", "line", "column", "end_line",
                 "end_column")


_new_token = str.__new__


class GiveUp(Exception):
    """The text is not in the language (or not in this driver's reach): ask lark."""


_END = "$END"


class LalrDriver:
    """One per lark parser; `parse(text, start)` for any of its start symbols."""

    def __init__(self, lark_parser):
        frontend = lark_parser.parser
        table = frontend.parser.parser.parse_table
        callbacks = frontend.parser.parser.callbacks
        if any(isinstance(k, str) for k in callbacks):  # token callbacks: not supported
            raise ValueError("token callbacks are not supported by the lean driver")
        self.start_states, self.end_states = table.start_states, table.end_states
        self.rules: list = []  # (size, origin, callback or None for a pass-through)
        self.actions = _Actions(table.states, callbacks, self.rules)
        # each state's lexer (lark's contextual lexer), compiled when the state is first met
        self.scanners = _Scanners(frontend.lexer.lexers)
        # runs of pass-through reductions, by (state below, state on top, lookahead)
        self.climbs: dict = {}

    def parse(self, text: str, start: str):
        actions, rules, scanners, climbs = self.actions, self.rules, self.scanners, self.climbs
        end_state = self.end_states[start]
        states = [self.start_states[start]]
        values = []
        pos, n, line, line_start = 0, len(text), 1, 0
        while True:
            # -- the next token, lexed in the current state (lark's contextual lexer)
            token = None
            while pos < n:
                matchers, keywords, ignore, newline, spaces = scanners[states[-1]]
                if spaces and text[pos] == " ":  # the commonest ignored text, without a regex
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
                    if type_ in keywords:  # NAME `if` is the keyword IF (lark's "unless")
                        type_ = keywords[type_](value) or type_
                    token = _new_token(Token, value)
                    token.type = type_
                    token.value = value
                    token.start_pos = pos
                    token.line = line
                    token.column = pos - line_start + 1
                if type_ in newline and "\n" in value:
                    line += value.count("\n")
                    line_start = pos + value.rindex("\n") + 1
                if token is not None:
                    token.end_line = line
                    token.end_column = end - line_start + 1
                    token.end_pos = end
                    pos = end
                    break
                pos = end
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


class _Actions(dict):
    """state -> {symbol: next state (a shift or goto) or ~rule index (a reduction)}, from
    lark's table row when the state is first met (converting all of it costs start-up)."""

    def __init__(self, states, callbacks, rules):
        super().__init__()
        self.states, self.callbacks, self.rules = states, callbacks, rules
        self.rule_ids: dict = {}

    def __missing__(self, state):
        row = {}
        for sym, (action, arg) in self.states[state].items():
            if action.name == "Shift":
                row[sym] = arg
                continue
            rid = self.rule_ids.get(id(arg))
            if rid is None:
                rid = self.rule_ids[id(arg)] = len(self.rules)
                self.rules.append((len(arg.expansion), arg.origin.name,
                                   None if _passes_through(arg) else self.callbacks[arg]))
            row[sym] = ~rid
        self[state] = row
        return row


class _Scanners(dict):
    """state -> (its lexer's regex matchers, keyword look-ups, ignored and newline types,
    whether a space is ignored text there).
    Built on first use: compiling every state's regexes up front would cost start-up."""

    def __init__(self, lexers):
        super().__init__()
        self.lexers = lexers

    def __missing__(self, state):
        basic = self.lexers[state]
        scanner = basic.scanner  # lark builds it, and its keyword callbacks, on first use
        keywords = {type_: _keyword_lookup(cb) for type_, cb in basic.callback.items()}
        matchers = tuple(m.match for m in scanner._mres)
        first = next(filter(None, (match(" ") for match in matchers)), None)
        spaces = first is not None and first.lastgroup in basic.ignore_types
        self[state] = entry = (matchers, keywords, basic.ignore_types, basic.newline_types,
                               spaces)
        return entry


def _keyword_lookup(unless):
    """lark's keyword callback (a NAME whose text is a keyword gets the keyword's type) as
    a memoized text -> type look-up: it is asked once per distinct text."""
    memo: dict = {}

    def lookup(text):
        try:
            return memo[text]
        except KeyError:
            if len(memo) > 10_000:  # a flood of distinct names: keep the memo small
                memo.clear()
            probe = _new_token(Token, text)
            probe.type, probe.value = None, text
            unless(probe)
            memo[text] = probe.type
            return probe.type
    return lookup


def _passes_through(rule) -> bool:
    """`?a: b` with one non-inlined symbol: lark's ExpandSingleChild hands the child up."""
    if (not rule.options.expand1 or rule.alias or len(rule.expansion) != 1
            or any(rule.options.empty_indices or ())):
        return False
    (sym,) = rule.expansion
    if sym.is_term:
        return not sym.filter_out
    return not sym.name.startswith("_")
