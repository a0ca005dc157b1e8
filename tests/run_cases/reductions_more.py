import torch

x = torch.tensor([[1., 5., 3.], [4., 2., 6.]], requires_grad=True)
for y in [x.prod(), x.norm(), x.var(), x.std(), x.var(dim=1).sum(), x.std(dim=0).sum(), torch.logsumexp(x, dim=1).sum(), torch.cumsum(x, dim=1).sum(), x.softmax(1)[:, 0].sum(), x.min(), x.mean(1, keepdim=True).sum(), x.sum(dim=(0, 1)), x.max(dim=0)[0].sum(), x.min(dim=1, keepdim=True)[0].sum()]:
    y.backward()
    print(y, x.grad)
    x.grad = None
v, i = x.min(dim=0)
print(v, i, x.argmax(), x.argmin(dim=1), torch.max(x, 1))
