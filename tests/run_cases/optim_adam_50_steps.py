import torch

# 50 Adam steps of a small least-squares fit; Adam's denominator takes torch's (MKL) sqrt
torch.manual_seed(0)
x = torch.randn(32, 3)
y = x @ torch.tensor([[1.5], [-2.0], [0.25]]) + 0.1 * torch.randn(32, 1)
model = torch.nn.Linear(3, 1)
opt = torch.optim.Adam(model.parameters(), lr=0.05, weight_decay=0.01)
for step in range(50):
    opt.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(step, loss.item())
        print(model.weight, model.bias)
opt2 = torch.optim.AdamW([model.weight], lr=0.01, amsgrad=True)
r = torch.optim.RMSprop([model.bias], lr=0.01, centered=True, momentum=0.5)
for step in range(50):
    opt2.zero_grad()
    r.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    opt2.step()
    r.step()
print(model.weight, model.bias)
print(opt2.state[model.weight]["max_exp_avg_sq"])
print(model.weight.tolist(), model.bias.tolist())
s = torch.rand(6) * 4
print(s.sqrt(), torch.sqrt(s.double()), s ** 0.5)
print(s.sqrt_())
