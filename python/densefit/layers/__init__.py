"""Keras layers for dense networks."""

from densefit.layers.core import (Activation, Dense, Dropout, Flatten, Input, InputLayer,
                                  KerasTensor)
from densefit.layers.layer import Layer

__all__ = ["Activation", "Dense", "Dropout", "Flatten", "Input", "InputLayer", "KerasTensor",
           "Layer"]
