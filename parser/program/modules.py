"""The import allowlist: what `import X` may bind in a program, each a facade module
holding only the names listed here. torch and its submodules are gradcli's own
implementation (runtime.modules() plus engine/torch_extras.py); the standard-library
modules are allowlists of their pure-computation names (no `typing.get_type_hints`, whose
string evaluation would run unrestricted code); numpy is its computing surface without
files, ctypes or raw memory; matplotlib.pyplot is a recorder (pyplot.py): it draws nothing itself.

Other code adds to a torch namespace with `register("torch.nn", Module=...)` (at import
time of its own module); every run builds fresh module objects from these tables."""

import builtins
import collections
import dataclasses
import functools
import itertools
import math
import random
import types
import typing

import numpy as np

from ...engine import api, dtypes, grad_mode, torch_extras
from ..runtime import modules as runtime_modules
from .pyplot import Recorder

# module name -> extra members other code registers (torch.nn.Module, torch.optim.SGD, ...)
REGISTERED: dict = {}
TORCH_MODULES = ("torch", "torch.nn", "torch.nn.functional", "torch.nn.init", "torch.optim",
                 "torch.optim.lr_scheduler", "torch.autograd", "torch.autograd.functional",
                 "torch.utils", "torch.utils.data", "torch.cuda", "torch.backends",
                 "torch.nn.parameter")


def register(module: str, **members) -> None:
    REGISTERED.setdefault(module, {}).update(members)


def _pick(module, names):
    return {n: getattr(module, n) for n in names.split() if hasattr(module, n)}


def _public(module):
    return {n: v for n, v in vars(module).items()
            if not n.startswith("_") and not isinstance(v, types.ModuleType)}


STDLIB = {
    "math": lambda: _public(math),
    "itertools": lambda: _public(itertools),
    "random": lambda: _pick(random, "random seed randint uniform choice choices shuffle "
                                    "sample gauss normalvariate randrange getrandbits "
                                    "expovariate betavariate triangular Random"),
    "functools": lambda: _pick(functools, "reduce partial partialmethod lru_cache cache "
                                          "wraps update_wrapper cmp_to_key total_ordering "
                                          "cached_property singledispatch"),
    "collections": lambda: _pick(collections, "OrderedDict defaultdict Counter deque "
                                              "namedtuple ChainMap"),
    "typing": lambda: _pick(typing, "Any Callable Dict List Tuple Set FrozenSet Optional "
                                    "Union Iterable Iterator Sequence Mapping "
                                    "MutableMapping NamedTuple TypeVar Generic cast "
                                    "overload Literal Type"),
    "dataclasses": lambda: _pick(dataclasses, "dataclass field fields asdict astuple "
                                              "replace is_dataclass FrozenInstanceError"),
}

_NUMPY = (
    "array asarray zeros ones empty full arange linspace logspace eye identity zeros_like "
    "ones_like empty_like full_like diag meshgrid copy "
    "sin cos tan arcsin arccos arctan arctan2 sinh cosh tanh exp exp2 expm1 log log2 log10 "
    "log1p sqrt square abs absolute sign floor ceil round around rint trunc clip maximum "
    "minimum fmax fmin power add subtract multiply divide true_divide floor_divide mod "
    "remainder negative reciprocal hypot isnan isinf isfinite nan_to_num "
    "sum prod mean std var min max amin amax argmin argmax argsort sort cumsum cumprod "
    "median percentile quantile average all any count_nonzero nonzero where unique "
    "dot vdot matmul inner outer tensordot einsum cross trace transpose reshape ravel "
    "squeeze expand_dims concatenate stack vstack hstack column_stack split array_split "
    "tile repeat flip roll swapaxes moveaxis broadcast_to atleast_1d atleast_2d "
    "allclose isclose array_equal greater less equal not_equal greater_equal less_equal "
    "logical_and logical_or logical_not logical_xor shape size ndim "
    "set_printoptions get_printoptions printoptions array2string array_repr array_str "
    "float16 float32 float64 int8 int16 int32 int64 uint8 bool_ complex64 complex128 "
    "ndarray dtype newaxis pi e inf nan finfo iinfo histogram digitize bincount interp "
    "polyfit polyval convolve diff gradient linalg random")
