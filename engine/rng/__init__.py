"""PyTorch's CPU random numbers, bit for bit, in numpy: the mt19937 generator
(generator.py), the distributions' transformations (distributions.py, avx_math.py) and
nn.init's draws (init.py). torch_functions.py registers the torch-facing names in api."""
