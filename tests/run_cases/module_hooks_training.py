import torch
import torch.nn as nn

torch.manual_seed(7)
model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
norms = []


def record(m, grad_input, grad_output):
    norms.append(round(grad_output[0].norm().item(), 4))


def clip(m, grad_output):
    return tuple(g.clamp(-0.1, 0.1) for g in grad_output)


model[2].register_full_backward_hook(record)
handle = model[0].register_full_backward_pre_hook(clip)
opt = torch.optim.SGD(model.parameters(), lr=0.5)
x = torch.randn(8, 2)
target = x.sum(dim=1, keepdim=True)
for step in range(4):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x), target)
    loss.backward()
    opt.step()
    print(step, f"{loss.item():.4f}")
    if step == 1:
        handle.remove()
print(norms)
print(model[0].weight)
