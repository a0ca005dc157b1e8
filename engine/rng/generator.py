"""torch.Generator on the CPU: mt19937 as aten/src/ATen/core/MT19937RNGEngine.h, with the
state CPUGeneratorImpl keeps beside it (the seed, the cached second Box–Muller samples).

numpy's MT19937 with legacy seeding is the same engine (init_genrand, the same twist and
tempering), so its `random_raw` is PyTorch's stream of `random()` values. numpy's `pos`
(624 = twist before the next output) maps onto PyTorch's `left_`/`next_` counters as
left = 625 - pos; right after seeding PyTorch has left = 1, next = 0."""

import os
import struct

import numpy as np

from ..errors import runtime, value_error

_N = 624
_STATE = struct.Struct("<QiiQ624Qdddi4xf?3x")  # CPUGeneratorImplState, x86-64 layout
STATE_SIZE = _STATE.size  # 5056, as torch.Generator().get_state().numel()
DEFAULT_SEED = 67280421310721  # default_rng_seed_val: a new torch.Generator()'s seed
_U64 = 1 << 64


def _as_seed(seed) -> int:
    """PyTorch's unpack of a seed: an int in [-2**63, 2**64), negatives taken mod 2**64."""
    seed = int(seed)  # torch.manual_seed's own int(seed): 1.5 seeds with 1
    if not -(1 << 63) <= seed < _U64:
        raise value_error("Overflow when unpacking long long")
    return seed % _U64


# engine/vmap.py's check on every raw draw while a torch.func.vmap runs
RAW_HOOK = [None]


class Generator:
    """One CPU generator: torch.Generator()'s methods and the raw draws the kernels use."""

    def __init__(self, device="cpu", seed: int = DEFAULT_SEED):
        if str(device) != "cpu":
            raise NotImplementedError(f"gradcli has only CPU generators, not device={device!r}")
        self.device = "cpu"
        self._bits = np.random.MT19937(0)
        self._set_seed(seed)

    # ------------------------------------------------------------------ seeding
    def _set_seed(self, seed: int) -> None:
        self._seed = seed
        self._bits._legacy_seeding(seed & 0xFFFFFFFF)
        self._fresh = True  # left = 1, next = 0 (pos 624, untwisted key)
        self.next_float_normal = None
        self.next_double_normal = None

    def manual_seed(self, seed):
        self._set_seed(_as_seed(seed))
        return self

    def seed(self) -> int:
        """A nondeterministic seed (as c10's getNonDeterministicRandom: /dev/urandom)."""
        s = int.from_bytes(os.urandom(8), "little")
        self._set_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    # ------------------------------------------------------------------ raw draws
    def random(self, n: int) -> np.ndarray:
        """n outputs of CPUGeneratorImpl::random() (uint32 values, as uint64)."""
        if RAW_HOOK[0] is not None:  # torch.func.vmap's randomness check (engine/vmap.py)
            RAW_HOOK[0](self)
        if n <= 0:
            return np.zeros(0, np.uint64)
        self._fresh = False
        return self._bits.random_raw(n)

    def random64(self, n: int) -> np.ndarray:
        """n outputs of random64(): the first 32-bit draw is the high half."""
        r = self.random(2 * n).reshape(n, 2)
        return (r[:, 0] << np.uint64(32)) | r[:, 1]

    # ------------------------------------------------------------------ state
    def get_state(self) -> np.ndarray:
        st = self._bits.state["state"]
        pos = int(st["pos"])
        left, nxt = (1, 0) if self._fresh else (625 - pos, pos)
        key = [int(k) for k in st["key"]]
        nd = self.next_double_normal
        nf = self.next_float_normal
        raw = _STATE.pack(self._seed, left, 1, nxt, *key, 0.0,
                          0.0 if nd is None else float(nd), 0.0, nd is not None,
                          0.0 if nf is None else float(nf), nf is not None)
        return np.frombuffer(raw, np.uint8).copy()

    def set_state(self, state: np.ndarray) -> "Generator":
        if state.dtype != np.uint8:
            raise runtime("RNG state must be a torch.ByteTensor")
        if state.size != STATE_SIZE:
            raise runtime(f"Expected a CPUGeneratorImplState of size {STATE_SIZE} but found the "
                          f"input RNG state size to be {state.size}")
        vals = _STATE.unpack(state.reshape(-1).tobytes())
        seed, left, seeded, nxt = vals[:4]
        key = np.array(vals[4:4 + _N], dtype=np.uint64).astype(np.uint32)  # 32-bit words
        normal_y, normal_valid, nf, nf_valid = vals[4 + _N + 1], vals[4 + _N + 3], vals[-2], vals[-1]
        if not (seeded and 0 < left <= _N and nxt <= _N):
            raise runtime("Invalid mt19937 state")
        pos = 625 - left
        if left != 1 and nxt != pos:
            raise NotImplementedError("gradcli cannot load an mt19937 state whose next_ and left_ "
                                      "counters disagree")
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
        self._seed = seed
        self._fresh = left == 1 and nxt == 0
        self.next_double_normal = normal_y if normal_valid else None
        self.next_float_normal = np.float32(nf) if nf_valid else None
        return self

    def __repr__(self) -> str:
        return "<torch._C.Generator object>"


# PyTorch seeds its default CPU generator from the OS at start-up (getDefaultCPUGenerator:
# getNonDeterministicRandom()), so a program without manual_seed draws differently each run.
# Made on first use (module attribute `default_generator`): numpy.random, with the
# secrets/hmac modules it loads, is ~15 ms of a cold `gradcli eval` that draws nothing.
_DEFAULT = []


def _default() -> Generator:
    if not _DEFAULT:
        _DEFAULT.append(Generator(seed=int.from_bytes(os.urandom(8), "little")))
    return _DEFAULT[0]


def __getattr__(name):
    if name == "default_generator":
        return _default()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def manual_seed(seed) -> Generator:
    return _default().manual_seed(seed)


def seed() -> int:
    return _default().seed()


def initial_seed() -> int:
    return _default().initial_seed()


def get(generator) -> Generator:
    """The generator= argument: None means the default one."""
    if generator is None:
        return _default()
    if not isinstance(generator, Generator):
        raise runtime(f"Expected a 'cpu' device type for generator but found "
                      f"'{type(generator).__name__}'")
    return generator
