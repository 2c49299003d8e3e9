"""Keras's naming rules, used wherever densefit names things as Keras would."""

import re


def to_snake_case(name):
    """Keras's naming.to_snake_case: "LayerNormalization" -> "layer_normalization", "ReLU" ->
    "re_lu" (the default names of layers, losses and metrics, and Keras's file keys)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
