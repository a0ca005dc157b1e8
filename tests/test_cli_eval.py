"""`gradcli eval` through the installed command, option by option (SPEC section 1), with
PyTorch as the oracle for numbers and messages where it has them."""

import json
import math
import os
import pty
import re
import shlex
import subprocess

import pytest
from conftest import GRADCLI, no_traceback, run_gradcli

try:  # the oracle; tests that need it are marked `torch` (skipped without it)
    import torch
except ImportError:
    torch = None

ESC = "\x1b"
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def records(proc) -> list:
    """The JSON Lines of a `--format json` run."""
    return [json.loads(line) for line in proc.stdout.splitlines()]


def nodes(record) -> dict:
    return {n["id"]: n for n in record["nodes"]}


def eval_json(*args, input=None, env=None):
    proc = run_gradcli("eval", *args, "--format", "json", input=input, env=env)
    no_traceback(proc)
    return proc


def one(*args, **kw) -> dict:
    proc = eval_json(*args, **kw)
    assert proc.returncode == 0, proc.stderr
    [record] = records(proc)
    assert record["error"] is None
    return record


def close(got, want, tol=1e-6):
    """JSON numbers (nested lists) against a torch tensor."""
    assert torch.allclose(torch.tensor(got, dtype=torch.float64),
                          want.detach().to(torch.float64), rtol=1e-5, atol=tol), (got, want)


def torch_message(fn) -> str:
    try:
        fn()
    except RuntimeError as e:
        return f"RuntimeError: {e}"
    raise AssertionError("PyTorch raised nothing")


# --- the seed example ------------------------------------------------------------------

@pytest.mark.torch
def test_seed_example():
    record = one("y=(x+w)*(w+1)", "--at", "x=2", "--at", "w=1")
    x = torch.tensor(2.0, requires_grad=True)
    w = torch.tensor(1.0, requires_grad=True)
    a, b = x + w, w + 1
    y = a * b
    y.backward()
    assert record["line"] == 1 and record["source"] == "y=(x+w)*(w+1)"
    assert record["output"] == "y"
    assert [n["id"] for n in record["nodes"]] == ["x", "w", "%1", "%2", "y"]
    by = nodes(record)
    assert by["x"]["grad"] == x.grad.item() == 2.0
    assert by["w"]["grad"] == w.grad.item() == 5.0
    assert by["y"]["grad_fn"] == y.grad_fn.name() == "MulBackward0"
    assert by["%1"]["grad_fn"] == a.grad_fn.name() and by["%1"]["expr"] == "x+w"
    assert by["%2"]["grad_fn"] == b.grad_fn.name() and by["%2"]["expr"] == "w+1"
    for ident, t in (("%1", a), ("%2", b), ("y", y)):
        n = by[ident]
        assert n["grad"] is None  # PyTorch keeps no .grad on non-leaves
        assert n["value"] == t.item()
        assert (n["is_leaf"], n["requires_grad"]) == (t.is_leaf, t.requires_grad) == (False, True)
    for ident in ("x", "w"):
        n = by[ident]
        assert (n["is_leaf"], n["requires_grad"], n["grad_fn"]) == (True, True, None)
        assert (n["shape"], n["dtype"]) == ([], "float32")


# --- --at / -a and --const -------------------------------------------------------------

def test_at_short_form_is_the_long_form():
    long = run_gradcli("eval", "y=x*w", "--at", "x=3", "--at", "w=4", "--format", "json")
    short = run_gradcli("eval", "y=x*w", "-a", "x=3", "-a", "w=4", "--format", "json")
    assert long.returncode == short.returncode == 0
    assert long.stdout == short.stdout
    assert nodes(records(short)[0])["x"]["grad"] == 4.0


@pytest.mark.torch
def test_at_takes_constant_expressions():
    record = one("y = (A @ E * v).sum()", "--at", "A=ones(2, 2)*2", "--at", "E=eye(2)",
                 "--at", "v=[1, 2]")
    A = (torch.ones(2, 2) * 2).requires_grad_()
    E = torch.eye(2).requires_grad_()
    v = torch.tensor([1, 2], dtype=torch.float32, requires_grad=True)  # ints become float
    (A @ E * v).sum().backward()
    by = nodes(record)
    assert [n["id"] for n in record["nodes"][:3]] == ["A", "E", "v"]  # bindings first
    assert by["v"]["dtype"] == "float32" and by["v"]["value"] == [1.0, 2.0]
    for name, t in (("A", A), ("E", E), ("v", v)):
        assert by[name]["requires_grad"] and by[name]["is_leaf"]
        close(by[name]["grad"], t.grad)


