import torch

a = torch.tensor([1., 2.], requires_grad=True)
b = torch.tensor([3., 4.], requires_grad=True)
c = torch.tensor([5., 6.])
y = (a * b + c).exp().sum()
print(y.grad_fn)
print(y.grad_fn.next_functions)
e = y.grad_fn.next_functions[0][0]
print(e, e.name(), e.next_functions)
add = e.next_functions[0][0]
print(add.next_functions)
mul = add.next_functions[0][0]
print(mul.next_functions)
acc = mul.next_functions[0][0]
print(acc, acc.name(), acc.next_functions, acc.variable is a)
print(a.grad_fn, c.grad_fn, (c * 2).grad_fn, a.is_leaf, c.is_leaf, (c * 2).is_leaf, (a * 2).is_leaf)
z = a * 2 + 1
print(z.grad_fn.next_functions, z.grad_fn.next_functions[0][0].next_functions)
w = a * c
print(w.grad_fn.next_functions)
s = torch.stack([a, b, c])
print(s.grad_fn, s.grad_fn.next_functions)
d = a.detach() * b
print(d.grad_fn.next_functions)
p = a.pow(2).sum()
print(p.grad_fn.name(), p.grad_fn.next_functions[0][0].name())
