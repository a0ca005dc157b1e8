"""Issue 18's shape and indexing ops against PyTorch: each case is one call written once
against a small facade (`L`) that is either torch or gradcli's engine, so both sides run
the same call from the same inputs. Values, dtypes, shapes, grad_fn names and every
input's grad must agree, and so must PyTorch's error (type and message) on a bad call.
Hypothesis draws shapes, dims and arguments for the ops whose arguments are generic."""

import numpy as np
import pytest
from gradcli.engine import api
from gradcli.engine.autograd import run_backward
from gradcli.engine.errors import TorchError, UnsupportedError
from gradcli.engine.tensor import Tensor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch


class _Methods:
    def __init__(self, fns):
        self.fns = fns

    def __getattr__(self, name):
        return self.fns[name]


class G:
    """gradcli's side of the facade."""
    f = _Methods(api.FUNCTIONS)

    @staticmethod
    def m(x, name, *args, **kwargs):
        return api.METHODS[name](x, *args, **kwargs)

    @staticmethod
    def leaf(a):
        return Tensor(np.array(a), a.dtype.kind == "f")

    @staticmethod
    def const(a):
        return Tensor(np.array(a))


class T:
    """torch's side."""
    f = torch

    @staticmethod
    def m(x, name, *args, **kwargs):
        return getattr(x, name)(*args, **kwargs)

    @staticmethod
    def leaf(a):
        return torch.tensor(a, requires_grad=a.dtype.kind == "f")

    @staticmethod
    def const(a):
        return torch.tensor(a)


