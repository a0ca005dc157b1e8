"""A generator of small tutorial-style PyTorch programs, run by `gradcli run` and by python +
torch (tests/test_differential_programs_torch.py compares their stdout, errors included).

tests/differential_autograd.py walks the autograd surface (graphs, hooks, double backward);
this one covers what tutorials do around it: tensor creation (dtypes, int and bool tensors,
ranges, seeded random), printing (reprs of many shapes, values and dtypes, print options),
indexing, views and in-place ops with their version errors, reductions with dim/keepdim,
broadcasting (and its errors), nn layers' forward/backward (Linear, Conv2d, BatchNorm, Dropout
in eval, losses), optimizers' steps, autograd.grad, no_grad, detach and requires_grad_.

`program(seed)` is one case: a few snippets drawn from SNIPPETS, each self-contained (its own
names, `s<k>_`), with random shapes, dtypes and values. `batch`/`run_both` are
differential_autograd's: each case runs in a function whose error prints as
`Type: message`, so one process runs many cases."""

import random
import re

import differential_autograd as _da

DTYPES_F = ["torch.float32", "torch.float64"]
# gradcli's dtypes (float16, bfloat16, int8, uint8 and int16 are not implemented: known gap)
DTYPES_ALL = ["torch.float32", "torch.float64", "torch.int64", "torch.int32", "torch.bool"]


def _num(rng, kind="float"):
    if kind == "castable":  # float values an int cast keeps defined (1e10 overflows int32)
        return repr(rng.choice([round(rng.uniform(-3, 3), 2), 0.0, 1.0, -1.0, 0.5, 99.99, -250.5]))
    if kind == "int":
        return str(rng.choice([0, 1, -1, 2, 3, -7, 10, 100, 12345, -250]))
    if kind == "bool":
        return rng.choice(["True", "False"])
    return repr(rng.choice([
        round(rng.uniform(-3, 3), rng.choice([1, 2, 4])), 0.0, 1.0, -1.0, 0.5, 1e-5, 123456.7,
        -2.5e8, 1e10, 3.14159265, 0.1, 1e-12, 99.99]))


def _shape(rng, maxdim=3):
    nd = rng.choice([0, 1, 1, 2, 2, 2, 3][: 1 + 2 * maxdim])
    return tuple(rng.choice([1, 2, 3, 4]) for _ in range(min(nd, maxdim)))


def _nested(rng, shape, kind="float"):
    if not shape:
        return _num(rng, kind)
    return "[" + ", ".join(_nested(rng, shape[1:], kind) for _ in range(shape[0])) + "]"


def _special(rng):
    return rng.choice(["float('nan')", "float('inf')", "-float('inf')", "-0.0"])


class Snip:
    """Lines of one snippet under a fresh prefix."""

    def __init__(self, rng, k):
        self.rng, self.p, self.lines = rng, f"s{k}_", []

    def n(self, name):
        return self.p + name

    def emit(self, line):
        self.lines.append(line)


