"""backward and torch.autograd, queries (item, size, numel, ...), tensor attributes and
setters, what programs may read of grad_fn nodes."""



from .. import autograd, dtypes, hooks, views
from ..autograd import plain_backward
from ..errors import runtime
from ..ops import surface
from ..tensor import AccumulateGrad, Node, Tensor
from .args import Size, _dim, _tensor
from .indexing import set_requires_grad
from .registry import ATTRIBUTES, FUNCTIONS, METHODS, NN_FUNCTIONS, SETTERS, tensor_method, torch_fn


# ---------------------------------------------------------------- autograd and queries
@tensor_method("backward")
def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    # a training step's `loss.backward()`: the plain walk (its scalar chain) when it can
    if gradient is None and not create_graph and inputs is None \
            and (retain_graph is None or type(retain_graph) is bool) \
            and plain_backward(self, retain_graph):
        return
    autograd.run_backward([self], [gradient], retain_graph=retain_graph, create_graph=create_graph)


FUNCTIONS["autograd.grad"] = autograd.grad
METHODS["register_hook"] = hooks.register_hook
METHODS["register_post_accumulate_grad_hook"] = hooks.register_post_accumulate_grad_hook


@torch_fn("autograd.backward")
def autograd_backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
                      inputs=None):
    ts = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if grad_tensors is None:
        gs = [None] * len(ts)
    else:
        gs = [grad_tensors] if isinstance(grad_tensors, Tensor) else list(grad_tensors)
    autograd.run_backward(ts, gs, retain_graph=retain_graph, create_graph=create_graph)


@tensor_method("item")
def item(self):
    if self.data.size != 1:
        raise runtime(f"a Tensor with {self.data.size} elements cannot be converted to Scalar")
    return self.data.reshape(()).item()


@tensor_method("tolist")
def tolist(self):
    return self.data.tolist()


@tensor_method("size")
def size(self, dim=None):
    if dim is None:
        return Size(self.data.shape)
    return self.data.shape[_dim(dim, self.data.ndim)]


@tensor_method("dim", "ndimension")
def dim_(self):
    return self.data.ndim


@tensor_method("numel", "nelement")
def numel(self):
    return int(self.data.size)


@torch_fn("numel")
def numel_fn(input):
    return numel(_tensor(input, "numel"))


@tensor_method("is_floating_point")
def is_floating_point(self):
    return self.data.dtype.kind == "f"


@torch_fn("is_tensor")
def is_tensor(obj):
    return isinstance(obj, Tensor)


def _grad_fn(t: Tensor):
    if t._base is not None:  # a view whose base changed in place: AsStridedBackward0
        views.refresh_view(t)
    return t.grad_fn


ATTRIBUTES.update({
    "grad": lambda t: t.grad,
    "data": lambda t: Tensor(t.data),
    "is_leaf": lambda t: t.grad_fn is None,
    "requires_grad": lambda t: t.requires_grad,
    "grad_fn": lambda t: _grad_fn(t),
    "shape": lambda t: Size(t.data.shape),
    "dtype": lambda t: dtypes.dtype_object(t.data.dtype),
    "ndim": lambda t: t.data.ndim,
    "device": lambda t: "cpu",
    "retains_grad": lambda t: t.retains_grad,
})


def _set_grad(t: Tensor, value) -> None:
    if value is not None:
        _tensor(value, "grad", "value")
        if value.data.shape != t.data.shape:
            raise runtime("assigned grad has data of a different size")
    t.grad = value


def _set_data(t: Tensor, value) -> None:
    t.data = _tensor(value, "data", "value").data


SETTERS.update({"grad": _set_grad, "requires_grad": set_requires_grad, "data": _set_data})

# grad_fn objects: what programs may read of them
NODE_ATTRIBUTES = {
    "next_functions": lambda n: n.next_functions,
    "variable": lambda n: n.variable if isinstance(n, AccumulateGrad) else None,
}
# torch names the C++ class of a leaf's grad accumulator in full
# PyTorch's hand-written C++ nodes name themselves with their namespace (the generated
# ones do not): AccumulateGrad, CopySlices, NotImplemented, DelayedError
_QUALIFIED = frozenset({"AccumulateGrad", "CopySlices", "NotImplemented", "DelayedError"})
NODE_METHODS = {"name": lambda n: (f"torch::autograd::{n.name()}" if n.name() in _QUALIFIED
                                   else n.name())}
NODE_TYPES = (Node, AccumulateGrad)


# torch.nn.functional names that rows declare but a hand-written wrapper above serves
for _n in surface.nn_names():
    if _n not in NN_FUNCTIONS:
        NN_FUNCTIONS[_n] = FUNCTIONS[_n]
