"""densefit.datasets without Keras: what is read from where, in which shapes, and which
arguments are refused before any file is touched."""

import numpy as np
import pytest

import densefit
import keras_files
from densefit.datasets import (boston_housing, california_housing, cifar10, cifar100, imdb,
                               mnist, reuters)


def test_namespace():
    for name in ("mnist", "fashion_mnist", "imdb", "reuters", "boston_housing",
                 "california_housing", "cifar10", "cifar100"):
        assert callable(getattr(densefit.datasets, name).load_data)
    assert len(densefit.datasets.reuters.get_label_names()) == 46


def test_mnist_reads_the_keras_home_cache(home, published_hashes):
    path = keras_files.write_mnist(home / "datasets")
    published_hashes.wrap(mnist)
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    with np.load(path) as f:
        np.testing.assert_array_equal(x_train, f["x_train"])
        np.testing.assert_array_equal(y_test, f["y_test"])
    (_, args), = published_hashes.calls
    assert args["origin"] == "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"


def test_published_hash_is_checked(home, capsys):
    # Without the hash swap the test file does not match Keras's published hash, so get_file
    # goes for a fresh copy, which the offline fixture refuses.
    keras_files.write_mnist(home / "datasets")
    with pytest.raises(AssertionError, match="download was attempted"):
        mnist.load_data()
    assert "file hash does not match the original value" in capsys.readouterr().out


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_cifar10_batches_of_any_size(home, published_hashes, data_format):
    keras_files.write_cifar10(home / "datasets", per_batch=4, n_test=3)
    published_hashes.wrap(cifar10)
    before = densefit.config.image_data_format()
    densefit.config.set_image_data_format(data_format)
    try:
        (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    finally:
        densefit.config.set_image_data_format(before)
    first = keras_files._pattern(4, 1).reshape(4, 3, 32, 32)
    if data_format == "channels_last":
        first = first.transpose(0, 2, 3, 1)
    assert x_train.shape == (20,) + first.shape[1:]
    np.testing.assert_array_equal(x_train[:4], first)
    assert y_train.shape == (20, 1) and y_train.dtype == np.uint8 and y_test.shape == (3, 1)
    np.testing.assert_array_equal(y_train[4:8, 0], (np.arange(4) * 2) % 10)
    assert x_test.dtype == np.uint8 and len(x_test) == 3


@pytest.mark.parametrize("call,error", [
    (lambda: california_housing.load_data(version="medium"), ValueError),
    (lambda: california_housing.load_data(test_split=1.0), ValueError),
    (lambda: boston_housing.load_data(test_split=-0.5), ValueError),
    (lambda: boston_housing.load_data(test_split="0.2"), TypeError),
    (lambda: reuters.load_data(test_split=2), ValueError),
    (lambda: cifar100.load_data(label_mode="fine_labels"), ValueError),
])
def test_refused_before_any_file_access(home, call, error):
    with pytest.raises(error):
        call()


def test_imdb_names_the_arguments_it_ignores(home, published_hashes):
    keras_files.write_imdb(home / "datasets")
    published_hashes.wrap(imdb)
    with pytest.warns(UserWarning, match="nb_words"):
        imdb.load_data(nb_words=10)