def creation(s: Snip):
    rng = s.rng
    x = s.n("x")
    kind = rng.choice(["tensor", "tensor", "arange", "linspace", "full", "zeros", "eye",
                       "like", "random", "special", "intdiv", "bool"])
    if kind == "tensor":
        vk = rng.choice(["float", "int", "bool"])
        dt = rng.choice(["", "", *[f", dtype={d}" for d in DTYPES_ALL]])
        s.emit(f"{x} = torch.tensor({_nested(rng, _shape(rng), vk)}{dt})")
    elif kind == "arange":
        s.emit(f"{x} = " + rng.choice([
            f"torch.arange({rng.randint(0, 12)})",
            f"torch.arange({rng.randint(-3, 2)}, {rng.randint(3, 9)}, {rng.choice([1, 2, 3])})",
            f"torch.arange(0, 1, {rng.choice(['0.1', '0.25', '0.3'])})",
            f"torch.arange({rng.randint(1, 6)}, dtype={rng.choice(DTYPES_ALL[:4])})",
            f"torch.arange({rng.choice([6, 12, 24])}).reshape({rng.choice(['2, -1', '-1, 3', '2, 3, -1'])})",
        ]))
    elif kind == "linspace":
        s.emit(f"{x} = torch.linspace({rng.randint(-2, 1)}, {rng.randint(1, 5)}, {rng.randint(1, 7)})")
    elif kind == "full":
        s.emit(f"{x} = torch.full({_shape(rng) or (2,)}, {_num(rng, rng.choice(['float', 'int', 'bool']))})")
    elif kind == "zeros":
        fn = rng.choice(["zeros", "ones", "empty"])
        fn = "zeros" if fn == "empty" else fn
        dt = rng.choice(["", f", dtype={rng.choice(DTYPES_ALL)}"])
        s.emit(f"{x} = torch.{fn}({', '.join(map(str, _shape(rng) or (3,)))}{dt})")
    elif kind == "eye":
        s.emit(f"{x} = torch.eye({rng.randint(1, 4)}{rng.choice(['', ', 2', ', dtype=torch.int64'])})")
    elif kind == "like":
        s.emit(f"{x}0 = torch.tensor({_nested(rng, _shape(rng) or (2,), rng.choice(['float', 'int']))})")
        fn = rng.choice(["zeros_like", "ones_like", "full_like"])
        extra = ", 7" if fn == "full_like" else ""
        s.emit(f"{x} = torch.{fn}({x}0{extra})")
    elif kind == "random":
        s.emit(f"torch.manual_seed({rng.randint(0, 100)})")
        shp = ", ".join(map(str, _shape(rng) or (2,)))
        s.emit(f"{x} = " + rng.choice([
            f"torch.randn({shp})", f"torch.rand({shp})", f"torch.randint(0, 10, ({shp},))",
            f"torch.randperm({rng.randint(1, 8)})", f"torch.normal(2.0, 3.0, size=({shp},))",
            f"torch.randn({shp}, dtype=torch.float64)"]))
    elif kind == "special":
        vals = ", ".join(rng.choice([_special(rng), _num(rng)]) for _ in range(rng.randint(1, 5)))
        s.emit(f"{x} = torch.tensor([{vals}]{rng.choice(['', ', dtype=torch.float64'])})")
    elif kind == "intdiv":
        a = _nested(rng, (3,), "int")
        s.emit(f"{x}0 = torch.tensor({a})")
        s.emit(f"{x} = " + rng.choice([f"{x}0 // 3", f"{x}0 / 2", f"{x}0 % 4", f"{x}0 * 1.5",
                                       f"{x}0 ** 2", f"-{x}0", f"{x}0.float().mean()",
                                       f"torch.div({x}0, 4, rounding_mode='floor')",
                                       f"torch.div({x}0, 4, rounding_mode='trunc')"]))
    else:
        s.emit(f"{x}0 = torch.tensor({_nested(rng, (2, 3))})")
        s.emit(f"{x} = " + rng.choice([f"{x}0 > 0", f"({x}0 > 0) & ({x}0 < 1)", f"~({x}0 > 0)",
                                       f"({x}0 > 0).sum()", f"({x}0 > 0).float()",
                                       f"({x}0 == 0).any()", f"({x}0 != 1).all(dim=1)"]))
    show(s, x)


def show(s: Snip, x):
    rng = s.rng
    s.emit(rng.choice([
        f"print({x})", f"print({x})", f"print({x})", f"print(repr({x}))",
        f"print({x}.dtype, {x}.shape, {x}.dim(), {x}.numel())",
        f"print({x}.tolist())", f"print({x}.size())", f"print(str({x}))",
        f"print({x}.sum())", f"print({x}, {x}.dtype)", f"print(f'{{{x}}}')",
        f"print({x}.T if {x}.dim() == 2 else {x})", f"print(type({x}), type({x}.shape))"]))


