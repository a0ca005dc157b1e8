# torch.func.vmap over pytrees: inputs, in_dims and out_dims nested in tuples, lists and
# dicts, with PyTorch's results and its TreeSpec errors
import torch
from torch.func import vmap


def attempt(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)


x = torch.arange(6.).reshape(2, 3)
y = torch.ones(2, 3)
attempt(lambda: vmap(lambda t: t[0] * t[1])((x, y)))
attempt(lambda: vmap(lambda t: t[0] * t[1], in_dims=((0, None),))((x, y[0])))
attempt(lambda: vmap(lambda d: d['a'] + d['b'])({'a': x, 'b': y}))
attempt(lambda: vmap(lambda d: d['a'] + d['b'], in_dims=({'b': 1, 'a': 0},))({'a': x, 'b': y.T}))
attempt(lambda: vmap(lambda t: t[0] * t[1], in_dims=((0, None, 0),))((x, y)))
attempt(lambda: vmap(lambda t: t[0] * t[1], in_dims=(0, 0))((x, y)))
attempt(lambda: vmap(lambda t: t[0] * t[1], in_dims=[0])((x, y)))
attempt(lambda: vmap(lambda a, b: (a, [b, a * 2]), out_dims=(0, [1, 0]))(x, y))
attempt(lambda: vmap(lambda a, b: {'p': a, 'q': b.sum()})(x, y))
attempt(lambda: vmap(lambda a, b: (a, [b, a * 2]), out_dims=(0, 1, 2))(x, y))
attempt(lambda: vmap(lambda a, b: (a, b), out_dims=[0, 1])(x, y))
attempt(lambda: vmap(lambda a: (a, 3))(x))
attempt(lambda: vmap(lambda a: (a, 3), out_dims=(0, None))(x))
attempt(lambda: vmap(lambda t: t[0], in_dims=({'a': 0},))((x, y)))
attempt(lambda: vmap(lambda t: t[0], in_dims=((0, 'a'),))((x, y)))
attempt(lambda: vmap(lambda t: t[0], in_dims=(0.5,))((x, y)))
attempt(lambda: vmap(lambda t: t, in_dims=((0, 2),))((x, y)))
attempt(lambda: vmap(lambda t: t, in_dims=((0, 0),))((x, y[:1])))
attempt(lambda: vmap(lambda t: t)([x, 3]))
attempt(lambda: vmap(lambda t: t, in_dims=([0, None],))([x, 3]))
attempt(lambda: vmap(lambda a, b: a, in_dims=(None, 0, 0))(x, y))
attempt(lambda: vmap(lambda a, b: a, in_dims=(None, None))(x, y))
attempt(lambda: vmap(lambda d: d['a'], in_dims=({'c': 0, 'a': 0},))({'a': x, 'b': y}))
attempt(lambda: vmap(lambda t: t[0], in_dims=((0, None),))([x, y]))
attempt(lambda: vmap(lambda t: t, out_dims=((0, 'a'),))(x))
attempt(lambda: vmap(lambda t: t, out_dims=[0])(x))
attempt(lambda: vmap(lambda t: (t, t), out_dims=(0, None))(x))
attempt(lambda: vmap(lambda t: (t, y), out_dims=(0, None))(x))
attempt(lambda: vmap(lambda t: (t, [t]), out_dims=(0, (1,)))(x))
attempt(lambda: vmap(lambda t: t, out_dims=(0, 1))(x))
attempt(lambda: vmap(lambda t: t, out_dims=(1,))(x))
attempt(lambda: vmap(lambda: 1)())
attempt(lambda: vmap(lambda a, k: a * k)(x, k=3))
attempt(lambda: vmap(lambda t: [t[0] + t[1]['w']])((x, {'w': y})))
attempt(lambda: vmap(vmap(lambda a, b: a * b, in_dims=(0, None)), in_dims=(None, 0))(x[0], y))
