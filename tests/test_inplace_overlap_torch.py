"""In-place writes torch refuses or promotes, checked against python + torch (tests/
oracle_program.py): an op writing an expanded tensor whose elements share memory, clamp's
float bound on an integer tensor, an index write into a leaf that requires grad, and the
order of torch's shape and dtype checks (matmul/mv, in-place broadcasting)."""

import pytest
from oracle_program import assert_agree

pytest.importorskip("torch")
pytestmark = pytest.mark.torch


def test_inplace_on_expanded_tensor_with_repeated_elements():
    # torch refuses ops that read and write overlapping memory; fill_/zero_/index writes
    # are allowed (each location gets the same value)
    assert_agree("x = torch.tensor([1., 2.])\ny = x.expand(3, 2)\n"
                 "z = torch.tensor([1., 2.]).expand(1, 2)\nw = torch.ones(1).expand(3)",
                 ["y.add_(1)", "y.mul_(2)", "y.sub_(torch.ones(3, 2))", "y.div_(2.0)",
                  "y.neg_()", "y.clamp_(0, 1)", "y.pow_(2)", "y.relu_()", "y.sqrt_()",
                  "y.copy_(torch.ones(3, 2))", "x", "y.zero_()", "x", "y.fill_(3)", "x",
                  "z.add_(1)", "x", "z", "w.add_(1)", "w.mul_(torch.tensor(2.))", "w"])


def test_index_write_into_expanded_tensor_with_repeated_elements():
    # torch writes the shared memory through a target without repeats (y[0] = ...), and
    # refuses a basic-index target whose own elements repeat (y[:, 0] = ...)
    assert_agree("x = torch.tensor([1., 2.])\ny = x.expand(3, 2)\ny[0] = 5\nprint(x)\n"
                 "y[0, 1] = 7\nprint(x)\ny[1] = torch.tensor([8., 9.])\nprint(x, y)\n"
                 "for v in (5., torch.tensor(5.)):\n    try:\n        y[:, 0] = v\n"
                 "    except RuntimeError as e:\n        print(e)\n"
                 "try:\n    y[...] = 1.\nexcept RuntimeError as e:\n    print(e)",
                 ["x"])


def test_inplace_on_expanded_tensor_in_a_program_loop():
    assert_agree("y = torch.zeros(2).expand(2, 2)\nfor i in range(2):\n"
                 "    try:\n        y += 1.0\n    except RuntimeError as e:\n        print(e)",
                 ["y"])


def test_clamp_float_bound_on_integer_tensor():
    assert_agree("i = torch.tensor([1, 3, 5])\nb = torch.tensor([True, False])",
                 ["i.clamp(min=2.5)", "i.clamp(max=2.5)", "i.clamp(2, 4)", "i.clamp(2.5, 4)",
                  "torch.clamp(i, min=2.5).dtype", "i.clamp(min=2.5, max=3)",
                  "torch.tensor([1, 2], dtype=torch.int32).clamp(min=2.5)",
                  "torch.tensor([1, 2], dtype=torch.int32).clamp(min=2)",
                  "torch.tensor([1., 2.], dtype=torch.float64).clamp(min=2.5)",
                  "b.clamp(min=0.5)", "torch.clamp(i, min=True)",
                  "i.clone().clamp_(min=2.5)", "i.clone().clamp_(max=2)",
                  "i.clone().clamp_(max=2.5)", "i.clamp(min=torch.tensor(2.5))",
                  "i.clone().clamp_(min=torch.tensor([2.5, 1., 1.]))",
                  "b.clamp(min=0)", "b.clone().clamp_(min=0)", "i.clone().clamp_(2.5, 3)",
                  "torch.tensor([1, 3], dtype=torch.int32).clone().clamp_(min=2.5)",
                  "torch.tensor([1, 3], dtype=torch.int32).clamp_(min=torch.tensor(2.5))",
                  "i.clone().clamp_(min=2)", "torch.clamp(i, 2.5, 3)"])


