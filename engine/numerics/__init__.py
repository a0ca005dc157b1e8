"""Numbers as PyTorch 2.13's CPU kernels compute them: linspace/arange (ranges), the float32
cascade sum (reduce_sum), float32 elementwise forwards and backwards (unary), each chosen by
measurement against torch (tests/test_numerics_torch.py, bench/numerics.py)."""
