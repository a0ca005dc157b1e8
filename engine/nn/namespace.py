"""What the program runner exposes, in one place: name -> object dicts for torch.nn,
torch.nn.functional (the layer functions added by api_nn; the runner's own list keeps
relu, sigmoid, ... from api.FUNCTIONS), torch.nn.init, torch.optim,
torch.optim.lr_scheduler and torch.utils.data."""

from .. import data
from .. import nn as _nn
from .. import optim as _optim
from ..torch_api import nn_functional as api_nn
from . import init as _init
from . import module as _module
from . import module_hooks as _module_hooks
from . import type_names

# torch.nn: the classes (Module, Parameter, layers, activations, losses)
NN = {name: getattr(_nn, name) for name in _nn.__all__}
NN["init"] = None  # the runner puts its torch.nn.init module object here (INIT's members)
NN["functional"] = None  # and torch.nn.functional's here

# torch.nn.functional members this library adds (linear, conv2d, max_pool2d, ...), and the
# full F as the library's own layers call it (including cross_entropy / nll_loss wrappers
# that refuse weight= / label_smoothing= rather than ignore them)
FUNCTIONAL_EXTRA = dict(api_nn.FUNCTIONAL)

INIT = dict(_init.INIT)

OPTIM = {"SGD": _optim.SGD, "Adam": _optim.Adam, "AdamW": _optim.AdamW,
         "RMSprop": _optim.RMSprop, "Adagrad": _optim.Adagrad, "Optimizer": _optim.Optimizer}

LR_SCHEDULER = {n: getattr(_optim.lr_scheduler, n) for n in (
    "LRScheduler", "LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR")}

UTILS_DATA = dict(data.UTILS_DATA)

# torch.nn.modules.module: Module and the module-global hooks
MODULES_MODULE = {"Module": _module.Module, **_module_hooks.GLOBAL_REGISTRATION}

# Types whose instances programs may hold; their attribute access is ordinary Python
# (user classes subclass Module), so a sandboxed runner should allow these classes'
# public attributes.
LIBRARY_TYPES = (_module.Module, _optim.Optimizer, _optim.lr_scheduler.LRScheduler,
                 data.Dataset, data.DataLoader)
type_names.apply(NN, OPTIM, LR_SCHEDULER)  # PyTorch's class names (`print(type(x))`)