def _outputs(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _run(L, case, arrays, consts):
    leaves = [L.leaf(a) for a in arrays]
    cs = [L.const(c) for c in consts]
    try:
        out = case(L, *leaves, *cs)
    except Exception as e:  # noqa: BLE001  (the error itself is compared)
        return leaves, None, e
    return leaves, _outputs(out), None


def _grad_fn_name(t):
    fn = t.grad_fn
    return None if fn is None else (fn.name() if hasattr(fn, "name") and callable(fn.name)
                                    else type(fn).__name__)


def check(case, arrays, consts=()):
    rng = np.random.default_rng(0)
    gl, gout, gerr = _run(G, case, arrays, consts)
    tl, tout, terr = _run(T, case, arrays, consts)
    if terr is not None or gerr is not None:
        assert terr is not None and gerr is not None, f"torch: {terr!r}, gradcli: {gerr!r}"
        assert isinstance(gerr, TorchError), repr(gerr)
        assert gerr.type_name == type(terr).__name__ and gerr.message.split("\n")[0] == str(terr).split("\n")[0]
        return
    assert len(gout) == len(tout)
    weights = []
    for g, t in zip(gout, tout, strict=True):
        tv = t.detach().numpy()
        assert g.data.shape == tv.shape and g.data.dtype == tv.dtype
        np.testing.assert_array_equal(g.data, tv)
        assert _grad_fn_name(g) == _grad_fn_name(t)
        weights.append(rng.standard_normal(tv.shape).astype(tv.dtype))
    pairs = [(g, t, w) for g, t, w in zip(gout, tout, weights, strict=True)
             if t.requires_grad and t.dtype.is_floating_point]
    if not pairs:
        return
    try:
        torch.autograd.backward([p[1] for p in pairs], [torch.tensor(p[2]) for p in pairs])
    except RuntimeError as e:  # a backward PyTorch refuses: gradcli must refuse it alike
        with pytest.raises(TorchError) as got:
            run_backward([p[0] for p in pairs], [Tensor(p[2]) for p in pairs])
        assert got.value.message == str(e).split("\n")[0]
        return
    run_backward([p[0] for p in pairs], [Tensor(p[2]) for p in pairs])
    for g, t in zip(gl, tl, strict=True):
        if t.grad is None:
            assert g.grad is None
        else:
            np.testing.assert_allclose(g.grad.data, t.grad.numpy(), rtol=1e-6, atol=1e-6)


def _x(*shape, dtype=np.float64):
    a = np.random.default_rng(sum(shape) + len(shape)).standard_normal(shape)
    return a.astype(dtype) if dtype != np.int64 else (a * 5).astype(np.int64)


I = np.array([[0, 1], [2, 0], [1, 1]])
X = _x(3, 4)
CASES = {
    # (case, float inputs, constant inputs)
    "repeat": (lambda L, x: L.m(x, "repeat", 2, 1, 3), [X]),
    "repeat_tuple": (lambda L, x: L.m(x, "repeat", (2, 2)), [X]),
    "repeat_few": (lambda L, x: L.m(x, "repeat", 2), [X]),
    "repeat_zero": (lambda L, x: L.m(x, "repeat", 0, 2), [X]),
    "tile": (lambda L, x: L.f.tile(x, (2,)), [X]),
    "split": (lambda L, x: L.f.split(x, 2), [_x(5, 2)]),
    "split_sizes": (lambda L, x: L.m(x, "split", [1, 3], 1), [X]),
    "split_bad": (lambda L, x: L.m(x, "split", [1, 1]), [X]),
    "split_zero": (lambda L, x: L.m(x, "split", 0), [X]),
    "chunk": (lambda L, x: L.m(x, "chunk", 3, 1), [_x(2, 7)]),
    "chunk_empty": (lambda L, x: L.f.chunk(x, 2), [_x(0, 3)]),
    "chunk_zero": (lambda L, x: L.f.chunk(x, 0), [X]),
    "gather": (lambda L, x, i: L.f.gather(x, 1, i), [X], [I]),
    "gather_dim0": (lambda L, x, i: L.m(x, "gather", 0, i), [X], [I]),
    "gather_oob": (lambda L, x, i: L.f.gather(x, 1, i * 5), [X], [I]),
    "gather_big": (lambda L, x, i: L.f.gather(x, 0, i), [_x(2, 2)], [I]),
    "gather_float": (lambda L, x, i: L.f.gather(x, 1, i), [X], [I.astype(np.float32)]),
    "index_select": (lambda L, x, i: L.f.index_select(x, 0, i), [X], [np.array([2, 0, 2])]),
    "index_select_neg_dim": (lambda L, x, i: L.m(x, "index_select", -1, i), [X],
                             [np.array([3, 0])]),
    "index_select_oob": (lambda L, x, i: L.f.index_select(x, 0, i), [X], [np.array([3])]),
    "index_select_2d": (lambda L, x, i: L.f.index_select(x, 0, i), [X], [I]),
    "masked_fill": (lambda L, x, m: L.m(x, "masked_fill", m, 2.5), [X], [X > 0]),
    "masked_fill_bcast": (lambda L, x, m: L.f.masked_fill(x, m, -1), [_x(3, 1)],
                          [np.array([True, False, True, False])]),
    "masked_fill_tensor": (lambda L, x, v, m: L.m(x, "masked_fill", m, v), [X, np.array(1.5)],
                           [X > 0]),
    "masked_fill_int": (lambda L, x, m: L.m(x, "masked_fill", m, 7), [],
                        [_x(3, 4, dtype=np.int64), X > 0]),
    "masked_fill_nonbool": (lambda L, x, m: L.m(x, "masked_fill", m, 2.0), [X], [X * 0 + 1]),
    "masked_fill_vec": (lambda L, x, v, m: L.m(x, "masked_fill", m, v), [X, _x(2)], [X > 0]),
    "masked_select": (lambda L, x, m: L.f.masked_select(x, m), [X], [X > 0.3]),
    "masked_select_bcast": (lambda L, x, m: L.m(x, "masked_select", m), [_x(1, 4)],
                            [_x(3, 1) > 0]),
    "masked_select_nonbool": (lambda L, x, m: L.m(x, "masked_select", m), [X], [X * 0]),
    "flip": (lambda L, x: L.f.flip(x, (0, 1)), [X]),
    "flip_method": (lambda L, x: L.m(x, "flip", -1), [X]),
    "flip_dup": (lambda L, x: L.f.flip(x, (0, 0)), [X]),
    "fliplr": (lambda L, x: L.f.fliplr(x), [X]),
    "flipud": (lambda L, x: L.m(x, "flipud"), [X]),
    "fliplr_1d": (lambda L, x: L.f.fliplr(x), [_x(3)]),
    "roll": (lambda L, x: L.f.roll(x, 1, 0), [X]),
    "roll_flat": (lambda L, x: L.m(x, "roll", -3), [X]),
    "roll_multi": (lambda L, x: L.f.roll(x, (1, -5), (0, 1)), [X]),
    "roll_bad": (lambda L, x: L.f.roll(x, (1, 2), 0), [X]),
    "rot90": (lambda L, x: L.f.rot90(x), [X]),
    "rot90_k": (lambda L, x: L.m(x, "rot90", -1, (1, 0)), [_x(2, 3, 4)]),
    "rot90_1d": (lambda L, x: L.f.rot90(x), [_x(3)]),
    "narrow": (lambda L, x: L.f.narrow(x, 1, 1, 2), [X]),
    "narrow_neg": (lambda L, x: L.m(x, "narrow", 0, -2, 2), [X]),
    "narrow_bad": (lambda L, x: L.m(x, "narrow", 0, 2, 2), [X]),
    "select": (lambda L, x: L.f.select(x, 1, -1), [X]),
    "select_oob": (lambda L, x: L.m(x, "select", 0, 3), [X]),
    "view": (lambda L, x: L.m(x, "view", 2, 6), [X]),
    "view_infer": (lambda L, x: L.m(x, "view", (-1, 2)), [X]),
    "view_t": (lambda L, x: L.m(L.m(x, "t"), "view", -1), [X]),
    "view_t_ok": (lambda L, x: L.m(L.m(x, "t"), "view", 4, 1, 3), [X]),
    "view_contiguous": (lambda L, x: L.m(L.m(L.m(x, "t"), "contiguous"), "view", -1), [X]),
    "contiguous_noop": (lambda L, x: L.m(x, "contiguous"), [X]),
    "view_bad": (lambda L, x: L.m(x, "view", 5), [X]),
    "movedim": (lambda L, x: L.f.movedim(x, 0, -1), [_x(2, 3, 4)]),
    "moveaxis": (lambda L, x: L.m(x, "moveaxis", (0, 1), (2, 0)), [_x(2, 3, 4)]),
    "movedim_bad": (lambda L, x: L.f.movedim(x, (0, 1), (0,)), [X]),
    "broadcast_to": (lambda L, x: L.f.broadcast_to(x, (2, 3, 4)), [_x(3, 1)]),
    "broadcast_to_bad": (lambda L, x: L.f.broadcast_to(x, (4, 4)), [X]),
    "hstack": (lambda L, x, y: L.f.hstack([x, y]), [_x(3), _x(2)]),
    "hstack_2d": (lambda L, x, y: L.f.hstack((x, y)), [X, _x(3, 1)]),
    "vstack": (lambda L, x, y: L.f.vstack([x, y]), [_x(4), X]),
    "vstack_bad": (lambda L, x, y: L.f.vstack([x, y]), [_x(5), X]),
    "dstack": (lambda L, x, y: L.f.dstack([x, y]), [X, X]),
    "hstack_empty": (lambda L: L.f.hstack([]), []),
    "atleast_1d": (lambda L, x: L.f.atleast_1d(x), [np.array(2.0)]),
    "atleast_2d": (lambda L, x, y: L.f.atleast_2d(x, y), [_x(3), X]),
    "atleast_3d": (lambda L, x, y: L.f.atleast_3d((x, y)), [_x(3), X]),
    "unflatten": (lambda L, x: L.f.unflatten(x, 1, (2, -1)), [X]),
    "unflatten_bad": (lambda L, x: L.m(x, "unflatten", 1, (3, 2)), [X]),
    "unfold": (lambda L, x: L.m(x, "unfold", 1, 2, 1), [X]),
    "unfold_step": (lambda L, x: L.m(x, "unfold", 0, 2, 2), [_x(5, 2)]),
    "unfold_bad": (lambda L, x: L.m(x, "unfold", 1, 5, 1), [X]),
    "squeeze_tuple": (lambda L, x: L.f.squeeze(x, (0, 2)), [_x(1, 3, 1)]),
    "squeeze_tuple_keep": (lambda L, x: L.m(x, "squeeze", (0, 1)), [_x(1, 3, 1)]),
    "squeeze_dup": (lambda L, x: L.m(x, "squeeze", (0, 0)), [_x(1, 3, 1)]),
    "take": (lambda L, x, i: L.f.take(x, i), [X], [np.array([[0, -1], [5, 5]])]),
    "take_oob": (lambda L, x, i: L.m(x, "take", i), [X], [np.array([12])]),
    "take_along_dim": (lambda L, x, i: L.f.take_along_dim(x, i, 1), [X], [I[:, :1] + 1]),
    "take_along_dim_bcast": (lambda L, x, i: L.f.take_along_dim(x, i, 0), [X],
                             [np.array([[2], [0]])]),
    "take_along_flat": (lambda L, x, i: L.f.take_along_dim(x, i), [X], [np.array([11, 0, 3])]),
    "scatter_src": (lambda L, x, s, i: L.f.scatter(x, 1, i, s), [X, _x(3, 2)],
                    [np.array([[0, 1], [2, 3], [3, 0]])]),
    "scatter_value": (lambda L, x, i: L.m(x, "scatter", 1, i, 2.0), [X], [I]),
    "scatter_value_kw": (lambda L, x, i: L.f.scatter(x, 0, i, value=-1.0), [X], [I]),
    "scatter_oob": (lambda L, x, i: L.f.scatter(x, 1, i * 7, 1.0), [X], [I]),
    "scatter_dtype": (lambda L, x, s, i: L.f.scatter(x, 1, i, s), [X, _x(3, 2, dtype=np.float32)],
                      [I]),
    "scatter_add": (lambda L, x, s, i: L.f.scatter_add(x, 0, i, s), [X, _x(3, 2)], [I]),
    "scatter_add_big_src": (lambda L, x, s, i: L.m(x, "scatter_add", 1, i, s), [X, _x(3, 3)], [I]),
    "scatter_add_bad": (lambda L, x, s, i: L.f.scatter_add(x, 1, i, s), [X, _x(2, 2)], [I]),
    "index_add": (lambda L, x, s, i: L.f.index_add(x, 0, i, s, alpha=2), [X, _x(2, 4)],
                  [np.array([2, 2])]),
    "index_add_dim1": (lambda L, x, s, i: L.m(x, "index_add", 1, i, s), [X, _x(3, 2)],
                       [np.array([3, 0])]),
    "index_add_bad": (lambda L, x, s, i: L.f.index_add(x, 0, i, s), [X, _x(2, 4)],
                      [np.array([0])]),
    "index_add_oob": (lambda L, x, s, i: L.f.index_add(x, 0, i, s), [X, _x(1, 4)],
                      [np.array([5])]),
    "index_copy": (lambda L, x, s, i: L.f.index_copy(x, 0, i, s), [X, _x(2, 4)],
                   [np.array([2, 0])]),
    "index_copy_bad": (lambda L, x, s, i: L.m(x, "index_copy", 0, i, s), [X, _x(2, 4)],
                       [np.array([0])]),
    "repeat_interleave": (lambda L, x: L.f.repeat_interleave(x, 2), [X]),
    "repeat_interleave_dim": (lambda L, x: L.m(x, "repeat_interleave", 2, dim=0), [X]),
    "repeat_interleave_tensor": (lambda L, x, r: L.f.repeat_interleave(x, r, dim=0), [X],
                                 [np.array([1, 0, 2])]),
    "repeat_interleave_neg": (lambda L, x: L.f.repeat_interleave(x, -1), [X]),
    "empty_flip": (lambda L, x: L.f.flip(x, (0,)), [_x(0, 3)]),
    "int_roll": (lambda L, x: L.f.roll(x, 1), [], [_x(2, 3, dtype=np.int64)]),
    "bool_repeat": (lambda L, x: L.m(x, "repeat", 2, 1), [], [X > 0]),
}


# 0-d, empty, integer and bool inputs, and wrong argument types (PyTorch's TypeErrors)
S = np.array(1.5)
CASES.update({
 "gather0d": (lambda L,x,i: L.f.gather(x,0,i), [S], [np.array(0)]),
 "gather0d_1": (lambda L,x,i: L.f.gather(x,0,i), [S], [np.array([0,0])]),
 "isel0d": (lambda L,x,i: L.f.index_select(x,0,i), [S], [np.array([0])]),
 "isel0d_0": (lambda L,x,i: L.f.index_select(x,0,i), [S], [np.array(0)]),
 "isel_0dindex": (lambda L,x,i: L.f.index_select(x,0,i), [X], [np.array(1)]),
 "take0d": (lambda L,x,i: L.f.take(x,i), [S], [np.array([0,0])]),
 "mf0d": (lambda L,x,m: L.f.masked_fill(x,m,1.0), [S], [np.array(True)]),
 "flip0d": (lambda L,x: L.f.flip(x,(0,)), [S]),
 "roll0d": (lambda L,x: L.f.roll(x,1), [S]),
 "movedim0d": (lambda L,x: L.f.movedim(x,0,0), [S]),
 "repeat0d": (lambda L,x: L.m(x,"repeat",3), [S]),
 "repeat0d_empty": (lambda L,x: L.m(x,"repeat"), [S]),
 "unfold0d": (lambda L,x: L.m(x,"unfold",0,1,1), [S]),
 "select0d": (lambda L,x: L.f.select(x,0,0), [S]),
 "ms_empty": (lambda L,x,m: L.f.masked_select(x,m), [_x(0,3)], [np.zeros((0,3),bool)]),
 "split_empty": (lambda L,x: L.f.split(x,2), [_x(0,3)]),
 "gather_int": (lambda L,x,i: L.f.gather(x,1,i), [], [_x(3,4,dtype=np.int64), I]),
 "isel_bool": (lambda L,x,i: L.f.index_select(x,1,i), [], [X>0, np.array([0,3])]),
 "repeat_float": (lambda L,x: L.m(x,"repeat",2.0), [X]),
 "gather_noTensor": (lambda L,x: L.f.gather(x,1,[[0]]), [X]),
 "flip_list": (lambda L,x: L.f.flip(x,[0]), [X]),
 "flip_float": (lambda L,x: L.f.flip(x,0.5), [X]),
 "roll_float": (lambda L,x: L.f.roll(x,1.5), [X]),
 "narrow_float": (lambda L,x: L.f.narrow(x,0,0.5,1), [X]),
 "chunk_float": (lambda L,x: L.f.chunk(x,2.0), [X]),
 "select_tensor": (lambda L,x: L.f.select(x,0,1.0), [X]),
 "atleast_1d_list": (lambda L,x,y: L.f.atleast_1d([x,y]), [S, X]),
 "hstack_0d": (lambda L,x,y: L.f.hstack([x,y]), [S, S]),
 "vstack_0d": (lambda L,x,y: L.f.vstack([x,y]), [S, S]),
 "dstack_1d": (lambda L,x,y: L.f.dstack([x,y]), [_x(3), _x(3)]),
 "tile_more": (lambda L,x: L.f.tile(x,(2,1,2)), [X]),
 "tile_0d": (lambda L,x: L.f.tile(x,(2,)), [S]),
 "bt_neg": (lambda L,x: L.f.broadcast_to(x,(2,-1,4)), [_x(3,1)]),
 "sq_tuple_0d": (lambda L,x: L.f.squeeze(x,(0,)), [S]),
 "sq_empty_tuple": (lambda L,x: L.f.squeeze(x,()), [_x(1,3)]),
 "view_int_expand": (lambda L,x: L.m(L.m(x,"expand",2,3),"view",6), [_x(1,3)]),
 "view_slice": (lambda L,x: L.m(x[:, 1:3],"view",6), [X]),
 "view_slice2": (lambda L,x: L.m(x[:, ::2],"view",-1), [X]),
 "ri_dimneg": (lambda L,x: L.f.repeat_interleave(x,2,dim=-1), [X]),
 "ri_0d": (lambda L,x: L.f.repeat_interleave(x,3), [S]),
 "scatter_int_value_float": (lambda L,x,i: L.f.scatter(x,1,i,1.5), [], [_x(3,4,dtype=np.int64), I]),
 "mf_int_float_value": (lambda L,x,m: L.f.masked_fill(x,m,1.5), [], [_x(3,4,dtype=np.int64), X>0]),
 "index_add_int_alpha": (lambda L,x,s,i: L.f.index_add(x,0,i,s,alpha=1.5), [X, _x(1,4)], [np.array([0])]),
 "take_along_bcast_self": (lambda L,x,i: L.f.take_along_dim(x,i,1), [_x(1,4)], [np.array([[0],[3]])]),
})


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_agrees_with_torch(name):
    case, arrays, *consts = CASES[name]
    check(case, arrays, consts[0] if consts else ())


def test_inplace_forms_agree():
    """In-place forms, without a graph (the existing in-place mechanism)."""
    for name, args in (("masked_fill_", (X > 0, 3.0)), ("index_add_", (0, np.array([1]), X[:1])),
                       ("index_copy_", (0, np.array([1]), X[:1])),
                       ("scatter_", (1, I, 0.5)), ("scatter_add_", (1, I, X[:, :2]))):
        g, t = Tensor(X.copy()), torch.tensor(X.copy())
        ga = [Tensor(a) if isinstance(a, np.ndarray) else a for a in args]
        ta = [torch.tensor(a) if isinstance(a, np.ndarray) else a for a in args]
        api.METHODS[name](g, *ga)
        getattr(t, name)(*ta)
        np.testing.assert_array_equal(g.data, t.numpy(), err_msg=name)


def test_refused_arguments():
    x, i = Tensor(X), Tensor(I)
    for call in (lambda: api.FUNCTIONS["scatter"](x, 1, i, 1.0, reduce="add"),
                 lambda: api.FUNCTIONS["gather"](x, 1, i, sparse_grad=True),
                 lambda: api.METHODS["view"](x, np.float32)):
        with pytest.raises(UnsupportedError):
            call()


SHAPES = st.lists(st.integers(0, 3), min_size=1, max_size=3).map(tuple)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(shape=SHAPES, data=st.data())
def test_generated_shape_ops(shape, data):
    nd = len(shape)
    dim = data.draw(st.integers(-nd, nd - 1))
    k = data.draw(st.integers(-3, 5))
    reps = data.draw(st.lists(st.integers(0, 2), min_size=nd, max_size=nd + 1))
    x = _x(*shape)
    n = shape[dim]
    cases = [lambda L, x: L.f.flip(x, (dim,)), lambda L, x: L.f.roll(x, k, dim),
             lambda L, x: L.m(x, "repeat", *reps), lambda L, x: L.f.split(x, max(k, 1), dim),
             lambda L, x: L.f.chunk(x, max(k, 1), dim), lambda L, x: L.f.movedim(x, dim, 0),
             lambda L, x: L.f.narrow(x, dim, min(max(k, 0), n), max(n - max(k, 0), 0)),
             lambda L, x: L.m(x, "unfold", dim, min(max(k, 0), n), 1 + abs(k))]
    if n:
        cases.append(lambda L, x: L.f.select(x, dim, k % n))
    if nd >= 2:
        cases.append(lambda L, x: L.f.rot90(x, k, (0, -1)))
    for case in cases:
        check(case, [x])
    idx = np.random.default_rng(k + 3).integers(0, max(n, 1), size=shape[:dim % nd] + (2,)
                                                + shape[dim % nd + 1:])
    if n:
        check(lambda L, x, i: L.f.gather(x, dim, i), [x], [idx])
        check(lambda L, x, i: L.f.index_select(x, dim, i), [x], [idx.reshape(-1)[:3]])
        src = _x(*idx.shape)
        check(lambda L, x, s, i: L.f.scatter_add(x, dim, i, s), [x, src], [idx])
    check(lambda L, x, m: L.f.masked_fill(x, m, 0.5), [x], [x > 0])
    check(lambda L, x, m: L.f.masked_select(x, m), [x], [x > 0])
