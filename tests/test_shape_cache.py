"""The parse cache by token shape (parser/shape_cache.py) is held to the full parser: a line
built from the template of an earlier line of its shape must be the very tree the parser
builds for it (every node's kind, value, span, line, column), and a line the parser
refuses must be refused with the same error. Checked on generated lines: a line (valid,
mutated or token soup) is learnt, then a sibling of the same shape (every digit run of
every number literal redrawn, leading zeros and all) is parsed through the cache and in
full."""

import random
import re

import pytest
from conftest import run_gradcli
from fuzzing import TOKENS, mutated, valid_cases
from gradcli.parser.grammar import parse_full
from gradcli.parser.shape_cache import _SCAN, ShapeCache, literal_value, same_tree
from hypothesis import given, settings
from hypothesis import strategies as st
from test_lalr_driver import dump

BATCH_LINE = "x = 1.23; w = 0.45; y = sin(x * w) + (x + w) * (w + 3)"


def outcome(parse, text):
    try:
        return "tree", dump(parse(text))
    except Exception as e:  # noqa: BLE001 - the kind, message and place are compared
        return type(e).__name__, str(e), getattr(e, "line", None), \
            getattr(e, "column", None), getattr(e, "source_line", None)


def sibling(text: str, rng: random.Random) -> str:
    """`text` with every digit run of every number literal (as the scan finds them)
    redrawn: 1 to 6 digits, a leading zero now and then."""
    out = []
    for piece, literal in _SCAN.findall(text):
        out.append(piece)
        out.append(re.sub(r"[0-9]+", lambda m: "".join(
            rng.choice("0123456789") for _ in range(rng.randint(1, 6))), literal))
    return "".join(out)


def assert_cached_like_full(text: str, seed: int) -> None:
    cache = ShapeCache()
    rng = random.Random(seed)
    for _ in range(2):  # learnt on its second sighting
        assert outcome(lambda t: cache.parse(t, parse_full), text) == outcome(parse_full, text)
    for _ in range(3):
        other = sibling(text, rng)
        assert outcome(lambda t: cache.parse(t, parse_full), other) == \
            outcome(parse_full, other), (text, other)


EXAMPLES = valid_cases() + [
    BATCH_LINE, "y = x +", "y = 01 + x", "y = 1__0", "y = 1_000 * x + 1_0.5_0 + 1e-3 + 2E+5",
    "y = 0x1F + 0b1 + 0o7 + 0xe5 + 1.e3 + .5 + 5.", "x1 = 2; y = x1 * 3", "s = 'a1'; y = 2",
    "y = x  # 12 in a comment", "y = f'{x + 1}' + 2", "y = x[1:2:3] + x[..., 0]",
    "y = tensor([1., 2.5])[0] ** 2", "y = 3 if x > 1 else 4.5", "y = 1.5.real",
    "y = 10**400", "y = 1" + "0" * 5000, "y = x.sum(dim=0, keepdim=True)",
    "a = (1); b = ((2.5)); y = a * b", "y = x @ x.T; z = -1", "y = 'it''s' + 2",
    "y = f(c=1, a)", "y = 1 2", "y = (1,)", "y = [1, 2][0]", "y = r'1' + b'2'",
]


@pytest.mark.parametrize("text", EXAMPLES)
def test_examples_cached_like_full(text):
    assert_cached_like_full(text, 0)


SOUP = st.lists(st.sampled_from(TOKENS + [" ", "1", "2.5", "0x1f", "1e3", "01", "1_0"]),
                min_size=1, max_size=30)


@settings(max_examples=150, deadline=None)
@given(st.one_of(SOUP.map("".join), SOUP.map(" ".join), mutated([e for e in EXAMPLES if len(e) < 300])),
       st.integers(0, 99))
def test_generated_lines_cached_like_full(text, seed):
    assert_cached_like_full(text, seed)


def test_the_batch_line_is_served_from_its_template():
    cache = ShapeCache()
    for i in range(50):
        line = f"x = {1 + i % 97 / 100}; w = {0.45 + i % 13 / 50}; y = sin(x * w) + (x + w) * (w + 3)"
        assert same_tree(cache.parse(line, parse_full), parse_full(line))
    assert cache.hits >= 45  # every line after the first of each shape


def test_literal_values_are_the_builders():
    from gradcli.parser.ast import _number

    class Tok(str):
        line = column = 1

    for text in ("0", "00", "01", "1_0", "1__0", "1_", "0x1f", "0b102", "0o7", "1.5", "1e3",
                 "1_000.5", "1_.5", "1._5", ".5", "5.", "1" * 5000):
        convert = float if re.fullmatch(r"[0-9_]*\.[0-9_]*(e.*)?|[0-9_]+e.*", text) \
            else (lambda s: int(s, 0))
        try:
            expected = _number(Tok(text), convert)
        except Exception:  # noqa: BLE001
            expected = None
        assert literal_value(text) == expected, text


def test_batch_through_the_command_with_and_without_the_cache():
    """Records, error lines (message and caret) and the exit status are the same with the
    cache as without it, on a batch that repeats shapes with good and bad literals."""
    lines = []
    for i in range(40):
        lines.append(f"x = {1 + i / 7:.3f}; w = {i % 5}; y = sin(x * w) + (x + w) * (w + 3)")
        lines.append(f"y = 0{i % 3} * 2.5")  # 00 and 01, 02: a valid literal, then errors
        lines.append(f"y = ({i} + x")  # a syntax error, one shape
        lines.append(f"a = {i}.5; y = a / {i % 2}")  # division by a literal zero now and then
        lines.append("# a comment")
        lines.append("")
    text = "\n".join(lines) + "\n"
    args = ("eval", "--at", "x=0.5", "--format", "json")
    fast = run_gradcli(*args, input=text)
    full = run_gradcli(*args, input=text, env={"GRADCLI_NO_SHAPE_CACHE": "1"})
    assert fast.stdout == full.stdout and fast.stderr == full.stderr
    assert fast.returncode == full.returncode == 1
    assert fast.stdout.count("\n") == 160


def test_float_leaf_fast_path_equals_torch_tensor_conversion():
    """leaf_tensor's path for a Python float (`x = 1.23`) gives data_to_array's array."""
    import numpy as np
    from gradcli.engine import dtypes
    from gradcli.engine.torch_api.factories import data_to_array
    from gradcli.parser.interpreter.case import leaf_tensor

    rng = np.random.default_rng(1)
    values = [0.0, -0.0, 1.23, 0.1, 1e39, -1e39, float("nan"), float("inf"), -float("inf"),
              1e-46, 3.4028235e38, 3.4028236e38, 5e-324, 2.0**-149, 2.0**-150]
    values += list(rng.standard_normal(500) * 10.0 ** rng.integers(-40, 40, 500))
    for dt in (np.float32, np.float64):
        dtypes.set_default_float(dt)
        try:
            for v in values:
                v = float(v)
                fast = leaf_tensor(v, True).data
                general = data_to_array(v).copy()
                assert fast.dtype == general.dtype and fast.shape == general.shape
                assert fast.tobytes() == general.tobytes(), v
        finally:
            dtypes.set_default_float(np.float32)


def test_unclosed_quote_after_long_names_scans_in_linear_time():
    """A line the scan cannot account for fails at once: each name has one reading (no
    split of `abab...` into shorter names to try before giving up: 2**n of them)."""
    import subprocess

    from conftest import GRADCLI

    text = "y = x + " + "ab" * 100 + "'"
    proc = subprocess.run([*GRADCLI, "eval", text, "--format", "json"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1 and "SyntaxError" in proc.stdout
