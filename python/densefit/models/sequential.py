"""Sequential (and Model over a linear chain of layers): builds the native Network."""

from densefit import config
from densefit._native import core
from densefit.layers import InputLayer, KerasTensor, Layer
from densefit.layers.layer import _as_shape, flat_size
from densefit.trainers import data_adapter as da
from densefit.serving import fast_path
from densefit.trainers.trainer import Trainer
from densefit.utils import random as _random
from densefit.variables import assign_all, read_all
from densefit import user_code
from densefit.models import shared_layers


class Sequential(Trainer):
    def __init__(self, layers=None, trainable=True, name=None):
        self.name = name or "sequential"
        self._layers = []
        self._input_shape = None
        self._network = None
        self._rows_per_sample = 1
        self._shared, self._synced = {}, {}  # layers shared with other models (shared_layers)
        self.built = False
        self._trainable = trainable
        self._init_trainer()
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    # ---- structure ---------------------------------------------------------------------------
    def add(self, layer, rebuild=True):
        if isinstance(layer, KerasTensor):
            layer = layer._layer
        if not isinstance(layer, Layer):
            raise TypeError(f"Only instances of `densefit.layers.Layer` can be added to a "
                            f"Sequential model. Received: {layer!r}")
        user_code.check_layer(layer)
        if isinstance(layer, InputLayer):
            if self._layers or self._input_shape is not None:
                raise ValueError("An InputLayer must be the first layer of a Sequential model")
            self._input_shape = layer.input_shape_hint
            return
        if not self._layers and self._input_shape is None and layer.input_shape_hint is not None:
            self._input_shape = layer.input_shape_hint
        if any(l.name == layer.name for l in self._layers):
            raise ValueError(f"All layers added to a Sequential model should have unique names. "
                             f"Name {layer.name!r} is already the name of a layer in this model.")
        self._layers.append(layer)
        if self._input_shape is not None:
            self._shapes()  # fail early on an impossible stack
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild=True):
        if not self._layers:
            raise TypeError("There are no layers in the model.")
        layer = self._layers.pop()
        if layer in self._shared:  # another model still uses it: its weights stay where they are
            pass
        elif layer._model is self and layer._variables:
            shared_layers.detach(layer)  # keeps its weights, as in Keras
        else:
            layer._variables, layer._model, layer.built = [], None, False
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self):
        """As Keras: a model whose input shape is known is built at once; adding or popping
        a layer rebuilds it, keeping the weights of the layers it already had."""
        if self._input_shape is None or not self._layers:
            return
        kept = {id(l): l.get_weights() for l in self._layers if l.built}
        self.built = False
        self._network = None
        self._native_ready = False
        self.build()
        for layer in self._layers:
            if id(layer) in kept:
                layer.set_weights(kept[id(layer)])

    @property
    def layers(self):
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        if index is not None:
            return self._layers[index]
        for layer in self._layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: "
                         f"{[l.name for l in self._layers]}")

    def _shapes(self):
        shapes = [tuple(self._input_shape)]
        for layer in self._layers:
            shapes.append(tuple(layer.compute_output_shape(shapes[-1])))
        return shapes

    # ---- building the native network -----------------------------------------------------------
    def build(self, input_shape=None):
        if self.built:
            return
        if input_shape is not None:
            shape = tuple(input_shape)[1:]  # Keras passes the batch dimension too
            self._input_shape = _as_shape(shape, "input_shape")
        if self._input_shape is None:
            raise ValueError("The model has no input shape yet: pass `input_shape` to its first "
                             "layer, start with `Input(shape)`, or call `build(input_shape)`")
        if not self._layers:
            raise ValueError("A Sequential model needs at least one layer")
        shapes = self._shapes()
        specs, bindings = [], []
        self._native_layers = []  # layers with a native counterpart, in native order
        for layer, in_shape in zip(self._layers, shapes[:-1]):
            spec = layer.native_spec(in_shape)
            if spec is not None:
                spec["trainable"] = layer.trainable
                specs.append(spec)
                self._native_layers.append(layer)
            bindings.append((layer, layer.weight_shapes(in_shape)))
        self._rows_per_sample, row_width = _row_layout(self._layers, shapes)
        self._seed = _random.global_seed() ^ (_random.next_stream() << 20)
        net = config.native_network_class()(row_width, specs, self._seed)  # by device
        params = net.params
        offset = 0
        shared_before, self._shared, self._synced = self._shared, {}, {}
        for layer, weight_shapes in bindings:
            arrays = []
            for wname, wshape in weight_shapes:
                size = flat_size(wshape)
                view = params[offset:offset + size].reshape(wshape)
                layer.initial_value_into(wname, view)  # a layer with weights keeps them, below
                arrays.append((view, wname))
                offset += size
            shared_layers.bind_layer(self, layer, arrays, shared_before)
        assert offset == net.num_params, "layer weights and native segments disagree"
        self._network = net
        self._output_shape = shapes[-1]
        self.built = True

    def _build_from_data(self, x):
        if not self.built:
            if self._input_shape is None:
                self._input_shape = _as_shape(x.shape[1:], "input shape")
            self.build()

    def _check_input_shape(self, x):
        """Keras accepts (n, *input_shape) and, for one-feature inputs, (n,); densefit also
        reads any shape with the same number of values per sample row-major."""
        expected = tuple(self._input_shape)
        got = tuple(x.shape[1:])
        if got == expected or flat_size(got) == flat_size(expected) and x.ndim > 1:
            return
        if x.ndim == 1 and flat_size(expected) == 1:
            return
        raise ValueError(f"Input 0 of layer {self._layers[0].name!r} is incompatible with the "
                         f"layer: expected shape=(None, {', '.join(map(str, expected))}), found "
                         f"shape={tuple(x.shape)}")

    def _sync_trainable(self):
        if self._network is None:
            return
        for index, layer in enumerate(self._native_layers):
            self._network.set_trainable(index, layer.trainable and self._trainable)

    def _on_trainable_changed(self):
        if self._network is not None:
            self._sync_trainable()

    # ---- Keras's model surface ------------------------------------------------------------------
    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        self._on_trainable_changed()

    @property
    def weights(self):
        return [v for layer in self._layers for v in layer.weights]

    variables = weights

    @property
    def trainable_weights(self):
        if not self._trainable:
            return []
        return [v for layer in self._layers for v in layer.trainable_weights]

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self):
        if not self._trainable:
            return self.weights
        return [v for layer in self._layers for v in layer.non_trainable_weights]

    def get_weights(self):
        return read_all(self.weights)  # one weight version, even while another thread writes

    def set_weights(self, weights):
        variables = self.weights
        if len(weights) != len(variables):
            raise ValueError(f"You called `set_weights(weights)` on a model with "
                             f"{len(variables)} weights, but the weights list has "
                             f"{len(weights)} elements")
        assign_all(zip(variables, weights))  # one weight version: serving sees all or none

    def count_params(self):
        return sum(layer.count_params() for layer in self._layers)

    @property
    def input_shape(self):
        return None if self._input_shape is None else (None,) + tuple(self._input_shape)

    @property
    def output_shape(self):
        return (None,) + tuple(self._shapes()[-1])

    def __call__(self, x, training=False):
        if not training:
            out = fast_path.forward(self, x)  # serving: one native pass, nothing else
            if out is not None:
                return out
        x = da.to_float32_rows(x, "x")
        self._build_from_data(x)
        self._check_input_shape(x)
        return self._forward(x, training=training)

    def export(self, filepath, format=None, verbose=None):
        """Writes the model for use without densefit's Python: format "densefit" (.dfm, for
        C++ programs: densefit::Model::load) or "onnx" (ONNX Runtime; needs `onnx`). None
        picks "onnx" for a .onnx path, else "densefit". See densefit.export."""
        from densefit.export import export_model

        return export_model(self, filepath, format=format, verbose=verbose)

    def summary(self, print_fn=None, **kwargs):
        from densefit.models.summary import summary_text

        text = summary_text(self)
        (print_fn or print)(text)

    def get_config(self):
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

    # ---- saving (densefit.saving does the work) -----------------------------------------------
    @classmethod
    def from_config(cls, config, custom_objects=None):
        from densefit.saving import model_config
        from densefit.saving.serialization import _Deserializer

        name = "Functional" if "input_layers" in config else cls.__name__
        return model_config.deserialize_model(
            cls, {"class_name": name, "config": config}, _Deserializer(custom_objects, True))

    def to_json(self, **kwargs):
        import json

        from densefit.saving import serialize_keras_object

        return json.dumps(serialize_keras_object(self), **kwargs)

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        from densefit import saving

        saving.save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, **kwargs):
        from densefit import saving

        saving.save_weights(self, filepath, overwrite=overwrite, **kwargs)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        from densefit import saving

        saving.load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)


