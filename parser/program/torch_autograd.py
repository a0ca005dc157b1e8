"""torch.autograd's program surface beyond grad/backward: custom Functions
(engine/custom_function.py), registered into the facade modules (modules.py)."""

from ...engine import custom_function as cf
from ...engine import forward_ad as fwd
from ...engine import func_transforms as ft
from ...engine import functional_ad as fad
from .modules import register

register("torch.autograd", Function=cf.Function)
register("torch.autograd.function", Function=cf.Function, FunctionCtx=cf.BackwardNode,
         once_differentiable=cf.once_differentiable)
register("torch.autograd.functional", vjp=fad.vjp, jvp=fad.jvp, jacobian=fad.jacobian,
         hessian=fad.hessian, vhp=fad.vhp, hvp=fad.hvp)
register("torch.func", grad=ft.grad, grad_and_value=ft.grad_and_value, vjp=ft.vjp,
         jacrev=ft.jacrev, jacfwd=ft.jacfwd, hessian=ft.hessian, vmap=ft.vmap, jvp=ft.jvp)
register("torch", vmap=ft.vmap)
register("torch.autograd.forward_ad", dual_level=fwd.dual_level, make_dual=fwd.make_dual,
         unpack_dual=fwd.unpack_dual, enter_dual_level=fwd.enter_dual_level,
         exit_dual_level=fwd.exit_dual_level, UnpackedDualTensor=fwd.UnpackedDualTensor)
