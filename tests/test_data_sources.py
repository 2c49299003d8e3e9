"""Inputs that arrive a batch at a time: generators, PyDataset, iterables; and the array-likes
the user's documents use (1-D lists of floats)."""

import collections

import numpy as np
import pytest

import densefit
from densefit import layers


def _data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 8)).astype(np.float32)
    return x, (x @ rng.normal(size=(8, 1))).astype(np.float32)


def _model():
    densefit.utils.set_random_seed(3)
    model = densefit.Sequential([layers.Dense(4, activation="relu", input_shape=(8,)),
                                 layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


class Batches(densefit.utils.PyDataset):
    def __init__(self, x, y, batch_size):
        super().__init__()
        self.x, self.y, self.batch_size = x, y, batch_size
        self.epochs_ended = 0

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, i):
        s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[s], self.y[s]

    def on_epoch_end(self):
        self.epochs_ended += 1


def test_pydataset_trains_like_the_same_arrays_unshuffled():
    x, y = _data()
    a, b = _model(), _model()
    b.set_weights(a.get_weights())
    ds = Batches(x, y, 32)
    h_arrays = a.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0).history["loss"]
    h_ds = b.fit(ds, epochs=3, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(h_ds, h_arrays, rtol=1e-6)
    assert ds.epochs_ended == 3
    assert b.evaluate(ds, verbose=0) == pytest.approx(a.evaluate(x, y, verbose=0), rel=1e-6)
    np.testing.assert_allclose(b.predict(ds, verbose=0), a.predict(x, verbose=0), rtol=1e-6)


def test_generator_with_steps_per_epoch_and_sample_weights():
    x, y = _data()

    def gen():
        while True:
            for i in range(0, len(x), 32):
                yield x[i:i + 32], y[i:i + 32], np.ones(len(x[i:i + 32]))

    history = _model().fit(gen(), steps_per_epoch=3, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_finite_generator_runs_out_with_a_warning():
    x, y = _data()
    batches = ((x[i:i + 32], y[i:i + 32]) for i in range(0, len(x), 32))
    with pytest.warns(UserWarning, match="ran out of data"):
        history = _model().fit(batches, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 1


def test_iterable_of_batches_is_reiterated_each_epoch_and_as_validation_data():
    x, y = _data()
    batches = [(x[i:i + 32], y[i:i + 32]) for i in range(0, len(x), 32)]

    class Loader:  # what a DataLoader looks like: re-iterable, no __array__
        def __iter__(self):
            return iter(batches)

    history = _model().fit(Loader(), epochs=2, validation_data=Loader(), verbose=0)
    assert len(history.history["loss"]) == 2 and len(history.history["val_loss"]) == 2


def test_batch_source_argument_errors():
    x, y = _data()
    model = _model()
    with pytest.raises(ValueError, match="`y` argument is not supported"):
        model.fit(Batches(x, y, 32), y, verbose=0)
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(Batches(x, y, 32), validation_split=0.2, verbose=0)
    Pair = collections.namedtuple("Pair", "x y")
    with pytest.raises(TypeError, match="namedtuple"):
        model.fit(iter([Pair(x[:32], y[:32])]), verbose=0)


def test_tutorial_snippet_one_feature_lists_with_batch_size_2():
    """training-metrics-tutorial.txt: epochs=3, batch_size=2 on x=[1,2,3,4], y=[2,4,6,8]."""
    model = densefit.Sequential([layers.Dense(1, input_shape=(1,))])
    model.compile(optimizer="sgd", loss="mse")
    x = np.array([1, 2, 3, 4], dtype=float)
    y = np.array([2, 4, 6, 8], dtype=float)
    losses = model.fit(x, y, epochs=3, batch_size=2, verbose=0).history["loss"]
    assert len(losses) == 3 and losses[0] > losses[1] > losses[2]
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(x, y, epochs=5, batch_size=0)


def test_torch_dataloader_trains_like_the_same_arrays_unshuffled():
    torch = pytest.importorskip("torch")  # duck-typed: densefit never imports torch
    from torch.utils.data import DataLoader, TensorDataset

    x, y = _data()
    loader = DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=16)
    from_loader = _model().fit(loader, epochs=3, verbose=0).history["loss"]
    from_arrays = _model().fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(from_loader, from_arrays.history["loss"], rtol=1e-6)
    assert _model().evaluate(loader, verbose=0) > 0
