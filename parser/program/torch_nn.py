"""torch.nn, torch.nn.functional, torch.nn.init, torch.optim(.lr_scheduler) and
torch.utils.data for `gradcli run`: the library's namespace dicts (engine/nn/namespace.py)
added to the facade modules. Module objects are built per run by modules.build; the
classes are shared (user classes subclass them, so nothing of a run is kept in them)."""

from ...engine.nn import namespace as ns
from ...engine.nn.clip_grad import clip_grad_norm_
from ...engine.nn.parameter import Parameter
from .modules import register

register("torch.nn", **{k: v for k, v in ns.NN.items() if v is not None})
register("torch.nn.functional", **ns.FUNCTIONAL_EXTRA)
register("torch.nn.init", **ns.INIT)
register("torch.optim", **ns.OPTIM)
register("torch.optim.lr_scheduler", **ns.LR_SCHEDULER)
register("torch.utils.data", **ns.UTILS_DATA)
register("torch.nn.parameter", Parameter=Parameter)
register("torch.nn.modules")
register("torch.nn.modules.module", **ns.MODULES_MODULE)
register("torch.nn.utils", clip_grad_norm_=clip_grad_norm_)
