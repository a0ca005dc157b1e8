"""A differential program generator over `gradcli run`'s documented autograd surface.

`program(seed)` writes one small PyTorch program from a seeded random walk: leaves that do
or do not require grad (float32, float64, an integer one), non-leaves from the op table's
ops, broadcasting, views (indexing, view, t, unsqueeze, transpose) and in-place updates on
them (version counters, CopySlices / AsStrided grad_fns, the leaf and view-of-leaf errors),
no_grad, `.data`, detach, hooks (`register_hook`, removable handles), retain_grad,
accumulation over two backwards, retain_graph, create_graph (double backward),
torch.autograd.grad with several inputs and allow_unused, dtype casts, and prints of values,
grads, grad_fn names, `is_leaf` and `requires_grad` along the way (programs may not read
`_version` or `_base`: run's policy refuses private attributes).

`batch(seeds)` joins programs into one file, each in a function whose error is caught and
printed as Python's last traceback line would show it (`Type: message`), so one `gradcli
run` and one `python` process run a few dozen programs: `compare(seeds)` runs both and
splits their outputs per program."""

import random
import subprocess
import sys

from conftest import GRADCLI

UNARY = ["exp", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "neg", "square", "sqrt",
         "log", "log1p", "expm1", "atan", "sign", "floor", "reciprocal", "erf"]
FUNCTIONAL = ["softplus", "gelu", "elu", "silu", "leaky_relu", "hardtanh", "relu6", "selu",
              "celu", "hardswish", "hardsigmoid", "softsign", "logsigmoid", "mish"]
REDUCE = ["sum()", "mean()", "sum(0)", "sum(-1)", "prod()", "max()", "amax(0)", "std()",
          "var(0)", "norm()", "logsumexp(-1)", "softmax(-1)", "log_softmax(0)", "cumsum(0)"]
BINARY = ["+", "-", "*", "/"]
INPLACE = ["add_(1)", "mul_(2)", "sub_(0.5)", "div_(4)", "zero_()", "clamp_(min=0)",
           "relu_()", "neg_()", "fill_(0.5)", "pow_(2)", "masked_fill_({a} > 0, 0.)"]
VIEWS = ["[0]", "[:, 1]", "[1:]", ".view(-1)", ".t()", ".unsqueeze(0)", ".transpose(0, 1)",
         ".reshape(3, 2)", "[..., 0]", ".squeeze()", ".expand(2, 2, 3)", ".narrow(1, 0, 2)"]
LOSSES = ["F.mse_loss({a}, {b})", "F.l1_loss({a}, {b})", "F.smooth_l1_loss({a}, {b})",
          "F.binary_cross_entropy(torch.sigmoid({a}), torch.sigmoid({b}).detach())",
          "F.huber_loss({a}, {b})"]


