"""gradcli's random numbers against PyTorch's, bit for bit: every distribution and overload
through gradcli's torch functions and tensor methods, seeds and sizes drawn by hypothesis,
the generator's state compared byte for byte after each draw (so the stream advanced by
exactly as many values), sequences of interleaved calls, 10^6-element draws in both dtypes,
and nn.init's draws and the layers' default initialisation."""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from gradcli.engine import (  # noqa: E402
    api,
    dtypes,
    nn,  # noqa: E402
)
from gradcli.engine.errors import GradcliError  # noqa: E402
from gradcli.engine.nn import init as I  # noqa: E402
from gradcli.engine.rng import generator as G  # noqa: E402
from gradcli.engine.tensor import Tensor  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

pytestmark = pytest.mark.torch

F, M = api.FUNCTIONS, api.METHODS
COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
seeds = st.one_of(st.integers(0, 2**32 - 1), st.integers(-(2**63), 2**64 - 1))
sizes = st.integers(0, 70)
float_dtypes = st.sampled_from(["float32", "float64"])
bounds = st.floats(-1e3, 1e3, allow_nan=False)
scales = st.floats(1e-3, 1e3, allow_nan=False)


def _portable_bernoulli() -> bool:
    """Whether this machine's torch draws bernoulli_(float p) with its portable kernel (a
    double uniform per element), which gradcli follows; on Intel CPUs torch takes MKL's
    own stream instead (DistributionKernels.cpp), which gradcli does not reproduce."""
    torch.manual_seed(0)
    a = torch.empty(64).bernoulli_(0.5)
    torch.manual_seed(0)
    return torch.equal(a, (torch.rand(64, dtype=torch.float64) < 0.5).float())


PORTABLE_BERNOULLI = _portable_bernoulli()
needs_portable_bernoulli = pytest.mark.skipif(
    not PORTABLE_BERNOULLI, reason="torch draws bernoulli_(float p) from MKL on this CPU")


def seed_both(seed):
    torch.manual_seed(seed)
    F["manual_seed"](seed)


def same(mine, theirs):
    """Equal values (bit for bit), dtype and shape, and the default generators' states."""
    t = theirs.detach().numpy()
    m = mine.data if isinstance(mine, Tensor) else mine
    assert m.dtype == t.dtype and m.shape == t.shape, (m.dtype, t.dtype, m.shape, t.shape)
    assert np.array_equal(m.view(np.uint8), t.view(np.uint8)), (m.ravel()[:8], t.ravel()[:8])
    assert np.array_equal(G.default_generator.get_state(), torch.get_rng_state().numpy())


def tdt(name):
    return getattr(torch, name)


def gdt(name):
    return dtypes.TORCH_DTYPES[name]


# ---------------------------------------------------------------- the generator
@settings(max_examples=30, **COMMON)
@given(seed=seeds, n=st.integers(0, 1500))
def test_state_bytes_follow_torch(seed, n):
    seed_both(seed)
    assert F["initial_seed"]() == torch.initial_seed()
    assert np.array_equal(F["get_rng_state"]().data, torch.get_rng_state().numpy())
    same(F["rand"](n), torch.rand(n))
    same(F["randn"](3), torch.randn(3))  # leaves a cached second normal in both
    state = torch.get_rng_state()
    F["set_rng_state"](Tensor(state.numpy()))
    same(F["randn"](1), torch.randn(1))  # the cached value, restored with the state


def test_generator_objects_and_seeds():
    g, t = F["Generator"](), torch.Generator()
    assert g.initial_seed() == t.initial_seed() == G.DEFAULT_SEED
    assert np.array_equal(g.get_state(), t.get_state().numpy())
    g.manual_seed(5)
    t.manual_seed(5)
    seed_both(99)  # the default generator is another stream
    same(F["rand"](4, generator=g), torch.rand(4, generator=t))
    assert np.array_equal(g.get_state(), t.get_state().numpy())
    s = F["seed"]()
    assert F["initial_seed"]() == s and 0 <= s < 2**64
    with pytest.raises(GradcliError, match="Overflow when unpacking long long"):
        F["manual_seed"](2**64)
    F["manual_seed"](2.7)  # torch.manual_seed(int(seed))
    assert F["initial_seed"]() == 2
    with pytest.raises(GradcliError, match="Expected a CPUGeneratorImplState of size 5056"):
        F["set_rng_state"](Tensor(np.zeros(10, np.uint8)))


