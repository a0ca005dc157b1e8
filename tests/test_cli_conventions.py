"""Issue 21 points 4, 5, 8, 9 and 10: usage errors exit 2 naming the option; one
vocabulary of formats; -h and examples on every command; torch.autograd.grad's tuple in
eval; PyTorch's names (never gradcli's or numpy's) in the messages of wrong calls; the
interactive prompt, driven through a pseudo-terminal."""

import json
import os
import pty
import re
import select
import shutil
import subprocess
import time

import pytest
from conftest import GRADCLI, no_traceback, run_gradcli

CASE_COMMANDS = ("eval", "check", "graph", "explain", "derive")

# --- 5: usage errors ---------------------------------------------------------------------


@pytest.mark.parametrize("command", ("eval", "check", "derive"))
def test_unknown_wrt_name_is_a_usage_error(command):
    p = run_gradcli(command, "y = x*w", "-a", "x=2.", "-a", "w=3.", "--wrt", "q")
    no_traceback(p)
    assert p.returncode == 2, p.stderr
    assert p.stderr.startswith("gradcli: --wrt q: "), p.stderr
    assert "line 1" not in p.stderr


@pytest.mark.parametrize("args,option", [
    (("--grad", "ones_like(y"), "--grad"),
    (("--grad", "onez(y)"), "--grad"),
    (("-a", "x=[1.,"), "--at"),
    (("-a", "x"), "--at"),
])
def test_malformed_option_is_a_usage_error(args, option):
    p = run_gradcli("eval", "y = x*x", "-a", "x=[1.,2.]", *args) if option == "--grad" else \
        run_gradcli("eval", "y = x*x", *args)
    no_traceback(p)
    assert p.returncode == 2, p.stderr
    assert f"gradcli: {option} " in p.stderr, p.stderr
    assert "line 1:" not in p.stderr


@pytest.mark.parametrize("claim", ("x: 3*x**", "q: 3*x**2"))
def test_malformed_claim_is_a_usage_error(claim):
    p = run_gradcli("check", "y = x**3", "-a", "x=2.", "--claim", claim)
    no_traceback(p)
    assert p.returncode == 2 and "gradcli: --claim " in p.stderr, p.stderr


def test_a_wrong_case_is_still_a_failed_case():
    p = run_gradcli("eval", "y = q*x", "-a", "x=2.")
    assert p.returncode == 1 and p.stderr.startswith("gradcli: line 1: NameError"), p.stderr


@pytest.mark.graphviz
def test_render_reports_its_file_as_information(tmp_path):
    target = tmp_path / "g.svg"
    p = run_gradcli("graph", "y = x*2", "-a", "x=1.", "--render", target)
    assert p.returncode == 0 and p.stderr == f"wrote {target}\n", p.stderr


# --- 8: one vocabulary of formats --------------------------------------------------------

def _run(command, fmt, *extra):
    case = "y = x*x" if command != "plot" else "y = x*x"
    args = [command, case, "-a", "x=2."] if command != "plot" else \
        [command, case, "--range=-1,1", "--points", "3"]
    return run_gradcli(*args, "--format", fmt, *extra)


@pytest.mark.parametrize("command", (*CASE_COMMANDS, "plot"))
def test_every_command_offers_human_plain_and_json(command):
    outs = {}
    for fmt in ("human", "plain", "json"):
        p = _run(command, fmt)
        no_traceback(p)
        assert p.returncode == 0, (fmt, p.stderr)
        outs[fmt] = p.stdout
    json.loads(outs["json"].splitlines()[0])
    assert "\x1b[" not in outs["plain"]
    # the default is the human format
    default = run_gradcli(*([command, "y = x*x", "-a", "x=2."] if command != "plot" else
                            [command, "y = x*x", "--range=-1,1", "--points", "3"]))
    assert default.stdout == outs["human"]


@pytest.mark.parametrize("command,alias", [("eval", "table"), ("check", "table"),
                                           ("explain", "rich"), ("derive", "text"),
                                           ("graph", "tree"), ("plot", "terminal")])