def printing(s: Snip):
    rng = s.rng
    x = s.n("x")
    shape = rng.choice([(6,), (2, 3), (3, 1), (1, 4), (2, 2, 2), (12,), (4, 5)])
    scale = rng.choice(["1", "1e-4", "1e5", "1e9", "123.456", "1e-9"])
    s.emit(f"torch.manual_seed({rng.randint(0, 50)})")
    s.emit(f"{x} = torch.randn{shape} * {scale}")
    opts = rng.choice(["", "", "precision=2", "precision=6", "sci_mode=False", "sci_mode=True",
                       "threshold=5", "edgeitems=1, threshold=3", "linewidth=30",
                       "profile='short'", "profile='full'"])
    if opts:
        s.emit(f"torch.set_printoptions({opts})")
    s.emit(rng.choice([f"print({x})", f"print({x}.double())", f"print({x}.float())",
                       f"print({x}.round())", f"print({x}.long())", f"print({x}.abs().sqrt())",
                       f"print(torch.nn.Parameter({x}))", f"print({x}.requires_grad_())"]))
    if opts:
        s.emit("torch.set_printoptions(profile='default')")


def indexing(s: Snip):
    rng = s.rng
    x, y = s.n("x"), s.n("y")
    s.emit(f"{x} = torch.arange(12{rng.choice(['', '.', ', dtype=torch.float64'])}).reshape(3, 4)")
    s.emit(f"{y} = {x}" + rng.choice([
        "[1]", "[:, 2]", "[1:, ::2]", "[-1]", "[[0, 2]]", "[:, [1, 3]]", "[x > 5]".replace("x", x),
        "[0, 1]", "[..., -1]", "[None, 1]", "[1:3, 1:3]", "[3]", "[:, 5]",
        "[torch.tensor([0, 2])]", "[[0, 1], [2, 3]]", ".view(4, 3)", ".view(-1)[3:8]",
        ".t()[1]", ".flatten()", ".unsqueeze(1).shape", ".transpose(0, 1).contiguous().view(-1)",
        ".t().view(-1)", ".narrow(0, 1, 2)", ".chunk(2, dim=1)[1]", ".split(2)[0]",
        ".permute(1, 0)", ".reshape(2, 2, 3)[:, 1]", ".diag()", ".tril()", ".flip(0)",
        ".roll(1, 0)", ".gather(1, torch.tensor([[0], [1], [2]]))"]))
    show(s, y)
    if rng.random() < 0.5:
        op = rng.choice([f"{y}.fill_(-1)", f"{y}.mul_(2)", f"{y}.add_(1)", f"{y}.zero_()",
                         f"{x}[0] = 100", f"{x}[:, 1] = torch.tensor([7, 8, 9])",
                         f"{x}[{x} > 8] = 0", f"{x}[1, 1] += 5", f"{x}.clamp_(max=6)",
                         f"{x}.masked_fill_({x} > 4, -2)"])
        s.emit(op)
        s.emit(f"print({x})")


def inplace_version(s: Snip):
    rng = s.rng
    a, b = s.n("a"), s.n("b")
    s.emit(f"{a} = torch.tensor({_nested(rng, (3,))}, requires_grad=True)")
    s.emit(f"{b} = " + rng.choice([f"{a}.exp()", f"{a}.sigmoid()", f"{a}.tanh()",
                                   f"{a} * 2", f"{a}.pow(2)", f"{a}.sin()", f"{a}.relu()"]))
    s.emit(rng.choice([f"{b}.add_(1)", f"{b}[0].fill_(0)", f"{b}.mul_(3)", f"{a}.add_(1)",
                       f"{a}.data.add_(1)", f"{b}.detach().zero_()", f"{b}.clamp_(0, 1)",
                       f"{a}.detach().add_(1)", f"{b}.sub_(1).div_(2)"]))
    s.emit(f"{b}.sum().backward()")
    s.emit(f"print({a}.grad)")


