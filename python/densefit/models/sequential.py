"""Sequential: a model made of a stack of layers, each feeding the next (Keras's Sequential)."""

from densefit.models import shared_layers
from densefit.models.model import Model


class Sequential(Model):
    """A stack of layers, each taking the previous one's output.

    Layers come as a list or one at a time with `add`; the model is built as soon as its
    input shape is known (an `Input`/`InputLayer` first, `input_shape=` on the first layer,
    `build(input_shape)`, or the first data it sees):

        model = keras.Sequential([keras.Input((100,)), keras.layers.Dense(1)])
        model.add(keras.layers.Activation("sigmoid"))

    Args:
        layers: the layers, in order (an `Input` or `InputLayer` may lead).
        trainable: whether fit updates the model's weights.
        name: the model's name (default "sequential")."""

    def __init__(self, layers=None, trainable=True, name=None):
        self._init_chain(layers, trainable, name or "sequential")

    def add(self, layer, rebuild=True):
        """Appends `layer` (a Layer, or the tensor of an `Input`) and rebuilds the model
        when its input shape is known, keeping the weights it has."""
        self._add_layer(layer, rebuild)

    def pop(self, rebuild=True):
        """Removes the last layer (or model used as a layer) and returns it; its layers keep
        their weights, as in Keras."""
        if not self._items:
            raise TypeError("There are no layers in the model.")
        item = self._items.pop()
        count = len(item._layers) if isinstance(item, Model) else 1
        for layer in self._layers[len(self._layers) - count:]:
            self._release(layer)
        del self._layers[len(self._layers) - count:]
        if rebuild:
            self._maybe_rebuild()
        return item

    def _release(self, layer):
        if layer in self._shared:  # another model still uses it: its weights stay where they are
            pass
        elif layer._model is self and layer._variables:
            shared_layers.detach(layer)  # keeps its weights, as in Keras
        else:
            layer._variables, layer._model, layer.built = [], None, False

    def get_config(self):
        from densefit.saving import refuse_inner_models

        refuse_inner_models(self, "write the config of")
        layers = []
        if self._input_shape is not None:
            layers.append({"module": "keras.layers", "class_name": "InputLayer",
                           "config": {"batch_shape": (None,) + tuple(self._input_shape),
                                      "dtype": "float32", "sparse": False,
                                      "name": "input_layer"}, "registered_name": None})
        for layer in self._layers:
            layers.append({"module": "keras.layers", "class_name": type(layer).__name__,
                           "config": layer.get_config(), "registered_name": None})
        return {"name": self.name, "trainable": self._trainable, "dtype": "float32",
                "layers": layers}