def test_const_binding_does_not_require_grad():
    record = one("y = x * w + w", "--at", "x=2", "--at", "w=3", "--const", "w")
    by = nodes(record)
    assert by["w"]["requires_grad"] is False and by["w"]["grad"] is None
    assert by["x"]["grad"] == 3.0
    assert by["y"]["requires_grad"] is True


# --- --grad / -g ------------------------------------------------------------------------

@pytest.mark.torch
@pytest.mark.parametrize("flag", ["--grad", "-g"])
def test_grad_seed(flag):
    record = one("y = x * x + w", "--at", "x=[1, 2, 3]", "--at", "w=[[1.0], [2.0]]",
                 flag, "[[1, 0.5, 2], [0, 1, -1]]")
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = torch.tensor([[1.0], [2.0]], requires_grad=True)
    y = x * x + w
    y.backward(torch.tensor([[1, 0.5, 2], [0, 1, -1]]))
    by = nodes(record)
    close(by["y"]["value"], y)
    close(by["x"]["grad"], x.grad)
    close(by["w"]["grad"], w.grad)
    assert by["y"]["shape"] == [2, 3]


def test_grad_seed_on_a_scalar_scales_the_gradient():
    record = one("y = x ** 3", "--at", "x=2", "-g", "0.5")
    assert nodes(record)["x"]["grad"] == 6.0  # 0.5 * 3 * 2**2


# --- --of, --wrt, --allow-unused, --retain-grad ------------------------------------------

def test_of_chooses_the_node_to_differentiate():
    record = one("a = x * w; y = a.exp()", "--at", "x=2", "--at", "w=3", "--of", "a")
    assert record["output"] == "a"
    by = nodes(record)
    assert (by["x"]["grad"], by["w"]["grad"]) == (3.0, 2.0)


@pytest.mark.torch
def test_wrt_reports_just_those_inputs():
    record = one("y = sin(x) * w", "--at", "x=0.5", "--at", "w=3", "--wrt", "x")
    x = torch.tensor(0.5, requires_grad=True)
    w = torch.tensor(3.0, requires_grad=True)
    (gx,) = torch.autograd.grad(torch.sin(x) * w, [x])
    by = nodes(record)
    close(by["x"]["grad"], gx)
    assert by["w"]["grad"] is None  # not asked for, and nothing accumulates


def test_wrt_two_inputs_in_order():
    record = one("y = x * w * w", "--at", "x=2", "--at", "w=3", "--wrt", "w,x")
    by = nodes(record)
    assert (by["x"]["grad"], by["w"]["grad"]) == (9.0, 12.0)


@pytest.mark.torch
def test_wrt_unused_input_is_pytorchs_error():
    proc = eval_json("y = x * 2", "--at", "x=2", "--at", "z=1", "--wrt", "x,z")
    x = torch.tensor(2.0, requires_grad=True)
    z = torch.tensor(1.0, requires_grad=True)
    expected = torch_message(lambda: torch.autograd.grad(x * 2, [x, z]))
    assert proc.returncode == 1
    [record] = records(proc)
    assert f"{record['error']['type']}: {record['error']['message']}" == expected
    assert proc.stderr.splitlines()[0] == f"gradcli: line 1: {expected}"


def test_allow_unused_gives_none():
    record = one("y = x * 2", "--at", "x=2", "--at", "z=1", "--wrt", "x,z", "--allow-unused")
    by = nodes(record)
    assert by["x"]["grad"] == 2.0 and by["z"]["grad"] is None


