import torch

torch.manual_seed(1)
w = torch.randn(5, requires_grad=True)
opts = [torch.optim.SGD([w], lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01, nesterov=False, maximize=False)]
opt = opts[0]
for step in range(50):
    loss = ((w - 1.5) ** 2).sum() + (w ** 4).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
print(w)
v = torch.randn(4, requires_grad=True)
opt2 = torch.optim.RMSprop([v], lr=0.01, alpha=0.9, momentum=0.5, centered=True)
for step in range(50):
    loss = ((v * torch.arange(4.)) ** 2).sum()
    opt2.zero_grad()
    loss.backward()
    opt2.step()
print(v)
print(opt2)
