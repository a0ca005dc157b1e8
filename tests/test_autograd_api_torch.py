"""torch.autograd.Function, grad_fn._saved_*, torch.autograd.functional and torch.func in
`gradcli run`, against live PyTorch: each program is run by real Python + torch (the
oracle) and by `gradcli run -`, and stdout must match byte for byte (object addresses
dropped), errors by their last line.

Programs are generated from a fixed seed: each holds several independent cases, each in
its own try/except that prints the exception's type and message, so one program checks
many cases (and the error messages) at once."""

import random

import pytest
from test_run_torch import Oracle, assert_same_as_torch

pytest.importorskip("torch")
pytestmark = pytest.mark.torch

SEED = 17


@pytest.fixture(scope="module")
def oracle():
    o = Oracle()
    yield o
    o.close()


HEADER = ("import torch\nimport torch.nn.functional as F\n"
          "from torch.autograd.functional import jacobian, hessian, vjp, jvp, hvp, vhp\n"
          "import torch.func as tf\n\n")

# ops whose float32 results are correctly rounded in both torch and numpy: programs over
# them must match byte for byte
UNARY = ["({}).relu()", "({}).abs()", "({}) ** 2", "({}).square()", "-({})", "({}) * 2.5",
         "torch.clamp({}, min=-0.5, max=0.5)", "1 - ({})", "({}) / 4", "({}).pow(3)",
         "F.leaky_relu({}, 0.1)", "({}) * ({})", "torch.maximum({}, {} * 0.5)"]
SMOOTH = ["({}) ** 2", "({}).square()", "-({})", "({}) * 2.5", "1 - ({})", "({}) / 4",
          "({}).pow(3)", "({}) * ({})"]
QUARTERS = [k / 4 for k in range(-12, 13)]


def _vector(rng, n):
    return "[" + ", ".join(repr(rng.choice(QUARTERS)) for _ in range(n)) + "]"


def _expr(rng, names, ops, depth=3):
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(names)
    form = rng.choice(ops)
    if form.count("{}") == 2:
        return form.format(_expr(rng, names, ops, depth - 1), _expr(rng, names, ops, depth - 1))
    return form.format(_expr(rng, names, ops, depth - 1))


