# torch.func.vmap's randomness modes: error's message, 'same' (one draw for the batch) and
# 'different' (one (B, *shape) draw per op) with PyTorch's numbers after manual_seed

import torch
from torch.func import vmap
def attempt(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
x = torch.zeros(3, 2)
attempt(lambda: vmap(lambda r: r + torch.rand(2))(x))
attempt(lambda: vmap(lambda r: torch.nn.functional.dropout(r, 0.5))(x))
attempt(lambda: vmap(lambda r: r + torch.rand(2), randomness="bad"))
for mode in ["same", "different"]:
    torch.manual_seed(0)
    print(mode, vmap(lambda r: r + torch.rand(2), randomness=mode)(x))
    print(torch.rand(2))
    torch.manual_seed(0)
    print(mode, vmap(lambda r: r + torch.randn(2) + torch.rand(2) * 100, randomness=mode)(x))
    print(torch.randn(3))
    torch.manual_seed(0)
    print(mode, vmap(lambda r: r + torch.randn_like(r), randomness=mode)(torch.zeros(9, 2)))
    torch.manual_seed(1)
    print(mode, vmap(lambda r: torch.nn.functional.dropout(r + 1, 0.5), in_dims=1, randomness=mode)(torch.zeros(2, 3)))
    torch.manual_seed(2)
    print(mode, vmap(lambda r: r + torch.randint(0, 10, (2,)), randomness=mode)(x))
    torch.manual_seed(3)
    print(mode, vmap(lambda r: r + torch.normal(0.0, 2.0, (2,)), randomness=mode)(x))
    torch.manual_seed(4)
    attempt(lambda: vmap(lambda r: r + torch.empty(2).uniform_(-1, 1))(x))
    torch.manual_seed(5)
    print(mode, vmap(lambda r: torch.randn(5, dtype=torch.float64) * r.sum(), randomness=mode)(torch.ones(4, 2)))
print(torch.rand(1))