def test_index_write_into_leaf_that_requires_grad():
    # torch names the view its setitem writes (select, unsqueeze, a partial slice) and the
    # leaf itself where it writes the leaf (x[...], x[:], an index tensor: index_put_)
    keys = ("0", "slice(0, 2)", "Ellipsis", "torch.tensor([0])", "None", "[0, 1]",
            "torch.tensor([True, False, True])", "slice(None)", "True", "False")
    mkeys = ("(0, 1)", "(0, torch.tensor([1]))", "(slice(None), 0)", "(Ellipsis, 0)",
             "(slice(None), torch.tensor([1]))", "(Ellipsis, torch.tensor([1]))",
             "(Ellipsis,)", "(slice(None), slice(None))", "(torch.tensor([0]), 0)",
             "(slice(0, 5), slice(0, 2))", "(Ellipsis, slice(1, None))",
             "(torch.tensor([[True, False, True], [True, True, True]]),)")
    cases = [("l", k) for k in keys] + [("m", k) for k in mkeys]
    assert_agree("l = torch.ones(3, requires_grad=True)\nm = torch.ones(2, 3, requires_grad=True)\n"
                 f"for t, k in [{', '.join(f'({t}, {k})' for t, k in cases)}]:\n"
                 "    try:\n        t[k] = 2.\n        print(t)\n"
                 "    except RuntimeError as e:\n        print(e)\n"
                 "with torch.no_grad():\n    l[0] = 5.", ["l", "l[0].add_(1)", "l.add_(1)"])


def test_shape_checks_before_dtype_checks():
    assert_agree("a = torch.ones(2, 3)\nd = torch.ones(2, 3, dtype=torch.float64)",
                 ["a.matmul(d)", "a.mm(d)", "a.mv(torch.ones(2, dtype=torch.float64))",
                  "a.matmul(torch.ones(2, dtype=torch.float64))",
                  "torch.ones(3).matmul(d)",
                  "torch.ones(4, 2, 3).matmul(d)",
                  "torch.ones(4, 2, 3).matmul(torch.ones(2, dtype=torch.float64))",
                  "torch.ones(3).matmul(torch.ones(2, dtype=torch.float64))",
                  "a.mv(torch.ones(3, dtype=torch.float64))",
                  "torch.ones(2, 3, dtype=torch.int64).add_(torch.ones(3, 3))",
                  "torch.ones(2, 3, dtype=torch.int64).add_(torch.ones(3))",
                  "torch.ones(1, 3, dtype=torch.int64).mul_(torch.ones(2, 3))",
                  "torch.ones(2, 3, dtype=torch.int64).sub_(torch.ones(4, 3))",
                  "torch.ones(3, dtype=torch.int64).sub_(torch.ones(2, 3))",
                  "(torch.ones(1, 3, requires_grad=True) * 1).mul_(torch.ones(2, 3))",
                  "(torch.ones(1, 3, requires_grad=True) * 1).mul_(torch.ones(2, 1))",
                  "torch.ones(2, 1, dtype=torch.int64).add_(torch.ones(2, 3, dtype=torch.int64))",
                  "torch.ones(2, 3, dtype=torch.int64).add_(torch.ones(2, 1))"])


def test_matmul_shape_messages_before_dtype_messages():
    # each kernel torch dispatches matmul to (dot, mv, mm, mm/mv of a folded batch, bmm)
    shapes = [((2, 3), (2, 3)), ((2, 3), (2,)), ((3,), (2, 3)), ((4, 2, 3), (2, 3)),
              ((4, 2, 3), (4, 2, 3)), ((4, 2, 3), (2,)), ((3,), (4, 2, 3)), ((2, 3), (4, 2, 3)),
              ((4, 2, 3), (3, 2)), ((3,), (2,)), ((5, 1, 2, 3), (4, 2, 3))]
    exprs = [f"torch.ones{sa}.matmul(torch.ones{sb}.to({d}))" for sa, sb in shapes
             for d in ("torch.float32", "torch.float64", "torch.int64")]
    exprs += [f"torch.ones(2, 3).mv(torch.ones{sv}.to({d}))" for sv in ("(2,)", "(3,)", "(2, 2)")
              for d in ("torch.float32", "torch.float64")]
    assert_agree("", exprs)