@pytest.mark.torch
def test_retain_grad_keeps_non_leaf_grads():
    record = one("a = x * w; b = a.sin(); y = b * a", "--at", "x=0.7", "--at", "w=1.3",
                 "--retain-grad")
    x = torch.tensor(0.7, requires_grad=True)
    w = torch.tensor(1.3, requires_grad=True)
    a = x * w
    b = a.sin()
    y = b * a
    for t in (a, b, y):
        t.retain_grad()
    y.backward()
    by = nodes(record)
    for name, t in (("x", x), ("w", w), ("a", a), ("b", b), ("y", y)):
        close(by[name]["grad"], t.grad)


def test_without_retain_grad_non_leaf_grads_are_none():
    record = one("a = x * w; y = a.sin()", "--at", "x=0.7", "--at", "w=1.3")
    by = nodes(record)
    assert by["a"]["grad"] is None and by["y"]["grad"] is None
    assert by["x"]["grad"] is not None


# --- --dtype -----------------------------------------------------------------------------

@pytest.mark.torch
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype(dtype):
    args = ("y = x * 3 + x.exp()", "--at", "x=0.1")
    record = one(*args, *(("--dtype", dtype) if dtype == "float64" else ()))
    x = torch.tensor(0.1, dtype=getattr(torch, dtype), requires_grad=True)
    y = x * 3 + x.exp()
    y.backward()
    by = nodes(record)
    assert by["x"]["dtype"] == by["y"]["dtype"] == dtype
    assert by["y"]["value"] == y.item()  # exact: the same rounding as PyTorch's dtype
    assert by["x"]["grad"] == pytest.approx(x.grad.item(), rel=1e-6 if dtype == "float32"
                                            else 1e-14)


def test_bad_dtype_is_a_usage_error():
    proc = run_gradcli("eval", "y = x", "--at", "x=1", "--dtype", "int64")
    no_traceback(proc)
    assert proc.returncode == 2


# --- --format ------------------------------------------------------------------------------

def test_format_table_is_the_default():
    default = run_gradcli("eval", "y = x * 2", "--at", "x=3")
    table = run_gradcli("eval", "y = x * 2", "--at", "x=3", "--format", "table")
    assert default.returncode == table.returncode == 0
    assert default.stdout == table.stdout
    out = table.stdout
    for column in ("id", "expr", "shape", "value", "requires_grad", "is_leaf", "grad_fn",
                   "grad"):
        assert column in out
    rows = [line.split() for line in out.splitlines()]
    assert ["x", "3", "[]", "3.", "True", "True", "None", "2."] in rows
    assert ["y", "x", "*", "2", "[]", "6.", "True", "False", "MulBackward0", "None"] in rows
    assert ESC not in out  # not a terminal: no colour


def test_format_json_is_one_object_per_line():
    proc = eval_json("y = x * 2", "--at", "x=3")
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert set(record) == {"line", "source", "output", "nodes", "error"}
    assert set(record["nodes"][0]) == {"id", "expr", "shape", "dtype", "value",
                                       "requires_grad", "is_leaf", "grad_fn", "grad"}


@pytest.mark.torch
def test_json_writes_nan_and_inf_as_strings():
    record = one("y = log(x)", "--at", "x=[-1.0, 0.0, 1.0]", "--grad", "ones(3)")
    x = torch.tensor([-1.0, 0.0, 1.0], requires_grad=True)
    torch.log(x).backward(torch.ones(3))
    assert x.grad.tolist()[1] == float("inf")
    by = nodes(record)
    assert by["y"]["value"] == ["nan", "-inf", 0.0]
    assert by["x"]["grad"] == [-1.0, "inf", 1.0]


def test_format_plain():
    proc = run_gradcli("eval", "y = x * 2", "--at", "x=3", "--format", "plain")
    assert proc.returncode == 0
    out = proc.stdout
    assert ESC not in out and "━" not in out and "│" not in out
    lines = out.splitlines()
    assert lines[0] == "line=1\tsource=y = x * 2\toutput=y"
    fields = [dict(f.split("=", 1) for f in line.split("\t")) for line in lines[1:]]
    assert [f["id"] for f in fields] == ["x", "y"]
    assert fields[1]["grad_fn"] == "MulBackward0" and fields[1]["value"] == "6."
    assert fields[0]["grad"] == "2." and fields[1]["grad"] == "None"