def test_old_format_names_stay_aliases_of_human(command, alias):
    assert _run(command, alias).stdout == _run(command, "human").stdout


def test_derive_format_latex_is_the_latex_flag():
    a = run_gradcli("derive", "y = 1/(w*(x+1))", "--format", "latex")
    b = run_gradcli("derive", "y = 1/(w*(x+1))", "--latex")
    assert a.returncode == 0 and a.stdout == b.stdout and "\\frac" in a.stdout


# --- 9: conventions ----------------------------------------------------------------------

@pytest.mark.parametrize("command", (*CASE_COMMANDS, "plot", "run"))
def test_short_help_and_examples(command):
    short, long = run_gradcli(command, "-h"), run_gradcli(command, "--help")
    assert short.returncode == 0 and short.stdout == long.stdout
    examples = long.stdout.split("Examples:", 1)[1]
    assert f"gradcli {command} " in examples


def test_version():
    p = run_gradcli("--version")
    assert p.returncode == 0 and re.fullmatch(r"gradcli \S+\n", p.stdout)


def test_autograd_grad_tuple_is_shown_as_pytorch_returns_it():
    torch = pytest.importorskip("torch")
    p = run_gradcli("eval", "z = (x*w1)**2; torch.autograd.grad(z, w1, "
                    "grad_outputs=torch.ones_like(z))", "-a", "x=[1.,2.]", "-a", "w1=[3.,4.]",
                    "--format", "json")
    assert p.returncode == 0, p.stderr
    nodes = {n["id"]: n for n in json.loads(p.stdout)["nodes"]}
    x = torch.tensor([1., 2.], requires_grad=True)
    w1 = torch.tensor([3., 4.], requires_grad=True)
    z = (x * w1) ** 2
    (want,) = torch.autograd.grad(z, w1, grad_outputs=torch.ones_like(z))
    assert nodes["out[0]"]["value"] == want.tolist()
    assert nodes["w1"]["grad"] is None  # autograd.grad accumulates nothing
    named = run_gradcli("eval", "z = (x*w1)**2; g = torch.autograd.grad(z, [x, w1], "
                        "torch.ones_like(z))", "-a", "x=[1.,2.]", "-a", "w1=[3.,4.]",
                        "--format", "json")
    ids = [n["id"] for n in json.loads(named.stdout)["nodes"]]
    assert ids[-2:] == ["g[0]", "g[1]"]


# --- 4: internal names never leak --------------------------------------------------------

_INTERNAL = re.compile(r"<locals>|\bfn\(\)|\b_\w+\(\)|numpy|ndarray|'axis'|gradcli\.")


def _bogus_keyword_message(source):
    from gradcli.engine import dtypes
    from gradcli.parser.interpreter.case import CaseOptions, parse_binding, run_forward

    dtypes.set_default_float("float32")
    opts = CaseOptions(bindings=[parse_binding("x=[[1.,2.],[3.,4.]]"),
                                 parse_binding("t=[[0.5,0.5],[0.5,0.5]]", ("t",))])
    r = run_forward(source, 1, opts)
    return r.error


def _registered():
    from gradcli.engine.torch_api.registry import FUNCTIONS, METHODS, NN_FUNCTIONS

    calls = [(n, f"y = torch.{n}(x, bogus_kw=1)") for n in sorted(FUNCTIONS)
             if n.isidentifier() and not n.startswith("_")]
    calls += [(n, f"y = x.{n}(bogus_kw=1)") for n in sorted(METHODS)
              if n.isidentifier() and not n.startswith("_")]
    calls += [(n, f"y = F.{n}(x, bogus_kw=1)") for n in sorted(NN_FUNCTIONS)
              if n.isidentifier() and not n.startswith("_")]
    return calls


