"""torch's random functions and Tensor's random in-place methods, registered in api's
whitelists with PyTorch's signatures and error messages; the values come from
distributions.py on the default generator or the one passed as generator=."""

import numpy as np

from .. import dtypes, grad_mode
from ..apply import broadcast_shape
from ..errors import TorchError, runtime, type_error, value_error
from ..tensor import Tensor
from ..torch_api.args import _leaf, _size_args, _tensor, _type_name
from ..torch_api.arithmetic import mul
from ..torch_api.device_arg import check_device, check_layout
from ..torch_api.indexing import _check_inplace, inplace
from ..torch_api.registry import FUNCTIONS, tensor_method, torch_fn
from ..torch_api.shapes import expand
from . import distributions as D
from . import generator as G

_SCALAR_NAME = {np.dtype(np.float32): "Float", np.dtype(np.float64): "Double",
                np.dtype(np.int64): "Long", np.dtype(np.int32): "Int", np.dtype(np.bool_): "Bool"}


def _not_implemented(msg: str) -> TorchError:
    return TorchError(msg, type_name="NotImplementedError")


def _no_out(out, fname):
    if out is not None:
        raise NotImplementedError(f"gradcli does not support {fname}(out=...)")


def _float_dtype(dt, kernel):
    if not dtypes.is_floating(dt):
        raise _not_implemented(f'"{kernel}" not implemented for \'{_SCALAR_NAME.get(dt, dt)}\'')
    return dt


def _dtype(dtype, default):
    return dtypes.as_dtype(dtype) if dtype is not None else default


def _new(data, requires_grad=False) -> Tensor:
    # reshape: ascontiguousarray makes a 0-d array 1-d (randn(()) is 0-d in torch)
    return _leaf(np.ascontiguousarray(data).reshape(np.shape(data)), requires_grad)


def _fill(self: Tensor, data) -> Tensor:
    """An in-place random fill: the in-place rules of api's other in-place methods."""
    _check_inplace(self)
    return inplace(self, Tensor(np.asarray(data, dtype=self.data.dtype)))


def _walk(a: np.ndarray):
    """The axes' order in which TensorIterator visits a tensor it fills: memory order,
    largest stride outermost (C order for a contiguous one, as a transposed view is
    visited down its columns)."""
    if a.flags.c_contiguous:
        return None
    return sorted(range(a.ndim), key=lambda k: -abs(a.strides[k]))


def _fill_walked(self: Tensor, draw) -> Tensor:
    """Fill self in place with draw(shape, contiguous), drawn in TensorIterator's order."""
    if D.VMAP_INPLACE[0] is not None:  # under torch.func.vmap (engine/vmap.py)
        D.VMAP_INPLACE[0](self)
    perm = _walk(self.data)
    if perm is None:
        return _fill(self, draw(self.data.shape, True))
    vals = draw(tuple(self.data.shape[k] for k in perm), False)
    return _fill(self, vals.transpose(np.argsort(perm)))


# ---------------------------------------------------------------- seeding
FUNCTIONS["Generator"] = G.Generator
FUNCTIONS["manual_seed"] = G.manual_seed
FUNCTIONS["seed"] = G.seed
FUNCTIONS["initial_seed"] = G.initial_seed


@torch_fn("get_rng_state")
def get_rng_state():
    return Tensor(G.default_generator.get_state())


@torch_fn("set_rng_state")
def set_rng_state(new_state):
    G.default_generator.set_state(_tensor(new_state, "set_rng_state", "new_state").data)


