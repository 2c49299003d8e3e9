"""keras.datasets against real Keras on the same cached files: the same get_file calls (file
names, origins, published hashes, cache folders) and identical arrays (dtype, shape, strides,
values, element types), with both libraries offline."""

import contextlib
import importlib
import os
import pickle

import numpy as np
import pytest

import densefit
import keras_files

pytestmark = pytest.mark.parity


def assert_identical(ours, theirs, where="result"):
    assert type(ours) is type(theirs), where
    if isinstance(ours, (tuple, list)):
        assert len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_identical(a, b, f"{where}[{i}]")
    elif isinstance(ours, np.ndarray):
        assert ours.dtype == theirs.dtype, where
        assert ours.shape == theirs.shape, where
        assert ours.strides == theirs.strides, where
        assert ours.flags.writeable == theirs.flags.writeable, where
        if ours.dtype == object:
            for i, (a, b) in enumerate(zip(ours.ravel(), theirs.ravel())):
                assert_identical(a, b, f"{where}.flat[{i}]")
        # Memory order (the strides are equal): fast on CIFAR's transposed 150 MB.
        elif not np.array_equal(ours.ravel(order="K"), theirs.ravel(order="K")):
            np.testing.assert_array_equal(ours, theirs, err_msg=where)
    elif isinstance(ours, dict):
        assert ours == theirs, where
    else:
        assert ours == theirs, where


def _both(published_hashes, name, call):
    """(densefit's result, Keras's result) of `call(module)`, and the two get_file call lists."""
    ours_mod = importlib.import_module(f"densefit.datasets.{name}")
    theirs_mod = importlib.import_module(f"keras.src.datasets.{name}")
    published_hashes.wrap(ours_mod)
    published_hashes.wrap(theirs_mod)
    ours = call(ours_mod)
    theirs = call(theirs_mod)
    calls = published_hashes.calls
    ours_calls = [args for module, args in calls if module.startswith("densefit")]
    theirs_calls = [args for module, args in calls if module.startswith("keras")]
    assert ours_calls == theirs_calls
    assert ours_calls, "the loader did not go through get_file"
    published_hashes.calls.clear()
    return ours, theirs


def _same(published_hashes, name, call):
    ours, theirs = _both(published_hashes, name, call)
    assert_identical(ours, theirs)
    return ours


def _same_error(published_hashes, name, call):
    errors = []
    for prefix in ("densefit.datasets", "keras.src.datasets"):
        module = importlib.import_module(f"{prefix}.{name}")
        published_hashes.wrap(module)
        with pytest.raises(Exception) as info:
            call(module)
        errors.append(info.value)
    assert type(errors[0]) is type(errors[1]), errors
    return errors


def test_mnist(keras_home, home, published_hashes):
    keras_files.write_mnist(home / "datasets")
    (x_train, _), _ = _same(published_hashes, "mnist", lambda m: m.load_data())
    assert x_train.shape == (30, 28, 28) and x_train.dtype == np.uint8


def test_mnist_path_names_the_cached_file(keras_home, home, published_hashes):
    os.rename(keras_files.write_mnist(home / "datasets"), home / "datasets" / "digits.npz")
    _same(published_hashes, "mnist", lambda m: m.load_data(path="digits.npz"))


def test_fashion_mnist(keras_home, home, published_hashes):
    keras_files.write_fashion_mnist(home)
    (x_train, y_train), (x_test, _) = _same(published_hashes, "fashion_mnist",
                                            lambda m: m.load_data())
    assert x_train.shape == (20, 28, 28) and x_test.shape == (8, 28, 28)
    assert y_train.dtype == np.uint8


SEQUENCE_ARGS = [
    {},
    {"num_words": 20},
    {"num_words": 20, "skip_top": 5},
    {"maxlen": 8},
    {"maxlen": 8, "num_words": 30, "skip_top": 2, "seed": 7},
    {"start_char": None},
    {"start_char": None, "index_from": 0},
    {"oov_char": None, "num_words": 25, "skip_top": 4},
    {"index_from": 10, "start_char": 5, "oov_char": 9, "num_words": 40},
    {"maxlen": 3},  # few sequences left; equal lengths make a 2-D object array
]


@pytest.mark.parametrize("kwargs", SEQUENCE_ARGS)
def test_imdb(keras_home, home, published_hashes, kwargs):
    keras_files.write_imdb(home / "datasets")
    _same(published_hashes, "imdb", lambda m: m.load_data(**kwargs))


def test_imdb_maxlen_that_keeps_nothing(keras_home, home, published_hashes):
    keras_files.write_imdb(home / "datasets")
    ours, theirs = _same_error(published_hashes, "imdb", lambda m: m.load_data(maxlen=1))
    assert str(ours) == str(theirs)