def reduction(s: Snip):
    rng = s.rng
    x = s.n("x")
    shape = rng.choice([(2, 3), (3, 4), (2, 3, 2), (4,), (1, 3)])
    dt = rng.choice(["", "", ", dtype=torch.float64", ".long()", ".int()", ".bool()"])
    if dt.startswith("."):
        s.emit(f"{x} = torch.tensor({_nested(rng, shape, 'castable')}){dt}")
    else:
        s.emit(f"{x} = torch.tensor({_nested(rng, shape)}{dt})")
    d = rng.randint(-len(shape), len(shape) - 1)
    kd = rng.choice(["", ", keepdim=True"])
    s.emit("print(" + rng.choice([
        f"{x}.sum({d}{kd})", f"{x}.mean({d}{kd})", f"{x}.max({d}{kd})", f"{x}.min({d}{kd})",
        f"{x}.max()", f"{x}.argmax({d}{kd})", f"{x}.argmin()", f"{x}.prod({d}{kd})",
        f"{x}.std({d}{kd})", f"{x}.var({d}, unbiased=False{kd})", f"{x}.any({d}{kd})",
        f"{x}.all()", f"{x}.cumsum({d})", f"{x}.cumprod({d})", f"{x}.median()",
        f"{x}.median({d}{kd})", f"{x}.sort({d})", f"{x}.sort(descending=True)",
        f"{x}.topk(1, dim={d})", f"{x}.mean()", f"{x}.sum(dim=({d},){kd})",
        f"{x}.norm(dim={d})", f"{x}.logsumexp({d}{kd})", f"torch.softmax({x}, dim={d})",
        f"{x}.count_nonzero({d})", f"{x}.amax(dim={d}{kd})", f"{x}.aminmax()",
        f"torch.max({x}, {d})[1]", f"{x}.max(dim={d}).values", f"{x}.sum(dtype=torch.float64)",
        f"{x}.mean(dtype=torch.float64)", f"{x}.std(correction=0)", f"{x}.nansum()",
        f"{x}.unique()", f"{x}.abs().sum({d}).item() if {x}.dim() == 1 else {x}.sum().item()",
        f"{x}.kthvalue(1, {d})", f"torch.var_mean({x}, {d})",
        f"torch.std_mean({x})"]) + ")")


def broadcasting(s: Snip):
    rng = s.rng
    a, b = s.n("a"), s.n("b")
    sa, sb = rng.choice([((2, 3), (3,)), ((2, 1), (1, 3)), ((3,), (2, 1)), ((2, 3), (2,)),
                         ((4, 1, 2), (3, 1)), ((), (2, 2)), ((2, 3), (3, 2)), ((1,), (3,))])
    ka, kb = rng.choice(["float", "int"]), rng.choice(["float", "int", "bool"])
    s.emit(f"{a} = torch.tensor({_nested(rng, sa, ka)})")
    s.emit(f"{b} = torch.tensor({_nested(rng, sb, kb)})")
    op = rng.choice(["+", "-", "*", "/", "//", "%", "**", "==", "<", "@", "&"])
    s.emit(f"print({a} {op} {b})")
    if rng.random() < 0.4:
        s.emit(rng.choice([f"{a} += {b}", f"{a}.mul_({b})", f"{a}.copy_({b})",
                           f"{a}.add_({b}.float())", f"torch.maximum({a}, {b})"]))
        s.emit(f"print({a})")


MODULES = [
    ("nn.Linear({i}, {o})", "torch.randn({n}, {i})"),
    ("nn.Linear({i}, {o}, bias=False)", "torch.randn({n}, {i})"),
    ("nn.Sequential(nn.Linear({i}, 4), nn.ReLU(), nn.Linear(4, {o}))", "torch.randn({n}, {i})"),
    ("nn.Sequential(nn.Linear({i}, 3), nn.Tanh(), nn.Dropout(0.5), nn.Linear(3, {o}))",
     "torch.randn({n}, {i})"),
    ("nn.Conv2d(1, 2, 3)", "torch.randn({n}, 1, 5, 5)"),
    ("nn.Conv2d(2, 3, 2, stride=2, padding=1)", "torch.randn({n}, 2, 4, 4)"),
    ("nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())",
     "torch.randn({n}, 1, 4, 4)"),
    ("nn.BatchNorm1d({i})", "torch.randn({n2}, {i})"),
    ("nn.BatchNorm2d(2)", "torch.randn({n2}, 2, 3, 3)"),
    ("nn.LayerNorm({i})", "torch.randn({n}, {i})"),
    ("nn.Sequential(nn.Linear({i}, {o}), nn.BatchNorm1d({o}), nn.Sigmoid())",
     "torch.randn({n2}, {i})"),
    ("nn.Embedding(10, {o})", "torch.tensor([[1, 2], [3, 9]])"),
    ("nn.Sequential(nn.Linear({i}, {o}), nn.LogSoftmax(dim=1))", "torch.randn({n}, {i})"),
    ("nn.Sequential(nn.Linear({i}, {o}), nn.Softmax(dim=-1))", "torch.randn({n}, {i})"),
    ("nn.Sequential(nn.Linear({i}, {o}), nn.LeakyReLU(0.1), nn.Dropout(0.2))", "torch.randn({n}, {i})"),
]

