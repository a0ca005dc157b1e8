"""torch.utils.data: Dataset, TensorDataset, DataLoader (batch_size, shuffle, drop_last,
default collation) as torch/utils/data does them, including the draws PyTorch takes from
the global generator: one int64 `random_()` per iterator (its base seed, taken even
without shuffling) and, when shuffling, one more to seed a fresh Generator for randperm.

Those draws go through api's `random_` method, `Generator` and `randperm(n, generator=)`
(engine/rng's exact ones)."""

import math

import numpy as np

from . import dtypes
from .nn import surface as api
from .tensor import Tensor


class Dataset:
    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")


class TensorDataset(Dataset):
    def __init__(self, *tensors):
        if any(t.data.shape[:1] != tensors[0].data.shape[:1] for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(api.getitem(t, index) for t in self.tensors)

    def __len__(self):
        return self.tensors[0].data.shape[0]


def _int64_draw(generator=None):
    """torch.empty((), dtype=torch.int64).random_(generator=generator).item()"""
    t = Tensor(np.zeros((), dtype=dtypes.INT64))
    api.METHODS["random_"](t, generator=generator)
    return int(t.data)


def _randperm(n, seed, generator=None):
    if generator is None:  # RandomSampler: a fresh Generator seeded from the global one
        generator = api.FUNCTIONS["Generator"]()
        generator.manual_seed(seed)
    return api.FUNCTIONS["randperm"](n, generator=generator).data.tolist()


def default_collate(batch):
    elem = batch[0]
    if isinstance(elem, Tensor):
        return api.stack(list(batch), 0)
    if isinstance(elem, bool):
        return Tensor(np.array(batch, dtype=dtypes.BOOL))
    if isinstance(elem, int):
        return Tensor(np.array(batch, dtype=dtypes.INT64))
    if isinstance(elem, float):
        return Tensor(np.array(batch, dtype=dtypes.FLOAT64))
    if isinstance(elem, str):
        return list(batch)
    if isinstance(elem, dict):
        return {k: default_collate([d[k] for d in batch]) for k in elem}
    if isinstance(elem, (tuple, list)):
        if any(len(e) != len(elem) for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(s)) for s in zip(*batch, strict=True)]
    raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, "
                    f"dicts or lists; found {type(elem)}")


class DataLoader:
    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if sampler is not None or batch_sampler is not None:
            raise NotImplementedError("gradcli: DataLoader's sampler and batch_sampler")
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        self.dataset, self.batch_size, self.drop_last = dataset, batch_size, drop_last
        self.shuffle, self.generator = bool(shuffle), generator
        self.num_workers = num_workers
        self.collate_fn = collate_fn if collate_fn is not None else (
            default_collate if batch_size is not None else (lambda x: x))

    def __len__(self):
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _indices(self):
        n = len(self.dataset)
        if not self.shuffle:
            yield from range(n)
            return
        seed = _int64_draw() if self.generator is None else None
        yield from _randperm(n, seed, self.generator)

    def __iter__(self):
        indices = self._indices()  # lazy, as PyTorch's sampler iterator
        _int64_draw(self.generator)  # the iterator's base seed
        if self.batch_size is None:
            for i in indices:
                yield self.collate_fn(self.dataset[i])
            return
        batch = []
        for i in indices:
            batch.append(i)
            if len(batch) == self.batch_size:
                yield self.collate_fn([self.dataset[j] for j in batch])
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn([self.dataset[j] for j in batch])


UTILS_DATA = {"Dataset": Dataset, "TensorDataset": TensorDataset, "DataLoader": DataLoader,
              "default_collate": default_collate}
