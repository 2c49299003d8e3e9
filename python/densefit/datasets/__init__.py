"""keras.datasets: Keras's small NumPy datasets, read from (and downloaded into) Keras's own
cache, `$KERAS_HOME/datasets` (default `~/.keras/datasets`), with Keras's file names, origins
and hashes, so a file Keras downloaded is used as is and gives the same arrays."""

from densefit.datasets import (boston_housing, california_housing, cifar10, cifar100,
                               fashion_mnist, imdb, mnist, reuters)

__all__ = ["boston_housing", "california_housing", "cifar10", "cifar100", "fashion_mnist",
           "imdb", "mnist", "reuters"]