# ---------------------------------------------------------------- uniform and normal
@settings(max_examples=60, **COMMON)
@given(seed=seeds, n=sizes, dt=float_dtypes, size_as_tuple=st.booleans())
def test_rand_randn(seed, n, dt, size_as_tuple):
    shape = ((n, 2),) if size_as_tuple else (n, 2)
    seed_both(seed)
    same(F["rand"](*shape, dtype=gdt(dt)), torch.rand(*shape, dtype=tdt(dt)))
    same(F["randn"](*shape, dtype=gdt(dt)), torch.randn(*shape, dtype=tdt(dt)))
    same(F["randn"](n + 1, dtype=gdt(dt)), torch.randn(n + 1, dtype=tdt(dt)))
    x = F["zeros"](n, dtype=gdt(dt))
    same(F["rand_like"](x), torch.rand_like(torch.zeros(n, dtype=tdt(dt))))
    same(F["randn_like"](x), torch.randn_like(torch.zeros(n, dtype=tdt(dt))))


@settings(max_examples=60, **COMMON)
@given(seed=seeds, n=sizes, dt=float_dtypes, a=bounds, w=scales, mean=bounds, std=scales)
def test_uniform_and_normal_in_place(seed, n, dt, a, w, mean, std):
    seed_both(seed)
    mine, theirs = F["zeros"](n, dtype=gdt(dt)), torch.zeros(n, dtype=tdt(dt))
    assert M["uniform_"](mine, a, a + w) is mine
    same(mine, theirs.uniform_(a, a + w))
    M["normal_"](mine, mean, std)
    same(mine, theirs.normal_(mean, std))
    M["normal_"](mine)
    same(mine, theirs.normal_())


@settings(max_examples=50, **COMMON)
@given(seed=seeds, n=sizes, m=st.integers(1, 3), dt=float_dtypes, mean=bounds, std=scales)
def test_normal_overloads(seed, n, m, dt, mean, std):
    seed_both(seed)
    same(F["normal"](mean, std, (n, m), dtype=gdt(dt)),
         torch.normal(mean, std, (n, m), dtype=tdt(dt)))
    rs = np.random.default_rng(abs(seed) % 2**32)
    mu, sd = rs.normal(size=(n, m)), rs.random((n, m)) * 3
    mu_t, sd_t = torch.tensor(mu, dtype=tdt(dt)), torch.tensor(sd, dtype=tdt(dt))
    mu_g, sd_g = Tensor(mu_t.numpy().copy()), Tensor(sd_t.numpy().copy())
    same(F["normal"](mu_g, sd_g), torch.normal(mu_t, sd_t))
    same(F["normal"](mu_g, std), torch.normal(mu_t, std))
    same(F["normal"](mean, sd_g), torch.normal(mean, sd_t))
    if n:
        same(F["normal"](mu_g[0], sd_g), torch.normal(mu_t[0], sd_t))  # broadcast shapes


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_a_million_values(dt):
    for seed in (10, 2**40 + 3):
        seed_both(seed)
        same(F["randn"](10**6 + 5, dtype=gdt(dt)), torch.randn(10**6 + 5, dtype=tdt(dt)))
        same(F["rand"](10**6, dtype=gdt(dt)), torch.rand(10**6, dtype=tdt(dt)))
    same(F["normal"](-3.5, 0.7, (10**6,), dtype=gdt(dt)),
         torch.normal(-3.5, 0.7, (10**6,), dtype=tdt(dt)))
    mine, theirs = F["zeros"](10**6, dtype=gdt(dt)), torch.zeros(10**6, dtype=tdt(dt))
    same(M["uniform_"](mine, -0.3, 0.71), theirs.uniform_(-0.3, 0.71))


# ---------------------------------------------------------------- integers
@settings(max_examples=60, **COMMON)
@given(seed=seeds, n=sizes, low=st.integers(-(2**40), 2**40),
       span=st.one_of(st.integers(1, 300), st.integers(2**28 - 2, 2**45)))
