"""Large batches on several processes (cli/batch_pool.py) give what one process gives:
the same stdout, stderr and exit status, byte for byte, as `--jobs 1`, on batches that mix
good lines, error lines of every kind, blank and comment lines and undecodable bytes, from
a file and from stdin, in json and plain format; a line that changes the process's global
state (the random generator, the default dtype) is followed exactly as in one process;
Ctrl-C stops the workers and exits 130 without a traceback."""

import os
import signal
import subprocess

import pytest
from conftest import GRADCLI, run_gradcli
from gradcli.batch_pool import CHUNK, MIN_LINES

N = MIN_LINES * 3 // 2 + 17  # past MIN_LINES cases (a quarter are blank or comments)


def mixed_lines(n: int) -> list:
    kinds = [
        lambda i: f"x = {1 + i % 97 / 100}; w = {0.45 + i % 13 / 50}; y = sin(x * w) + (x + w) * (w + 3)",
        lambda i: f"y = (x + {i}",                       # syntax error, with its caret
        lambda i: f"y = q{i % 3} * 2",                   # NameError
        lambda i: f"a = tensor([{i}., 2.]); y = (a * a).sum()",
        lambda i: "",                                    # blank: no record
        lambda i: f"# comment {i}",                      # comment: no record
        lambda i: f"y = x.reshape({i % 3 + 1}, 2)",      # a shape error now and then
        lambda i: f"y = 0{i % 2} + x",                   # 00 is fine, 01 a syntax error
    ]
    return [kinds[(i * 7 + i // 5) % len(kinds)](i) for i in range(n)]


def compare(args, data: bytes, tmp_path, via_stdin: bool):
    path = tmp_path / "batch.txt"
    path.write_bytes(data)
    runs = []
    for jobs in ("1", "2"):
        cmd = [*GRADCLI, "eval", *args, "--jobs", jobs]
        if via_stdin:
            proc = subprocess.run(cmd, input=data, capture_output=True, timeout=600)
        else:
            proc = subprocess.run([*cmd, "-f", str(path)], capture_output=True, timeout=600)
        runs.append(proc)
    one, pooled = runs
    assert pooled.returncode == one.returncode
    assert pooled.stderr == one.stderr
    assert pooled.stdout == one.stdout
    assert b"Traceback" not in pooled.stderr
    return one


@pytest.mark.parametrize("fmt,via_stdin", [("json", False), ("json", True), ("plain", False)])
def test_pooled_batch_equals_one_process(fmt, via_stdin, tmp_path):
    lines = [line.encode() for line in mixed_lines(N)]
    lines[MIN_LINES + 5] = b"y = \xff\xfe"  # not UTF-8: an input error for that line
    one = compare(("--at", "x=[1., 2.]", "--format", fmt), b"\n".join(lines) + b"\n",
                  tmp_path, via_stdin)
    assert one.returncode == 1
    if fmt == "json":
        records = sum(1 for x in lines if x.strip() and not x.startswith(b"#"))
        assert one.stdout.count(b"\n") == records


DRAW = "y = rand(2).sum() + ones(1).sum(); z = y.double() * x"


@pytest.mark.parametrize("change,later", [
    ("g = manual_seed(7); y = rand(2).sum()", DRAW),   # the default generator, reseeded
    ("g = manual_seed(5); y = ones(1).sum()", DRAW),   # reseeded; the draws come later
    ("d = torch.set_grad_enabled(False)", "z = x * x"),  # an error record; grad mode off
])
def test_a_line_that_changes_global_state_is_followed_as_in_one_process(change, later,
                                                                         tmp_path):
    """(Draws from an unseeded generator differ from run to run, in PyTorch too: the
    lines draw after a seed.)"""
    lines = [f"x = {i % 10}.5; y = x * 2" for i in range(N)]
    lines[MIN_LINES + CHUNK + 3] = change
    for i in range(MIN_LINES + CHUNK + 4, N, 97):
        lines[i] = f"x = {i}.5; {later}"
    compare(("--format", "json"), ("\n".join(lines) + "\n").encode(), tmp_path, False)


def test_the_pool_is_used_for_a_large_batch(monkeypatch, tmp_path, capsys):
    """In process: a large json batch is handed to worker processes (the Pool's
    apply_async is called in this process, the chunks run in the forked workers)."""
    import multiprocessing.pool

    from gradcli.batch import run_cases
    from gradcli.edge import Exit
    from gradcli.parser.interpreter.case import CaseOptions

    calls = []
    real = multiprocessing.pool.Pool.apply_async
    monkeypatch.setattr(multiprocessing.pool.Pool, "apply_async",
                        lambda self, *a, **k: calls.append(1) or real(self, *a, **k))
    path = tmp_path / "batch.txt"
    path.write_text("\n".join(mixed_lines(N)) + "\n")
    with pytest.raises(Exit):  # some lines fail: exit status 1
        run_cases(None, str(path), CaseOptions(bindings=[]), "json", True, jobs=2)
    cases = sum(1 for x in mixed_lines(N) if x.strip() and not x.startswith("#"))
    assert cases > MIN_LINES and len(calls) == -(-cases // CHUNK)
    assert capsys.readouterr().out.count("\n") > N // 2


def test_ctrl_c_stops_the_workers_and_exits_130(tmp_path):
    path = tmp_path / "batch.txt"
    path.write_text("\n".join(f"x = {i}.5; y = sin(x) * x" for i in range(60_000)) + "\n")
    proc = subprocess.Popen([*GRADCLI, "eval", "-f", str(path), "--format", "json",
                             "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        assert proc.stdout.readline()  # records are coming: the workers are running
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends: the whole process group
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err


def test_jobs_is_offered_and_documented():
    out = run_gradcli("eval", "--help").stdout
    assert "--jobs" in out and "GRADCLI_JOBS" in out


def test_default_jobs_use_the_idle_cores(monkeypatch):
    """--jobs 0: one process per idle core (a loaded machine: one process)."""
    from gradcli import batch_pool

    monkeypatch.setattr(batch_pool.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    for load, expected in ((0.0, 2), (0.5, 2), (1.2, 1), (8.0, 1)):
        monkeypatch.setattr(batch_pool.os, "getloadavg", lambda load=load: (load, 0.0, 0.0))
        assert batch_pool.workers(0) == expected, load
    assert batch_pool.workers(3) == 3


def test_a_worker_killed_midway_hands_the_rest_to_this_process(tmp_path, capsys):
    """A worker that dies (the OOM killer, a signal) loses its chunk: the batch still
    writes every record, in order, as one process does."""
    from gradcli.batch import run_cases
    from gradcli.edge import Exit
    from gradcli.parser.interpreter.case import CaseOptions
    from gradcli.tasks.eval import run_case

    parent = os.getpid()

    def runner(text, line, opts):
        if text == "y = x * 3" and os.getpid() != parent:
            os._exit(9)  # only in a worker
        return run_case(text, line, opts)

    lines = [f"x = {i}.5; y = x * 2" for i in range(N)]
    lines[MIN_LINES + CHUNK + 5] = "y = x * 3"  # x undefined here: a NameError record
    path = tmp_path / "batch.txt"
    path.write_text("\n".join(lines) + "\n")
    outs = []
    for jobs in (1, 2):
        with pytest.raises(Exit):
            run_cases(None, str(path), CaseOptions(), "json", True, runner=runner, jobs=jobs)
        outs.append(capsys.readouterr())
    assert outs[0].out == outs[1].out and outs[0].err == outs[1].err
    assert outs[0].out.count("\n") == N
