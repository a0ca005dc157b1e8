"""The parts of torch's Python surface that programs use around the op table: devices,
print options, grad-mode decorators and inference mode, the numpy bridge, Tensor.equal /
Tensor.round, `torch.Tensor` as a class for isinstance. Programs reach these through
parser/program/modules.py; only plain tensor functions are registered in api's tables."""

import functools

import numpy as np

from . import api, autograd, dtypes, grad_mode, torch_repr
from .errors import GradcliError, runtime, type_error, value_error
from .tensor import Tensor

VERSION = "2.13.0"


# ---------------------------------------------------------------- devices
class device:
    """torch.device: 'cpu' works; 'cuda' can be named but not used (a CPU build)."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        if not isinstance(type, str):
            raise type_error(f"device() received an invalid combination of arguments - got "
                             f"({api._type_name(type)})")
        if ":" in type:
            type, _, idx = type.partition(":")
            index = int(idx)
        if type not in ("cpu", "cuda", "mps", "meta"):
            raise runtime(f"Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, "
                          f"hip, ve, fpga, maia, xla, lazy, vulkan, mps, meta, hpu, mtia, "
                          f"privateuseone device type at start of device string: {type}")
        self.type = type
        self.index = index

    def __repr__(self):
        return (f"device(type='{self.type}')" if self.index is None else
                f"device(type='{self.type}', index={self.index})")

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))


CPU = device("cpu")


def _no_cuda():
    err = GradcliError("Torch not compiled with CUDA enabled", type_name="AssertionError")
    return err


def to(input, *args, **kwargs):
    """Tensor.to(dtype) / to(device) / to(device, dtype) / to(other) / to(..., non_blocking,
    copy): a CPU build moves nothing; a CUDA target is PyTorch's assertion."""
    dtype = kwargs.pop("dtype", None)
    dev = kwargs.pop("device", None)
    kwargs.pop("non_blocking", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise type_error(f"to() received an invalid combination of arguments - got an "
                         f"unexpected keyword argument '{next(iter(kwargs))}'")
    for a in args:
        if isinstance(a, Tensor):
            dtype = dtypes.dtype_object(a.data.dtype)
        elif isinstance(a, (device, str)) and not (isinstance(a, str) and
                                                   a.removeprefix("torch.") in
                                                   dtypes.TORCH_DTYPES):
            dev = a
        elif isinstance(a, bool):
            continue
        else:
            dtype = a
    if dev is not None and device(dev).type != "cpu":
        raise _no_cuda()
    out = api.METHODS["to"](input, dtype) if dtype is not None else input
    return api.METHODS["clone"](out) if copy and out is input else out


def cuda(input, *args, **kwargs):
    raise _no_cuda()


def device_attr(t):
    return CPU


class _Cuda:
    """torch.cuda on a machine without CUDA."""

    @staticmethod
    def is_available():
        return False

    @staticmethod
    def device_count():
        return 0

    @staticmethod
    def manual_seed(seed):
        return None

    manual_seed_all = manual_seed


cuda_module = {"is_available": _Cuda.is_available, "device_count": _Cuda.device_count,
               "manual_seed": _Cuda.manual_seed, "manual_seed_all": _Cuda.manual_seed_all}


# ---------------------------------------------------------------- printing options
_DEFAULTS = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80,
             "sci_mode": None}
