"""SGD, Adam/AdamW, RMSprop, Adagrad: PyTorch's single-tensor (foreach=False) update
loops from torch/optim/*.py, operation for operation, on float arrays in place."""

import numpy as np

from ..tensor import Tensor
from . import kernels as K
from .optimizer import Optimizer, _grad


def _check(lr=0.0, eps=0.0, weight_decay=0.0, momentum=0.0):
    if lr < 0.0:
        raise ValueError(f"Invalid learning rate: {lr}")
    if eps < 0.0:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if momentum < 0.0:
        raise ValueError(f"Invalid momentum value: {momentum}")
    if weight_decay < 0.0:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


def _scalar_step():
    return Tensor(np.zeros((), dtype=np.float32))


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                 *, maximize=False, foreach=None, differentiable=False, fused=None):
        _check(lr=lr, momentum=momentum, weight_decay=weight_decay)
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize,
                    "foreach": foreach, "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def _step_group(self, group):
        self._check_unsupported(group, differentiable=True, fused=True)
        lr, momentum, wd = group["lr"], group["momentum"], group["weight_decay"]
        for p in group["params"]:
            if p.grad is None:
                continue
            grad = _grad(p, group["maximize"])
            if wd != 0:
                grad = K.add(grad, p.data, alpha=wd)
            if momentum != 0:
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = Tensor(np.array(grad, copy=True))
                    state["momentum_buffer"] = buf
                else:
                    K.add_(K.mul_(buf.data, momentum), grad, alpha=1 - group["dampening"])
                grad = K.add(grad, buf.data, alpha=momentum) if group["nesterov"] else buf.data
            K.add_(p.data, grad, alpha=-lr)


class Adam(Optimizer):
    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=None):
        _check(lr=lr, eps=eps, weight_decay=weight_decay)
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if decoupled_weight_decay is None:
            decoupled_weight_decay = self._decoupled
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                    "capturable": capturable, "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)

    def _step_group(self, group):
        self._check_unsupported(group, differentiable=True, fused=True, capturable=True)
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        wd, amsgrad = group["weight_decay"], group["amsgrad"]
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            if not state:
                state["step"] = _scalar_step()
                state["exp_avg"] = Tensor(np.zeros_like(p.data))
                state["exp_avg_sq"] = Tensor(np.zeros_like(p.data))
                if amsgrad:
                    state["max_exp_avg_sq"] = Tensor(np.zeros_like(p.data))
            grad = _grad(p, group["maximize"])
            exp_avg, exp_avg_sq = state["exp_avg"].data, state["exp_avg_sq"].data
            state["step"].data += np.float32(1)
            if wd != 0:
                if group["decoupled_weight_decay"]:
                    K.mul_(p.data, 1 - lr * wd)
                else:
                    grad = K.add(grad, p.data, alpha=wd)
            K.lerp_(exp_avg, grad, 1 - beta1)
            K.addcmul_(K.mul_(exp_avg_sq, beta2), grad, grad, value=1 - beta2)
            step = float(state["step"].data)
            bias_correction1 = 1 - beta1**step
            bias_correction2 = 1 - beta2**step
            step_size = lr / bias_correction1
            bias_correction2_sqrt = bias_correction2**0.5
            if amsgrad:
                mx = state["max_exp_avg_sq"].data
                np.maximum(mx, exp_avg_sq, out=mx)
                denom = K.add_scalar_(K.div_scalar(K.sqrt(mx), bias_correction2_sqrt), eps)
            else:
                denom = K.add_scalar_(K.div_scalar(K.sqrt(exp_avg_sq), bias_correction2_sqrt),
                                      eps)
            K.addcdiv_(p.data, exp_avg, denom, value=-step_size)


class AdamW(Adam):
    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)


class RMSprop(Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        _check(lr=lr, eps=eps, weight_decay=weight_decay, momentum=momentum)
        if alpha < 0.0:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay,
                    "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _step_group(self, group):
        self._check_unsupported(group, differentiable=True, capturable=True)
        lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
        wd, momentum = group["weight_decay"], group["momentum"]
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            if not state:
                state["step"] = _scalar_step()
                state["square_avg"] = Tensor(np.zeros_like(p.data))
                if momentum > 0:
                    state["momentum_buffer"] = Tensor(np.zeros_like(p.data))
                if group["centered"]:
                    state["grad_avg"] = Tensor(np.zeros_like(p.data))
            grad = _grad(p, group["maximize"])
            square_avg = state["square_avg"].data
            state["step"].data += np.float32(1)
            if wd != 0:
                grad = K.add(grad, p.data, alpha=wd)
            K.addcmul_(K.mul_(square_avg, alpha), grad, grad, value=1 - alpha)
            if group["centered"]:
                grad_avg = state["grad_avg"].data
                K.lerp_(grad_avg, grad, 1 - alpha)
                avg = K.sqrt(K.addcmul_(square_avg.copy(), grad_avg, grad_avg, value=-1))
            else:
                avg = K.sqrt(square_avg)
            K.add_scalar_(avg, eps)
            if momentum > 0:
                buf = state["momentum_buffer"].data
                K.addcdiv_(K.mul_(buf, momentum), grad, avg)
                K.add_(p.data, buf, alpha=-lr)
            else:
                K.addcdiv_(p.data, grad, avg, value=-lr)


class Adagrad(Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, foreach=None, *, maximize=False,
                 differentiable=False, fused=None):
        _check(lr=lr, eps=eps, weight_decay=weight_decay)
        if lr_decay < 0.0:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if initial_accumulator_value < 0.0:
            raise ValueError(f"Invalid initial_accumulator_value value: "
                             f"{initial_accumulator_value}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "fused": fused}
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = _scalar_step()
                state["sum"] = Tensor(np.full_like(p.data, initial_accumulator_value))

    def _step_group(self, group):
        self._check_unsupported(group, differentiable=True, fused=True)
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            state["step"].data += np.float32(1)
            step = float(state["step"].data)
            grad = _grad(p, group["maximize"])
            if group["weight_decay"] != 0:
                grad = K.add(grad, p.data, alpha=group["weight_decay"])
            clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
            state_sum = state["sum"].data
            K.addcmul_(state_sum, grad, grad, value=1)
            std = K.add_scalar_(K.sqrt(state_sum), group["eps"])
            K.addcdiv_(p.data, grad, std, value=-clr)
