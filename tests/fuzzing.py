"""Hostile-input generators and the one property every command must keep: a result or a
one-line gradcli error (exit 0 or 1), never a traceback or an internal error, in bounded
time. Used by tests/test_fuzz.py (a small share in CI, a long run with `-m fuzz`) and by
bench/fuzz.py (a timed run that reports how many inputs it tried)."""

import subprocess
from pathlib import Path

from conftest import GRADCLI
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
CASE_COMMANDS = ("eval", "check", "graph", "explain", "derive")
OPTIONS = ("--at", "x=0.5", "--at", "w=[1., 2.]", "--max-elements", "1000000",
           "--format", "json")
TIMEOUT = 120  # seconds for one batch: far above the normal second or two

TOKENS = [
    "x", "w", "y", "z", "a", "=", ";", "+", "-", "*", "/", "//", "%", "**", "@", "(", ")",
    "[", "]", ",", ".", ":", "...", "None", "True", "False", "0", "1", "2.5", "1e308", "-1",
    "1e-45", "10**10", "sin", "exp", "log", "sum", "mean", "mm", "relu", "softmax", "dim=0",
    "keepdim=True", "torch", "F", "nn", "functional", "T", "grad", "backward", "detach",
    "requires_grad", "ones", "zeros", "eye", "arange", "tensor", "reshape", "view",
    "__class__", "__import__", "lambda", "def", "import", "os", "open", "exec", "'s'", '"',
    "'", "#", "\\", "\t", " ", "==", "<", ">=", "!=", "not", "and", "or", "in", "is", "if",
    "else", "for", "{", "}", "f'{x}'", "$", "é", "∂", "\x00",
]


def valid_cases() -> list:
    lines = (ROOT / "examples" / "cases.txt").read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")] + [
        "y=(x+w)*(w+1)", "y=(x*w).sum()", "y=softmax(w, dim=0)[0]", "y=mm(w.reshape(1,2), "
        "w.reshape(2,1))", "a=x**2; b=a.detach(); y=a*b", "y=clamp(w, min=1.5).mean()",
        "y=(w[0]-w[-1]).abs()", "y=where(w>1, w, x).sum()", "y=cat([w, w*x]).max()",
    ]


def valid_programs() -> list:
    return [p.read_text() for p in sorted((ROOT / "tests" / "conformance").rglob("*.py"))]


token_soup = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=40).map("".join)
spaced_soup = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=40).map(" ".join)
byte_line = st.binary(min_size=1, max_size=120).map(lambda b: b.replace(b"\n", b" "))


@st.composite
def mutated(draw, sources):
    """A valid input with a few random edits: deletions, insertions, duplications."""
    text = draw(st.sampled_from(sources))
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i, min(len(text), i + 8)))
        kind = draw(st.sampled_from(["delete", "insert", "duplicate", "replace"]))
        if kind == "delete":
            text = text[:i] + text[j:]
        elif kind == "insert":
            text = text[:i] + draw(st.sampled_from(TOKENS)) + text[i:]
        elif kind == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        else:
            text = text[:i] + draw(st.sampled_from(TOKENS)) + text[j:]
    return text


def case_line():
    return st.one_of(token_soup.map(str.encode), spaced_soup.map(str.encode), byte_line,
                     mutated(valid_cases()).map(str.encode))


def program_text():
    return st.one_of(mutated(valid_programs()),
                     st.lists(st.one_of(token_soup, mutated(valid_cases())), min_size=1,
                              max_size=8).map("\n".join))


def assert_graceful(proc, what: str) -> None:
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, f"{what}: traceback\n{err}"
    assert "internal error" not in err, f"{what}: internal error\n{err}"
    assert proc.returncode in (0, 1), f"{what}: exit {proc.returncode}\n{err}"
    for line in err.splitlines():
        # error lines, or the source line and caret under a syntax error
        assert line.startswith(("gradcli:", "    ")) or not line.strip(), f"{what}: {line!r}"


def run_batch(command: str, lines: list) -> None:
    data = b"\n".join(lines) + b"\n"
    proc = subprocess.run([*GRADCLI, command, *OPTIONS], input=data, capture_output=True,
                          timeout=TIMEOUT)
    assert_graceful(proc, f"gradcli {command} on {data[:2000]!r}")


def run_program(text: str) -> None:
    proc = subprocess.run([*GRADCLI, "run", "-", "--max-steps", "100000",
                           "--max-elements", "1000000"], input=text.encode("utf-8", "replace"),
                          capture_output=True, timeout=TIMEOUT)
    assert_graceful(proc, f"gradcli run on {text[:2000]!r}")