_PROFILES = {"default": _DEFAULTS,
             "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
             "full": {"precision": 4, "threshold": float("inf"), "edgeitems": 3,
                      "linewidth": 80}}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """torch.set_printoptions: what torch_repr's module-level options become."""
    if profile is not None:
        for k, v in _PROFILES[profile].items():
            _set(k, v)
    for k, v in (("precision", precision), ("threshold", threshold),
                 ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if v is not None:
            _set(k, v)
    _set("sci_mode", sci_mode)  # torch: sci_mode=None restores automatic choice


def _set(key, value):
    setattr(torch_repr, key.upper(), value)


def reset_printoptions():
    for k, v in _DEFAULTS.items():
        _set(k, v)


# ---------------------------------------------------------------- grad modes
class _Decorating:
    """Grad-mode objects used as decorators (`@torch.no_grad()`)."""

    def __call__(self, fn):
        if not callable(fn):
            raise type_error(f"'{type(self).__name__}' object is not callable")
        mode = self._mode()

        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        return wrapped


class no_grad(_Decorating, grad_mode.no_grad):
    def _mode(self):
        return False


class enable_grad(_Decorating, grad_mode.enable_grad):
    def _mode(self):
        return True


class set_grad_enabled(_Decorating, grad_mode.set_grad_enabled):
    """Sets the mode when made (torch does too); as a decorator the mode applies per call."""

    def __init__(self, mode):
        super().__init__(mode)
        self.mode = bool(mode)

    def _mode(self):
        grad_mode._enabled[0] = self.prev  # the decorator form does not change the mode now
        return self.mode


class inference_mode(_Decorating, grad_mode.no_grad):
    """torch.inference_mode: no graph is recorded (gradcli has no inference tensors)."""

    _active = [False]

    def __init__(self, mode=True):
        self.mode = bool(mode)

    def __enter__(self):
        self.prev = grad_mode._enabled[0]
        self.prev_inference = inference_mode._active[0]
        grad_mode._enabled[0] = not self.mode and self.prev
        inference_mode._active[0] = self.mode
        return self

    def __exit__(self, *exc):
        grad_mode._enabled[0] = self.prev
        inference_mode._active[0] = self.prev_inference
        return False

    def _mode(self):
        return not self.mode


def is_inference_mode_enabled():
    return inference_mode._active[0]


# ---------------------------------------------------------------- numpy bridge
_NUMPY_KINDS = {"f", "i", "u", "b"}


def numpy(self, *, force=False):
    if self.requires_grad and not force:
        raise runtime("Can't call numpy() on Tensor that requires grad. Use "
                      "tensor.detach().numpy() instead.")
    return self.data


def from_numpy(ndarray):
    if not isinstance(ndarray, np.ndarray):
        raise type_error(f"expected np.ndarray (got {api._type_name(ndarray)})")
    if ndarray.dtype.kind not in _NUMPY_KINDS:
        raise type_error(f"can't convert np.ndarray of type numpy.{ndarray.dtype.name}. The "
                         f"only supported types are: float64, float32, float16, complex64, "
                         f"complex128, int64, int32, int16, int8, uint64, uint32, uint16, "
                         f"uint8, and bool.")
    return Tensor(ndarray)


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """torch.tensor, taking numpy arrays and numpy scalars as well as Python data."""
    if isinstance(data, (np.ndarray, np.generic)):
        arr = np.array(data, copy=True)
        if dtype is not None:
            arr = arr.astype(dtypes.as_dtype(dtype))
        data = Tensor(arr)
        if device is not None and globals()["device"](device).type != "cpu":
            raise _no_cuda()
        out = api.METHODS["clone"](data)
        return api.METHODS["requires_grad_"](out, requires_grad) if requires_grad else out
    return api.FUNCTIONS["tensor"](data, dtype=dtype, requires_grad=requires_grad)


def as_tensor(data, dtype=None, device=None):
    if isinstance(data, Tensor):
        return data if dtype is None else api.METHODS["to"](data, dtype)
    if isinstance(data, np.ndarray):
        t = from_numpy(data)
        return t if dtype is None else api.METHODS["to"](t, dtype)
    return tensor(data, dtype=dtype)


# ---------------------------------------------------------------- tensor functions
@api.torch_fn("equal", method="equal")
def equal(input, other):
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        bad = other if isinstance(input, Tensor) else input
        raise type_error(f"equal(): argument 'other' (position 2) must be Tensor, not "
                         f"{api._type_name(bad)}")
    return input.data.shape == other.data.shape and bool(np.all(input.data == other.data))


# torch.round / Tensor.round: the rows of engine/ops/elementwise_more.py (RoundBackward0/1)


def autograd_grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
                  only_inputs=True, allow_unused=None, is_grads_batched=False,
                  materialize_grads=False):
    """torch.autograd.grad with the arguments torch still accepts (only_inputs is ignored,
    as torch ignores it)."""
    if materialize_grads:
        if allow_unused is False:
            raise value_error("Expected allow_unused to be True or not passed when "
                              "materialize_grads=True, but got: allow_unused=False.")
        allow_unused = True
    if is_grads_batched:
        grads = _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph,
                              bool(allow_unused))
    else:
        grads = autograd.grad(outputs, inputs, grad_outputs, retain_graph, create_graph,
                              bool(allow_unused))
    if materialize_grads:
        ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        grads = tuple(api.FUNCTIONS["zeros_like"](i) if g is None else g
                      for g, i in zip(grads, ins, strict=True))
    return grads


def _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused):
    """is_grads_batched=True: the first dim of every grad_output is a batch; PyTorch vmaps
    the backward over it, which gives each slice's vector-Jacobian product, stacked. Here
    one backward per slice (the graph kept until the last)."""
    if create_graph:
        raise NotImplementedError("gradcli: autograd.grad(is_grads_batched=True, "
                                  "create_graph=True)")
    gos = [grad_outputs] if isinstance(grad_outputs, Tensor) else list(grad_outputs or ())
    if not gos or any(not isinstance(g, Tensor) or g.data.ndim == 0 for g in gos):
        raise runtime("If `is_grads_batched=True`, we interpret the first dimension of each "
                      "grad_output as the batch dimension. The sizes of the remaining "
                      "dimensions are expected to match the shape of corresponding output, "
                      "but a mismatch was detected")
    n = gos[0].data.shape[0]
    per_slice = []
    for i in range(n):
        keep = True if i < n - 1 else retain_graph
        per_slice.append(autograd.grad(outputs, inputs, [Tensor(g.data[i]) for g in gos],
                                       keep, False, allow_unused))
    return tuple(None if parts[0] is None else
                 Tensor(np.stack([p.data for p in parts]))
                 for parts in zip(*per_slice, strict=True))


class _TensorType(type):
    """torch.Tensor as programs use it: isinstance(x, torch.Tensor), and the legacy
    constructor torch.Tensor([1, 2])."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor)

    def __subclasscheck__(cls, sub):
        return isinstance(sub, type) and issubclass(sub, Tensor)

    def __call__(cls, *args, **kwargs):
        return cls._make(*args, **kwargs)

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


def tensor_class(name: str, make):
    return _TensorType(name, (), {"_make": staticmethod(make)})


# methods and attributes a program's tensors have besides api's tables
PROGRAM_METHODS = {"to": to, "cuda": cuda, "numpy": numpy}
PROGRAM_ATTRIBUTES = {"device": device_attr}
