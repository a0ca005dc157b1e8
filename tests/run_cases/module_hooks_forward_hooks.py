import torch
import torch.nn as nn


class Scale(nn.Module):
    def forward(self, x, factor=2.0):
        if factor < 0:
            raise ValueError("negative factor")
        return x * factor


s = Scale()
s.register_forward_pre_hook(lambda m, args, kwargs: (args, {"factor": kwargs.get("factor", 1.0) + 1}),
                            with_kwargs=True)
s.register_forward_hook(lambda m, args, kwargs, out: print("kw hook", kwargs, out), with_kwargs=True)
h = s.register_forward_hook(lambda m, args, out: print("always", out), always_call=True)
s.register_forward_pre_hook(lambda m, args: print("first pre", args), prepend=True)
x = torch.tensor([1.0, 3.0])
print(s(x, factor=1.0))
print(s(x))
try:
    s(x, factor=-5.0)
except ValueError as e:
    print("raised", e)
h.remove()
try:
    s(x, factor=-5.0)
except ValueError as e:
    print("raised again", e)
s2 = Scale()
s2.register_forward_pre_hook(lambda m, args, kwargs: 3, with_kwargs=True)
s2(x)
