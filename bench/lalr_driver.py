#!/usr/bin/env python3
"""Is the lean LALR driver (parser/lalr_driver.py) worth its guard? The same commands with
the driver and with lark's own loop (GRADCLI_PURE_PARSER=1): a cold eval and a 2,000-line
batch, whole processes, medians, run in turns so the machine's drift weighs on both.

    python bench/lalr_driver.py [--reps N]"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GRADCLI = shutil.which("gradcli") or str(Path(sys.executable).parent / "gradcli")
COLD = [GRADCLI, "eval", "y=(x+w)*(w+1)", "--at", "x=2", "--at", "w=1", "--format", "json"]
LINE = "x = 1.23; w = 0.45; y = sin(x * w) + (x + w) * (w + 3)"


def run(cmd, env, stdin=None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, stdin=stdin and open(stdin, "rb"), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=15)
    args = ap.parse_args()
    lean = dict(os.environ)
    lean.pop("GRADCLI_PURE_PARSER", None)
    pure = dict(lean, GRADCLI_PURE_PARSER="1")
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "batch.txt"
        batch.write_text((LINE + "\n") * 2000)
        batch_cmd = [GRADCLI, "eval", "--file", str(batch), "--format", "json"]
        for env in (lean, pure):  # warm both caches (driver tables, lark's own)
            run(COLD, env)
        times = {k: [] for k in ("cold lean", "cold lark", "batch lean", "batch lark")}
        for _ in range(args.reps):
            times["cold lean"].append(run(COLD, lean))
            times["cold lark"].append(run(COLD, pure))
        for _ in range(max(3, args.reps // 3)):
            times["batch lean"].append(run(batch_cmd, lean))
            times["batch lark"].append(run(batch_cmd, pure))
    med = {k: statistics.median(v) for k, v in times.items()}
    for what in ("cold", "batch"):
        a, b = med[f"{what} lean"], med[f"{what} lark"]
        print(f"{what:5}  driver {a:.3f} s   lark's loop {b:.3f} s   lark/driver {b / a:.2f}x")


if __name__ == "__main__":
    main()
