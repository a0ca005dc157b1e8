"""Long fuzz run: hostile input through every gradcli command for a set time.

    python bench/fuzz.py --minutes 10

Draws batches from the generators in tests/fuzzing.py (random bytes, token soups from the
grammar's terminals, mutated valid cases and programs), runs them through the installed
`gradcli`, and reports how many inputs it tried and every input that broke the property
(a traceback, an internal error, exit status other than 0/1, or a time-out)."""

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    args = ap.parse_args()
    import fuzzing
    from hypothesis import strategies as st
    from hypothesis.errors import NonInteractiveExampleWarning

    warnings.simplefilter("ignore", NonInteractiveExampleWarning)
    batch = st.lists(fuzzing.case_line(), min_size=20, max_size=60)
    program = fuzzing.program_text()
    end = time.monotonic() + args.minutes * 60
    tried = {c: 0 for c in (*fuzzing.CASE_COMMANDS, "run")}
    failures = []
    while time.monotonic() < end:
        lines = batch.example()
        for command in fuzzing.CASE_COMMANDS:
            try:
                fuzzing.run_batch(command, lines)
            except Exception as e:  # noqa: BLE001 - a finding, reported below
                failures.append(f"{command}: {e}"[:3000])
            tried[command] += len(lines)
        for _ in range(3):
            text = program.example()
            try:
                fuzzing.run_program(text)
            except Exception as e:  # noqa: BLE001
                failures.append(f"run: {e}"[:3000])
            tried["run"] += 1
    total = sum(tried.values())
    print(f"fuzzed {args.minutes:g} min: {total:,} inputs "
          f"({', '.join(f'{c} {n:,}' for c, n in tried.items())}); "
          f"{len(failures)} failures")
    for f in failures:
        print("---\n" + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
