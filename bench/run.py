#!/usr/bin/env python3
"""gradcli's benchmarks: every target of issue 8 measured against its anchor, side by side
in one run (medians of repeated whole processes or timed regions), printed as ratios.

    python bench/run.py            # everything (about 2-4 minutes on 2 cores)
    python bench/run.py --quick    # fewer repetitions and smaller sizes

PyTorch is used as an anchor where it is installed; rows that need it say so otherwise."""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

PY = sys.executable
GRADCLI = shutil.which("gradcli") or f"{PY} -m gradcli"
LINE = "x = 1.23; w = 0.45; y = sin(x * w) + (x + w) * (w + 3)"


def have_torch() -> bool:
    return subprocess.run([PY, "-c", "import torch"], capture_output=True).returncode == 0


def timed_process(cmd, reps, stdin=None, env=None) -> float:
    """Median wall time of a whole process, in seconds."""
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        subprocess.run(cmd, shell=isinstance(cmd, str), stdin=stdin and open(stdin, "rb"),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def timed_script(code: str, reps: int = 1) -> dict:
    """Run a Python snippet in a fresh process; it prints a JSON dict of measurements."""
    results = []
    for _ in range(reps):
        out = subprocess.run([PY, "-c", textwrap.dedent(code)], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-2000:])
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {k: statistics.median(r[k] for r in results) for k in results[0]}


