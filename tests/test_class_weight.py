"""class_weight weighs each training sample as Keras 3 does: by the VALUE of its label
(`class_weight.get(int(round(label)), 1.0)`, the argmax for one-hot targets), so classes the
dict leaves out weigh 1, keys that name no class change nothing (`-1` is not "the last
class"), and `{}` is unweighted. Validation losses are never class-weighted ("during training
only"). Each case runs in real Keras and in densefit from the same weights."""

import os
import sys
import warnings

import numpy as np
import pytest

import densefit

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "parity"))
from keras_oracle import keras  # noqa: E402  (sets Keras's backend before Keras loads)

N, D = 24, 4
RTOL = 1e-4


def _targets(kind):
    rng = np.random.default_rng(1)
    labels = np.arange(N) % 3  # every class present
    rng.shuffle(labels)
    if kind == "sparse":
        return labels
    if kind == "sparse_n_by_1":
        return labels.reshape(-1, 1)
    if kind == "onehot":
        return np.eye(3, dtype=np.float32)[labels]
    if kind == "binary":
        return (labels % 2).astype(np.float32).reshape(-1, 1)
    if kind == "binary_flat":
        return (labels % 2).astype(np.float32)
    if kind == "binary_soft":  # rounded to the nearest class, 0.5 to even, as np.round
        return np.array([0.1, 0.5, 0.7, 0.9, 0.4, 1.0] * (N // 6), np.float32).reshape(-1, 1)
    if kind == "hinge":  # labels -1 / +1: a negative key names a class here
        return np.where(labels % 2 == 1, 1.0, -1.0).astype(np.float32).reshape(-1, 1)
    raise AssertionError(kind)


HEADS = {  # units, activation, loss, metric
    "sparse": (3, "softmax", "sparse_categorical_crossentropy", "accuracy"),
    "sparse_n_by_1": (3, "softmax", "sparse_categorical_crossentropy", "accuracy"),
    "onehot": (3, "softmax", "categorical_crossentropy", "mse"),
    "binary": (1, "sigmoid", "binary_crossentropy", "mse"),
    "binary_flat": (1, "sigmoid", "binary_crossentropy", "accuracy"),
    "binary_soft": (1, "sigmoid", "binary_crossentropy", "mae"),
    "hinge": (1, "tanh", "hinge", "mae"),
}


def _twins(kind):
    k = keras()
    k.utils.set_random_seed(0)
    units, activation, loss, metric = HEADS[kind]
    models = []
    for mod in (k, densefit):
        models.append(mod.Sequential([mod.Input(shape=(D,)),
                                      mod.layers.Dense(5, activation="tanh"),
                                      mod.layers.Dense(units, activation=activation)]))
    models[1].set_weights(models[0].get_weights())
    for m in models:
        m.compile("adam", loss, metrics=[metric])
    return models


def _x():
    return np.random.default_rng(0).normal(size=(N, D)).astype(np.float32)


def _close(d, k):
    if isinstance(k, dict):
        assert sorted(d) == sorted(k), (d, k)
        for key in k:
            np.testing.assert_allclose(d[key], k[key], rtol=RTOL, atol=1e-6, err_msg=key)
    else:
        np.testing.assert_allclose(d, k, rtol=RTOL, atol=1e-6)


CASES = {
    # the issue's case: -1 names no class, so class 2 keeps weight 1
    "sparse_negative_key": ("sparse", {-1: 5.0, 0: 1.0, 1: 1.0}),
    "sparse_n_by_1_negative_key": ("sparse_n_by_1", {-1: 5.0, 0: 2.0}),
    "onehot_negative_key": ("onehot", {-1: 5.0, 1: 3.0}),
    "sparse_empty_dict": ("sparse", {}),
    "onehot_empty_dict": ("onehot", {}),
    "sparse_one_class_named": ("sparse", {2: 4.0}),
    "onehot_key_beyond_the_classes": ("onehot", {0: 2.0, 7: 9.0}),
    "sparse_numpy_and_integral_float_keys": ("sparse", {np.int64(1): 3.0, np.float64(2.0): 0.5}),
    "binary_float_key": ("binary", {1.0: 3.0}),
    "binary_flat": ("binary_flat", {0: 0.25, 1: 2.0}),
    "binary_bool_key": ("binary", {True: 3.0, False: 0.5}),
    "binary_soft_labels_round": ("binary_soft", {0: 0.5, 1: 2.0}),
    "hinge_negative_label": ("hinge", {-1: 2.0, 1: 0.5}),
    "numpy_weights": ("sparse", {0: np.float32(0.5), 1: np.int64(2), 2: 1}),
}


@pytest.mark.parity
@pytest.mark.parametrize("case", sorted(CASES))
def test_train_on_batch_weighs_classes_as_keras(case):
    kind, class_weight = CASES[case]
    x, y = _x(), _targets(kind)
    k_model, d_model = _twins(kind)
    for _ in range(2):
        _close(d_model.train_on_batch(x, y, class_weight=class_weight, return_dict=True),
               k_model.train_on_batch(x, y, class_weight=class_weight, return_dict=True))
    for d, k in zip(d_model.get_weights(), k_model.get_weights()):
        _close(d, k)


@pytest.mark.parity
@pytest.mark.parametrize("case", ["sparse_negative_key", "onehot_key_beyond_the_classes",
                                  "sparse_empty_dict", "hinge_negative_label"])
def test_fit_weighs_classes_as_keras(case):
    kind, class_weight = CASES[case]
    x, y = _x(), _targets(kind)
    k_model, d_model = _twins(kind)
    kwargs = dict(class_weight=class_weight, batch_size=8, epochs=2, shuffle=False, verbose=0)
    _close(d_model.fit(x, y, **kwargs).history, k_model.fit(x, y, **kwargs).history)
    for d, k in zip(d_model.get_weights(), k_model.get_weights()):
        _close(d, k)


@pytest.mark.parity
def test_validation_split_is_not_class_weighted():
    # Keras splits off the validation samples before it turns class_weight into sample weights.
    x, y = _x(), _targets("sparse")
    k_model, d_model = _twins("sparse")
    kwargs = dict(class_weight={0: 4.0, 1: 0.25}, validation_split=0.25, batch_size=6,
                  shuffle=False, epochs=2, verbose=0)
    _close(d_model.fit(x, y, **kwargs).history, k_model.fit(x, y, **kwargs).history)


@pytest.mark.parity
def test_pydataset_batches_are_weighted_as_keras():
    k = keras()
    x, y = _x(), _targets("sparse")

    def dataset(mod):
        class Batches(mod.utils.PyDataset):
            def __len__(self):
                return 3

            def __getitem__(self, i):
                return x[i * 8:(i + 1) * 8], y[i * 8:(i + 1) * 8]
        return Batches()

    k_model, d_model = _twins("sparse")
    kwargs = dict(class_weight={-1: 5.0, 1: 3.0}, epochs=2, shuffle=False, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k_hist = k_model.fit(dataset(k), **kwargs).history
    _close(d_model.fit(dataset(densefit), **kwargs).history, k_hist)


@pytest.mark.parity
def test_class_weight_times_sample_weight_is_keras_with_those_weights():
    # Keras 3 refuses both at once; densefit keeps Keras 2's product (documented there as
    # "class_weight and sample_weight are multiplicative"), equal to Keras 3 given the
    # product as sample_weight.
    from keras.src.trainers.data_adapters.data_adapter_utils import (
        class_weight_to_sample_weights)

    x, y = _x(), _targets("onehot")
    class_weight = {0: 3.0, 2: 0.5, -1: 9.0}
    sw = np.linspace(0.5, 2.0, N).astype(np.float32)
    k_model, d_model = _twins("onehot")
    _close(d_model.train_on_batch(x, y, sample_weight=sw, class_weight=class_weight),
           k_model.train_on_batch(x, y, sample_weight=sw * class_weight_to_sample_weights(
               y, class_weight)))


@pytest.mark.parametrize("class_weight, what", [
    ({1.5: 4.0}, "1.5"), ({"a": 1.0}, "'a'"), ({None: 1.0}, "None"),
    ({0: "x"}, "'x'"), ({0: None}, "None"), ({0: float("nan")}, "nan"),
    ({0: float("inf")}, "inf"), ({0: "2.0"}, "'2.0'")])
def test_bad_entries_raise_before_training(class_weight, what):
    # Keras ignores keys that are not integers (a 1.5 or a class name weighs nothing) and
    # turns None into a NaN weight; densefit says so instead of training on it.
    x, y = _x(), _targets("sparse")
    model = densefit.Sequential([densefit.Input(shape=(D,)), densefit.layers.Dense(3)])
    model.compile("adam", "sparse_categorical_crossentropy")
    before = model.get_weights()
    for call in (lambda: model.fit(x, y, class_weight=class_weight, verbose=0),
                 lambda: model.train_on_batch(x, y, class_weight=class_weight)):
        with pytest.raises(ValueError, match="class_weight") as err:
            call()
        assert what in str(err.value)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_class_weight_must_be_a_mapping():
    x, y = _x(), _targets("sparse")
    model = densefit.Sequential([densefit.Input(shape=(D,)), densefit.layers.Dense(3)])
    model.compile("adam", "sparse_categorical_crossentropy")
    with pytest.raises(TypeError, match="class_weight"):
        model.fit(x, y, class_weight=[1.0, 2.0, 3.0], verbose=0)