# ---------------------------------------------------------------- uniform, normal
def _creator(kind):
    kernel = "check_uniform_bounds" if kind == "rand" else "normal_kernel_cpu"

    def make(*size, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
        _no_out(out, kind)
        shape = _size_args(size, kind)
        dt = _float_dtype(_dtype(dtype, dtypes.default_float()), kernel)
        gen = G.get(generator)
        data = D.uniform(gen, shape, dt) if kind == "rand" else D.normal(gen, shape, dt)
        return _new(data, requires_grad)
    return make


FUNCTIONS["rand"] = _creator("rand")
FUNCTIONS["randn"] = _creator("randn")


def _like(kind):
    def make(input, *, dtype=None, layout=None, device=None, requires_grad=False,
             memory_format=None, generator=None):
        t = _tensor(input, f"{kind}_like")
        if D.VMAP_LIKE[0] is not None:  # under torch.func.vmap (engine/vmap.py)
            D.VMAP_LIKE[0](f"{kind}_like")
        check_device(f"{kind}_like", device)
        check_layout(f"{kind}_like", layout)
        return FUNCTIONS[kind](*t.data.shape, dtype=_dtype(dtype, t.data.dtype),
                                   requires_grad=requires_grad, generator=generator)
    return make


FUNCTIONS["rand_like"] = _like("rand")
FUNCTIONS["randn_like"] = _like("randn")


@tensor_method("uniform_")
def uniform_(self, from_=0, to=1, *, generator=None, **kw):
    from_ = kw.pop("from", from_)
    if kw:
        raise type_error(f"uniform_() got an unexpected keyword argument '{next(iter(kw))}'")
    dt = _float_dtype(self.data.dtype, "check_uniform_bounds")
    if from_ > to:
        raise runtime(f"uniform_ expects to return a [from, to) range, but found from={from_} "
                      f"> to={to}")
    gen = G.get(generator)
    return _fill_walked(self, lambda shape, _: D.uniform(gen, shape, dt, from_, to))


def _check_std(std):
    if std < 0:
        raise runtime(f"normal expects std >= 0.0, but found std {std}")


@tensor_method("normal_")
def normal_(self, mean=0, std=1, *, generator=None):
    dt = _float_dtype(self.data.dtype, "normal_kernel_cpu")
    _check_std(std)
    gen = G.get(generator)

    def draw(shape, contiguous):  # a non-contiguous tensor takes the scalar path throughout
        if contiguous:
            return D.normal(gen, shape, dt, mean, std)
        return D.normal_scalar(gen, int(np.prod(shape)), dt, mean, std).reshape(shape)
    return _fill_walked(self, draw)


def _no_grad_inputs(*ts):
    if grad_mode.is_enabled() and any(isinstance(t, Tensor) and t.requires_grad for t in ts):
        raise NotImplementedError("gradcli does not record torch.normal's graph (NormalBackward) "
                                  "for a mean or std that requires grad")


@torch_fn("normal")
def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, pin_memory=False, requires_grad=False):
    """The four overloads of Distributions.cpp: (Tensor, Tensor) draws randn of the
    broadcast shape then mul_(std).add_(mean); (Tensor, float) draws normal(0, std) then
    add_(mean); (float, Tensor) draws randn then mul_(std).add_(mean); (float, float, size)
    fills normal_(mean, std)."""
    _no_out(out, "normal")
    gen = G.get(generator)
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mt and not st:
        if size is None:
            raise type_error(f"normal() received an invalid combination of arguments - got "
                             f"({_type_name(mean)}, {_type_name(std)})")
        shape = _size_args((size,), "normal")
        dt = _float_dtype(_dtype(dtype, dtypes.default_float()), "normal_kernel_cpu")
        _check_std(std)
        return _new(D.normal(gen, shape, dt, mean, std), requires_grad)
    if size is not None or dtype is not None:
        raise type_error("normal() received an invalid combination of arguments")
    _no_grad_inputs(mean, std)
    if mt and st:
        if (std.data < 0).any():
            raise runtime("normal expects all elements of std >= 0.0")
        dt = _float_dtype(mean.data.dtype, "normal_kernel_cpu")
        shape = broadcast_shape(mean.data.shape, std.data.shape)
        out_ = D.normal(gen, shape, dt)  # in-place mul_/add_: the promoted dtype, cast back
        out_ = (out_ * std.data).astype(dt)
        return _new((out_ + mean.data).astype(dt))
    if mt:
        _check_std(std)
        dt = _float_dtype(mean.data.dtype, "normal_kernel_cpu")
        return _new((D.normal(gen, mean.data.shape, dt, 0.0, std) + mean.data).astype(dt))
    if (std.data < 0).any():
        raise runtime("normal expects all elements of std >= 0.0")
    dt = _float_dtype(std.data.dtype, "normal_kernel_cpu")
    out_ = (D.normal(gen, std.data.shape, dt) * std.data).astype(dt)
    return _new((out_ + dt.type(mean)).astype(dt))


# ---------------------------------------------------------------- integers
def _int_arg(x, fname, name, pos):
    if isinstance(x, bool) or not isinstance(x, int):
        raise type_error(f"{fname}(): argument '{name}' (position {pos}) must be int, not "
                         f"{_type_name(x)}")
    return x


def _as_float_int(v: int, dt) -> int:
    """static_cast<int64_t>(static_cast<scalar_t>(v))."""
    return int(D._from_int64(np.array([v], np.int64), dt)[0])


def _update_from(v: int, dt) -> int:
    """DistributionTemplates.h's update_from: `from` moved right to the next value the
    dtype holds, so no draw lands below it after the cast."""
    plus1 = _as_float_int(v + 1, dt)
    if plus1 < v:
        n = abs(v + 1).bit_length() - 1
        v = plus1 + (1 << (n - (np.finfo(dt).nmant + 1) + 1))
    return v


