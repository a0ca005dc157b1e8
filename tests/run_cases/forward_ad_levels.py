# forward_ad's levels as PyTorch keeps them: one at a time, entered and exited in order,
# level= checked; make_dual / unpack_dual inside and outside a level
import torch
import torch.autograd.forward_ad as fwAD


def attempt(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)


x = torch.tensor([1.0, 2.0])
t = torch.tensor([0.5, -1.0])
attempt(lambda: fwAD.make_dual(x, t))
attempt(lambda: fwAD.make_dual(x, t, level=0))
attempt(lambda: fwAD.make_dual(x, t, level=1))
attempt(lambda: fwAD.make_dual(x, torch.ones(3), level=0))
p = fwAD.unpack_dual(x)
print(p, p.primal is x)
print(fwAD.unpack_dual(3.0))
with fwAD.dual_level() as level:
    print("level", level)
    attempt(lambda: fwAD.dual_level().__enter__())
    attempt(lambda: fwAD.enter_dual_level())
    d = fwAD.make_dual(x, t)
    attempt(lambda: fwAD.make_dual(d, t))
    attempt(lambda: fwAD.make_dual(x, d))
    attempt(lambda: fwAD.make_dual(x, t, level=1))
    attempt(lambda: fwAD.make_dual(3.0, t))
    attempt(lambda: fwAD.make_dual(torch.tensor([1, 2]), t))
    attempt(lambda: fwAD.unpack_dual(3.0))
    attempt(lambda: fwAD.unpack_dual(d * 2, level=1))
    print(fwAD.unpack_dual(d * 2))
    print(fwAD.unpack_dual(d, level=-1).primal is d)
    plain = fwAD.unpack_dual(x)
    print(plain, plain.primal is x, plain.primal._is_view(), plain.primal._base is x)
    w = torch.tensor([3.0], requires_grad=True)
    print(fwAD.unpack_dual(w))
    attempt(lambda: fwAD.exit_dual_level(level=1))
    attempt(lambda: fwAD.exit_dual_level(level=-1))
print(fwAD.unpack_dual(d))
attempt(lambda: fwAD.exit_dual_level())
attempt(lambda: fwAD.exit_dual_level(level=0))
print(fwAD.enter_dual_level())
attempt(lambda: fwAD.enter_dual_level())
attempt(lambda: fwAD.exit_dual_level(level=2))
print(fwAD.unpack_dual(fwAD.make_dual(x, t) * 3).tangent)
print(fwAD.exit_dual_level())
attempt(lambda: fwAD.exit_dual_level())


@fwAD.dual_level()
def tangent_of_cube(a, da):
    return fwAD.unpack_dual(fwAD.make_dual(a, da) ** 3).tangent


print(tangent_of_cube(x, t))
with fwAD.dual_level():
    attempt(lambda: torch.func.jvp(lambda a: a.sin(), (x,), (t,)))
print(torch.func.jvp(lambda a: a.sin(), (x,), (t,)))
with fwAD.dual_level():
    print(fwAD.unpack_dual(fwAD.make_dual(x, t).cos()))