def test_bogus_keyword_names_the_pytorch_function():
    bad = []
    for name, source in _registered():
        err = _bogus_keyword_message(source)
        if err is None:
            bad.append(f"{source}: no error")
            continue
        msg = err.message
        if _INTERNAL.search(msg) or (err.type_name == "TypeError" and "bogus_kw" in msg
                                     and f"{name}(" not in msg):
            bad.append(f"{source}: {err.type_name}: {msg}")
    assert not bad, "\n".join(bad[:40])


def test_repeated_dim_is_pytorchs_message():
    torch = pytest.importorskip("torch")
    for source, call in [("y = x.sum(dim=(0,-2))", lambda x: x.sum(dim=(0, -2))),
                         ("y = torch.sum(x, (1,1))", lambda x: torch.sum(x, (1, 1)))]:
        with pytest.raises(RuntimeError) as want:
            call(torch.ones(2, 2))
        err = _bogus_keyword_message(source)
        assert err is not None and err.message == str(want.value)


# --- 10: the interactive prompt ----------------------------------------------------------

def _read_until(fd, needle: bytes, timeout=60.0) -> bytes:
    out = b""
    end = time.monotonic() + timeout
    while needle not in out and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    return out


@pytest.mark.parametrize("command,line,expect", [
    ("eval", b"y = x*x\n", b"MulBackward0"),
    ("derive", b"y = x**3\n", b"3*x**2"),
])
def test_interactive_prompt_through_a_pty(command, line, expect):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    env.update(TERM="dumb", NO_COLOR="1")
    master, slave = pty.openpty()
    proc = subprocess.Popen([*GRADCLI, command, "--at", "x=3."], stdin=slave, stdout=slave,
                            stderr=slave, env=env)
    os.close(slave)
    try:
        assert b"gradcli> " in _read_until(master, b"gradcli> ")
        os.write(master, line)
        got = _read_until(master, expect)
        assert expect in got, got
        os.write(master, b"q +* 1\n")  # a wrong line: reported, and the prompt goes on
        got = _read_until(master, b"SyntaxError")
        assert b"SyntaxError" in got, got
        _read_until(master, b"gradcli> ")
        os.write(master, b"\x04")  # Ctrl-D leaves
        _read_until(master, b"\n", timeout=10)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)


def test_piped_input_keeps_batch_behaviour():
    p = run_gradcli("eval", "--at", "x=3.", "--format", "json", input="y = x*x\n")
    assert p.returncode == 0 and "gradcli> " not in p.stdout
    assert json.loads(p.stdout)["nodes"][-1]["grad_fn"] == "MulBackward0"


def test_no_case_on_a_terminal_without_a_prompt_is_still_a_usage_error():
    # stdin a terminal but stdout a pipe: no prompt (nobody would see it) and no hang
    master, slave = pty.openpty()
    try:
        p = subprocess.run([*GRADCLI, "eval"], stdin=slave, capture_output=True, text=True,
                           timeout=60)
    finally:
        os.close(slave)
        os.close(master)
    assert p.returncode == 2 and "no CASE given" in p.stderr


@pytest.mark.skipif(shutil.which("dot") is not None, reason="needs no graphviz")
def test_render_without_dot_still_explains():
    p = run_gradcli("graph", "y = x*2", "-a", "x=1.", "--render", "g.svg")
    assert p.returncode == 1 and "Graphviz" in p.stderr


@pytest.mark.parametrize("command", CASE_COMMANDS)
def test_ctrl_c_while_reading_cases_exits_130(command):
    """Ctrl-C (SIGINT) while a command waits for cases on a pipe: the shell's status for
    SIGINT, 130, no traceback (click returns that status instead of exiting when not in
    standalone mode; the edge must pass it on)."""
    import signal

    proc = subprocess.Popen([*GRADCLI, command], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(2.0)  # the command has started and blocks reading its standard input
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    # -SIGINT: the signal came before Python's handler was installed (a slow start-up);
    # the shell shows 130 for both, never the 0 of a finished run
    assert proc.returncode in (130, -signal.SIGINT), (out, err)
    assert "Traceback" not in err