def _update_to(v: int, dt) -> int:
    minus1 = _as_float_int(v - 1, dt)
    if minus1 >= v:
        n = abs(v - 1).bit_length() - 1
        v = minus1 - (1 << (n - (np.finfo(dt).nmant + 1) + 1))
    return v


def _check_bounds(value: int, name: str, dt):
    if dt == np.bool_ and not 0 <= value <= 1 or \
            dt.kind in "iu" and not np.iinfo(dt).min <= value <= np.iinfo(dt).max:
        raise runtime(f"{name} is out of bounds for {str(dtypes.dtype_object(dt))[6:]}")


def _random_from_to(gen, shape, dt, from_: int, to):
    """random_from_to_impl: [from, to), or [from, the dtype's top] when to is None."""
    if to is not None:
        if from_ >= to:
            raise runtime(f"random_ expects 'from' to be less than 'to', but got from={from_} "
                          f">= to={to}")
        if dtypes.is_floating(dt):
            from_, to = _update_from(from_, dt), _update_to(to, dt)
            if from_ >= to:
                raise runtime(f"random_ expects 'from' casted to dtype to be less than 'to' "
                              f"casted to dtype, but got from={from_} >= to={to}")
        _check_bounds(from_, "from", dt)
        _check_bounds(to - 1, "to - 1", dt)
        return D.random_from_to(gen, shape, dt, from_, to)
    if from_ == -(1 << 63):
        return D.random_full_64(gen, shape, dt)
    if dtypes.is_floating(dt):
        to_inc = 1 << (np.finfo(dt).nmant + 1)
        from_ = _update_from(from_, dt)
        if from_ >= to_inc:
            raise runtime(f"random_ expects 'from' casted to dtype to be less than or equal to "
                          f"'to_inc' casted to dtype, but got from={from_} > to_inc={to_inc}")
    else:
        to_inc = 1 if dt == np.bool_ else int(np.iinfo(dt).max)
    _check_bounds(from_, "from", dt)
    return D.random_from_to(gen, shape, dt, from_, to_inc + 1)


@torch_fn("randint")
def randint(*args, generator=None, out=None, dtype=None, layout=None, device=None,
            pin_memory=False, requires_grad=False, low=None, high=None, size=None):
    _no_out(out, "randint")
    pos = list(args)
    if size is None and pos and isinstance(pos[-1], (tuple, list)):
        size = pos.pop()
    if high is None and pos:
        high = pos.pop()
    if low is None:
        low = pos.pop() if pos else 0
    if pos or high is None or size is None:
        raise type_error("randint() received an invalid combination of arguments")
    low = _int_arg(low, "randint", "low", 1)
    high = _int_arg(high, "randint", "high", 2 if args and len(args) == 3 else 1)
    shape = _size_args((size,), "randint")
    dt = _dtype(dtype, dtypes.INT64)
    return _new(_random_from_to(G.get(generator), shape, dt, low, high), requires_grad)


@torch_fn("randint_like")
def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None,
                 device=None, requires_grad=False, memory_format=None):
    t = _tensor(input, "randint_like")
    if D.VMAP_LIKE[0] is not None:  # under torch.func.vmap (engine/vmap.py)
        D.VMAP_LIKE[0]("randint_like")
    check_device("randint_like", device)
    check_layout("randint_like", layout)
    if high is None:
        low, high = 0, low
    return randint(low, high, t.data.shape, generator=generator,
                   dtype=_dtype(dtype, t.data.dtype), requires_grad=requires_grad)


@tensor_method("random_")
def random_(self, *args, generator=None, **kw):
    """random_(), random_(to), random_(from, to) with to=None meaning the dtype's top."""
    bad = set(kw) - {"from", "to"}
    if bad or len(args) > 2:
        raise type_error("random_() received an invalid combination of arguments")
    if len(args) == 1 and not kw:
        from_, to, has_from = 0, args[0], False
    else:
        vals = list(args) + [None] * (2 - len(args))
        from_, to = kw.get("from", vals[0]), kw.get("to", vals[1])
        has_from = from_ is not None
    dt, gen = self.data.dtype, G.get(generator)
    if not has_from and to is None:
        return _fill_walked(self, lambda shape, _: D.random_full(gen, shape, dt))
    _random_from_to(gen, (0,), dt, from_ or 0, to)  # the argument checks, before any draw
    return _fill_walked(self, lambda shape, _: _random_from_to(gen, shape, dt, from_ or 0, to))


@torch_fn("randperm")
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             pin_memory=False, requires_grad=False):
    _no_out(out, "randperm")
    n = _int_arg(n, "randperm", "n", 1)
    _size_args((n,), "randperm")
    dt = _dtype(dtype, dtypes.INT64)
    return _new(D.randperm(G.get(generator), n).astype(dt), requires_grad)