LOSSES = [
    ("nn.MSELoss()", "torch.randn_like(out)"),
    ("nn.L1Loss()", "torch.randn_like(out)"),
    ("nn.SmoothL1Loss()", "torch.randn_like(out)"),
    ("nn.MSELoss(reduction='sum')", "torch.randn_like(out)"),
    ("nn.CrossEntropyLoss()", "torch.randint(0, out.shape[1], (out.shape[0],))"),
    ("nn.BCEWithLogitsLoss()", "torch.rand_like(out).round()"),
    ("nn.CrossEntropyLoss(label_smoothing=0.1)", "torch.randint(0, out.shape[1], (out.shape[0],))"),
    ("nn.HuberLoss(delta=0.5)", "torch.randn_like(out)"),
    ("nn.NLLLoss()", "torch.randint(0, out.shape[1], (out.shape[0],))"),
]


def module(s: Snip):
    rng = s.rng
    m, x = s.n("m"), s.n("x")
    i, o, n = rng.randint(2, 4), rng.randint(2, 3), rng.randint(1, 3)
    ctor, inp = rng.choice(MODULES)
    s.emit(f"torch.manual_seed({rng.randint(0, 99)})")
    s.emit(f"{m} = {ctor.format(i=i, o=o)}")
    s.emit(f"{x} = {inp.format(i=i, n=n, n2=n + 1)}")
    if rng.random() < 0.4:
        s.emit(f"{m}.eval()")
    if rng.random() < 0.3:
        s.emit(f"print({m})")
    s.emit(f"out = {m}({x})")
    s.emit(rng.choice(["print(out)", "print(out.shape)", "print(out.grad_fn)",
                       "print(out.sum())"]))
    if rng.random() < 0.5 and "Embedding" not in ctor:
        loss, target = rng.choice(LOSSES)
        s.emit("out = out.reshape(out.shape[0], -1)")
        s.emit(f"loss = {loss}(out, {target})")
        s.emit("print(loss)")
        s.emit("loss.backward()")
    else:
        s.emit("out.sum().backward()")
    s.emit(rng.choice([
        f"for name, p in {m}.named_parameters():\n    print(name, p.grad)",
        f"print([p.grad.shape for p in {m}.parameters()])",
        f"print(list({m}.state_dict().keys()))",
        f"print(sum(p.numel() for p in {m}.parameters()))",
        f"print({m}.state_dict())"]))


OPTIMS = ["optim.SGD({p}, lr=0.1)", "optim.SGD({p}, lr=0.01, momentum=0.9)",
          "optim.SGD({p}, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)",
          "optim.Adam({p}, lr=0.01)", "optim.AdamW({p}, lr=0.001, weight_decay=0.1)",
          "optim.RMSprop({p}, lr=0.01)", "optim.Adagrad({p}, lr=0.1)",
          "optim.Adam({p}, lr=0.1, betas=(0.8, 0.9), amsgrad=True)",
          "optim.SGD({p}, lr=0.1, dampening=0.5, momentum=0.5)"]