def test_unknown_format_is_a_usage_error():
    proc = run_gradcli("eval", "y = x", "--at", "x=1", "--format", "yaml")
    no_traceback(proc)
    assert proc.returncode == 2


# --- batches: --file / -f, -, piped stdin ----------------------------------------------------

BATCH = "# a comment\n\ny = x * 2\n   \n  # indented comment\ny = x ** 3\ny = sin(x)\n"
BATCH_LINES = [(3, "y = x * 2", 2.0), (6, "y = x ** 3", 12.0),
               (7, "y = sin(x)", math.cos(2.0))]  # d sin(x)/dx = cos(x), at x=2


def check_batch(proc):
    assert proc.returncode == 0, proc.stderr
    got = records(proc)
    assert [(r["line"], r["source"]) for r in got] == [(n, s) for n, s, _ in BATCH_LINES]
    for r, (_, _, grad) in zip(got, BATCH_LINES, strict=True):
        assert nodes(r)["x"]["grad"] == pytest.approx(grad, rel=1e-6)


@pytest.mark.parametrize("flag", ["--file", "-f"])
def test_file_option(tmp_path, flag):
    path = tmp_path / "cases.txt"
    path.write_text(BATCH)
    check_batch(eval_json(flag, path, "--at", "x=2"))


def test_dash_reads_stdin():
    check_batch(eval_json("-", "--at", "x=2", input=BATCH))


def test_piped_stdin_without_case():
    check_batch(eval_json("--at", "x=2", input=BATCH))


def test_file_dash_is_stdin():
    check_batch(eval_json("--file", "-", "--at", "x=2", input=BATCH))


def test_crlf_lines():
    check_batch(eval_json("--at", "x=2", input=BATCH.replace("\n", "\r\n")))


def test_batch_table_labels_lines():
    proc = run_gradcli("eval", "--at", "x=2", input=BATCH)
    assert proc.returncode == 0
    rows = [line.split() for line in proc.stdout.splitlines()]
    labelled = [(r[0], r[1]) for r in rows if len(r) > 2 and r[0].isdigit()]
    assert labelled == [("3", "x"), ("3", "y"), ("6", "x"), ("6", "y"), ("7", "x"), ("7", "y")]


def test_bad_line_does_not_stop_the_batch():
    text = "y = x * 2\ny = x +* 1\ny = q * x\ny = x ** 2\n"
    proc = eval_json("--at", "x=3", input=text)
    assert proc.returncode == 1
    got = records(proc)
    assert [r["line"] for r in got] == [1, 2, 3, 4]
    assert got[0]["error"] is None and nodes(got[0])["x"]["grad"] == 2.0
    assert got[3]["error"] is None and nodes(got[3])["x"]["grad"] == 6.0
    assert got[1]["error"]["type"] == "SyntaxError"
    # Python 3.11's suggestion (torch.eq is a bare name in cases): issue 21.3
    assert got[2]["error"] == {"type": "NameError",
                               "message": "name 'q' is not defined. Did you mean: 'eq'?",
                               "column": 5}
    errors = [line for line in proc.stderr.splitlines() if line.startswith("gradcli:")]
    assert errors == ["gradcli: line 2: SyntaxError: unexpected '*'",
                      "gradcli: line 3: NameError: name 'q' is not defined. Did you mean: 'eq'?"]


def test_invalid_utf8_line_is_its_own_error():
    data = b"y = x * 2\ny = \xff\ny = x * 3\n"
    proc = subprocess.run([*GRADCLI, "eval", "--at", "x=1", "--format", "json"], input=data,
                          capture_output=True)
    assert proc.returncode == 1
    got = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [r["line"] for r in got] == [1, 2, 3]
    assert got[1]["error"] is not None and got[2]["error"] is None
    assert proc.stderr.decode().startswith("gradcli: line 2: ")


# --- colour ---------------------------------------------------------------------------------

