"""Tensor's device flags as a CPU-only PyTorch gives them (`x.is_cuda` in tutorials'
device checks): every gradcli tensor lives on the CPU, dense and unquantized."""

from .registry import ATTRIBUTES

ATTRIBUTES.update({"is_cuda": lambda t: False, "is_cpu": lambda t: True,
                   "is_sparse": lambda t: False, "is_quantized": lambda t: False,
                   "is_meta": lambda t: False, "is_mps": lambda t: False})
