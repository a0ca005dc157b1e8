"""Hostile input through the installed command: code-execution attempts, resource limits,
numerical faults and I/O faults. Each must end in a result or a one-line gradcli error,
exit 1 (2 for usage), never a traceback, never an internal error (exit 3)."""

import json
import os
import shlex
import subprocess

import pytest
from conftest import GRADCLI, no_traceback, run_gradcli

CANARY = "/tmp/gradcli-pwned"

CASE_ATTACKS = [
    f"y=__import__('os').system('touch {CANARY}')",
    "y=x.__class__.__bases__",
    "y=().__class__.__base__.__subclasses__()",
    "y=open('/etc/passwd')",
    "y=exec('1')",
    "y=eval('1')",
    "y=(lambda: 1)()",
    "y=getattr(x, '__class__')",
    "y=globals()",
    "y=x.grad_fn.__call__",
    "y=torch.__dict__",
    "y=F.__builtins__",
    "y=torch.load('f')",
    "y=torch.save(x, 'f')",
    "y=x.__init__",
    "y=compile('1', 'f', 'exec')",
    "y=x.data.__array__()",
    "y=[c for c in ()]",
]

PROGRAM_ATTACKS = [
    ("import os", "os"),
    ("import subprocess", "subprocess"),
    ("from os import system", "os"),
    ("import torch, os", ""),
    (f"x = __import__('os').system('touch {CANARY}')", "__import__"),
    ("x = open('/etc/passwd')", "open"),
    ("exec('print(1)')", "Exec"),
    ("eval('1')", "Eval"),
    ("def f():\n    return f.__globals__", "__globals__"),
    ("class A:\n    pass\nA.__subclasses__()", "__subclasses__"),
    ("import torch\nx = torch.ones(2)\nprint(x.__class__)", "__class__"),
    ("import torch\nprint(torch.__dict__)", "__dict__"),
    ("import torch\nx = torch.ones(2)\nx.foo = 1", "foo"),
    ("import torch\ntorch.save(torch.ones(1), 'f')", "save"),
    ("x = (yield)", ""),
    ("del x", "NameError"),
    ("with open('f') as f:\n    pass", "open"),
]


@pytest.fixture(autouse=True)
def _no_canary():
    if os.path.exists(CANARY):
        os.remove(CANARY)
    yield
    assert not os.path.exists(CANARY), "user input reached the operating system"


def assert_clean_error(proc, code=1, mention=""):
    no_traceback(proc)
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    lines = [line for line in proc.stderr.splitlines() if line.startswith("gradcli:")]
    assert lines, proc.stderr
    assert "internal error" not in proc.stderr
    assert mention in proc.stderr


@pytest.mark.parametrize("command", ["eval", "check", "explain", "graph", "derive"])
def test_case_attacks_are_refused(command):
    """All attacks as one batch: every line must come back as its own error record."""
    proc = run_gradcli(command, "--at", "x=1", "--format", "json",
                       input="\n".join(CASE_ATTACKS) + "\n")
    assert_clean_error(proc)
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["line"] for r in records] == list(range(1, len(CASE_ATTACKS) + 1))
    assert all(r["error"] is not None for r in records), [
        r["source"] for r in records if r["error"] is None]
    assert proc.stderr.count("gradcli: line ") == len(CASE_ATTACKS)


@pytest.mark.parametrize("program,mention", PROGRAM_ATTACKS)
def test_program_attacks_are_refused_naming_the_construct(tmp_path, program, mention):
    path = tmp_path / "attack.py"
    path.write_text(program + "\n")
    proc = run_gradcli("run", path)
    assert_clean_error(proc, mention=mention)
    assert "line " in proc.stderr


def test_max_elements_stops_before_allocating():
    proc = run_gradcli("eval", "y=ones(100000, 100000)", "--format", "json")
    assert_clean_error(proc, mention="LimitError")
    proc = run_gradcli("eval", "y=ones(11)", "--max-elements", "10")
    assert_clean_error(proc, mention="--max-elements")
    prog = "import torch\nx = torch.zeros(100000, 100000)\n"
    assert_clean_error(run_gradcli("run", "-", input=prog), mention="LimitError")


def test_step_budget_stops_runaway_loops():
    prog = "for i in range(10**12):\n    pass\n"
    proc = run_gradcli("run", "-", "--max-steps", "100000", input=prog, timeout=60)
    assert_clean_error(proc, mention="--max-steps")


