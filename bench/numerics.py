"""Bit-identical fractions of gradcli's float32 elementwise ops against torch 2.13, next to
their speed: each op swept over 20,001 inputs of its domain (forward value and gradient),
written as a table into bench/RESULTS.md (section "numerics"). Needs torch (the oracle).
The "formula alone" columns measure the gradient again with torch's own forward values
(and torch's values for the transcendental calls inside the backward formula): a gradient
that is identical there differs end to end only because it inherits a 1-ulp forward.

    python bench/numerics.py [--no-write]"""

import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import test_numerics_torch as T  # noqa: E402  (the sweep definitions and measurement)

RESULTS = ROOT / "bench" / "RESULTS.md"
MARK = "## numerics: bit-identical to torch 2.13 (bench/numerics.py)"


def main() -> None:
    rows = ["| op | forward identical | max ulp | gradient identical | max ulp "
            "| gradient, formula alone | max ulp | ms / sweep |",
            "|---|---|---|---|---|---|---|---|"]
    fw, gr, fo = [], [], []
    for name in T.SWEEP:
        start = time.perf_counter()
        (f, fu), (g, gu) = T._measure(name)
        ms = (time.perf_counter() - start) * 1000
        _, (a, au) = T.measure_formula(name)
        fw.append(f)
        gr.append(g)
        fo.append(a)
        rows.append(f"| {name} | {f:.2%} | {fu} | {g:.2%} | {gu} | {a:.2%} | {au} | {ms:.0f} |")
    rows.append(f"| **average** | {np.mean(fw):.2%} | | {np.mean(gr):.2%} | | {np.mean(fo):.2%} | | |")
    table = "\n".join(rows)
    print(table)
    if "--no-write" in sys.argv:
        return
    text = RESULTS.read_text()
    section = f"{MARK}\n\n{table}\n"
    if MARK in text:
        text = re.sub(re.escape(MARK) + r"\n\n(\|.*\n)+", section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