def run_on_tty(*args, env_extra=None):
    """Run gradcli with stdout on a pseudo-terminal (colour is only for terminals)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "TERM")}
    env["TERM"] = "xterm-256color"
    env.update(env_extra or {})
    master, slave = pty.openpty()
    proc = subprocess.Popen([*GRADCLI, *args], stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=subprocess.PIPE, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    proc.wait(timeout=60)
    return proc.returncode, b"".join(chunks).decode()


def colour_codes(text: str) -> list:
    """SGR parameters that set a colour (30-38, 40-48, 90-97, 100-107)."""
    found = []
    for params in SGR.findall(text):
        for p in params.split(";"):
            if p and (30 <= int(p) <= 48 or 90 <= int(p) <= 107):
                found.append(p)
    return found


TTY_CASE = ("eval", "y = x * 2", "--at", "x=3")


def test_terminal_gets_colour():
    code, out = run_on_tty(*TTY_CASE)
    assert code == 0
    assert colour_codes(out)  # the control for the two tests below


def test_no_color_flag_on_a_terminal():
    code, out = run_on_tty(*TTY_CASE, "--no-color")
    assert code == 0 and "MulBackward0" in out
    assert colour_codes(out) == []


def test_no_color_env_on_a_terminal():
    code, out = run_on_tty(*TTY_CASE, env_extra={"NO_COLOR": "1"})
    assert code == 0 and "MulBackward0" in out
    assert colour_codes(out) == []


@pytest.mark.parametrize("how", ["flag", "env"])
def test_no_color_means_no_escapes_at_all(how):
    if how == "flag":
        code, out = run_on_tty(*TTY_CASE, "--no-color")
    else:
        code, out = run_on_tty(*TTY_CASE, env_extra={"NO_COLOR": "1"})
    assert code == 0
    assert ESC not in out


@pytest.mark.parametrize("fmt", ["table", "plain"])
def test_no_escapes_in_a_pipe(fmt):
    proc = run_gradcli("eval", "y = x * 2; z = q", "--at", "x=3", "--format", fmt)
    assert proc.returncode == 1 and "MulBackward0" in proc.stdout
    assert ESC not in proc.stdout and ESC not in proc.stderr


# --- usage errors and exit codes ----------------------------------------------------------------

def test_unknown_option_exits_2():
    proc = run_gradcli("eval", "y = x", "--at", "x=1", "--bogus")
    no_traceback(proc)
    assert proc.returncode == 2
    assert "--bogus" in proc.stderr and proc.stdout == ""


def test_missing_file_exits_2(tmp_path):
    missing = tmp_path / "nope.txt"
    proc = run_gradcli("eval", "-f", missing)
    no_traceback(proc)
    assert proc.returncode == 2
    assert proc.stderr == f"gradcli: usage error: cannot read {missing}: no such file\n"


def test_directory_as_file_exits_2(tmp_path):
    proc = run_gradcli("eval", "-f", tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2


def test_bad_at_is_a_usage_error():
    proc = run_gradcli("eval", "y = x", "--at", "x")
    no_traceback(proc)
    assert proc.returncode == 2


# --- error messages (one batch each: a gradcli start costs more than its cases) -------------

SYNTAX = [("y = x +* 2", "*"), ("y = x $ 2", "$"), ("a = x * 2; b = a ) 1", ")")]


@pytest.fixture(scope="module")
def syntax_batch():
    proc = eval_json("--at", "x=1", input="".join(f"{src}\n" for src, _ in SYNTAX))
    return proc, records(proc)


@pytest.mark.parametrize("index", range(len(SYNTAX)), ids=[s for s, _ in SYNTAX])
def test_syntax_error_caret(syntax_batch, index):
    proc, got = syntax_batch
    source, bad = SYNTAX[index]
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    at = lines.index(next(x for x in lines if x.startswith(f"gradcli: line {index + 1}: ")))
    assert re.fullmatch(rf"gradcli: line {index + 1}: SyntaxError: .+", lines[at])
    assert lines[at + 1] == f"    {source}"
    assert lines[at + 2] == " " * (4 + source.index(bad)) + "^"
    assert got[index]["error"]["type"] == "SyntaxError"
    assert got[index]["error"]["column"] == source.index(bad) + 1


def _non_scalar():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).backward()


def _mm():
    torch.mm(torch.ones(2, 3, requires_grad=True), torch.ones(4, 4))


def _broadcast():
    torch.ones(2, 3, requires_grad=True) + torch.ones(2, 4)


# (case, PyTorch doing the same or None, the message); the leaves are bound in the case
# itself (a constant assigned to a name is a leaf, like --at) so that one run covers all.
ERRORS = [
    ("x = [1, 2]; y = x * 2", _non_scalar,
     "RuntimeError: grad can be implicitly created only for scalar outputs"),
    ("a = ones(2, 3); b = ones(4, 4); y = mm(a, b).sum()", _mm,
     "RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x4)"),
    ("a = ones(2, 3); b = ones(2, 4); y = (a + b).sum()", _broadcast,
     "RuntimeError: The size of tensor a (3) must match the size of tensor b (4) at "
     "non-singleton dimension 1"),
    ("x = 1; y = q * x", None, "NameError: name 'q' is not defined. Did you mean: 'eq'?"),
    ("x = 1; y = frobnicate(x)", None, "NameError: name 'frobnicate' is not defined"),
    ("x = 1; y = torch.frobnicate(x)", None,
     "AttributeError: module 'torch' has no attribute 'frobnicate'"),
]


@pytest.fixture(scope="module")
def error_batch():
    text = "".join(f"{case}\n" for case, _, _ in ERRORS)
    proc = eval_json(input=text)
    table = run_gradcli("eval", "--format", "table", input=text)
    no_traceback(table)
    return proc, records(proc), table


@pytest.mark.parametrize("index", range(len(ERRORS)), ids=[m for _, _, m in ERRORS])
def test_error_messages(error_batch, index):
    proc, got, table = error_batch
    _, torch_fn, message = ERRORS[index]
    if torch_fn is not None:
        if torch is None:
            pytest.skip("needs PyTorch to confirm the expected message is its own")
        assert torch_message(torch_fn) == message  # the expectation is PyTorch's own words
    assert proc.returncode == table.returncode == 1
    assert len(got) == len(ERRORS) and got[index]["line"] == index + 1
    error = got[index]["error"]
    assert f"{error['type']}: {error['message']}" == message
    assert f"gradcli: line {index + 1}: {message}" in proc.stderr.splitlines()
    assert message in " ".join(table.stdout.split())


@pytest.mark.torch
def test_gradient_shape_mismatch_message():
    def pytorch():
        x = torch.ones(2, 3, requires_grad=True)
        (x * 2).backward(torch.ones(3))

    message = ("RuntimeError: Mismatch in shape: grad_output[0] has a shape of "
               "torch.Size([3]) and output[0] has a shape of torch.Size([2, 3]).")
    assert torch_message(pytorch) == message
    proc = eval_json("y = x * 2", "--at", "x=ones(2, 3)", "--grad", "ones(3)")
    assert proc.returncode == 1
    [record] = records(proc)
    assert f"{record['error']['type']}: {record['error']['message']}" == message
    assert proc.stderr == f"gradcli: line 1: {message}\n"


# --- a closed pipe ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def head_pipeline(tmp_path_factory):
    """`gradcli eval -f big.txt --format json | head -1`: stdout, gradcli's stderr and its
    exit status."""
    tmp = tmp_path_factory.mktemp("head")
    big = tmp / "big.txt"
    big.write_text("y = (ones(40, 40) * x).sum(dim=0) * x\n" * 300)  # ~3 MB of JSON
    err, status = tmp / "err.txt", tmp / "status.txt"
    script = (f"{shlex.join(GRADCLI)} eval -f '{big}' --at x=2 --grad 'ones(40)' --format json "
              f"2>'{err}' | head -1; echo \"${{PIPESTATUS[0]}}\" >'{status}'")
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, err.read_text(), int(status.read_text())


@pytest.mark.torch
def test_head_closes_the_pipe_quietly(head_pipeline):
    stdout, err, _ = head_pipeline
    assert err == ""  # no traceback, no BrokenPipeError, no "Exception ignored"
    first = json.loads(stdout)
    assert first["line"] == 1 and first["error"] is None
    x = torch.tensor(2.0, requires_grad=True)
    ((torch.ones(40, 40) * x).sum(dim=0) * x).backward(torch.ones(40))
    assert nodes(first)["x"]["grad"] == x.grad.item()


def test_head_closed_pipe_exit_status_is_zero(head_pipeline):
    assert head_pipeline[2] == 0
