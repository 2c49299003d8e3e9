"""Model: Keras's base model class, and the machinery every model shares here: a chain of
layers built into one native network (its weights, serving, saving). `Model(inputs, outputs)`
makes a Functional model (functional.py), as in Keras; Sequential (sequential.py) is the same
chain built with `add`. Both are instances of Model."""

from densefit import config
from densefit import user_code
from densefit.layers import InputLayer, KerasTensor, Layer
from densefit.layers.layer import _as_shape, flat_size
from densefit.models import shared_layers
from densefit.serving import fast_path
from densefit.trainers import data_adapter as da
from densefit.trainers.trainer import Trainer
from densefit.utils import random as _random
from densefit.variables import assign_all, read_all


class Model(Trainer):
    """A model: layers with training and inference (`compile`, `fit`, `evaluate`, `predict`).

    `Model(inputs, outputs)` builds a functional model from the `Input` and the tensor that
    layers called on it produced:

        inputs = keras.Input((784,))
        outputs = keras.layers.Dense(10, activation="softmax")(inputs)
        model = keras.Model(inputs, outputs)

    Args:
        inputs: the model's input, from `keras.Input(shape)` (a list of one also works).
        outputs: the tensor the layers computed from `inputs` (a list of one also works).
        name: the model's name.
        trainable: whether fit updates the model's weights.

    densefit runs models whose layers form a chain. Subclassing Model with your own `call`
    raises UnsupportedUserCodeError (densefit would never run the method)."""

    def __new__(cls, *args, **kwargs):
        if cls is Model:  # as Keras: Model(inputs, outputs) is a Functional model
            from densefit.models.functional import Functional

            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        # Reached by user subclasses of Model only: Model(...) itself made a Functional.
        from densefit.models.functional import Functional

        Functional.__init__(self, *args, **kwargs)

    def _init_chain(self, layers, trainable, name):
        self.name = name
        self._layers = []  # the layers the native network runs, models used as layers inlined
        self._items = []   # model.layers: those layers, with each inner model as one item
        self._input_shape = None
        self._network = None
        self._rows_per_sample = 1
        self._shared, self._synced = {}, {}  # layers shared with other models (shared_layers)
        self.built = False
        self._trainable = trainable
        self._init_trainer()
        for layer in layers or []:
            self._add_layer(layer, rebuild=False)
        self._maybe_rebuild()

    def _add_layer(self, layer, rebuild=True, item=True):
        if isinstance(layer, KerasTensor):
            layer = layer._layer
        if isinstance(layer, Model):
            self._add_model(layer, rebuild)
            return
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
        if item:
            self._items.append(layer)
        if self._input_shape is not None:
            self._shapes()  # fail early on an impossible stack
        if rebuild:
            self._maybe_rebuild()

    def _add_model(self, model, rebuild):
        """A model used as a layer (Keras's `Sequential([model, Softmax()])`, or a model
        called on a symbolic tensor): its layers run inlined in this model's network and
        share their weights with `model` (models/shared_layers.py); `layers` lists it as one
        item, as Keras does."""
        if model is self or self in model._inner_models():
            raise ValueError(f"Model {self.name!r} cannot contain itself")
        if model._input_shape is not None:
            if not self._layers and self._input_shape is None:
                self._input_shape = model._input_shape
            elif self._input_shape is not None and \
                    tuple(self._shapes()[-1]) != tuple(model._input_shape):
                raise ValueError(f"Input 0 of layer {model.name!r} is incompatible with the "
                                 f"layer: expected shape={model.input_shape}, found shape="
                                 f"{(None,) + tuple(self._shapes()[-1])}")
        for layer in model._layers:
            self._add_layer(layer, rebuild=False, item=False)
        self._items.append(model)
        if rebuild:
            self._maybe_rebuild()

    def _inner_models(self):
        """The models used as layers in this one, at any depth."""
        found = []
        for item in self._items:
            if isinstance(item, Model):
                found += [item] + item._inner_models()
        return found

    def _frozen_by_inner_models(self):
        """Layers an inner model with `trainable = False` freezes (Keras's trainable flag
        reaches every sublayer)."""
        return {id(layer) for model in self._inner_models() if not model._trainable
                for layer in model._layers}

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
        return list(self._items)

    def get_layer(self, name=None, index=None):
        """The layer at `index` of `model.layers`, or the one named `name`."""
        layers = self.layers
        if index is not None and name is not None:
            raise ValueError(f"Provide only a layer name or a layer index. Received: "
                             f"index={index}, name={name}.")
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only "
                                 f"has {len(layers)} layers.")
            return layers[index]
        if name is None:
            raise ValueError("Provide either a layer name or layer index at `get_layer`.")
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: "
                         f"{[l.name for l in layers]}.")

    # ---- Keras's symbolic view: model.inputs / outputs, layer.input / output -----------------
    @property
    def inputs(self):
        return list(self._symbolic_io()[0])

    @property
    def outputs(self):
        return list(self._symbolic_io()[1])

    @property
    def input(self):
        raise AttributeError(f"The layer {self.name} has never been called and thus has no "
                             f"defined input.")

    @property
    def output(self):
        raise AttributeError(f"The layer {self.name} has never been called and thus has no "
                             f"defined output.")

    def _symbolic_io(self):
        io = self.__dict__.get("_functional_io") or self.__dict__.get("_chain_io")
        if io is None:
            raise AttributeError(f"{type(self).__name__} model '{self.name}' has no defined "
                                 f"inputs yet.")
        return io

    def _link_chain(self):
        """Links the built chain as if each layer were called in turn on an Input, as
        Keras's Sequential does, so `model.inputs` and each layer's `input`/`output` exist."""
        tensor = first = KerasTensor(self._input_shape, "keras_tensor", None, chain=[])
        for layer in self._layers:
            out = KerasTensor(layer.compute_output_shape(tensor.shape[1:]), layer.name, layer,
                              tensor._chain + [layer])
            if getattr(layer, "_node", None) is None:
                layer._node = (tensor, out)
            tensor = out
        self._chain_io = ([first], [tensor])

    def _item_shapes(self):
        """The sample shape before the first item of `layers` and after each one."""
        shapes, flat = [tuple(self._input_shape)], self._shapes()
        done = 0
        for item in self._items:
            done += len(item._layers) if isinstance(item, Model) else 1
            shapes.append(tuple(flat[done]))
        return shapes

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
        net.rows_per_sample = self._rows_per_sample
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
        self._link_chain()

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
        frozen = self._frozen_by_inner_models()
        for index, layer in enumerate(self._native_layers):
            self._network.set_trainable(
                index, layer.trainable and self._trainable and id(layer) not in frozen)

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
        frozen = self._frozen_by_inner_models()
        return [v for layer in self._layers if id(layer) not in frozen
                for v in layer.trainable_weights]

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self):
        if not self._trainable:
            return self.weights
        frozen = self._frozen_by_inner_models()
        return [v for layer in self._layers
                for v in (layer.weights if id(layer) in frozen else layer.non_trainable_weights)]

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
        if isinstance(x, KerasTensor):  # the model as a layer of a functional model
            if self._input_shape is None:
                raise ValueError(f"Model {self.name!r} has no input shape yet: build it before "
                                 f"calling it on a symbolic tensor")
            if tuple(x.shape[1:]) != tuple(self._input_shape):
                raise ValueError(f"Input 0 of layer {self.name!r} is incompatible with the "
                                 f"layer: expected shape={self.input_shape}, found shape="
                                 f"{x.shape}")
            return KerasTensor(self._shapes()[-1], self.name, self, x._chain + [self])
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

    def get_config(self):
        """Keras's Functional config (layers with their inbound nodes, input_layers,
        output_layers): what Model.from_config, Keras and the .keras file read."""
        from densefit.saving import refuse_inner_models
        from densefit.saving.model_config import _functional_config

        refuse_inner_models(self, "write the config of")
        return _functional_config(self)