_NUMPY_LINALG = "norm inv det solve eig eigh eigvals eigvalsh svd qr cholesky pinv " \
                "matrix_rank lstsq matrix_power slogdet"
_NUMPY_RANDOM = "seed rand randn randint random normal uniform choice shuffle permutation " \
                "standard_normal binomial poisson exponential beta gamma default_rng " \
                "RandomState"

def _module(name, members, made):
    mod = types.ModuleType(name)
    mod.__dict__.update(members)
    made[name] = mod
    return mod


def build(pyplot=None) -> dict:
    """Fresh facade modules for one run: {'torch': module, 'torch.nn': module, ...};
    `matplotlib.pyplot` is `pyplot` (a pyplot.Recorder: with --plots it keeps the figures),
    or a recorder that only answers the calls."""
    made: dict = {}
    base = runtime_modules()
    extras = {
        "torch": {
            "__version__": torch_extras.VERSION, "device": torch_extras.device,
            "set_printoptions": torch_extras.set_printoptions,
            "no_grad": torch_extras.no_grad, "enable_grad": torch_extras.enable_grad,
            "set_grad_enabled": torch_extras.set_grad_enabled,
            "inference_mode": torch_extras.inference_mode,
            "is_inference_mode_enabled": torch_extras.is_inference_mode_enabled,
            "is_grad_enabled": grad_mode.is_enabled,
            "from_numpy": torch_extras.from_numpy, "as_tensor": torch_extras.as_tensor,
            "tensor": torch_extras.tensor,
            "Tensor": torch_extras.tensor_class("Tensor", api.FUNCTIONS["Tensor"]),
            "FloatTensor": torch_extras.tensor_class("FloatTensor", api.FUNCTIONS["Tensor"]),
            "DoubleTensor": torch_extras.tensor_class("DoubleTensor",
                                                      api.FUNCTIONS["DoubleTensor"]),
            "LongTensor": torch_extras.tensor_class("LongTensor", api.FUNCTIONS["LongTensor"]),
            "BoolTensor": torch_extras.tensor_class("BoolTensor", api.FUNCTIONS["BoolTensor"]),
            "dtype": dtypes.DType,
            "get_default_dtype": lambda: dtypes.dtype_object(dtypes.default_float()),
        },
        "torch.autograd": {"grad": torch_extras.autograd_grad},
        "torch.cuda": dict(torch_extras.cuda_module),
    }
    for name in sorted(set(TORCH_MODULES) | set(base) | set(REGISTERED),
                       key=lambda n: n.count(".")):
        members = dict(base[name].members) if name in base else {}
        members.update(extras.get(name, {}))
        members.update(REGISTERED.get(name, {}))
        members = {k: v for k, v in members.items() if "." not in k}
        mod = _module(name, members, made)
        parent, _, child = name.rpartition(".")
        if parent:
            made[parent].__dict__[child] = mod  # torch.nn is torch's attribute nn
    for name, members in STDLIB.items():
        _module(name, members(), made)
    np_mod = _module("numpy", _pick(np, _NUMPY.replace("linalg", "").replace("random", "")),
                     made)
    np_mod.linalg = _module("numpy.linalg", _pick(np.linalg, _NUMPY_LINALG), made)
    np_mod.random = _module("numpy.random", _pick(np.random, _NUMPY_RANDOM), made)
    plt = pyplot if pyplot is not None else Recorder(enabled=False)
    made["matplotlib.pyplot"] = plt
    made["matplotlib"] = plt.matplotlib_module()
    return made


class Importer:
    """The program's `__import__`: facade modules only, anything else ImportError."""

    def __init__(self, made: dict):
        self.made = made

    def __call__(self, name, globals=None, locals=None, fromlist=(), level=0):
        if type(fromlist) is list:
            # not an import statement (those pass a tuple or None) but CPython's C-level
            # import, made by library code (numpy's lazy imports) while a program's frame
            # is the innermost Python frame; the module goes to that library code only
            return builtins.__import__(name, globals, locals, fromlist, level)
        if level:
            raise ImportError("attempted relative import with no known parent package")
        mod = self.made.get(name)
        if mod is None:
            err = ImportError(f"gradcli runs without module '{name}'")
            err.name = name
            raise err
        if fromlist:
            return mod
        return self.made[name.partition(".")[0]]
