"""grad_fn._saved_<name>: what PyTorch's generated nodes show of the values their
backward formulas saved (derivatives.yaml's names), for the common ops.

A saved tensor is present only when some input whose formula reads it requires grad
(PyTorch saves it under `should_compute_output`), else None; a saved tensor of a freed
node raises PyTorch's error. Sizes, strides, dims and scalars are plain Python values.
The result (`_saved_result`) is the op's output with the node as its grad_fn: the node
keeps no reference to it (no reference cycle), so its value is computed again from the
recorded inputs, which is the same deterministic forward."""

import numpy as np

from .errors import runtime
from .tensor import Tensor

FREED = ("Trying to backward through the graph a second time (or directly access saved "
         "tensors after they have already been freed). Saved intermediate values of the graph "
         "are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if "
         "you need to backward through the graph a second time or if you need to access saved "
         "tensors after calling backward.")


# value kinds: ("in", k, needers) input k, saved when an input in `needers` requires grad;
# ("res", needers) the result; ("scalar", k) input k as the Python number it was;
# ("param", name, default) a recorded parameter; ("sizes", k) / ("numel", k) /
# ("strides", k, needers) input k's shape, element count, strides
def _inp(k, *needers):
    return ("in", k, needers)


def _res(*needers):
    return ("res", needers)


_SELF = {"self": _inp(0, 0)}
_RESULT = {"result": _res(0)}
_SIZES = {"self_sym_sizes": ("sizes", 0)}
_DIMS = {"dim": ("param", "dims", None), "keepdim": ("param", "keepdim", False)}
_REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}

SAVED: dict = {
    "MulBackward0": {"self": _inp(0, 1), "other": _inp(1, 0)},
    "DivBackward0": {"self": _inp(0, 1), "other": _inp(1, 0, 1)},
    "AddBackward0": {"alpha": ("param", "alpha", 1)},
    "SubBackward0": {"alpha": ("param", "alpha", 1)},
    "PowBackward0": {"self": _inp(0, 0), "exponent": ("scalar", 1)},
    "PowBackward1": {"self": _inp(0, 0, 1), "exponent": _inp(1, 0, 1), "result": _res(0, 1)},
    # rpow (2 ** x) records the exponent first, the number second
    "PowBackward2": {"self": ("scalar", 1), "exponent": _inp(0, 0), "result": _res(0)},
    "SumBackward0": _SIZES,
    "SumBackward1": {**_DIMS, **_SIZES},
    "MeanBackward0": {"self_sym_numel": ("numel", 0), **_SIZES},
    "MeanBackward1": {**_DIMS, "self_sym_numel": ("numel", 0), **_SIZES},
    "MmBackward0": {"self": _inp(0, 1), "mat2": _inp(1, 0), "self_sym_sizes": ("sizes", 0),
                    "mat2_sym_sizes": ("sizes", 1), "self_sym_strides": ("strides", 0, (0,)),
                    "mat2_sym_strides": ("strides", 1, (1,))},
    "DotBackward0": {"self": _inp(0, 1), "tensor": _inp(1, 0)},
    "MvBackward0": {"self": _inp(0, 1), "vec": _inp(1, 0)},
    "MaxBackward1": {"self": _inp(0, 0), "result": _res(0)},
    "MinBackward1": {"self": _inp(0, 0), "result": _res(0)},
    "ProdBackward0": {"self": _inp(0, 0), "result": _res(0)},
    "ClampBackward1": {"self": _inp(0, 0), "min": ("param", "min", None),
                       "max": ("param", "max", None)},
    "SoftmaxBackward0": {"dim": ("param", "dim", None), "result": _res(0)},
    "LogSoftmaxBackward0": {"dim": ("param", "dim", None), "result": _res(0)},
    "ViewBackward0": _SIZES,
    "ExpandBackward0": _SIZES,
    "TransposeBackward0": {"dim0": ("param", "dim0", None), "dim1": ("param", "dim1", None)},
    "UnsqueezeBackward0": {"dim": ("param", "dim", None)},
    "CatBackward0": {"dim": ("param", "dim", 0)},
    "MseLossBackward0": {"self": _inp(0, 0, 1), "target": _inp(1, 0, 1),
                         "reduction": ("reduction", "reduction")},
}
for _name in ("Exp", "Tanh", "Sigmoid", "Sqrt", "Relu", "Reciprocal", "Rsqrt"):
    SAVED[_name + "Backward0"] = _RESULT
for _name in ("Log", "Sin", "Cos", "Abs", "Tan", "Log1P", "Log2", "Log10", "Asin", "Acos",
              "Atan", "Sinh", "Cosh", "Erf", "Expm1", "Sign"):
    SAVED[_name + "Backward0"] = _SELF
SAVED["SignBackward0"] = {}
SAVED["NegBackward0"] = {}
SAVED["TBackward0"] = {}


def _python_number(value):
    v = np.asarray(value).reshape(()).item()
    # the node keeps the number as a 0-d tensor of the result's dtype: a whole float was
    # most likely written as an int (x ** 2)
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _needed(node, needers) -> bool:
    ins = node.inputs
    return any(k < len(ins) and ins[k].requires_grad for k in needers)


def _check_alive(node) -> None:
    if node.released:
        raise runtime(FREED)


def saved_value(node, attr: str):
    """node._saved_<attr>, or AttributeError as Python raises it."""
    name = node.name()
    table = SAVED.get(name)
    key = attr[len("_saved_"):]
    spec = None if table is None else table.get(key)
    if spec is None:
        if table is None:
            raise NotImplementedError(f"gradcli: grad_fn.{attr} of {name} is not available "
                                      f"(the _saved_ values are known for the common ops)")
        raise AttributeError(f"'{name}' object has no attribute '{attr}'")
    kind = spec[0]
    ins = node.inputs
    if kind == "in":
        if not _needed(node, spec[2]):
            return None
        _check_alive(node)
        return ins[spec[1]]
    if kind == "res":
        if not _needed(node, spec[1]):
            return None
        _check_alive(node)
        op = node.op
        data = op.forward(*[t.data for t in ins], **node.params)
        data = np.asarray(data, dtype=_result_dtype(ins))
        return Tensor(data, requires_grad=True, grad_fn=node)
    if kind == "scalar":
        return _python_number(ins[spec[1]].data)
    if kind == "param":
        value = node.params.get(spec[1], spec[2])
        return tuple(value) if isinstance(value, list) else value
    if kind == "reduction":
        return _REDUCTIONS[node.params.get(spec[1], "mean")]
    t = ins[spec[1]]
    if kind == "sizes":
        return tuple(int(s) for s in t.data.shape)
    if kind == "numel":
        return int(t.data.size)
    if kind == "strides":
        if not _needed(node, spec[2]):
            return ()
        item = t.data.itemsize
        return tuple(int(s) // item for s in t.data.strides)
    raise AssertionError(kind)


def _result_dtype(ins) -> np.dtype:
    for t in ins:
        if t.data.dtype.kind in "fc":
            return t.data.dtype
    return ins[0].data.dtype