def test_randint_random_(seed, n, low, span):
    seed_both(seed)
    same(F["randint"](low, low + span, (n,)), torch.randint(low, low + span, (n,)))
    same(F["randint"](span, (n, 1)), torch.randint(span, (n, 1)))
    x = F["zeros"](n, dtype=gdt("float64"))
    same(F["randint_like"](x, 0, span), torch.randint_like(torch.zeros(n, dtype=torch.float64),
                                                           0, span))
    for dt in ("int64", "float32", "float64", "bool"):
        mine, theirs = F["zeros"](n, dtype=gdt(dt)), torch.zeros(n, dtype=tdt(dt))
        same(M["random_"](mine), theirs.random_())
        if dt != "bool":
            same(M["random_"](mine, span), theirs.random_(span))
            same(M["random_"](mine, -5, span), theirs.random_(-5, span))
    mine, theirs = F["zeros"](n, dtype=gdt("int64")), torch.zeros(n, dtype=torch.int64)
    same(M["random_"](mine, -(2**63), None), theirs.random_(-(2**63), None))
    same(M["random_"](mine, low, None), theirs.random_(low, None))


@settings(max_examples=40, **COMMON)
@given(seed=seeds, n=st.one_of(sizes, st.integers(70, 3000)))
def test_randperm(seed, n):
    seed_both(seed)
    same(F["randperm"](n), torch.randperm(n))
    same(F["randperm"](n, dtype=gdt("float64")), torch.randperm(n, dtype=torch.float64))


# ---------------------------------------------------------------- bernoulli, multinomial, ...
@settings(max_examples=50, **COMMON)
@given(seed=seeds, n=sizes, dt=float_dtypes, p=st.floats(0, 1))
def test_bernoulli(seed, n, dt, p):
    seed_both(seed)
    probs = np.random.default_rng(abs(seed) % 2**32).random((n, 2)).astype(dt)
    pg, pt = Tensor(probs), torch.tensor(probs)
    same(F["bernoulli"](pg), torch.bernoulli(pt))
    same(M["bernoulli"](pg), pt.bernoulli())
    mine, theirs = F["zeros"](n, 2, dtype=gdt(dt)), torch.zeros(n, 2, dtype=tdt(dt))
    same(M["bernoulli_"](mine, pg[:1]), theirs.bernoulli_(pt[:1]))  # p expanded
    if PORTABLE_BERNOULLI:  # a float p
        same(F["bernoulli"](pg, p), torch.bernoulli(pt, p))
        same(M["bernoulli_"](mine, p), theirs.bernoulli_(p))
        same(M["bernoulli_"](mine), theirs.bernoulli_())
    same(M["exponential_"](mine), theirs.exponential_())
    same(M["exponential_"](mine, p + 0.5), theirs.exponential_(p + 0.5))


@settings(max_examples=60, **COMMON)
@given(seed=seeds, rows=st.integers(0, 4), k=st.integers(1, 30), dt=float_dtypes,
       n=st.integers(1, 40), replacement=st.booleans(), zeros=st.booleans())
def test_multinomial(seed, rows, k, dt, n, replacement, zeros):
    seed_both(seed)
    rs = np.random.default_rng(abs(seed) % 2**32)
    probs = rs.random((rows, k) if rows else (k,)).astype(dt)
    if zeros and k > 1:
        probs[..., 0] = 0
    if not replacement:
        n = min(n, int(np.count_nonzero(probs, axis=-1).min()))
    same(F["multinomial"](Tensor(probs), n, replacement),
         torch.multinomial(torch.tensor(probs), n, replacement))
    same(M["multinomial"](Tensor(probs), 1), torch.tensor(probs).multinomial(1))


@needs_portable_bernoulli
@settings(max_examples=30, **COMMON)
@given(seed=seeds, n=sizes, dt=float_dtypes, p=st.floats(0, 1))
def test_dropout(seed, n, dt, p):
    seed_both(seed)
    x = np.random.default_rng(abs(seed) % 2**32).normal(size=(n, 3)).astype(dt)
    xt = torch.tensor(x, requires_grad=True)
    xg = Tensor(x.copy(), requires_grad=True)
    out, out_t = F["dropout"](xg, p), torch.nn.functional.dropout(xt, p)
    same(out, out_t)
    if n and 0 < p < 1:
        assert out.grad_fn.name() == out_t.grad_fn.name()
    same(F["dropout"](xg, p, training=False), torch.nn.functional.dropout(xt, p, training=False))


