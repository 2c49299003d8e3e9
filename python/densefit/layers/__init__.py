"""Keras layers for dense networks."""

from densefit.layers.core import (Activation, Dense, Dropout, Flatten, Input, InputLayer,
                                  KerasTensor)
from densefit.layers.layer import Layer
from densefit.layers.normalization import LayerNormalization

__all__ = ["Activation", "Dense", "Dropout", "Flatten", "Input", "InputLayer", "KerasTensor",
           "Layer", "LayerNormalization"]