# ---------------------------------------------------------------- bernoulli, multinomial, ...
def _check_p(p):
    if not 0 <= p <= 1:
        raise runtime(f"bernoulli_ expects p to be in [0, 1], but got p={p}")


def _check_p_tensor(p: np.ndarray):
    if p.size and not ((p >= 0) & (p <= 1)).all():
        raise runtime("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this "
                      "error message be improved?  If so, please report an enhancement request "
                      "to PyTorch.)")


@torch_fn("bernoulli", method="bernoulli")
def bernoulli(input, p=None, *, generator=None, out=None):
    _no_out(out, "bernoulli")
    t = _tensor(input, "bernoulli")
    gen = G.get(generator)
    if p is None:  # p is the input itself
        _float_dtype(t.data.dtype, "bernoulli_tensor_cpu_p_")
        _check_p_tensor(t.data)
        return _new(D.bernoulli_tensor(gen, t.data, t.data.dtype))
    _check_p(p)
    return _new(D.bernoulli_scalar(gen, t.data.shape, t.data.dtype, p))


@tensor_method("bernoulli_")
def bernoulli_(self, p=0.5, *, generator=None):
    gen, dt = G.get(generator), self.data.dtype
    if isinstance(p, Tensor):
        _float_dtype(p.data.dtype, "bernoulli_tensor_cpu_p_")
        pd = expand(p, *self.data.shape).data
        _check_p_tensor(pd)
        perm = _walk(self.data)
        walked = pd if perm is None else pd.transpose(perm)
        return _fill_walked(self, lambda shape, _: D.bernoulli_tensor(gen, walked, dt))
    _check_p(p)
    return _fill_walked(self, lambda shape, _: D.bernoulli_scalar(gen, shape, dt, p))


@tensor_method("exponential_")
def exponential_(self, lambd=1, *, generator=None):
    dt = self.data.dtype
    if not dtypes.is_floating(dt):
        raise runtime("Exponential distribution is a continuous probability distribution. dtype "
                      f"must be a floating point but you specified {_SCALAR_NAME.get(dt, dt)}")
    if not lambd > 0:
        raise runtime(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    gen = G.get(generator)
    return _fill_walked(self, lambda shape, _: D.exponential(gen, shape, dt, lambd))


@torch_fn("multinomial", method="multinomial")
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    _no_out(out, "multinomial")
    t = _tensor(input, "multinomial")
    p = t.data
    if p.ndim not in (1, 2):
        raise runtime("prob_dist must be 1 or 2 dim")
    if not dtypes.is_floating(p.dtype):
        raise runtime(f"multinomial only supports floating-point dtypes for input, got: "
                      f"{_SCALAR_NAME.get(p.dtype, p.dtype)}")
    if num_samples <= 0:
        raise runtime("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > p.shape[-1]:
        raise runtime("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if not replacement or num_samples == 1:
        if p.size and not (np.isfinite(p).all() and (p >= 0).all()):
            raise runtime("probability tensor contains either `inf`, `nan` or element < 0")
    elif (p < 0).any():
        raise runtime("invalid multinomial distribution (encountering probability entry < 0)")
    elif not np.isfinite(p).all():
        raise runtime("invalid multinomial distribution (encountering probability entry = "
                      "infinity or NaN)")
    if (p.sum(axis=-1) == 0).any():
        raise runtime("invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement and num_samples > 1 and \
            (np.count_nonzero(p, axis=-1) < num_samples).any():
        # torch's topk orders the tied zero ratios in its own way
        raise NotImplementedError("gradcli's multinomial without replacement cannot draw "
                                  "zero-probability categories")
    return _new(D.multinomial(G.get(generator), p, num_samples, replacement))


# ---------------------------------------------------------------- dropout
@torch_fn("dropout")
def dropout(input, p=0.5, training=True, inplace=False, train=None):
    """F.dropout / torch.dropout on the CPU (Dropout.cpp's _dropout_impl): the input times
    bernoulli_(1 - p) noise divided by 1 - p, so the graph records a MulBackward0."""
    t = _tensor(input, "dropout")
    if train is not None:
        training = train
    if p < 0 or p > 1:
        raise value_error(f"dropout probability has to be between 0 and 1, but got {p}")
    if inplace:
        raise NotImplementedError("gradcli does not support dropout(inplace=True)")
    if p == 0 or not training or t.data.size == 0:
        return t
    if p == 1:
        return mul(t, Tensor(np.zeros((), t.data.dtype)))
    noise = D.dropout_noise(G.default_generator, t.data.shape, t.data.dtype, p)
    return mul(t, Tensor(noise))
