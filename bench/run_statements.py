"""Where an iteration of bench/run.py's RUN_AUTOGRAD_LOOP goes, statement by statement
(issue 23): the loop runs under `gradcli run`'s own runner and guards, with a clock read
(thread CPU time) between its parts, so each part includes ~1 µs of the clock.

    python bench/run_statements.py [iterations]"""

import sys
import time

from gradcli.parser.program import guards
from gradcli.parser.program.runner import run_program

PARTS = ("x, y = ...; loss = (w * x + b - y) ** 2", "loss.backward()",
         "no_grad: w -= ..., b -= ...; zero_() twice")
PROGRAM = """import torch
xs = [1.0, 2.0, 3.0, 4.0]
ys = [3.0, 5.0, 7.0, 9.0]
w = torch.tensor(0.0, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
lr = 0.01
for i in range({n}):
    clock(3)
    x, y = xs[i % 4], ys[i % 4]
    loss = (w * x + b - y) ** 2
    clock(0)
    loss.backward()
    clock(1)
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
    clock(2)
print(w, b, loss)
"""


def main(n: int) -> None:
    now = time.thread_time_ns
    spent, last = [0] * 4, [now()]

    def clock(k):
        spent[k] += now() - last[0]
        last[0] = now()

    namespace = guards.Guards.namespace
    guards.Guards.namespace = lambda self: {**namespace(self), "clock": clock}
    out = []
    try:
        run_program(PROGRAM.format(n=n), out.append, lambda *a: None, max_steps=10**9)
    finally:
        guards.Guards.namespace = namespace
    print("".join(out), end="")
    for k, part in enumerate(PARTS):
        print(f"{spent[k] / n / 1e3:7.2f} µs  {part}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
