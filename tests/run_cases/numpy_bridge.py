import numpy as np
import torch

a = np.array([[1.0, 2.0], [3.0, 4.0]])
t = torch.from_numpy(a)
print(a)
print(t)
print(t.dtype, a.dtype, a.shape)
x = torch.tensor([1.5, 2.5], requires_grad=True)
n = x.detach().numpy()
print(n, type(n).__name__, n.sum(), n.mean())
try:
    x.numpy()
except RuntimeError as e:
    print(e)
b = torch.as_tensor([1, 2, 3])
print(b, torch.as_tensor(np.arange(3)), torch.tensor(np.float32(2.5)))
print(np.zeros(3), np.linspace(0, 1, 5), np.sqrt(np.array([4.0, 9.0])))
print(np.dot(a, a), np.linalg.norm(np.array([3.0, 4.0])), a.T)
z = torch.ones(2, 2).numpy()
z[0, 0] = 5
print(z)
