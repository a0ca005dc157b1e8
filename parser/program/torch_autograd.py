"""torch.autograd's program surface beyond grad/backward: custom Functions
(engine/custom_function.py), registered into the facade modules (modules.py)."""

from ...engine import custom_function as cf
from .modules import register

register("torch.autograd", Function=cf.Function)
register("torch.autograd.function", Function=cf.Function, FunctionCtx=cf.BackwardNode,
         once_differentiable=cf.once_differentiable)
