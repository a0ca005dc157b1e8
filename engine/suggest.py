"""Closest-name suggestions for NameError and AttributeError, the way CPython 3.11 makes
them (Lib/traceback.py, _compute_suggestion_error and _levenshtein_distance): a weighted
edit distance (a case change costs 1, any other edit 2), no more than a third of the
characters involved changed, the first best candidate wins, nothing offered when the
candidate list is too long or the name too long. The message then ends as Python's:
`name 'sigmod' is not defined. Did you mean: 'sigmoid'?`."""

_MAX_CANDIDATE_ITEMS = 750
_MAX_STRING_SIZE = 40
_MOVE_COST = 2
_CASE_COST = 1


def _substitution_cost(ch_a: str, ch_b: str) -> int:
    if ch_a == ch_b:
        return 0
    if ch_a.lower() == ch_b.lower():
        return _CASE_COST
    return _MOVE_COST


def _levenshtein_distance(a: str, b: str, max_cost: int) -> int:
    if a == b:
        return 0
    # trim away common affixes
    pre = 0
    while a[pre:] and b[pre:] and a[pre] == b[pre]:
        pre += 1
    a, b = a[pre:], b[pre:]
    post = 0
    while a[:post or None] and b[:post or None] and a[post - 1] == b[post - 1]:
        post -= 1
    a, b = a[:post or None], b[:post or None]
    if not a or not b:
        return _MOVE_COST * (len(a) + len(b))
    if len(a) > _MAX_STRING_SIZE or len(b) > _MAX_STRING_SIZE:
        return max_cost + 1
    if len(b) < len(a):  # prefer the shorter buffer
        a, b = b, a
    if (len(b) - len(a)) * _MOVE_COST > max_cost:  # a match is impossible
        return max_cost + 1
    # one row of the classic matrix, updated in place
    row = list(range(_MOVE_COST, _MOVE_COST * (len(a) + 1), _MOVE_COST))
    result = 0
    for bindex in range(len(b)):
        bchar = b[bindex]
        distance = result = bindex * _MOVE_COST
        minimum = None
        for index in range(len(a)):
            substitute = distance + _substitution_cost(bchar, a[index])
            distance = row[index]
            insert_delete = min(result, distance) + _MOVE_COST
            result = min(insert_delete, substitute)
            row[index] = result
            if minimum is None or result < minimum:
                minimum = result
        if minimum is None or minimum > max_cost:
            return max_cost + 1
    return result


def closest(name: str, candidates) -> str | None:
    """The candidate CPython 3.11 would suggest for `name` (Python/suggestions.c,
    calculate_suggestions), or None."""
    candidates = [c for c in candidates if isinstance(c, str)]
    if len(candidates) >= _MAX_CANDIDATE_ITEMS:
        return None
    best_distance = None
    suggestion = None
    for possible in candidates:
        if possible == name:
            continue
        # no more than 1/3 of the involved characters should need changed
        max_distance = (len(name) + len(possible) + 3) * _MOVE_COST // 6
        if best_distance is not None:  # do not take matches already beaten
            max_distance = min(max_distance, best_distance - 1)
        current = _levenshtein_distance(name, possible, max_distance)
        if current > max_distance:
            continue
        if suggestion is None or current < best_distance:
            suggestion = possible
            best_distance = current
    return suggestion


def closest_in_scopes(name: str, *scopes) -> str | None:
    """A NameError's suggestion: CPython 3.11 searches the local names, then the globals,
    then the builtins, each on its own; the first scope with a suggestion gives it."""
    for scope in scopes:
        best = closest(name, scope)
        if best is not None:
            return best
    return None


def did_you_mean(name: str, *scopes) -> str:
    """`. Did you mean: 'x'?` to end a NameError/AttributeError message, or ''. One scope
    for an attribute (the object's sorted names), several for a name (locals first)."""
    best = closest_in_scopes(name, *scopes)
    return f". Did you mean: '{best}'?" if best is not None else ""


def public(names) -> list:
    """The names a user may write: no private or dotted registry keys."""
    return [n for n in names if isinstance(n, str) and not n.startswith("_") and "." not in n]
