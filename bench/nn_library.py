"""torch.nn / torch.optim library timings against PyTorch, in process (imports excluded):
the seed's logistic regression (200 samples, 100 SGD steps), the 60-minute-blitz net's
forward + backward, and a batch-64 MNIST-sized convolution layer (im2col + one matmul).

    python bench/nn_library.py        (needs torch installed, as the anchor)"""

import time

import numpy as np
import torch
from gradcli.engine import api, nn, optim
from gradcli.engine.tensor import Tensor
from gradcli.engine.torch_api.nn_functional import FUNCTIONAL as F


def best(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def logistic(mod, opt, squeeze, backward, x, y):
    class LR(mod.Module):
        def __init__(self):
            super().__init__()
            self.features = mod.Linear(2, 1)
            self.sigmoid = mod.Sigmoid()

        def forward(self, x):
            return self.sigmoid(self.features(x))

    def run():
        m = LR()
        loss_fn = mod.BCELoss()
        o = opt.SGD(m.parameters(), lr=0.01, momentum=0.9)
        for _ in range(100):
            backward(loss_fn(squeeze(m(x)), y))
            o.step()
            o.zero_grad()
    return run


def blitz(mod, Fm, view, backward, x, g):
    class Net(mod.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.conv2 = mod.Conv2d(1, 6, 3), mod.Conv2d(6, 16, 3)
            self.fc1, self.fc2 = mod.Linear(576, 120), mod.Linear(120, 84)
            self.fc3 = mod.Linear(84, 10)

        def forward(self, x):
            x = Fm["max_pool2d"](Fm["relu"](self.conv1(x)), (2, 2))
            x = view(Fm["max_pool2d"](Fm["relu"](self.conv2(x)), 2))
            return self.fc3(Fm["relu"](self.fc2(Fm["relu"](self.fc1(x)))))

    net = Net()

    def run():
        net.zero_grad()
        backward(net(x), g)
    return run


def conv(mod, backward, x):
    layer = mod.Conv2d(16, 32, 3, padding=1)

    def run():
        out = layer(x)
        backward(out, None)
    return run


def main():
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((200, 2)).astype(np.float32)
    ys = (rng.random(200) > 0.5).astype(np.float32)
    img = rng.standard_normal((1, 1, 32, 32)).astype(np.float32)
    gout = rng.standard_normal((1, 10)).astype(np.float32)
    batch = rng.standard_normal((64, 16, 28, 28)).astype(np.float32)
    tf = torch.nn.functional
    ob = api.METHODS["backward"]
    rows = [
        ("logistic regression, 100 SGD steps",
         logistic(nn, optim, api.FUNCTIONS["squeeze"], ob, Tensor(xs), Tensor(ys)),
         logistic(torch.nn, torch.optim, torch.squeeze, torch.Tensor.backward,
                  torch.tensor(xs), torch.tensor(ys))),
        ("blitz net forward + backward",
         blitz(nn, F, lambda t: api.reshape(t, -1, 576), ob, Tensor(img), Tensor(gout)),
         blitz(torch.nn, {"max_pool2d": tf.max_pool2d, "relu": tf.relu},
               lambda t: t.view(-1, 576), torch.Tensor.backward, torch.tensor(img),
               torch.tensor(gout))),
        ("Conv2d(16, 32, 3) on 64x16x28x28, forward + backward",
         conv(nn, lambda o, g: ob(api.FUNCTIONS["sum"](o)), Tensor(batch, requires_grad=True)),
         conv(torch.nn, lambda o, g: o.sum().backward(), torch.tensor(batch,
                                                                      requires_grad=True))),
    ]
    for name, ours, theirs in rows:
        a, b = best(ours), best(theirs)
        print(f"{name:55s} gradcli {a * 1e3:8.2f} ms   torch {b * 1e3:8.2f} ms   "
              f"ratio {a / b:5.2f}")


if __name__ == "__main__":
    main()
