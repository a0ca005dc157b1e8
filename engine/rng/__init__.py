"""PyTorch's CPU random numbers, bit for bit, in numpy: the mt19937 generator
(generator.py) and the distributions' transformations (distributions.py, avx_math.py).
torch_functions.py registers the torch-facing names in api (nn.init draws through them:
engine/nn/init.py)."""