def test_huge_single_line_is_refused_quickly(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("y=" + "x+" * 5_000_000 + "x\n")
    proc = run_gradcli("eval", "-f", big, "--at", "x=1", "--format", "json", timeout=60)
    assert_clean_error(proc, mention="longer than")
    assert json.loads(proc.stdout)["error"]["type"] == "InputError"
    proc = run_gradcli("run", big, timeout=60)
    assert_clean_error(proc, mention="longer than")


def test_deep_nesting_is_no_recursion_error():
    case = "y=" + "(" * 5000 + "x" + ")" * 5000 + "*2"
    proc = run_gradcli("eval", case, "--at", "x=3", "--format", "json")
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["nodes"][0]["grad"] == 2.0


@pytest.mark.parametrize("fmt,expect", [
    ("json", ['"-inf"', '"nan"', '"inf"']),
    ("plain", ["-inf", "nan", "inf"]),
    ("table", ["-inf", "nan", "inf"]),
])
def test_numerical_faults_are_values(fmt, expect):
    proc = run_gradcli("eval", "a=log(x-1); b=(x-1)/(x-1); c=exp(x*1000); y=a+b+c",
                       "--at", "x=1", "--format", fmt)
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    for token in expect:
        assert token in proc.stdout


def test_file_faults(tmp_path):
    assert_clean_error(run_gradcli("eval", "-f", tmp_path / "missing.txt"), code=2,
                       mention="no such file")
    assert_clean_error(run_gradcli("eval", "-f", tmp_path), code=2, mention="directory")
    assert_clean_error(run_gradcli("run", tmp_path / "missing.py"), code=2)
    assert_clean_error(run_gradcli("run", tmp_path), code=2, mention="directory")
    locked = tmp_path / "locked.txt"
    locked.write_text("y=x\n")
    locked.chmod(0)
    if os.geteuid() != 0:  # root reads anything
        assert_clean_error(run_gradcli("eval", "-f", locked), code=2)


def test_bad_bytes_crlf_empty_and_semicolons(tmp_path):
    data = b"y=x+1\r\ny=x*\xff\r\n\r\n;\n;;;\ny=x*3\n"
    proc = subprocess.run([*GRADCLI, "eval", "--at", "x=1", "--format", "json"], input=data,
                          capture_output=True, timeout=60)
    assert proc.returncode == 1
    assert b"Traceback" not in proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 4, 5, 6]
    assert records[0]["error"] is None and records[0]["nodes"][-1]["value"] == 2.0
    assert records[1]["error"]["type"] == "InputError"
    assert records[2]["error"] is None and records[2]["output"] is None
    assert records[4]["nodes"][-1]["value"] == 3.0
    empty = run_gradcli("eval", "--format", "json", input="")
    assert empty.returncode == 0 and empty.stdout == ""
    prog = run_gradcli("run", "-", input="import torch\r\nprint(torch.ones(2))\r\n")
    assert prog.returncode == 0 and prog.stdout == "tensor([1., 1.])\n"
    bad = subprocess.run([*GRADCLI, "run", "-"], input=b"print(1)\n\xff\n", capture_output=True)
    assert bad.returncode == 1 and b"UTF-8" in bad.stderr and b"Traceback" not in bad.stderr


def test_closed_pipe_is_quiet(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("y=x*2+1\n" * 20000)
    proc = subprocess.run(f"{shlex.join(GRADCLI)} eval -f {big} --at x=1 --format json | head -1",
                          shell=True, capture_output=True, text=True, timeout=120)
    assert proc.stdout.count("\n") == 1 and json.loads(proc.stdout)["line"] == 1
    assert proc.stderr == "", proc.stderr


def test_batch_isolation_10000_lines(tmp_path):
    templates = ["y=sin(x*w)+(x+w)*(w+3)", "y=x/0", "y=q+1", "z=(", "y=mm(x, w)",
                 "a=[1.,2.]; y=(a*x).sum()", "y=x.__class__", "y=log(x)*w"]
    lines = [templates[(i * 7) % len(templates)] for i in range(10_000)]
    src = tmp_path / "batch.txt"
    src.write_text("\n".join(lines) + "\n")
    args = ["--at", "x=0.5", "--at", "w=1.5", "--format", "json"]
    proc = run_gradcli("eval", "-f", src, *args, timeout=300)
    no_traceback(proc)
    assert proc.returncode == 1
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["line"] for r in records] == list(range(1, 10_001))
    alone = {}
    for t in templates:
        solo = run_gradcli("eval", t, *args)
        alone[t] = json.loads(solo.stdout)
    for r, text in zip(records, lines, strict=True):
        assert {**r, "line": 1} == alone[text]
    bad = sum(1 for r in records if r["error"] is not None)
    assert proc.stderr.count("gradcli: line ") >= bad > 0


@pytest.mark.parametrize("literal", ["01", "-01", "1__0", "1_", "0x_", "1_.5", "00_7"])
def test_number_literals_python_rejects_are_syntax_errors(literal):
    proc = run_gradcli("eval", f"y = x * {literal}", "--at", "x=1")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    first, _, caret = proc.stderr.splitlines()
    assert first.startswith("gradcli: line 1: SyntaxError:"), proc.stderr
    assert caret.strip() == "^"
    prog = run_gradcli("run", "-", input=f"print(1)\ny = {literal}\n")
    assert prog.returncode == 1 and prog.stdout == ""  # refused before anything ran
    assert prog.stderr.startswith("gradcli: line 2: SyntaxError:"), prog.stderr


def test_valid_underscored_literals_still_work():
    proc = run_gradcli("run", "-", input="print(1_000 + 0_0 + 0x1f + 0b1_0 + 1_0.5)\n")
    assert proc.returncode == 0 and proc.stdout == f"{1_000 + 0_0 + 0x1f + 0b1_0 + 1_0.5}\n"


@pytest.mark.parametrize("text, column", [
    ("and = 1; y = and * 2", 1), ("y = x + if", 9), ("y = x.pass", 7), ("y = f(else=1)", 7),
    ("y = [i for in in x]", 12), ("import = x", 1),
])
def test_python_keywords_are_not_names(text, column):
    """lark's contextual lexer would take a keyword for a NAME where only a name fits:
    Python's SyntaxError instead, at the keyword, in cases and in programs."""
    proc = run_gradcli("eval", text, "--at", "x=1")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    first, source, caret = proc.stderr.splitlines()
    assert first == "gradcli: line 1: SyntaxError: invalid syntax", proc.stderr
    assert caret.index("^") - source.index(text) == column - 1
    prog = run_gradcli("run", "-", input=f"print(1)\nx = 1\n{text}\n")
    assert prog.returncode == 1 and prog.stdout == "", prog.stderr
    assert prog.stderr.startswith("gradcli: line 3: SyntaxError: "), prog.stderr


def test_unsupported_keyword_as_a_name_is_named():
    proc = run_gradcli("eval", "y = lambda", "--at", "x=1")
    assert proc.returncode == 1
    assert proc.stderr.startswith("gradcli: line 1: UnsupportedError: 'lambda' is not supported")