# ---------------------------------------------------------------- interleaving
CALLS = {
    "rand": (lambda f, n: f["rand"](n), lambda n: torch.rand(n)),
    "randn": (lambda f, n: f["randn"](n), lambda n: torch.randn(n)),
    "randn64": (lambda f, n: f["randn"](n, dtype=gdt("float64")),
                lambda n: torch.randn(n, dtype=torch.float64)),
    "normal": (lambda f, n: f["normal"](1.0, 2.0, (n,)), lambda n: torch.normal(1.0, 2.0, (n,))),
    "randint": (lambda f, n: f["randint"](0, 9, (n,)), lambda n: torch.randint(0, 9, (n,))),
    "randperm": (lambda f, n: f["randperm"](n), lambda n: torch.randperm(n)),
    "bernoulli": (lambda f, n: f["bernoulli"](f["full"]((n,), 0.5)),  # tensor p: portable
                  lambda n: torch.bernoulli(torch.full((n,), 0.5))),
}


@settings(max_examples=40, **COMMON)
@given(seed=seeds, calls=st.lists(st.tuples(st.sampled_from(sorted(CALLS)), st.integers(0, 40)),
                                  max_size=12))
def test_interleaved_calls_advance_the_stream_alike(seed, calls):
    seed_both(seed)
    for name, n in calls:
        mine, theirs = CALLS[name]
        same(mine(F, n), theirs(n))


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize("call, torch_call", [
    (lambda: F["rand"](2, dtype=gdt("int64")), lambda: torch.rand(2, dtype=torch.int64)),
    (lambda: F["randn"](2, dtype=gdt("int64")), lambda: torch.randn(2, dtype=torch.int64)),
    (lambda: M["normal_"](F["zeros"](3), 0, -1), lambda: torch.zeros(3).normal_(0, -1)),
    (lambda: F["normal"](F["zeros"](2), -F["ones"](2)),
     lambda: torch.normal(torch.zeros(2), -torch.ones(2))),
    (lambda: M["uniform_"](F["zeros"](3), 2, 1), lambda: torch.zeros(3).uniform_(2, 1)),
    (lambda: M["bernoulli_"](F["zeros"](3), 1.5), lambda: torch.zeros(3).bernoulli_(1.5)),
    (lambda: F["randint"](5, 5, (3,)), lambda: torch.randint(5, 5, (3,))),
    (lambda: F["multinomial"](F["ones"](3), 0), lambda: torch.multinomial(torch.ones(3), 0)),
    (lambda: F["multinomial"](F["ones"](3), 4), lambda: torch.multinomial(torch.ones(3), 4)),
    (lambda: F["multinomial"](F["zeros"](3), 1), lambda: torch.multinomial(torch.zeros(3), 1)),
    (lambda: F["multinomial"](F["ones"](2, 2, 2), 1),
     lambda: torch.multinomial(torch.ones(2, 2, 2), 1)),
    (lambda: M["exponential_"](F["zeros"](3), -1), lambda: torch.zeros(3).exponential_(-1)),
    (lambda: F["dropout"](F["ones"](3), 1.5), lambda: torch.nn.functional.dropout(torch.ones(3),
                                                                                  1.5)),
    (lambda: M["normal_"](F["zeros"](2, requires_grad=True)),
     lambda: torch.zeros(2, requires_grad=True).normal_()),
])
def test_errors_are_torchs(call, torch_call):
    with pytest.raises(Exception) as theirs:
        torch_call()
    with pytest.raises(GradcliError) as mine:
        call()
    assert mine.value.type_name == type(theirs.value).__name__
    assert mine.value.message == str(theirs.value).splitlines()[0]


def test_unimplemented_arguments_are_refused():
    with pytest.raises(NotImplementedError, match="out="):
        F["rand"](2, out=F["zeros"](2))


