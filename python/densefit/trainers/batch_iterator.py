"""Data that arrives a batch at a time (generators, PyDataset, any iterable of batches, PyTorch
DataLoader, tf.data.Dataset): an epoch of (x, y, sample_weight) batches, each handed to the
native step as it comes. Arrays never come here: they go to the native step runs whole."""

import types
import warnings

import numpy as np

from densefit.utils.py_dataset import PyDataset


def is_batch_source(data):
    """True for inputs that yield batches rather than being arrays."""
    if data is None or isinstance(data, (np.ndarray, list, tuple, dict, memoryview, str, bytes)):
        return False
    if isinstance(data, (types.GeneratorType, PyDataset)):
        return True
    if hasattr(data, "__array__") or hasattr(data, "__array_interface__"):
        return False  # an array-like (a torch tensor, a NumPy-convertible object)
    return hasattr(data, "__iter__") or (hasattr(data, "__getitem__") and hasattr(data, "__len__"))


def unpack_batch(batch):
    """(x, y, sample_weight) from what a source yields: (x,), (x, y), (x, y, sw) or x."""
    if batch is None:
        raise ValueError("A batch must be (x,), (x, y) or (x, y, sample_weight); the data "
                         "yielded None")
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        raise TypeError(f"Batches must be plain tuples (x,), (x, y) or (x, y, sample_weight); "
                        f"got a namedtuple {type(batch).__name__}. Convert it with tuple(batch).")
    if isinstance(batch, (tuple, list)) and not _looks_like_array_list(batch):
        if not 1 <= len(batch) <= 3:
            raise ValueError(f"A batch must be (x,), (x, y) or (x, y, sample_weight); got a "
                             f"tuple of {len(batch)} elements")
        x = batch[0]
        y = batch[1] if len(batch) > 1 else None
        sw = batch[2] if len(batch) > 2 else None
        return _to_numpy(x), _to_numpy(y), _to_numpy(sw)
    return _to_numpy(batch), None, None


def _looks_like_array_list(batch):
    return isinstance(batch, list) and batch and all(np.isscalar(v) for v in batch)


def _to_numpy(value):
    if value is None:
        return None
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()  # torch / tf tensors (duck-typed: neither is imported)
    return value


class BatchSource:
    """Iterates a batch source epoch by epoch, as Keras's adapters do: a PyDataset by index
    (shuffled when asked), a re-iterable object afresh each epoch, a generator once across
    epochs."""

    def __init__(self, data, steps=None, shuffle=False, seed=0):
        self.data = data
        self.steps = steps
        self.shuffle = shuffle
        self._rng = np.random.default_rng(seed)
        self._generator = data if isinstance(data, types.GeneratorType) else None
        self.exhausted = False

    def num_steps(self):
        if self.steps is not None:
            return self.steps
        if isinstance(self.data, PyDataset) or (
                hasattr(self.data, "__len__") and not self._generator):
            try:
                return len(self.data)
            except TypeError:
                return None
        return None

    def epoch(self):
        """Yields (x, y, sample_weight) for one epoch."""
        if isinstance(self.data, PyDataset):
            count = len(self.data) if self.steps is None else self.steps
            order = np.arange(len(self.data))
            if self.shuffle:
                self._rng.shuffle(order)
            for k in range(count if len(order) else 0):  # steps beyond an empty dataset
                yield unpack_batch(self.data[int(order[k % len(order)])])
            self.data.on_epoch_end()
            return
        iterator = self._generator if self._generator is not None else iter(self.data)
        produced = 0
        while self.steps is None or produced < self.steps:
            try:
                batch = next(iterator)
            except StopIteration:
                if self.steps is not None and self._generator is None:
                    iterator = iter(self.data)  # re-iterable source: wrap around for steps
                    try:
                        batch = next(iterator)
                    except StopIteration:
                        break
                else:
                    if produced == 0 or self.steps is not None:
                        self._ran_out()
                    break
            yield unpack_batch(batch)
            produced += 1

    def _ran_out(self):
        self.exhausted = True
        warnings.warn("Your input ran out of data; interrupting training. Make sure that your "
                      "dataset or generator can generate at least `steps_per_epoch * epochs` "
                      "batches.", stacklevel=4)
