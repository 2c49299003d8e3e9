"""Functional: what `Model(inputs, outputs)` makes, as in Keras (keras.src.models.functional):
a model defined by calling layers on `Input` tensors. densefit runs chains of layers."""

from densefit import user_code
from densefit.layers import KerasTensor
from densefit.models.model import Model


class Functional(Model):
    """A model built by calling layers on `keras.Input(...)`: `Model(inputs, outputs)`.

    Args:
        inputs: the model's input tensor, from `keras.Input(shape)` (or a list of one).
        outputs: the tensor computed from `inputs` by calling layers (or a list of one).
        name: the model's name (default "functional").
        trainable: whether fit updates the model's weights.

    Its `layers` list starts with the InputLayer, as Keras's does."""

    def __init__(self, inputs=None, outputs=None, name=None, trainable=True, **kwargs):
        if inputs is None or outputs is None:
            if type(self) is not Functional:
                raise user_code.UnsupportedUserCodeError(
                    f"{type(self).__name__} subclasses Model without `inputs` and `outputs`: "
                    f"densefit cannot run subclassed models (layers made in __init__, a "
                    f"`call` method) natively yet. Build it with the functional API "
                    f"(Model(inputs, outputs)) or Sequential, or run it with Keras.")
            raise ValueError("densefit's Model takes `inputs` and `outputs` (functional API); "
                             "for a stack of layers use Sequential")
        if isinstance(inputs, (list, tuple)):
            if len(inputs) != 1:
                raise ValueError("densefit models have exactly one input")
            inputs = inputs[0]
        if isinstance(outputs, (list, tuple)):
            if len(outputs) != 1:
                raise ValueError("densefit models have exactly one output")
            outputs = outputs[0]
        if not isinstance(inputs, KerasTensor) or not isinstance(outputs, KerasTensor):
            raise TypeError("`inputs` and `outputs` must come from densefit.Input and layer calls")
        chain = outputs._chain
        if not chain or chain[0] is not inputs._layer:
            raise ValueError("`outputs` must be computed from `inputs` by a chain of layers")
        self._functional_io = ([inputs], [outputs])
        self._init_chain(chain, trainable, name or "functional")
        self._input_layer = inputs._layer  # Keras lists it among a functional model's layers
        self.build((None,) + tuple(inputs._layer.input_shape_hint))

    @property
    def layers(self):
        """The model's layers, its InputLayer first, as Keras lists a functional model's."""
        return [self._input_layer] + list(self._items)

    @property
    def input(self):
        return self._functional_io[0][0]

    @property
    def output(self):
        return self._functional_io[1][0]

    @property
    def output_names(self):
        """The names of the layers that produce the outputs, as Keras gives them."""
        return [self._items[-1].name]