def _case(body: list) -> str:
    lines = ["try:"] + ["    " + b for b in body]
    lines += ["except Exception as e:", "    print(type(e).__name__, e)"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- custom Functions
FUNCTIONS = '''
class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)
    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * (x > 0).float()

class MyMul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        print("needs", ctx.needs_input_grad)
        return x * y
    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * y, g * x

class Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k=2.0):
        ctx.k = k
        return x * k
    @staticmethod
    def backward(ctx, g):
        return g * ctx.k, None

class Cube(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x ** 3
    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        ctx.save_for_backward(x, output)
    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        return g * 3 * x ** 2

class Split(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        i = torch.argmax(x)
        ctx.mark_non_differentiable(i)
        return x * 2, x * 3, i
    @staticmethod
    def backward(ctx, g1, g2, gi):
        print("grads", g1, g2, gi)
        return g1 * 2 + g2 * 3

class Lazy(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        return x * 2, x - 1
    @staticmethod
    def backward(ctx, g1, g2):
        print("lazy", g1, g2)
        out = None
        for g, k in ((g1, 2), (g2, 1)):
            if g is not None:
                out = g * k if out is None else out + g * k
        return out

class Twice(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        x.mul_(2)
        ctx.mark_dirty(x)
        return x
    @staticmethod
    def backward(ctx, g):
        return g * 2

class TooFew(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        return x + y
    @staticmethod
    def backward(ctx, g):
        return g

class BadShape(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 1
    @staticmethod
    def backward(ctx, g):
        return torch.ones(7)

class NotTensor(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        return x * k
    @staticmethod
    def backward(ctx, g):
        return g, g

class NoBackward(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

'''

APPLIES = [
    "MyReLU.apply({a})", "MyMul.apply({a}, {b})", "Scale.apply({a})", "Scale.apply({a}, 0.5)",
    "Scale.apply({a}, k=-1.5)", "Cube.apply({a})", "Split.apply({a})[0]",
    "Split.apply({a})[1] + Split.apply({a})[0]", "Lazy.apply({a})[0]", "Lazy.apply({a})[1]",
    "sum(Lazy.apply({a}))", "TooFew.apply({a}, {b})", "BadShape.apply({a})",
    "NotTensor.apply({a}, 2.0)", "NoBackward.apply({a})", "MyReLU.apply(MyMul.apply({a}, {b}))",
]


def function_program(rng) -> str:
    out = [HEADER, FUNCTIONS]
    for _ in range(8):
        n = rng.choice([1, 3, 4])
        body = [f"a = torch.tensor({_vector(rng, n)}, requires_grad=True)",
                f"b = torch.tensor({_vector(rng, n)}, requires_grad={rng.random() < 0.5})"]
        inner = _expr(rng, ["a", "b"], UNARY, depth=1)
        call = rng.choice(APPLIES).format(a=f"({inner})", b="b")
        body.append(f"y = {call}")
        body.append("print(y, y.grad_fn)")
        body.append("print(y.grad_fn.name() if y.grad_fn is not None else None)")
        if rng.random() < 0.5:
            body.append("print(len(y.grad_fn.next_functions))")
        kind = rng.choice(["backward", "grad", "double"])
        if kind == "backward":
            body.append("y.sum().backward()")
            body.append("print(a.grad, b.grad)")
        elif kind == "grad":
            body.append("print(torch.autograd.grad(y.sum(), [a], allow_unused=True))")
        else:
            body.append("ga, = torch.autograd.grad((y * y).sum(), [a], create_graph=True)")
            body.append("print(ga)")
            body.append("ga.sum().backward()")
            body.append("print(a.grad)")
        out.append(_case(body))
    # in-place (mark_dirty) on a non-leaf and on a leaf
    out.append(_case(["w = torch.tensor([1., -2.], requires_grad=True)", "v = w * 1",
                      "z = Twice.apply(v)", "print(z is v, z, v)", "z.sum().backward()",
                      "print(w.grad)", "Twice.apply(w)"]))
    # saved tensors after backward, retain_graph
    out.append(_case(["w = torch.tensor([1., -2.], requires_grad=True)", "y = MyReLU.apply(w)",
                      "y.sum().backward(retain_graph=True)", "print(y.grad_fn.saved_tensors)",
                      "y.sum().backward()", "print(w.grad)", "print(y.grad_fn.saved_tensors)"]))
    # grad mode off, no input requiring grad
    out.append(_case(["w = torch.tensor([1., -2.], requires_grad=True)",
                      "with torch.no_grad():", "    print(MyMul.apply(w, w))",
                      "print(MyMul.apply(torch.ones(2), torch.ones(2)))"]))
    return "".join(out)


# ---------------------------------------------------------------- grad_fn._saved_*
SAVED_OPS = [
    ("{a} * {b}", "self other"), ("{a} / {b}", "self other"), ("{a} + {b}", "alpha"),
    ("{a} - {b}", "alpha"), ("{a} ** 2", "self exponent"), ("{a} ** 2.5", "self exponent"),
    ("{a} ** {b}", "self exponent result"), ("2 ** {a}", "self exponent result"),
    ("{a}.exp()", "result"), ("{a}.tanh()", "result"), ("{a}.sigmoid()", "result"),
    ("{a}.sin()", "self"), ("{a}.cos()", "self"), ("{a}.abs()", "self"), ("{a}.relu()", "result"),
    ("{a}.sum()", "self_sym_sizes"), ("{a}.mean()", "self_sym_sizes self_sym_numel"),
    ("{a}.dot({b})", "self tensor"), ("{a}.max()", "self result"), ("{a}.prod()", "self result"),
    ("{a}.clamp(-0.5, 0.5)", "self min max"), ("{a}.clamp(min=0.25)", "self min max"),
    ("{a}.softmax(0)", "dim result"), ("{a}.log_softmax(0)", "dim result"),
    ("{a}.unsqueeze(0)", "dim"), ("torch.cat([{a}, {b}])", "dim"),
    ("F.mse_loss({a}, {b})", "self target reduction"),
    ("F.mse_loss({a}, {b}, reduction='sum')", "self target reduction"),
    ("{a}.reshape(2, 2).t().mm({b}.reshape(2, 2))",
     "self mat2 self_sym_sizes mat2_sym_sizes self_sym_strides mat2_sym_strides"),
    ("{a}.reshape(2, 2).sum(0)", "dim keepdim self_sym_sizes"),
    ("{a}.reshape(2, 2).mean(1, keepdim=True)", "dim keepdim self_sym_sizes self_sym_numel"),
    ("{a}.reshape(2, 2).transpose(0, 1)", "dim0 dim1"), ("{a}.expand(2, 4)", "self_sym_sizes"),
    ("{a}.reshape(2, 2).mv({b}[:2])", "self vec"),
]


def saved_program(rng) -> str:
    out = [HEADER]
    for form, names in SAVED_OPS:
        ga, gb = rng.choice([(True, True), (True, False), (False, True)])
        body = [f"a = torch.tensor({_vector(rng, 4)}, requires_grad={ga})",
                f"b = torch.tensor({[abs(v) + 0.5 for v in rng.sample(QUARTERS, 4)]}, "
                f"requires_grad={gb})",
                f"y = {form.format(a='a', b='b')}", "fn = y.grad_fn", "print(fn.name())"]
        for n in names.split():
            body.append(f"print({n!r}, fn._saved_{n})")
        if rng.random() < 0.3:
            body += ["y.sum().backward()", f"print(fn._saved_{names.split()[-1]})",
                     f"print(fn._saved_{names.split()[0]})"]
        out.append(_case(body))
    return "".join(out)


# ---------------------------------------------------------------- autograd.functional
def functional_program(rng) -> str:
    out = [HEADER]
    for _ in range(10):
        n = rng.choice([1, 2, 3])
        f1 = _expr(rng, ["x"], SMOOTH)
        f2 = _expr(rng, ["x", "y"], SMOOTH)
        body = [f"x = torch.tensor({_vector(rng, n)})", f"y = torch.tensor({_vector(rng, n)})",
                f"f = lambda x: {f1}", f"g = lambda x, y: ({f2}).sum()",
                f"v = torch.tensor({_vector(rng, n)})"]
        create = rng.random() < 0.3
        strict = rng.random() < 0.2
        calls = [f"jacobian(f, x, create_graph={create}, strict={strict})",
                 f"jacobian(g, (x, y), strict={strict})",
                 f"hessian(g, (x, y), create_graph={create})",
                 f"vjp(f, x, v, create_graph={create}, strict={strict})",
                 f"jvp(f, x, v, strict={strict})", "vjp(g, (x, y))",
                 "hvp(lambda x: (f(x) * f(x)).sum(), x, v)",
                 f"vhp(lambda x: (f(x) * x).sum(), x, v, strict={strict})",
                 "jvp(f, x)", "hessian(f, x)", "vjp(f, x, torch.ones(n + 1))"]
        body[-1:-1] = [f"n = {n}"]
        for c in rng.sample(calls, 4):
            body.append(f"print({c})")
        out.append(_case(body))
    return "".join(out)


# ---------------------------------------------------------------- torch.func
def func_program(rng) -> str:
    out = [HEADER]
    for _ in range(10):
        n = rng.choice([1, 2, 3])
        f1 = _expr(rng, ["x"], SMOOTH)
        f2 = _expr(rng, ["x", "y"], SMOOTH)
        body = [f"x = torch.tensor({_vector(rng, n)})", f"y = torch.tensor({_vector(rng, n)})",
                f"f = lambda x: {f1}", f"g = lambda x, y: ({f2}).sum()",
                f"M = torch.tensor([{_vector(rng, n)}, {_vector(rng, n)}])"]
        calls = ["tf.grad(g)(x, y)", "tf.grad(g, argnums=(0, 1))(x, y)",
                 "tf.grad_and_value(g, argnums=1)(x, y)",
                 "tf.grad(lambda x: (g(x, y), f(x)), has_aux=True)(x)",
                 "tf.jacrev(f)(x)", "tf.jacfwd(f)(x)", "tf.hessian(lambda x: g(x, y))(x)",
                 "tf.jacrev(lambda x, y: f(x) * y, argnums=(0, 1))(x, y)",
                 "tf.vjp(f, x)[1](torch.ones_like(x))", "tf.vjp(f, x)[0]",
                 "tf.vmap(f)(M)", "tf.vmap(lambda r: g(r, y))(M)",
                 "tf.vmap(lambda r, s: r * s, in_dims=(0, None))(M, y)",
                 "tf.vmap(f, in_dims=1, out_dims=1)(M)", "tf.vmap(tf.grad(lambda r: g(r, y)))(M)",
                 "tf.grad(tf.grad(lambda s: (s ** 3).sum()))(x[0])", "tf.grad(f)(x)",
                 "tf.vmap(f)(torch.ones(2), torch.ones(3))", "tf.grad(g)(1.0, y)"]
        for c in rng.sample(calls, 5):
            body.append(f"print({c})")
        out.append(_case(body))
    return "".join(out)


# ---------------------------------------------------------------- forward-mode AD
FORWARD_OPS = UNARY + ["({}).sum(0, keepdim=True)", "({}).mean()", "torch.cat([{}, {}])[:3]",
                       "({}).flip(0)", "({}).exp()", "torch.sin({})", "({}).tanh()"]


def forward_program(rng) -> str:
    out = [HEADER, "import torch.autograd.forward_ad as fwAD\n\n"]
    for _ in range(10):
        n = rng.choice([1, 3])
        body = [f"x = torch.tensor({_vector(rng, n)})", f"t = torch.tensor({_vector(rng, n)})",
                f"y = torch.tensor({_vector(rng, n)})", f"s = torch.tensor({_vector(rng, n)})",
                "with fwAD.dual_level():",
                "    a = fwAD.make_dual(x, t)",
                f"    b = fwAD.make_dual(y, s) if {rng.random() < 0.5} else y",
                f"    z = {_expr(rng, ['a', 'b'], FORWARD_OPS)}",
                "    print(z)", "    p, tz = fwAD.unpack_dual(z)", "    print(p, tz)",
                f"    c = a.clone(); c.mul_({rng.choice(QUARTERS)}); print(c)",
                "print(z, fwAD.unpack_dual(z).tangent)",
                f"print(tf.jvp(lambda u: {_expr(rng, ['u'], SMOOTH)}, (x,), (t,)))"]
        out.append(_case(body))
    out.append(_case(["fwAD.make_dual(torch.ones(2), torch.ones(2))"]))
    out.append(_case(["with fwAD.dual_level():", "    fwAD.make_dual(torch.ones(2), torch.ones(3))"]))
    return "".join(out)


GENERATORS = {"forward": forward_program, "function": function_program, "saved": saved_program,
              "functional": functional_program, "func": func_program}


@pytest.mark.parametrize("kind", sorted(GENERATORS))
@pytest.mark.parametrize("k", range(2))
def test_generated_programs_print_what_torch_prints(oracle, kind, k):
    program = GENERATORS[kind](random.Random(f"{SEED}-{kind}-{k}"))
    assert_same_as_torch(oracle, program)


# ---------------------------------------------------------------- fixed programs
# custom Functions meeting torch.func transforms, forward AD and once_differentiable
FUNCTION_IN_TRANSFORMS = """import torch
import torch.func as tf
import torch.autograd.forward_ad as fwAD
from torch.autograd.function import once_differentiable
class Sq(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x
    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 2 * x * g
class Sq2(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x * x
    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])
    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 2 * x * g
x = torch.tensor([1., -2., 3.], requires_grad=True)
y = Sq.apply(x); y.sum().backward(); print(x.grad)
try:
    g, = torch.autograd.grad(Sq.apply(x).sum(), x, create_graph=True); print(g)
    g.sum().backward()
except Exception as e: print(type(e).__name__, e)
for f in [lambda: tf.grad(lambda a: Sq.apply(a).sum())(torch.ones(2)), lambda: tf.grad(lambda a: Sq2.apply(a).sum())(torch.ones(2)), lambda: tf.vmap(Sq2.apply)(torch.ones(2)), lambda: tf.jacrev(Sq2.apply)(torch.ones(2))]:
    try: print(f())
    except Exception as e: print(type(e).__name__, e)
with fwAD.dual_level():
    d = fwAD.make_dual(torch.ones(2), torch.ones(2))
    try: print(Sq2.apply(d))
    except Exception as e: print(type(e).__name__, e)
    try: print(Sq.apply(torch.ones(2)))
    except Exception as e: print(type(e).__name__, e)
"""
# torch.func's results and messages, one call each
FUNC_CALLS = """import torch
from torch.func import grad, grad_and_value, vjp, jacrev, jacfwd, hessian, vmap
def f(x):
    return (x ** 3 + x.sin()).sum()
x = torch.tensor([0.5, -1.0, 2.0])
y = torch.tensor([1.5, 0.25, -0.5])
print(grad(f)(x))
print(grad_and_value(f)(x))
print(grad(lambda a, b: (a * b).sum(), argnums=(0, 1))(x, y))
print(grad(lambda a, b: (a * b).sum(), argnums=1)(x, y))
print(grad(lambda a: ((a ** 2).sum(), a.sum()), has_aux=True)(x))
print(grad(grad(lambda a: a ** 3))(torch.tensor(2.0)))
out, fn = vjp(lambda a: a ** 2, x)
print(out, fn(torch.ones(3)))
print(jacrev(lambda a: a ** 2)(x))
print(jacfwd(lambda a: a ** 2)(x))
print(hessian(f)(x))
print(jacrev(lambda a, b: a * b, argnums=(0, 1))(x, y))
print(vmap(torch.sin)(x))
print(vmap(lambda a: a.sum())(torch.ones(2, 3)))
print(vmap(lambda a, b: a * b)(x, y))
print(vmap(lambda a, b: a * b, in_dims=(0, None))(x, y))
print(vmap(lambda a: a * 2, in_dims=1)(torch.ones(2, 3)))
print(vmap(lambda a: a * 2, out_dims=1)(torch.ones(2, 3)))
print(vmap(lambda a: torch.dot(a, a))(torch.ones(2, 3)))
xr = x.clone().requires_grad_()
r = grad(f)(xr); print(r)

print(vmap(grad(f))(torch.ones(2, 3)))
for bad in [lambda: grad(lambda a: a ** 2)(x), lambda: vmap(lambda a: a)(torch.ones(2), torch.ones(3)), lambda: grad(f)(3.0), lambda: vmap(lambda a: a, in_dims=2)(x), lambda: grad(lambda a: a.sum().item())(x)]:
    try: print(bad())
    except Exception as e: print(type(e).__name__, e)
"""

# once_differentiable under create_graph: PyTorch's DelayedError, raised only on use
ONCE_DIFFERENTIABLE = """import torch
from torch.autograd.function import once_differentiable
class Sq(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x
    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 2 * x * g
x = torch.tensor([1., -2., 3.], requires_grad=True)
y = Sq.apply(x) * x
g, = torch.autograd.grad(y.sum(), x, create_graph=True)
print(g)
try: g.sum().backward(); print(x.grad)
except Exception as e: print(type(e).__name__, e)
y = Sq.apply(x)
g, = torch.autograd.grad(y.sum(), x, create_graph=True)
print(g, g.grad_fn, g.requires_grad)
"""


@pytest.mark.parametrize("program", [FUNCTION_IN_TRANSFORMS, FUNC_CALLS, ONCE_DIFFERENTIABLE],
                         ids=["function_in_transforms", "func_calls", "once_differentiable"])
def test_fixed_programs_print_what_torch_prints(oracle, program):
    assert_same_as_torch(oracle, program)