def peak_rss_mb(code: str) -> float:
    out = subprocess.run([PY, "-c", textwrap.dedent(code) +
                          "\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF)"
                          ".ru_maxrss / 1024)"], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return float(out.stdout.strip().splitlines()[-1])


ROWS = []


def row(what, value, anchor, target, ok, note=""):
    ROWS.append((what, value, anchor, target, ok, note))
    mark = "met" if ok else ("—" if ok is None else "NOT met")
    print(f"  {what}: {value}  vs  {anchor}  [target {target}: {mark}] {note}", flush=True)


def bench_startup(reps, torch_ok):
    numpy = timed_process([PY, "-c", "import numpy"], reps)
    cold = timed_process(f"{GRADCLI} eval 'y=(x+w)*(w+1)' --at x=2 --at w=1 --format json", reps)
    row("cold eval --format json", f"{cold:.3f} s", f"import numpy {numpy:.3f} s",
        "<= 2.0x", cold / numpy <= 2.0, f"ratio {cold / numpy:.2f}x")
    if torch_ok:
        script = ("import torch\nx = torch.tensor(2., requires_grad=True)\n"
                  "w = torch.tensor(1., requires_grad=True)\ny = (x + w) * (w + 1)\ny.backward()\n"
                  "print(x.grad, w.grad)\n")
        t = timed_process([PY, "-c", script], max(2, reps // 2))
        row("cold eval vs the PyTorch script", f"{cold:.3f} s", f"torch script {t:.3f} s",
            ">= 8x faster", t / cold >= 8, f"{t / cold:.1f}x faster")
    for args in ("--help", "eval --help"):
        h = timed_process(f"{GRADCLI} {args}", reps)
        row(f"gradcli {args}", f"{h:.3f} s", f"import numpy {numpy:.3f} s", "<= 1.0x",
            h / numpy <= 1.0, f"ratio {h / numpy:.2f}x")


def bench_batch(n, reps, torch_ok, tmp):
    path = os.path.join(tmp, "batch.txt")
    with open(path, "w") as f:
        for i in range(n):
            f.write(f"x = {1 + i % 97 / 100}; w = {0.45 + i % 13 / 50}; y = sin(x * w) + (x + w) * (w + 3)\n")
    js_cmd = f"{GRADCLI} eval -f {path} --format json"
    loop = os.path.join(tmp, "torch_loop.py")
    if torch_ok:  # gradcli and the PyTorch loop in turns, so drift in the machine's load
        _write_torch_loop(loop, path)  # weighs on both alike
        pairs = [(timed_process(js_cmd, 1), timed_process([PY, loop], 1)) for _ in range(reps)]
        js = statistics.median(p[0] for p in pairs)
        t = statistics.median(p[1] for p in pairs)
    else:
        js = timed_process(js_cmd, reps)
    table = timed_process(f"{GRADCLI} eval -f {path} --format table --no-color", reps)
    parse = timed_script(f"""
        import json, time
        from gradcli.parser.grammar import parse_full as parse  # the parser, not its cache
        lines = open({path!r}).read().splitlines()
        parse(lines[0])
        t0 = time.perf_counter()
        for l in lines:
            parse(l)
        print(json.dumps({{"t": time.perf_counter() - t0}}))""", reps)["t"]
    row(f"batch {n} lines --format json", f"{js:.2f} s", f"parser alone {parse:.2f} s",
        "<= 1.25x parser", js / parse <= 1.25, f"ratio {js / parse:.2f}x")
    row(f"batch {n} lines --format table", f"{table:.2f} s", f"json {js:.2f} s", "<= 2x json",
        table / js <= 2.0, f"ratio {table / js:.2f}x")
    if torch_ok:
        row(f"batch {n} lines --format json vs PyTorch loop", f"{js:.2f} s", f"torch {t:.2f} s",
            "faster", js < t, f"{t / js:.2f}x faster")


def bench_batch_vs_torch(n, reps, torch_ok, tmp):
    """Issue 23: an n-line `--format json` batch against the PyTorch loop over the same
    lines, whole processes in turns (wall time, default options: the batch uses every
    core); the CPU time of both (all their processes) is printed beside it."""
    import resource

    path = os.path.join(tmp, f"batch{n}.txt")
    with open(path, "w") as f:
        for i in range(n):
            f.write(f"x = {1 + i % 97 / 100}; w = {0.45 + i % 13 / 50}; y = sin(x * w) + (x + w) * (w + 3)\n")

    def run(cmd):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, shell=isinstance(cmd, str), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime

    js_cmd = f"{GRADCLI} eval -f {path} --format json"
    if not torch_ok:
        g = [run(js_cmd) for _ in range(reps)]
        row(f"batch {n:,} lines --format json", f"{statistics.median(w for w, _ in g):.2f} s",
            "PyTorch not installed", "<= 0.5x torch loop", None)
        return
    loop = os.path.join(tmp, f"torch_loop{n}.py")
    _write_torch_loop(loop, path)
    pairs = [(run(js_cmd), run([PY, loop])) for _ in range(reps)]
    g = statistics.median(p[0][0] for p in pairs)
    t = statistics.median(p[1][0] for p in pairs)
    gc_ = statistics.median(p[0][1] for p in pairs)
    tc = statistics.median(p[1][1] for p in pairs)
    row(f"batch {n:,} lines --format json vs PyTorch loop", f"{g:.2f} s", f"torch {t:.2f} s",
        "<= 0.5x torch loop", g / t <= 0.5,
        f"ratio {g / t:.2f}x (CPU time {gc_:.2f} s vs {tc:.2f} s: {gc_ / tc:.2f}x)")


def _write_torch_loop(loop, path):
    """The same lines the PyTorch way: torch.tensor leaves, Python's eval, backward, JSON."""
    with open(loop, "w") as f:
        f.write(textwrap.dedent(f"""
            import json, sys, torch
            for line in open({path!r}):
                env = {{"sin": torch.sin}}
                stmts = [s.strip() for s in line.split(";")]
                for s in stmts[:-1]:
                    name, val = s.split("=")
                    env[name.strip()] = torch.tensor(float(val), requires_grad=True)
                name, expr = stmts[-1].split("=", 1)
                y = eval(expr, env)
                y.backward()
                sys.stdout.write(json.dumps({{"y": y.item(), "x": env["x"].grad.item(),
                                             "w": env["w"].grad.item()}}) + "\\n")
            """))


def bench_chain(n, torch_ok, reps=3):
    # both with the collector settings every gradcli command runs with (cli/edge.py); CPU
    # time of the timed region (process_time: the shared machine's load does not count),
    # gradcli and torch in turns, `reps` pairs, medians
    gradcli_code = f"""
        import json, time
        from gradcli.edge import tune_gc
        tune_gc()
        from gradcli.engine import api
        from gradcli.engine.autograd import run_backward
        x = api.FUNCTIONS["tensor"](1.0, requires_grad=True)
        t0 = time.process_time()
        y = x
        for _ in range({n}):
            y = y * 1.0000001
        run_backward([y], [None])
        print(json.dumps({{"t": time.process_time() - t0}}))"""
    torch_code = f"""
        import gc, json, time, torch
        gc.freeze()
        gc.set_threshold(100_000, 50, 100)
        x = torch.tensor(1.0, requires_grad=True)
        t0 = time.process_time()
        y = x
        for _ in range({n}):
            y = y * 1.0000001
        y.backward()
        print(json.dumps({{"t": time.process_time() - t0}}))"""
    note = ""
    if torch_ok:
        pairs = [(timed_script(gradcli_code)["t"], timed_script(torch_code)["t"])
                 for _ in range(reps)]
        g = statistics.median(p[0] for p in pairs)
        t = statistics.median(p[1] for p in pairs)
        row(f"chain of {n:,} ops fwd+bwd", f"{g / n * 1e6:.1f} us/op",
            f"torch {t / n * 1e6:.1f} us/op", "<= 0.5x", g / t <= 0.5, f"ratio {g / t:.2f}x")
        gm = peak_rss_mb(f"""
            from gradcli.edge import tune_gc
            tune_gc()
            from gradcli.engine import api
            from gradcli.engine.autograd import run_backward
            x = api.FUNCTIONS["tensor"](1.0, requires_grad=True)
            y = x
            for _ in range({n}):
                y = y * 1.0000001
            run_backward([y], [None])""")
        tm = peak_rss_mb(f"""
            import torch
            x = torch.tensor(1.0, requires_grad=True)
            y = x
            for _ in range({n}):
                y = y * 1.0000001
            y.backward()""")
        row(f"peak memory, chain of {n:,}", f"{gm:.0f} MB", f"torch {tm:.0f} MB", "<= 2x",
            gm / tm <= 2.0, f"ratio {gm / tm:.2f}x")
    else:
        g = timed_script(gradcli_code)["t"]
        row(f"chain of {n:,} ops fwd+bwd", f"{g / n * 1e6:.1f} us/op", "torch not installed",
            "<= 0.5x", None, note)


def bench_matmul(reps):
    r = timed_script("""
        import json, time
        import numpy as np
        from gradcli.engine import api
        from gradcli.engine.autograd import run_backward
        rng = np.random.default_rng(0)
        data = rng.standard_normal((1000, 1000)).astype(np.float32)
        from gradcli.engine.tensor import Tensor
        def engine():
            x = Tensor(data.copy(), True)
            y = api.FUNCTIONS["sum"](x @ x)
            run_backward([y], [None])
            return x.grad.data
        def numpy():
            x = data.copy()
            p = x @ x
            s = p.sum()
            g = np.ones_like(p)
            gx = g @ x.T + x.T @ g
            return gx
        for f in (engine, numpy):
            f()
        # in turns, so that the shared machine's load weighs on both alike (wall time: the
        # CPU time of BLAS's threads counts their spinning too)
        ts = {"engine": [], "numpy": []}
        for _ in range(7):
            for name, f in (("engine", engine), ("numpy", numpy)):
                t0 = time.perf_counter(); f(); ts[name].append(time.perf_counter() - t0)
        print(json.dumps({k: sorted(v)[3] for k, v in ts.items()}))""", reps)
    row("1000x1000 (x@x).sum() fwd+bwd", f"{r['engine'] * 1e3:.1f} ms",
        f"numpy {r['numpy'] * 1e3:.1f} ms", "<= 1.05x", r["engine"] / r["numpy"] <= 1.05,
        f"ratio {r['engine'] / r['numpy']:.2f}x")


RUN_LOOP = """import torch
w = torch.tensor(0.5)
x = torch.tensor(2.0)
for i in range({n}):
    w = w + 0.001 * x
    w -= 0.0005 * w
print(w)
"""


def bench_run_loop(n, reps, torch_ok, tmp):
    """`gradcli run` on a loop of scalar tensor updates (the program runs on CPython under
    the policy: every attribute, iteration and in-place update goes through its guards)
    against the whole `python` + torch process running the same file."""
    path = os.path.join(tmp, "loop.py")
    with open(path, "w") as f:
        f.write(RUN_LOOP.format(n=n))
    if not torch_ok:
        t = timed_process(f"{GRADCLI} run {path}", reps)
        row(f"run: {n:,}-iteration scalar loop", f"{t:.2f} s", "PyTorch not installed",
            "<= 0.6x python + torch", None)
        return
    pairs = [(timed_process(f"{GRADCLI} run {path}", 1), timed_process([PY, path], 1))
             for _ in range(reps)]
    g = statistics.median(p[0] for p in pairs)
    t = statistics.median(p[1] for p in pairs)
    row(f"run: {n:,}-iteration scalar loop", f"{g:.2f} s", f"python + torch {t:.2f} s",
        "<= 0.6x", g / t <= 0.6, f"ratio {g / t:.2f}x")


# issue 23's run loop: a scalar autograd training step as tutorials write it (a leaf w and b
# requiring grad, a loss of a few ops, backward, an update under no_grad, the grads zeroed);
# the final values are printed so the output compares byte for byte with torch's
# (tests/test_run_fast_paths.py runs it for a small n against torch)
RUN_AUTOGRAD_LOOP = """import torch

xs = [1.0, 2.0, 3.0, 4.0]
ys = [3.0, 5.0, 7.0, 9.0]
w = torch.tensor(0.0, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
lr = 0.01
for i in range({n}):
    x, y = xs[i % 4], ys[i % 4]
    loss = (w * x + b - y) ** 2
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
print(w, b, loss)
print(w.item(), b.item(), loss.item())
"""


def cpu_process(cmd) -> float:
    """CPU time (user + sys) of one whole process, in seconds: the shared machine's load
    stretches wall time, far less the CPU a process itself uses."""
    import resource

    # modules' bytecode cached, as an installed package runs (pip compiles it; a shell with
    # PYTHONDONTWRITEBYTECODE=1 would recompile gradcli's ~130 modules, +0.25 s a process)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, shell=isinstance(cmd, str), stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_run_autograd_loop(n, reps, torch_ok, tmp):
    """`gradcli run` on RUN_AUTOGRAD_LOOP against `python` + torch on the same file, whole
    processes in turns, CPU time, medians (issue 23: <= 0.5x)."""
    path = os.path.join(tmp, "autograd_loop.py")
    with open(path, "w") as f:
        f.write(RUN_AUTOGRAD_LOOP.format(n=n))
    what = f"run: {n:,}-iteration scalar autograd loop (CPU)"
    if not torch_ok:
        t = statistics.median(cpu_process(f"{GRADCLI} run {path}") for _ in range(reps))
        row(what, f"{t:.2f} s", "PyTorch not installed", "<= 0.5x python + torch", None)
        return
    pairs = [(cpu_process(f"{GRADCLI} run {path}"), cpu_process([PY, path]))
             for _ in range(reps)]
    g = statistics.median(p[0] for p in pairs)
    t = statistics.median(p[1] for p in pairs)
    row(what, f"{g:.2f} s", f"python + torch {t:.2f} s", "<= 0.5x", g / t <= 0.5,
        f"ratio {g / t:.2f}x; pairs " + ", ".join(f"{a:.1f}/{b:.1f}" for a, b in pairs))


def bench_long_expression(n, reps):
    r = timed_script(f"""
        import json, time
        from gradcli.parser.grammar import parse
        from gradcli.parser.interpreter.case import CaseOptions
        from gradcli.tasks.eval import run_case
        text = "x = 0.5; y = " + " + ".join(f"x * {{i % 7 + 1}}" for i in range({n}))
        parse("x = 1")
        t0 = time.perf_counter(); parse(text); tp = time.perf_counter() - t0
        t0 = time.perf_counter(); r = run_case(text, 1, CaseOptions()); tt = time.perf_counter() - t0
        assert r.error is None, r.error
        print(json.dumps({{"parse": tp, "total": tt}}))""", reps)
    row(f"one {n:,}-term expression", f"{r['total']:.2f} s", f"parser alone {r['parse']:.2f} s",
        "<= 1.25x parser", r["total"] / r["parse"] <= 1.25, f"ratio {r['total'] / r['parse']:.2f}x")


def bench_seed_programs(reps, torch_ok):
    """The seeds' training programs (bench/programs/) as whole processes: `gradcli run`
    against `python` with torch running the same file (issue 16's speed target; issue 23's
    <= 0.5x), CPU time in turns, medians."""
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs")
    for name in ("logistic_regression.py", "blitz_net_backward.py"):
        path = os.path.join(here, name)
        if not torch_ok:
            t = statistics.median(cpu_process(f"{GRADCLI} run {path}") for _ in range(reps))
            row(f"run: {name} (CPU)", f"{t:.2f} s", "PyTorch not installed", "<= 0.5x", None)
            continue
        pairs = [(cpu_process(f"{GRADCLI} run {path}"), cpu_process([PY, path]))
                 for _ in range(reps)]
        g = statistics.median(p[0] for p in pairs)
        t = statistics.median(p[1] for p in pairs)
        row(f"run: {name} (CPU)", f"{g:.2f} s", f"python + torch {t:.2f} s", "<= 0.5x",
            g / t <= 0.5, f"ratio {g / t:.2f}x")


def only_run_rows(quick, reps, torch_ok):
    """`--only-run`: the `gradcli run` rows alone (issue 23's loop and the seeds' programs)."""
    with tempfile.TemporaryDirectory() as tmp:
        bench_run_loop(100_000, max(1, reps // 3), torch_ok, tmp)
        bench_run_autograd_loop(30_000 if quick else 300_000, max(1, reps // 3), torch_ok, tmp)
        bench_seed_programs(max(1, reps // 3), torch_ok)
    met = sum(1 for r in ROWS if r[4])
    print(f"\n{met} of {sum(1 for r in ROWS if r[4] is not None)} targets met")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions, smaller sizes")
    ap.add_argument("--only-run", action="store_true",
                    help="only the `gradcli run` rows (the loops and the seeds' programs)")
    ap.add_argument("--batch-only", action="store_true",
                    help="only the batch rows (issue 23's 50,000-line batch among them)")
    args = ap.parse_args()
    reps = 3 if args.quick else 7
    torch_ok = have_torch()
    print(f"gradcli benchmarks ({time.strftime('%Y-%m-%d')}, python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores; PyTorch {'installed' if torch_ok else 'NOT installed: its rows are skipped'})")
    if args.only_run:
        return only_run_rows(args.quick, reps, torch_ok)
    with tempfile.TemporaryDirectory() as tmp:
        if args.batch_only:
            bench_batch(2_000 if args.quick else 10_000, max(1, reps // 3), torch_ok, tmp)
            bench_batch_vs_torch(10_000 if args.quick else 50_000, 2, torch_ok, tmp)
            return
        bench_startup(reps, torch_ok)
        bench_batch(2_000 if args.quick else 10_000, max(1, reps // 3), torch_ok, tmp)
        bench_batch_vs_torch(10_000 if args.quick else 50_000, 2, torch_ok, tmp)
        bench_chain(200_000 if args.quick else 1_000_000, torch_ok)
        bench_matmul(1)
        bench_long_expression(20_000 if args.quick else 100_000, 1)
        bench_run_loop(100_000, max(1, reps // 3), torch_ok, tmp)
        bench_run_autograd_loop(30_000 if args.quick else 300_000, max(1, reps // 3),
                                torch_ok, tmp)
        bench_seed_programs(max(1, reps // 3), torch_ok)
    met = sum(1 for r in ROWS if r[4])
    print(f"\n{met} of {sum(1 for r in ROWS if r[4] is not None)} targets met")


if __name__ == "__main__":
    main()
