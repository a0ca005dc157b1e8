import torch
torch.manual_seed(10)
sample_nums = 100
mean_value = 1.7
bias = 5
n_data = torch.ones(sample_nums, 2)
x0 = torch.normal(mean_value * n_data, 1) + bias
y0 = torch.zeros(sample_nums)
x1 = torch.normal(-mean_value * n_data, 1) + bias
y1 = torch.ones(sample_nums)
train_x = torch.cat((x0, x1), 0)
train_y = torch.cat((y0, y1), 0)
print(train_x[:4])
print(train_x[100:103])
print(train_x.sum())
print(torch.normal(torch.zeros(3, 2), torch.ones(2) * 0.5))
print(torch.normal(2.0, torch.ones(5)))
print(torch.randn(17, dtype=torch.float64))
print(torch.randn(33)[-3:])
print(torch.rand(2, 2, dtype=torch.float64))
