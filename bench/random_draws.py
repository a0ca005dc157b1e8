#!/usr/bin/env python3
"""10^6 random values: gradcli's PyTorch-exact draws (engine/rng) against numpy's own
normal generators (and torch, when installed, for reference). Target (issue 15): 10^6
randn within 2x numpy's normal generator. Best of REPS, in ms.

    python bench/random_draws.py [REPS]"""

import sys
import time

import numpy as np
from gradcli.engine.rng import distributions as D
from gradcli.engine.rng import generator as G

N = 10**6


def best(fn, reps):
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times) * 1e3


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    g = G.Generator().manual_seed(10)
    legacy, modern = np.random.RandomState(10), np.random.default_rng(10)
    rows = {
        "gradcli randn float32": best(lambda: D.normal(g, (N,), np.float32), reps),
        "gradcli randn float64": best(lambda: D.normal(g, (N,), np.float64), reps),
        "gradcli rand float32": best(lambda: D.uniform(g, (N,), np.float32), reps),
        "numpy RandomState.normal (float64)": best(lambda: legacy.normal(size=N), reps),
        "numpy Generator.standard_normal float32":
            best(lambda: modern.standard_normal(N, dtype=np.float32), reps),
        "numpy Generator.standard_normal float64": best(lambda: modern.standard_normal(N), reps),
    }
    try:
        import torch

        torch.set_num_threads(1)
        rows["torch.randn float32 (reference)"] = best(lambda: torch.randn(N), reps)
    except ImportError:
        pass
    for name, ms in rows.items():
        print(f"{name:45s} {ms:8.1f} ms")
    base = rows["gradcli randn float32"]
    for ref in ("numpy RandomState.normal (float64)", "numpy Generator.standard_normal float32"):
        print(f"randn float32 / {ref}: {base / rows[ref]:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
