"""The `device=` / `layout=` arguments of the factories, checked as a CPU build of PyTorch
checks them: a CPU device passes, an accelerator is PyTorch's error, any other value its
TypeError. Accepting and dropping them would let `device=0` give a CPU result where
PyTorch raises (issue 18's rule)."""

from .. import dtypes
from ..errors import GradcliError, runtime, type_error

_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
          "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
          "privateuseone")


def _name(x) -> str:
    if isinstance(x, dtypes.DType):
        return "torch.dtype"
    return {bool: "bool", int: "int", float: "float", str: "str", list: "list",
            tuple: "tuple"}.get(type(x), type(x).__name__)


def _no_accelerator(kind: str):
    if kind == "cuda":
        return GradcliError("Torch not compiled with CUDA enabled", type_name="AssertionError")
    return NotImplementedError(f"gradcli: device '{kind}' (a CPU build computes on cpu only)")


def check_device(fname: str, device) -> None:
    """None, 'cpu', 'cpu:N' and torch.device('cpu') pass; anything else raises."""
    if device is None:
        return
    if isinstance(device, int) and not isinstance(device, bool):
        if device < 0:
            raise runtime("Device index must not be negative")
        raise runtime("Cannot access accelerator device when none is available.")
    if isinstance(device, str):
        kind = device.partition(":")[0]
        if kind not in _TYPES:
            raise runtime(f"Expected one of {', '.join(_TYPES)} device type at start of device "
                          f"string: {kind}")
    elif type(device).__qualname__ == "device" and hasattr(device, "type"):  # torch.device
        kind = device.type
    else:
        raise type_error(f"{fname}(): argument 'device' must be torch.device, not "
                         f"{_name(device)}")
    if kind != "cpu":
        raise _no_accelerator(kind)


def check_layout(fname: str, layout) -> None:
    """Only the dense layout (torch.strided, or None) exists here."""
    if layout is None or getattr(layout, "__name__", repr(layout)) in ("torch.strided", "strided"):
        return
    raise type_error(f"{fname}(): argument 'layout' must be torch.layout, not {_name(layout)}")