class Walk:
    """One program's state: the names bound so far and the lines written."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.lines = []
        self.names = []  # tensors (name, is float)
        self.leaves = []  # float leaves that require grad
        self.n = 0

    def fresh(self) -> str:
        self.n += 1
        return f"t{self.n}"

    def pick(self):
        return self.rng.choice(self.names)

    def emit(self, line: str) -> None:
        self.lines.append(line)

    def show(self, expr: str) -> None:
        self.emit(f"print({expr})")


def _values(rng, shape) -> str:
    def one():
        return repr(round(rng.choice([rng.uniform(-2, 2), rng.choice([0.0, 1.0, -1.0, 0.5])]),
                          rng.choice([1, 2, 3])))
    if shape == ():
        return one()
    if len(shape) == 1:
        return "[" + ", ".join(one() for _ in range(shape[0])) + "]"
    return "[" + ", ".join("[" + ", ".join(one() for _ in range(shape[1])) + "]"
                           for _ in range(shape[0])) + "]"


def leaf(w: Walk) -> None:
    rng = w.rng
    shape = rng.choice([(2, 3), (2, 3), (3,), (), (1, 3), (2, 1)])
    dtype = rng.choice(["", "", "", ", dtype=torch.float64"])
    grad = rng.random() < 0.8
    name = w.fresh()
    w.emit(f"{name} = torch.tensor({_values(rng, shape)}{dtype}, requires_grad={grad})")
    w.names.append(name)
    if grad:
        w.leaves.append(name)


def statement(w: Walk) -> None:
    rng = w.rng
    kind = rng.choices(
        ["unary", "functional", "binary", "scalar", "reduce", "view", "inplace", "no_grad",
         "detach", "data", "hook", "retain", "cast", "loss", "show", "where", "cat", "matmul"],
        [10, 5, 10, 5, 6, 7, 6, 3, 2, 2, 2, 2, 2, 2, 6, 1, 1, 2])[0]
    a = w.pick()
    name = w.fresh()
    if kind == "unary":
        fn = rng.choice(UNARY)
        w.emit(f"{name} = {a}.{fn}()" if rng.random() < 0.5 else f"{name} = torch.{fn}({a})")
    elif kind == "functional":
        w.emit(f"{name} = F.{rng.choice(FUNCTIONAL)}({a})")
    elif kind == "binary":
        w.emit(f"{name} = {a} {rng.choice(BINARY)} {w.pick()}")
    elif kind == "scalar":
        s = rng.choice(["2", "0.5", "-1.5", "3"])
        w.emit(rng.choice([f"{name} = {a} * {s}", f"{name} = {s} - {a}", f"{name} = {a} ** {s}",
                           f"{name} = {s} / {a}", f"{name} = torch.add({a}, {w.pick()}, alpha={s})"]))
    elif kind == "reduce":
        w.emit(f"{name} = {a}.{rng.choice(REDUCE)}")
    elif kind == "view":
        w.emit(f"{name} = {a}{rng.choice(VIEWS)}")
    elif kind == "inplace":
        target = rng.choice([a, a, f"{a}[0]", f"{a}.view(-1)[1:]"])
        w.emit(f"{target}." + rng.choice(INPLACE).format(a=target))
        w.emit(f"{name} = {a}")
    elif kind == "no_grad":
        w.emit("with torch.no_grad():")
        w.emit(f"    {name} = {a} * 2")
        if rng.random() < 0.4:
            w.emit(f"    {a}." + rng.choice(INPLACE).format(a=a))
    elif kind == "detach":
        w.emit(f"{name} = {a}.detach()")
        if rng.random() < 0.5:
            w.emit(f"{name}." + rng.choice(INPLACE).format(a=name))
    elif kind == "data":
        w.emit(f"{name} = {a}.data")
        if rng.random() < 0.5:
            w.emit(f"{name}." + rng.choice(INPLACE).format(a=name))
    elif kind == "hook":
        w.emit(f"h = {a}.register_hook(lambda g: g * {rng.choice(['2', '-1', '0.5'])})")
        if rng.random() < 0.3:
            w.emit("h.remove()")
        w.emit(f"{name} = {a}")
    elif kind == "retain":
        w.emit(f"{a}.retain_grad()")
        w.emit(f"{name} = {a}")
    elif kind == "cast":
        w.emit(f"{name} = {a}.{rng.choice(['double()', 'float()', 'to(torch.float64)', 'long()', 'float().double()'])}")
    elif kind == "loss":
        w.emit(f"{name} = " + rng.choice(LOSSES).format(a=a, b=w.pick()))
    elif kind == "where":
        w.emit(f"{name} = torch.where({a} > 0, {a}, {w.pick()})")
    elif kind == "cat":
        w.emit(f"{name} = torch.cat([{a}.reshape(-1), {w.pick()}.reshape(-1)])")
    elif kind == "matmul":
        w.emit(f"{name} = {a} @ {w.pick()}.t()" if rng.random() < 0.5 else
               f"{name} = torch.mm({a}, {w.pick()}.t())")
    else:  # show
        w.emit(rng.choice([f"print({a})", f"print({a}.grad_fn.name() if {a}.grad_fn else None)",
                           f"print({a}.is_leaf, {a}.requires_grad, {a}.dtype, {a}.shape)",
                           f"print({a}.is_leaf, {a}.grad_fn is None)"]))
        return
    w.names.append(name)
    if rng.random() < 0.3:
        w.show(name)


def backward(w: Walk) -> None:
    rng = w.rng
    out = w.pick()
    kind = rng.choices(["backward", "twice", "grad", "create", "grad_unused"], [5, 2, 3, 3, 1])[0]
    retain = rng.choice(["", ", retain_graph=True"])
    if kind == "backward":
        w.emit(f"{out}.sum().backward({retain.lstrip(', ')})")
    elif kind == "twice":
        w.emit(f"{out}.sum().backward({retain.lstrip(', ')})")
        w.emit(f"{out}.sum().backward()")
    elif kind in ("grad", "grad_unused"):
        ins = rng.sample(w.leaves, min(len(w.leaves), rng.choice([1, 2]))) or [out]
        unused = ", allow_unused=True" if kind == "grad_unused" else ""
        w.emit(f"gs = torch.autograd.grad({out}.sum(), [{', '.join(ins)}]{retain}{unused})")
        w.emit("print(gs)")
    else:
        x = rng.choice(w.leaves) if w.leaves else out
        w.emit(f"g1, = torch.autograd.grad({out}.sum(), [{x}], create_graph=True)")
        w.emit("print(g1)")
        w.emit(f"g2, = torch.autograd.grad(g1.sum(), [{x}], allow_unused=True)")
        w.emit("print(g2)")
    for t in w.leaves:
        w.show(f"{t}.grad")


def program(seed: int) -> str:
    """The body of one program (statements, no imports)."""
    rng = random.Random(seed)
    w = Walk(rng)
    for _ in range(rng.choice([1, 2, 2, 3])):
        leaf(w)
    for _ in range(rng.randint(2, 7)):
        statement(w)
    backward(w)
    return "\n".join(w.lines)


HEADER = "import torch\nimport torch.nn.functional as F\n"
RUNNER = """
for _name, _case in CASES:
    print("=== " + _name)
    try:
        _case()
    except Exception as e:
        print(type(e).__name__ + ": " + str(e))
"""


def batch(seeds) -> str:
    parts, names = [HEADER], []
    for s in seeds:
        body = program(s)
        parts.append(f"def case_{s}():\n" + "\n".join("    " + line for line in body.splitlines()))
        names.append(f"(\"{s}\", case_{s})")
    parts.append("CASES = [" + ", ".join(names) + "]")
    parts.append(RUNNER)
    return "\n\n".join(parts)


def split(text: str) -> dict:
    out, key = {}, None
    for line in text.splitlines():
        if line.startswith("=== "):
            key = int(line[4:])
            out[key] = []
        elif key is not None:
            out[key].append(line)
    return {k: "\n".join(v) for k, v in out.items()}


def run_both(seeds, timeout=600):
    """(gradcli's outputs, torch's outputs) per seed, and both processes' stderr."""
    text = batch(seeds)
    g = subprocess.run([*GRADCLI, "run", "-", "--max-steps", "10000000"], input=text,
                       capture_output=True, text=True, timeout=timeout)
    t = subprocess.run([sys.executable, "-"], input=text, capture_output=True, text=True,
                       timeout=timeout)
    return split(g.stdout), split(t.stdout), g.stderr, t.stderr
