import torch
import torch.nn.functional as F

x = torch.tensor([[0.2, -1.3, 0.8], [1.1, 0.4, -0.6]], requires_grad=True)
t = torch.tensor([[1., 0., 1.], [0., 0., 1.]])
for name, loss in [("mse", F.mse_loss(x, t)), ("mse_sum", F.mse_loss(x, t, reduction='sum')), ("l1", F.l1_loss(x, t)), ("bce", F.binary_cross_entropy(torch.sigmoid(x), t)), ("ce", F.cross_entropy(x, torch.tensor([2, 0]))), ("nll", F.nll_loss(F.log_softmax(x, dim=1), torch.tensor([1, 2]))), ("softplus", F.softplus(x).sum()), ("gelu", F.gelu(x).sum()), ("leaky", F.leaky_relu(x, 0.2).sum())]:
    loss.backward()
    print(name, loss, x.grad)
    x.grad.zero_()
none = F.mse_loss(x, t, reduction='none')
print(none)
