"""A large batch of JSON or plain records on every core: worker processes run and render
chunks of cases, this process reads the input, hands out the chunks and writes each
chunk's records and error lines in input order, so stdout, stderr and the exit status are
what one process gives (tests/test_batch_pool.py holds them to `--jobs 1`, byte for byte).

- Only past MIN_LINES cases: the first MIN_LINES are read before any worker starts; a
  shorter batch runs here, as before. Workers are forked from this process (they inherit
  the loaded engine, the options and the runner; nothing is imported anew).
- Every case is run by batch.settle, as in one process: its error is its record and its
  stderr lines, an internal error is reported for its line only (exit 3).
- Cases are independent, except through the process's global state: the default random
  generator (`manual_seed(0)` on one line, `rand(2)` on the next), the default dtype, grad
  mode, print options, a warning shown once per process... A worker checks that state
  (global_state) after every case; the first case that changed it, or issued a warning,
  ends the parallel part: the workers finish what they were handed and exit, and this
  process runs the rest, that case included, one after another (its own state is still
  the start's: it ran nothing).
- Workers ignore Ctrl-C; this process stops them and exits 130 as always.
"""

import os
import sys
from collections import deque

MIN_LINES = 2000  # fewer cases: forking and handing out cost more than they save
CHUNK = 200       # cases per task
AHEAD = 3         # tasks in flight per worker

_JOB = None  # (settle, runner, (render, fmt, summary), many): set before the workers fork


def workers(jobs: int) -> int:
    """How many processes `--jobs` asks for. 0 (the default): one per core that is idle
    now (the load average of the last minute says how many are busy), so a batch on a
    loaded machine stays in one process, where extra processes would only queue for the
    same cores and add the handing out."""
    if jobs > 0:
        return jobs
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):
        busy = 0.0
    return max(1, min(cores, int(cores - busy + 1)))


def run_pooled(batch, settle, runner, rendering, n: int):
    """Run `batch`'s cases on n worker processes, writing the records (each case run by
    `settle`, batch.py's, as in one process). Returns None when
    every case is done, or the cases still to run here, one after another (a short batch,
    or the rest after a case that changed the process's state)."""
    from itertools import islice

    from .inputs import cases

    source = cases(batch.inline, batch.file, batch.command)
    head = list(islice(source, MIN_LINES))
    if len(head) < MIN_LINES:
        return iter(head)
    global _JOB
    _JOB = (settle, runner, rendering, batch.many)
    import multiprocessing

    pool = multiprocessing.get_context("fork").Pool(n, initializer=_ignore_sigint)
    pids = {p.pid for p in getattr(pool, "_pool", ())}
    try:
        rest = _drive(pool, batch, _chunks(head, source), n, pids)
    except BaseException:  # Ctrl-C, a write error: stop the workers now
        pool.terminate()
        pool.join()
        raise
    _finish(pool, pids)
    return rest


def _finish(pool, pids) -> None:
    """End the pool once the workers have finished what they were handed, by close() and
    join(): terminate() kills workers that may be holding the task queue's lock, and then
    the pool's own threads can wait on it forever (a batch seen hanging after its last
    record). A lost worker's task never finishes: then terminate() it is."""
    import time

    while getattr(pool, "_cache", None):
        if _lost_a_worker(pool, pids):
            pool.terminate()
            pool.join()
            return
        time.sleep(0.005)
    pool.close()
    pool.join()


def _chunks(head, source):
    from itertools import chain, islice

    it = chain(head, source)
    while True:
        chunk = [(c.line, c.text, c.problem) for c in islice(it, CHUNK)]  # cheap to pickle
        if not chunk:
            return
        yield chunk


def _drive(pool, batch, chunks, n, pids):
    pending: deque = deque()
    out, err = sys.stdout, sys.stderr
    while True:
        while len(pending) < AHEAD * n:
            chunk = next(chunks, None)
            if chunk is None:
                break
            pending.append((chunk, pool.apply_async(_work, (chunk,))))
        if not pending:
            return None
        chunk, task = pending.popleft()
        while not task.ready():
            task.wait(0.5)
            if not task.ready() and _lost_a_worker(pool, pids):
                # killed (the OOM killer, a signal): its chunk would never come back; this
                # chunk and the rest run here, as in one process
                task = None
                break
        if task is None:
            errors, text, code, changed = "", "", 0, 0
        else:
            errors, text, code, changed = task.get()
        batch.fail(code)
        if errors:
            err.write(errors)
        out.write(text)
        if changed is not None:  # that case and all after it: here, in order
            from itertools import chain

            from .inputs import Case

            rest = chain(chunk[changed:], *(c for c, _ in pending), (c for ch in chunks for c in ch))
            return (Case(*c) for c in rest)


def _lost_a_worker(pool, pids) -> bool:
    """Whether a worker process has died (the Pool replaces it, but not its task)."""
    workers = getattr(pool, "_pool", None)
    if workers is None:
        return False
    return {p.pid for p in workers} != pids or any(p.exitcode is not None for p in workers)


def _ignore_sigint():
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(chunk):
    """In a worker: the chunk's stderr text, record text and exit status, up to the first
    case that changed the process's global state (its index, else None)."""
    import warnings

    from .inputs import Case

    settle, runner, (render, fmt, summary), many = _JOB
    errors, texts, status = [], [], 0
    changed = None
    # the process's own filters stay: a warning it would show (once) is recorded instead
    with warnings.catch_warnings(record=True) as shown:
        for i, (line, text, problem) in enumerate(chunk):
            before = global_state()
            result, error, code = settle(Case(line, text, problem), runner, None, many)
            if shown or global_state() != before:
                changed = i
                break
            if error:
                errors.append(error)
            if result is not None:
                texts.append(render(result, fmt, summary))
            status = max(status, code)
    return "".join(errors), "".join(texts), status, changed


def global_state() -> tuple:
    """What one case can change for the cases after it, in one process: the default
    generator (seed, position, cached normal), the default dtype, grad and inference
    mode, forward-AD and functorch levels, print options, hooks and version tracking."""
    from gradcli.engine import (
        apply,
        dtypes,
        forward_ad,
        func_transforms,
        grad_mode,
        hooks,
        torch_extras,
        torch_repr,
    )
    from gradcli.engine import tensor as tensor_module
    from gradcli.engine.rng import generator

    gen = generator.default_generator
    return (_draws(gen), gen._seed, gen._fresh, gen.next_float_normal, gen.next_double_normal,
            dtypes._default_float[0], grad_mode._enabled[0],
            torch_extras.inference_mode._active[0], forward_ad._LEVEL[0],
            apply.FORWARD_AD[0], tensor_module.TANGENT[0], tensor_module.VERSIONED[0],
            func_transforms._LEVEL[0], func_transforms._VMAP[0], hooks.ACTIVE[0],
            torch_repr.PRECISION, torch_repr.THRESHOLD, torch_repr.EDGEITEMS,
            torch_repr.LINEWIDTH, torch_repr.SCI_MODE)


def _draws(gen) -> int:
    """How many times the default generator has drawn (its draws, counted from the
    first call here on: numpy's bit generator state is too costly to compare per case)."""
    count = gen.__dict__.get("_pool_draws")
    if count is None:
        count = gen._pool_draws = [0]
        draw = gen.random  # the one method every draw and every state change goes through

        def random(k, _draw=draw, _count=count):
            _count[0] += 1
            return _draw(k)
        gen.random = random
        for name in ("set_state", "_set_seed"):
            method = getattr(gen, name)

            def changed(*args, _method=method, _count=count):
                _count[0] += 1
                return _method(*args)
            setattr(gen, name, changed)
    return count[0]
