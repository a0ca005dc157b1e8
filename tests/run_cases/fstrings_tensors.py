import torch

x = torch.tensor([1.25, -3.5], requires_grad=True)
y = (x ** 2).sum()
y.backward()
print(f"y = {y}")
print(f"y = {y:.3f}, item = {y.item():8.2f}, grad = {x.grad}")
print(f"{x[0]:+.1e} {x.shape} {x.dtype} {y.grad_fn}")
print(f"{y!r} {x.grad!s}")
print("loss {:.4f} at {}".format(y, x.detach()))
print("{0} and {0:.1f} and {name}".format(y, name=x.requires_grad))
print("%.3f" % y.item(), "%s" % x.grad)
for i, v in enumerate(x):
    print(f"x[{i}] = {v:.2f}")
print(f"{'left':<8}|{'right':>8}|{3.14159:^10.2f}|")
