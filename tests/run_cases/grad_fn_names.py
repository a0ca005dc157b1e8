import torch
import torch.nn.functional as F

a = torch.tensor([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]], requires_grad=True)
b = torch.tensor([[1.0, 2.0, 0.5], [0.3, -0.2, 1.5]], requires_grad=True)
v = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
for y in [a + b, a + 2, 2 + a, a - b, a - 2, 2 - a, a * b, 2 * a, a / b, a / 2, 2 / a, -a, a ** 2, a.pow(2), a.square(), a.abs() ** b, 2 ** a]:
    print(y.grad_fn.name(), y.grad_fn)
for y in [torch.exp(a), torch.log(a.abs()), torch.log1p(a.abs()), torch.sqrt(a.abs()), torch.rsqrt(a.abs()), torch.abs(a), abs(a), torch.sign(a), torch.sin(a), torch.cos(a), torch.tan(a), torch.atan(a), torch.asin(a / 3), torch.tanh(a), torch.sigmoid(a), torch.relu(a), F.leaky_relu(a, negative_slope=0.1), F.softplus(a), F.gelu(a)]:
    print(y.grad_fn.name())
for y in [torch.clamp(a, min=-1, max=1), a.clamp(min=0), torch.maximum(a, b), torch.minimum(a, b), torch.where(a > 0, a, b)]:
    print(y.grad_fn.name())
for y in [a.sum(), a.sum(dim=1), a.sum(0, keepdim=True), a.sum(dim=(0, 1)), a.mean(), a.mean(dim=0), a.prod(), a.max(), a.min(), a.norm(), a.var(), a.std(), torch.logsumexp(a, dim=1), torch.cumsum(a, dim=0), torch.softmax(a, dim=1), F.log_softmax(a, dim=1)]:
    print(y.grad_fn.name())
print(a.max(dim=1)[0].grad_fn.name(), a.min(dim=1)[0].grad_fn.name())
t = torch.tensor([[1., 0., 1.], [0., 1., 0.]])
print(F.mse_loss(a, t).grad_fn.name(), F.mse_loss(a, t, reduction='sum').grad_fn.name(), F.l1_loss(a, t).grad_fn.name())
print(F.binary_cross_entropy(torch.sigmoid(a), t).grad_fn.name(), F.cross_entropy(a, torch.tensor([0, 2])).grad_fn.name(), F.nll_loss(F.log_softmax(a, dim=1), torch.tensor([1, 0])).grad_fn.name())
for y in [a.t(), a.T, a.transpose(0, 1), a.view(6), a.view(-1, 2), a.reshape(3, 2), a.flatten(), a.unsqueeze(0), a.unsqueeze(0).squeeze(0), a.unsqueeze(0).squeeze(), a[0].expand(2, 3), torch.cat([a, b], dim=0), torch.stack([a, b], dim=0), a[0], a[:, 1], a[0, 1], a[0:1], a[1:, :1], a.clone()]:
    print(y.grad_fn.name())
u, w = a
print(u.grad_fn, w.grad_fn, a.double().grad_fn, a.double().float().grad_fn, a.detach().grad_fn)
print(torch.mm(a, b.t()).grad_fn, torch.mv(a, v).grad_fn, torch.dot(v, v).grad_fn, (a @ b.t()).grad_fn, (a @ v).grad_fn, (v @ v).grad_fn)
