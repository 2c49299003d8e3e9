"""densefit: Keras's API for dense networks, trained and served by a native C++ engine.

    import densefit as keras
"""

__version__ = "0.1.0"

from densefit import (activations, backend, callbacks, config, constraints, datasets,
                      initializers, layers, losses, metrics, ops, optimizers, regularizers,
                      saving, utils)
from densefit.layers import Input
from densefit.models import Model, Sequential
from densefit import models
from densefit import wrappers  # sklearn is imported only when a wrapper is looked up
from densefit.serving.cmake_package import get_cmake_dir

__all__ = ["Input", "Model", "Sequential", "activations", "backend", "callbacks", "config", "constraints", "datasets",
           "initializers", "layers", "losses", "metrics", "models", "ops", "optimizers",
           "regularizers", "saving", "utils", "wrappers", "get_cmake_dir", "__version__"]