def _acts_on_last_axis(layer):
    """Whether a layer's result depends on how its input's values are grouped into rows of
    the last axis (element-wise layers do not care)."""
    if getattr(layer, "_acts_on_last_axis", False):
        return True
    return getattr(layer, "activation", None) in ("softmax", "log_softmax")


def _row_layout(layers, shapes):
    """How the native network sees a sample: (rows per sample, values per row).

    The native chain is row-wise. A layer that acts on the last axis (Dense, a
    normalization, a softmax) and meets samples of shape (t1, ..., features) does so per time
    step, as in Keras: each sample is t1*... rows of `features` values, so a sequence output
    (n, t, units) and temporal sample weights (n, t) come for free. Shape-only layers
    (Flatten, Reshape) and element-wise ones regroup nothing in row-major memory. So every
    last-axis layer, and the output (whose last axis the loss and metrics reduce), must see
    the same number of rows per sample; a model that regroups rows between them is refused."""
    acting = [i for i, layer in enumerate(layers) if _acts_on_last_axis(layer)]
    seen = [(layers[i].name, shapes[i]) for i in acting]
    seen.append(("the output", shapes[-1]))  # alone when no layer acts on the last axis
    rows = flat_size(seen[0][1][:-1])
    for name, shape in seen[1:]:
        if flat_size(shape[:-1]) != rows:
            first = seen[0][0]
            raise ValueError(
                f"densefit runs a model as rows of its last axis, and this one regroups them: "
                f"{first!r} sees samples of shape {seen[0][1]} ({rows} row(s) of "
                f"{seen[0][1][-1]}) but {name if name == 'the output' else repr(name)} has "
                f"shape {shape}. Reshape or Flatten only before the first Dense (or other "
                f"last-axis layer), or after the last one when the output keeps its rows")
    return rows, flat_size(shapes[0]) // rows