# ---------------------------------------------------------------- nn.init and layers
INITS = [("uniform_", (-2.0, 3.0)), ("normal_", (1.0, 2.0)), ("xavier_uniform_", (1.3,)),
         ("xavier_normal_", ()), ("kaiming_uniform_", ()), ("kaiming_uniform_", (math.sqrt(5),)),
         ("kaiming_normal_", (0, "fan_out", "relu")), ("trunc_normal_", (0.1, 1.2, -1.5, 2.0)),
         ("trunc_normal_", ()), ("sparse_", (0.3,)), ("ones_", ()), ("eye_", ())]


@settings(max_examples=25, **COMMON)
@given(seed=seeds, rows=st.integers(1, 40), cols=st.integers(1, 40), dt=float_dtypes)
def test_nn_init(seed, rows, cols, dt):
    for name, args in INITS:
        seed_both(seed)
        a = Tensor(np.empty((rows, cols), dt))
        same(getattr(I, name)(a, *args).data,
             getattr(torch.nn.init, name)(torch.empty(rows, cols, dtype=tdt(dt)), *args))


@settings(max_examples=20, **COMMON)
@given(seed=seeds, i=st.integers(1, 12), o=st.integers(1, 12), bias=st.booleans())
def test_layer_initialisation(seed, i, o, bias):
    def check(mine, layer):
        for m, t in zip(mine.parameters(), layer.parameters(), strict=True):
            same(m.data, t)

    def conv_transpose1d(i, o, k, bias):
        """ConvTranspose1d's reset_parameters on its (in, out, k) weight: the Linear draws."""
        w = I.kaiming_uniform_(Tensor(np.empty((i, o, k), np.float32)), a=math.sqrt(5))
        params = [w]
        if bias:
            bound = 1 / math.sqrt(I._calculate_fan_in_and_fan_out(w)[0])
            params.append(I.uniform_(Tensor(np.empty(o, np.float32)), -bound, bound))
        return type("Params", (), {"parameters": lambda self: params})()

    seed_both(seed)
    check(nn.Linear(i, o, bias), torch.nn.Linear(i, o, bias))
    check(nn.Conv2d(2, 4, (3, 2), groups=2, bias=bias),
          torch.nn.Conv2d(2, 4, (3, 2), groups=2, bias=bias))
    check(conv_transpose1d(4, 2, 3, bias), torch.nn.ConvTranspose1d(4, 2, 3, bias=bias))
    check(nn.Bilinear(i, o, 3, bias), torch.nn.Bilinear(i, o, 3, bias))
    check(nn.Embedding(i, o, 0), torch.nn.Embedding(i, o, 0))
    seed_both(seed)
    check(nn.LSTM(i, o, 2), torch.nn.LSTM(i, o, 2))


IN_PLACE = [("normal_", ()), ("normal_", (1.0, 2.0)), ("uniform_", (-1.0, 3.0)),
            ("bernoulli_", (0.3,)), ("exponential_", ()), ("random_", (0, 50))]


@settings(max_examples=20, **COMMON)
@given(seed=seeds, rows=st.integers(1, 24), cols=st.integers(1, 24), dt=float_dtypes,
       method=st.sampled_from(IN_PLACE), view=st.sampled_from(["t", "columns", "whole"]))
def test_in_place_fills_of_views_walk_memory_order(seed, rows, cols, dt, method, view):
    """A transposed or sliced view is filled in TensorIterator's (memory) order, and a
    non-contiguous normal_ takes the scalar path; the base tensor sees the values."""
    name, args = method
    if name == "bernoulli_" and not PORTABLE_BERNOULLI:
        return
    seed_both(seed)
    base_t, base_g = torch.zeros(rows, cols, dtype=tdt(dt)), F["zeros"](rows, cols, dtype=gdt(dt))
    if view == "t":
        vt, vg = base_t.t(), M["t"](base_g)
    elif view == "columns":
        vt, vg = base_t[:, cols // 2:], base_g[:, cols // 2:]
    else:
        vt, vg = base_t, base_g
    getattr(vt, name)(*args)
    M[name](vg, *args)
    same(base_g, base_t)
