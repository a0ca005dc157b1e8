"""The classes' names as PyTorch's: `print(type(x))` is `<class 'torch.Tensor'>`,
`type(nn.Linear(1, 1))` is `<class 'torch.nn.modules.linear.Linear'>`, and Python's own
messages name C types by their full tp_name (`'torch.Size' object has no attribute
'dtype'`). gradcli's classes live in its own modules; this sets their __module__ (and, for
torch's C types, __name__ to the tp_name, __qualname__ staying the short name that
`<class '...'>` uses). tests/test_type_names_torch.py holds the table to torch's."""

from .. import data, dtypes, torch_extras
from ..rng import generator
from ..tensor import Tensor
from ..torch_api.args import Size

# torch.nn's classes by the file of torch/nn/modules/ that defines them
_NN_FILES = {
    "activation": "ELU GELU GLU Hardtanh LeakyReLU LogSigmoid LogSoftmax PReLU RReLU ReLU ReLU6 "
                  "SELU SiLU Sigmoid Softmax Softplus Tanh",
    "batchnorm": "BatchNorm1d BatchNorm2d",
    "container": "ModuleDict ModuleList Sequential",
    "conv": "Conv1d Conv2d ConvTranspose1d ConvTranspose2d",
    "distance": "CosineSimilarity PairwiseDistance",
    "dropout": "Dropout",
    "flatten": "Flatten Unflatten",
    "fold": "Unfold",
    "instancenorm": "InstanceNorm1d InstanceNorm2d",
    "linear": "Bilinear Identity Linear",
    "loss": "BCELoss BCEWithLogitsLoss CosineEmbeddingLoss CrossEntropyLoss GaussianNLLLoss "
            "HingeEmbeddingLoss HuberLoss KLDivLoss L1Loss MSELoss MarginRankingLoss "
            "MultiLabelSoftMarginLoss MultiMarginLoss NLLLoss PoissonNLLLoss SmoothL1Loss "
            "SoftMarginLoss TripletMarginLoss",
    "module": "Module",
    "normalization": "GroupNorm LayerNorm",
    "pixelshuffle": "PixelShuffle PixelUnshuffle",
    "pooling": "AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveMaxPool2d AvgPool1d AvgPool2d "
               "MaxPool1d MaxPool2d",
    "rnn": "GRU LSTM RNN",
    "sparse": "Embedding",
    "upsampling": "Upsample UpsamplingBilinear2d UpsamplingNearest2d",
}
_OPTIM_FILES = {"SGD": "sgd", "Adam": "adam", "AdamW": "adamw", "RMSprop": "rmsprop",
                "Adagrad": "adagrad", "Optimizer": "optimizer"}
_DATA_FILES = {"Dataset": "dataset", "TensorDataset": "dataset", "DataLoader": "dataloader"}


def torch_modules(nn: dict, optim: dict, lr_scheduler: dict) -> dict:
    """class -> the torch module that defines it, from engine/nn/namespace.py's dicts of
    torch.nn, torch.optim and torch.optim.lr_scheduler (passed in: namespace applies this)."""
    out = {}
    for file, names in _NN_FILES.items():
        for name in names.split():
            if isinstance(nn.get(name), type):
                out[nn[name]] = f"torch.nn.modules.{file}"
    for name in ("Parameter", "Buffer"):
        out[nn[name]] = "torch.nn.parameter"
    for name, file in _OPTIM_FILES.items():
        out[optim[name]] = f"torch.optim.{file}"
    for cls in lr_scheduler.values():
        out[cls] = "torch.optim.lr_scheduler"
    for name, file in _DATA_FILES.items():
        if isinstance(data.UTILS_DATA.get(name), type):
            out[data.UTILS_DATA[name]] = f"torch.utils.data.{file}"
    out[Tensor] = "torch"
    return out


def apply(nn: dict, optim: dict, lr_scheduler: dict) -> None:
    for cls, module in torch_modules(nn, optim, lr_scheduler).items():
        cls.__module__ = module
    # torch's C types: the module and short name for `<class 'torch.Size'>`, the dotted
    # tp_name for Python's messages about their instances
    for cls, short in ((Size, "Size"), (dtypes.DType, "dtype"),
                       (torch_extras.device, "device")):
        cls.__module__, cls.__qualname__, cls.__name__ = "torch", short, "torch." + short
    generator.Generator.__module__ = "torch._C"