def optimizer(s: Snip):
    rng = s.rng
    w, opt = s.n("w"), s.n("opt")
    s.emit(f"torch.manual_seed({rng.randint(0, 99)})")
    if rng.random() < 0.5:
        s.emit(f"{w} = torch.randn({rng.randint(2, 4)}, requires_grad=True)")
        params = f"[{w}]"
        fwd = f"(({w} - 1) ** 2).sum()"
        show_w = f"print({w})"
    else:
        s.emit(f"{w} = nn.Linear(3, 1)")
        params = f"{w}.parameters()"
        fwd = f"((({w}(torch.ones(2, 3))) - 2) ** 2).mean()"
        show_w = f"print({w}.weight, {w}.bias)"
    s.emit(f"{opt} = {rng.choice(OPTIMS).format(p=params)}")
    steps = rng.randint(1, 4)
    s.emit(f"for _ in range({steps}):")
    s.emit(f"    {opt}.zero_grad()")
    s.emit(f"    loss = {fwd}")
    s.emit("    loss.backward()")
    s.emit(f"    {opt}.step()")
    s.emit("    print(loss.item())")
    s.emit(show_w)
    if rng.random() < 0.2:
        s.emit(f"print({opt})")


def autograd_bits(s: Snip):
    rng = s.rng
    x, y = s.n("x"), s.n("y")
    s.emit(f"{x} = torch.tensor({_nested(rng, rng.choice([(3,), (2, 2), ()]), 'castable')}"
           f"{rng.choice(['', ', dtype=torch.float64'])}, requires_grad=True)")
    s.emit(f"{y} = " + rng.choice([f"({x} ** 3).sum()", f"{x}.exp().mean()",
                                   f"({x} * {x}.sin()).sum()", f"{x}.norm()",
                                   f"({x} @ {x}) if {x}.dim() == 1 else {x}.det()",
                                   f"torch.tanh({x}).prod()"]))
    s.emit(rng.choice([
        f"print(torch.autograd.grad({y}, {x}))",
        f"print(torch.autograd.grad({y}, [{x}], create_graph=True))",
        f"{y}.backward()\nprint({x}.grad)",
        f"with torch.no_grad():\n    z = {x} * 2\nprint(z.requires_grad, z)",
        f"d = {x}.detach()\nprint(d.requires_grad, d.is_leaf)\nd.requires_grad_()\nprint(d)",
        f"print({y}.requires_grad, {y}.grad_fn, {y}.is_leaf)",
        f"{y}.backward()\n{y}.backward()",
        f"print({x}.grad)\n{y}.backward(retain_graph=True)\n{y}.backward()\nprint({x}.grad)",
        f"{x}.requires_grad_(False)\nprint({x})",
        f"({x} * 2).backward()",
        f"print({y}.item(), type({y}.item()))",
        f"{x}.grad = None\n{y}.backward()\nprint({x}.grad.zero_())",
        f"print({x}.detach().numpy())",
        f"print({x}.numpy())",
    ]))


SNIPPETS = [(creation, 6), (printing, 3), (indexing, 4), (inplace_version, 2), (reduction, 5),
            (broadcasting, 3), (module, 4), (optimizer, 3), (autograd_bits, 3)]


def program(seed: int) -> str:
    """The body of one case: 1-3 independent snippets."""
    rng = random.Random(seed)
    fns, weights = zip(*SNIPPETS, strict=True)
    lines = []
    for k in range(rng.choice([1, 2, 2, 3])):
        snip = Snip(rng, k)
        rng.choices(fns, weights)[0](snip)
        lines.extend(snip.lines)
    return "\n".join(lines)


HEADER = ("import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
          "import torch.optim as optim\n")


# print options are global: a case that fails between set and reset must not leak them
RUNNER = """
for _name, _case in CASES:
    print("=== " + _name)
    try:
        _case()
    except Exception as e:
        print(type(e).__name__ + ": " + str(e))
    torch.set_printoptions(profile='default')
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


def run_both(seeds, timeout=600):
    """(gradcli's outputs, torch's outputs) per seed, and both processes' stderr."""
    import subprocess
    import sys

    from conftest import GRADCLI

    text = batch(seeds)
    g = subprocess.run([*GRADCLI, "run", "-", "--max-steps", "10000000"], input=text,
                       capture_output=True, text=True, timeout=timeout)
    t = subprocess.run([sys.executable, "-"], input=text, capture_output=True, text=True,
                       timeout=timeout)
    want = _da.split(re.sub(r" object at 0x[0-9a-f]+>", ">", t.stdout))
    return _da.split(g.stdout), want, g.stderr, t.stderr
