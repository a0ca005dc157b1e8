import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
x = torch.randn(3, 4, requires_grad=True)
y = torch.randn(3, 4, requires_grad=True)
z = torch.randn(3, 4, requires_grad=True)
t = torch.tensor([1., -1., 1.])
print(F.soft_margin_loss(x, torch.sign(y.detach())))
print(F.margin_ranking_loss(x[:, 0], y[:, 0], t, margin=0.2))
print(F.hinge_embedding_loss(x, torch.sign(y.detach()), margin=0.5, reduction='sum'))
print(F.poisson_nll_loss(x, y.detach().abs(), full=True))
print(F.gaussian_nll_loss(x, y, z.abs() + 0.1, full=True))
print(F.cosine_embedding_loss(x, y, t, margin=0.1))
loss = F.triplet_margin_loss(x, y, z, margin=0.5, p=1.5, swap=True)
print(loss)
loss.backward()
print(x.grad)
print(F.multi_margin_loss(x, torch.tensor([0, 3, 1]), p=2, margin=0.7, weight=torch.tensor([1., 2., 0.5, 1.]), reduction='none'))
print(F.multilabel_soft_margin_loss(x, (y > 0).float(), weight=torch.tensor([1., 2., 0.5, 1.])))
print(F.binary_cross_entropy(torch.sigmoid(x), (y > 0).float(), weight=torch.tensor([1., 2., 0.5, 1.])))
for m in [nn.SoftMarginLoss(), nn.MarginRankingLoss(margin=0.5), nn.TripletMarginLoss(swap=True),
          nn.MultiMarginLoss(p=2), nn.PoissonNLLLoss(full=True), nn.GaussianNLLLoss(),
          nn.CosineEmbeddingLoss(), nn.HingeEmbeddingLoss(), nn.MultiLabelSoftMarginLoss()]:
    print(m)
crit = nn.MultiMarginLoss(margin=0.5)
out = crit(x, torch.tensor([2, 0, 3]))
out.backward()
print(out, x.grad)
try:
    F.multi_margin_loss(x, torch.tensor([0, 1]))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.triplet_margin_loss(x, y, z[0])
except RuntimeError as e:
    print("RuntimeError:", e)