def test_imdb_word_index(keras_home, home, published_hashes):
    keras_files.write_word_index(home / "datasets", "imdb_word_index.json")
    index = _same(published_hashes, "imdb", lambda m: m.get_word_index())
    assert index["naïve"] == 26


@pytest.mark.parametrize("kwargs", SEQUENCE_ARGS + [{"test_split": 0.35}, {"test_split": 0.0},
                                                    {"test_split": 0.5, "seed": 1}])
def test_reuters(keras_home, home, published_hashes, kwargs):
    keras_files.write_reuters(home / "datasets")
    _same(published_hashes, "reuters", lambda m: m.load_data(**kwargs))


def test_reuters_word_index_and_labels(keras_home, home, published_hashes):
    keras_files.write_word_index(home / "datasets", "reuters_word_index.json", seed=9)
    _same(published_hashes, "reuters", lambda m: m.get_word_index())
    from keras.src.datasets import reuters

    assert densefit.datasets.reuters.get_label_names() == reuters.get_label_names()


@pytest.mark.parametrize("kwargs", [{}, {"test_split": 0.1}, {"test_split": 0.0},
                                    {"seed": 3, "test_split": 0.33}])
def test_boston_housing(keras_home, home, published_hashes, kwargs):
    keras_files.write_housing(home / "datasets", "boston_housing.npz", 51, 13, np.float64)
    _same(published_hashes, "boston_housing", lambda m: m.load_data(**kwargs))


@pytest.mark.parametrize("kwargs", [{}, {"version": "small"}, {"version": "small", "seed": 5},
                                    {"test_split": 0.25, "version": "large"}])
def test_california_housing(keras_home, home, published_hashes, kwargs):
    keras_files.write_housing(home / "datasets", "california_housing.npz", 650, 8, np.float32)
    (x_train, _), (x_test, _) = _same(published_hashes, "california_housing",
                                      lambda m: m.load_data(**kwargs))
    assert len(x_train) + len(x_test) == (600 if kwargs.get("version") == "small" else 650)


@pytest.mark.parametrize("name,kwargs", [("boston_housing", {"test_split": 1.0}),
                                         ("california_housing", {"test_split": -0.1}),
                                         ("california_housing", {"version": "medium"})])
def test_housing_refusals(keras_home, home, published_hashes, name, kwargs):
    keras_files.write_housing(home / "datasets", f"{name}.npz", 650, 8, np.float32)
    ours, theirs = _same_error(published_hashes, name, lambda m: m.load_data(**kwargs))
    assert str(ours) == str(theirs)


@contextlib.contextmanager
def _image_data_format(keras, data_format):
    before = keras.config.image_data_format(), densefit.config.image_data_format()
    keras.config.set_image_data_format(data_format)
    densefit.config.set_image_data_format(data_format)
    try:
        yield
    finally:
        keras.config.set_image_data_format(before[0])
        densefit.config.set_image_data_format(before[1])


def test_cifar10(keras_home, home, published_hashes):
    # Real sizes: Keras's loader writes 50,000 rows 10,000 a batch.
    keras_files.write_cifar10(home / "datasets")
    (x_train, y_train), (x_test, y_test) = _same(published_hashes, "cifar10",
                                                 lambda m: m.load_data())
    assert x_train.shape == (50000, 32, 32, 3) and x_test.shape == (10000, 32, 32, 3)
    assert y_train.shape == (50000, 1) and y_test.dtype == np.uint8
    assert (home / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
            / "test_batch").is_file()


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100(keras_home, home, published_hashes, data_format, label_mode):
    keras_files.write_cifar100(home / "datasets")
    with _image_data_format(keras_home, data_format):
        (x_train, y_train), _ = _same(published_hashes, "cifar100",
                                      lambda m: m.load_data(label_mode=label_mode))
    assert x_train.shape == ((40, 32, 32, 3) if data_format == "channels_last" else (40, 3, 32, 32))
    assert y_train.shape == (40, 1)


def test_cifar100_label_mode_refused(keras_home, home, published_hashes):
    keras_files.write_cifar100(home / "datasets")
    ours, theirs = _same_error(published_hashes, "cifar100",
                               lambda m: m.load_data(label_mode="medium"))
    assert str(ours) == str(theirs)


class _Gadget:
    def __reduce__(self):
        return (os.getcwd, ())  # harmless, but any callable is what an attack would use


@pytest.mark.parametrize("name,members", [("imdb", ("x_train", "y_train", "x_test", "y_test")),
                                          ("reuters", ("x", "y"))])
def test_tampered_pickles_are_refused(keras_home, home, published_hashes, name, members):
    bad = np.empty(2, dtype=object)
    bad[:] = [[1, 2], _Gadget()]
    np.savez(home / "datasets" / f"{name}.npz", **{m: bad for m in members})
    ours, theirs = _same_error(published_hashes, name, lambda m: m.load_data())
    assert isinstance(ours, pickle.UnpicklingError)