def _row_layout(layers, shapes):
    """How the native network sees a sample: (rows per sample, values per row).

    A Dense that meets samples of shape (t1, ..., features) acts on the last axis, as in
    Keras: each sample is t1*... rows of `features` values (the native chain is row-wise), so
    a sequence output (n, t, units) and temporal sample weights (n, t) come for free."""
    first_dense = next((i for i, l in enumerate(layers) if hasattr(l, "units")), None)
    flatten_before = any(len(shapes[i]) > 1 and len(shapes[i + 1]) == 1
                         for i in range(first_dense if first_dense is not None else len(layers)))
    if len(shapes[0]) <= 1 or flatten_before or first_dense is None:
        return 1, flat_size(shapes[0])
    for i in range(first_dense, len(layers)):
        if len(shapes[i + 1]) != len(shapes[i]):
            raise ValueError(f"Layer {layers[i].name!r} changes the rank of per-time-step "
                             f"outputs {shapes[i]} -> {shapes[i + 1]}: densefit runs Dense "
                             f"over time steps only when no Flatten follows it")
    return flat_size(shapes[0][:-1]), shapes[0][-1]


class Model(Sequential):
    """Keras's functional Model, for chains of layers: Model(inputs, outputs) where outputs is
    built by calling layers on Input(...). (Subclassing and branching graphs are not
    supported.)"""

    def __init__(self, inputs=None, outputs=None, name=None, trainable=True, **kwargs):
        if inputs is None or outputs is None:
            if type(self) is not Model:
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
        super().__init__(layers=chain, trainable=trainable, name=name or "functional")
        self._input_layer = inputs._layer  # Keras lists it among a functional model's layers
        self.build((None,) + tuple(inputs._layer.input_shape_hint))

    def get_config(self):
        """Keras's Functional config (layers with their inbound nodes, input_layers,
        output_layers): what Model.from_config, Keras and the .keras file read."""
        from densefit.saving.model_config import _functional_config

        return _functional_config(self)
