"""`gradcli check` on one case: reverse mode against finite differences (gradcheck, and
gradgradcheck with order 2), and claimed derivatives against reverse mode.

The numeric side re-runs the very case at perturbed points (the leaves overridden, float64
arithmetic), so whatever the case computes is what gets differentiated numerically."""

from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from ..engine import autograd, dtypes, gradcheck, gradcheck_report
from ..engine.errors import GradcliError
from ..engine.tensor import Tensor
from ..parser.interpreter.case import CaseOptions, CaseResult, evaluate_expression, run_forward
from .steps import grad_seed, option_error, with_seed_hint


@dataclass
class CheckOptions:
    case: CaseOptions
    eps: float = gradcheck.EPS
    atol: float = gradcheck.ATOL
    rtol: float = gradcheck.RTOL
    order: int = 1
    claims: list = field(default_factory=list)   # [(input name, expression text)]
    samples: int = 0
    seed: int = 0
    low: float = -2.0
    high: float = 2.0


@dataclass
class InputCheck:
    """One block of the Jacobian: d output / d input (order 1) or d grad_a / d input b."""
    name: str
    shape: list
    comparison: gradcheck.Comparison
    analytic: np.ndarray
    numeric: np.ndarray
    status: str = "pass"     # pass | fail | kink
    measure: object = None   # gradcheck_report.Measure: where the errors are, what decides


@dataclass
class ClaimCheck:
    name: str
    text: str
    claimed: np.ndarray | None = None
    engine: np.ndarray | None = None
    status: str = "pass"     # pass | fail
    samples: int = 0
    samples_passed: int = 0
    samples_skipped: int = 0  # points where reverse mode itself is not finite
    failure: dict | None = None  # the first failing sample: point, claimed, engine


@dataclass
class CheckResult:
    line: int
    source: str
    output: str | None = None
    error: GradcliError | None = None
    inputs: list = field(default_factory=list)
    gradcheck: list = field(default_factory=list)
    gradgradcheck: list = field(default_factory=list)
    kinks: list = field(default_factory=list)   # "abs at %1 (AbsBackward0)"
    claims: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and all(
            c.status != "fail" for c in (*self.gradcheck, *self.gradgradcheck, *self.claims))


def check_case(source: str, line: int, opts: CheckOptions) -> CheckResult:
    result = CheckResult(line=line, source=source)
    try:
        _check(source, line, opts, result)
    except GradcliError as e:
        result.error = e
    return result


def _check(source, line, opts, result):
    forward = replace_case(opts.case, backward=False, overrides=None)
    base = _run(source, line, forward)
    result.output = base.output
    out = base.output_tensor
    inputs = _inputs(base, opts.case.wrt)
    result.inputs = [name for name, _ in inputs]
    if not out.requires_grad or not inputs:
        raise GradcliError("the output does not depend on any input that requires grad "
                           "(nothing to check)", type_name="ValueError")
    result.kinks = _kinks(base)
    tensors = [t for _, t in inputs]
    point = {name: t.data.astype(np.float64) for name, t in inputs}

    def f(p):
        return _run(source, line, replace_case(forward, overrides=p), float64=True).output_tensor.data

    blocks = gradcheck.analytic_jacobian(out, tensors)
    for (name, t), analytic in zip(inputs, blocks, strict=True):
        numeric = gradcheck.numeric_jacobian(f, point, name, opts.eps)
        result.gradcheck.append(_judge(name, t, analytic, numeric, opts, result.kinks))
    if opts.order >= 2:
        _gradgradcheck(source, line, opts, base, inputs, point, result)
    for name, text in opts.claims:
        result.claims.append(_claim(source, line, opts, base, inputs, name, text))


def _judge(name, t, analytic, numeric, opts, kinks) -> InputCheck:
    comparison = gradcheck.compare(analytic, numeric, opts.atol, opts.rtol)
    status = "pass" if comparison.passed else ("kink" if kinks else "fail")
    return InputCheck(name, list(t.data.shape), comparison, analytic, numeric, status,
                      gradcheck_report.measure(analytic, numeric, opts.atol, opts.rtol))


def _gradgradcheck(source, line, opts, base, inputs, point, result):
    """Second derivatives: the first-order VJP (seed: --grad or ones) as a function of the
    inputs, its reverse-mode Jacobian (through create_graph) against central differences
    of the first-order VJP itself."""
    tensors = [t for _, t in inputs]
    seed = _seed(base, opts)
    firsts = autograd.grad([base.output_tensor], tensors, [seed], retain_graph=True,
                           create_graph=True, allow_unused=True)
    forward = replace_case(opts.case, backward=False, overrides=None)
    for a, ((name_a, _), g) in enumerate(zip(inputs, firsts, strict=True)):
        if g is None:
            continue

        def vjp(p, a=a):
            rerun = _run(source, line, replace_case(forward, overrides=p), float64=True)
            ts = [rerun.variables[n] for n, _ in inputs]
            got = autograd.grad([rerun.output_tensor], ts, [_seed(rerun, opts)],
                                allow_unused=True)[a]
            return np.zeros(ts[a].data.shape) if got is None else got.data

        blocks = gradcheck.analytic_jacobian(g, tensors)
        for (name_b, t), analytic in zip(inputs, blocks, strict=True):
            numeric = gradcheck.numeric_jacobian(vjp, point, name_b, opts.eps)
            check = _judge(f"{name_a},{name_b}", t, analytic, numeric, opts, result.kinks)
            result.gradgradcheck.append(check)


