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


def best_of(fns: dict, reps: int) -> dict:
    """Best time of each, in ms; the candidates run in turns, so load changes on a shared
    machine weigh on all of them alike."""
    times = {name: [] for name in fns}
    for _ in range(reps):
        for name, fn in fns.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return {name: min(ts) * 1e3 for name, ts in times.items()}


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    g = G.Generator().manual_seed(10)
    legacy, modern = np.random.RandomState(10), np.random.default_rng(10)
    fns = {
        "gradcli randn float32": lambda: D.normal(g, (N,), np.float32),
        "gradcli randn float64": lambda: D.normal(g, (N,), np.float64),
        "gradcli rand float32": lambda: D.uniform(g, (N,), np.float32),
        "numpy RandomState.normal (float64)": lambda: legacy.normal(size=N),
        "numpy Generator.standard_normal float32":
            lambda: modern.standard_normal(N, dtype=np.float32),
        "numpy Generator.standard_normal float64": lambda: modern.standard_normal(N),
    }
    try:
        import torch

        torch.set_num_threads(1)
        fns["torch.randn float32 (reference)"] = lambda: torch.randn(N)
    except ImportError:
        pass
    rows = best_of(fns, reps)
    for name, ms in rows.items():
        print(f"{name:45s} {ms:8.1f} ms")
    base = rows["gradcli randn float32"]
    for ref in ("numpy RandomState.normal (float64)", "numpy Generator.standard_normal float32"):
        print(f"randn float32 / {ref}: {base / rows[ref]:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
