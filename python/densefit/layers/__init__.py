"""Keras layers for dense networks."""

from densefit.layers.activations import ELU, LeakyReLU, PReLU, ReLU, Softmax
from densefit.layers.core import (Activation, Dense, Dropout, Flatten, Identity, Input,
                                  InputLayer, KerasTensor)
from densefit.layers.embedding import Embedding
from densefit.layers.layer import Layer
from densefit.layers.normalization import (BatchNormalization, LayerNormalization,
                                           UnitNormalization)
from densefit.layers.preprocessing import Normalization, Rescaling
from densefit.layers.regularization import (ActivityRegularization, AlphaDropout,
                                            GaussianDropout, GaussianNoise)
from densefit.layers.reshaping import Reshape

__all__ = ["Activation", "ActivityRegularization", "AlphaDropout", "BatchNormalization", "Dense",
           "Dropout", "ELU", "Embedding", "Flatten", "GaussianDropout", "GaussianNoise", "Identity",
           "Input", "InputLayer", "KerasTensor", "Layer", "LayerNormalization", "LeakyReLU",
           "Normalization", "PReLU", "ReLU", "Rescaling", "Reshape", "Softmax", "UnitNormalization"]
