"""The whitelists of the PyTorch surface (torch.X, Tensor.X, attributes, setters,
torch.nn.functional) and the decorators that fill them: the case evaluator and the
program interpreter look names up here; nothing else is reachable."""





FUNCTIONS: dict = {}
METHODS: dict = {}
ATTRIBUTES: dict = {}
SETTERS: dict = {}
NN_FUNCTIONS: dict = {}  # torch.nn.functional
LINALG_FUNCTIONS: dict = {}  # torch.linalg
SPECIAL_FUNCTIONS: dict = {}  # torch.special

# Names FUNCTIONS holds for cases' bare calls (`gelu(x)`, `mse_loss(a, b)`) and the engine's
# own use that torch's namespace does not have: in PyTorch `torch.gelu` is an AttributeError
# (these live in torch.nn.functional, Variable in torch.autograd), so `torch.` does not show
# them (tests/test_run_torch.py holds the namespace to torch's).
NOT_IN_TORCH = frozenset({"Variable", "binary_cross_entropy", "cross_entropy", "equal_", "gelu",
                          "l1_loss", "leaky_relu", "mse_loss", "nll_loss", "softplus"})


def torch_fn(*names, method=None, nn=False):
    """Register a function under torch names, with nn=True also under torch.nn.functional,
    and with method=... as tensor methods."""
    def deco(fn):
        for n in names:
            FUNCTIONS[n] = fn
            if nn:
                NN_FUNCTIONS[n] = fn
        for m in ((method,) if isinstance(method, str) else method or ()):
            METHODS[m] = fn
        return fn
    return deco


def tensor_method(*names):
    def deco(fn):
        for n in names:
            METHODS[n] = fn
        return fn
    return deco


def attribute(name):
    def deco(fn):
        ATTRIBUTES[name] = fn
        return fn
    return deco