def _claim(source, line, opts, base, inputs, name, text) -> ClaimCheck:
    names = dict(inputs)
    if name not in names:
        raise option_error(f"--claim {name}", GradcliError(
            f"--claim names {name!r}, which is not an input that requires grad here "
            f"(inputs: {', '.join(names) or 'none'})", type_name="ValueError"))
    check = ClaimCheck(name, text)
    check.engine, check.claimed = _claim_values(base, opts, names[name], name, text)
    check.status = "pass" if _close(check.claimed, check.engine, opts) else "fail"
    if opts.samples:
        _sample(source, line, opts, inputs, check)
    return check


def _claim_values(run: CaseResult, opts, t: Tensor, name: str, text: str):
    """Reverse mode's d(output)/d(name) contracted with the seed, and the claim's value
    broadcast to the input's shape (a claim that cannot take that shape is an error)."""
    got = autograd.grad([run.output_tensor], [t], [_seed(run, opts)], retain_graph=True,
                        allow_unused=True)[0]
    engine = np.zeros(t.data.shape) if got is None else got.data.astype(np.float64)
    value = evaluate_expression(text, run)
    claimed = np.asarray(value.data if isinstance(value, Tensor) else value, dtype=np.float64)
    try:
        claimed = np.broadcast_to(claimed, t.data.shape)
    except ValueError:
        raise GradcliError(f"the claim for {name} has shape {list(claimed.shape)} but {name} "
                           f"has shape {list(t.data.shape)}", type_name="ValueError") from None
    return engine, claimed


def _sample(source, line, opts, inputs, check: ClaimCheck) -> None:
    """Re-run the case at random points and compare the claim there; keep the first
    point where it fails. Points where reverse mode is not finite (a pole) are skipped."""
    rng = np.random.default_rng(opts.seed)
    for _ in range(opts.samples):
        point = {n: rng.uniform(opts.low, opts.high, t.data.shape).astype(t.data.dtype)
                 for n, t in inputs}
        run = _run(source, line, replace_case(opts.case, backward=False, overrides=point))
        engine, claimed = _claim_values(run, opts, run.variables[check.name], check.name,
                                        check.text)
        check.samples += 1
        if not np.all(np.isfinite(engine)):
            check.samples_skipped += 1
        elif _close(claimed, engine, opts):
            check.samples_passed += 1
        elif check.failure is None:
            check.failure = {"point": point, "claimed": claimed, "engine": engine}
            check.status = "fail"


def _close(claimed, engine, opts) -> bool:
    return bool(np.allclose(claimed, engine, rtol=opts.rtol, atol=opts.atol, equal_nan=True))


def _seed(run: CaseResult, opts):
    """The gradient vector: --grad evaluated in the case (tasks/steps.py), or None for the
    implicit ones, which autograd makes (or refuses for a non-scalar output, with the hint
    that says how to give --grad)."""
    out = run.output_tensor
    if opts.case.grad is None and out.data.size != 1:
        raise with_seed_hint(GradcliError(
            "grad can be implicitly created only for scalar outputs",
            type_name="RuntimeError"), run.output, out)
    return grad_seed(run, opts.case.grad)


def _inputs(run: CaseResult, wrt) -> list:
    """(name, tensor) of the named leaves that require grad, in node order."""
    found = [(n.id, n.tensor) for n in run.nodes
             if not n.id.startswith("%") and n.tensor.grad_fn is None
             and n.tensor.requires_grad and run.variables.get(n.id) is n.tensor]
    if wrt:
        known = dict(found)
        missing = [w for w in wrt if w not in known]
        if missing:
            raise option_error(f"--wrt {missing[0]}", GradcliError(
                "not an input that requires grad", type_name="ValueError"))
        found = [(w, known[w]) for w in wrt]
    return found


def _kinks(run: CaseResult) -> list:
    """The ops evaluated exactly at a point where they are not differentiable."""
    names = {id(n.tensor): n.id for n in run.nodes}
    found = []
    for t in autograd.topological_order([run.output_tensor]):
        fn = t.grad_fn
        if fn is not None and fn.op.kink is not None and fn.op.kink(
                *(i.data for i in fn.inputs), **fn.params):
            found.append(f"{fn.op.name} at {names.get(id(t), '?')} ({fn.name()})")
    return found


def _run(source, line, case_opts, float64=False) -> CaseResult:
    with _default_float(np.float64 if float64 else None):
        run = run_forward(source, line, case_opts)
    if run.error is not None:
        raise run.error
    if run.output_tensor is None:
        raise GradcliError("the case has no output to check", type_name="ValueError")
    return run


@contextmanager
def _default_float(dt):
    saved = dtypes.default_float()
    if dt is not None:
        dtypes.set_default_float(np.dtype(dt).name)
    try:
        yield
    finally:
        dtypes.set_default_float(saved.name)


def replace_case(opts: CaseOptions, **changes) -> CaseOptions:
    from dataclasses import replace

    return replace(opts, **changes)
