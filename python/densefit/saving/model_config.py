"""A model's config in Keras 3's layouts, both ways: Sequential (a list of layer configs led by
an InputLayer) and Functional (layers with their inbound nodes; densefit reads the chains
among them), each with build_config and compile_config."""

_FUNCTIONAL_MODULE = "keras.src.models.functional"


def serialize_model(model):
    """What Keras's serialize_keras_object gives for the model."""
    from densefit.models import Functional
    from densefit.saving import refuse_inner_models
    from densefit.saving.serialization import serialize_keras_object

    refuse_inner_models(model, "write the config of")
    input_shape = None if model._input_shape is None else [None, *model._input_shape]
    if type(model) is Functional:
        out = {"module": _FUNCTIONAL_MODULE, "class_name": "Functional",
               "config": _functional_config(model), "registered_name": "Functional",
               "build_config": {"input_shape": None}}
    else:
        config = {"name": model.name, "trainable": model.trainable, "dtype": "float32",
                  "layers": _sequential_layers(model)}
        if input_shape is not None:
            config["build_input_shape"] = input_shape
        out = {"module": "keras", "class_name": type(model).__name__, "config": config,
               "registered_name": None}
        if type(model).__name__ != "Sequential":
            from densefit.saving.serialization import get_registered_name

            out["module"] = type(model).__module__
            out["registered_name"] = get_registered_name(type(model))
        if input_shape is not None:
            out["build_config"] = {"input_shape": input_shape}
    if model.compiled:
        out["compile_config"] = {
            "optimizer": serialize_keras_object(model.optimizer),
            "loss": _serialize_loss(model.loss),
            "loss_weights": getattr(model, "loss_weights", None),
            "metrics": serialize_keras_object(getattr(model, "_compile_metrics", None)) or None,
            "weighted_metrics": serialize_keras_object(
                getattr(model, "_compile_weighted_metrics", None)) or None,
            "run_eagerly": bool(getattr(model, "run_eagerly", False)),
            "steps_per_execution": getattr(model, "steps_per_execution", 1),
            "jit_compile": getattr(model, "jit_compile", "auto"),
        }
    return out


def _serialize_loss(loss):
    """A loss compiled from a plain function is saved as that function, as Keras does (the
    file names it; loading finds it in custom_objects or the registry)."""
    from densefit.saving.serialization import serialize_keras_object

    fn = getattr(loss, "fn", None)
    if fn is not None and not getattr(loss, "_fn_kwargs", None):
        return serialize_keras_object(fn)
    return serialize_keras_object(loss)


def _layer_entry(layer, input_shape):
    from densefit.saving.serialization import serialize_keras_object

    entry = serialize_keras_object(layer)
    entry["config"].pop("batch_input_shape", None)  # the InputLayer entry carries the shape
    if input_shape is not None and layer.weights or type(layer).__name__ == "Flatten":
        entry["build_config"] = {"input_shape": [None, *input_shape]}
    return entry


def _input_entry(model, name):
    return {"module": "keras.layers", "class_name": "InputLayer",
            "config": {"batch_shape": [None, *model._input_shape], "dtype": "float32",
                       "sparse": False, "name": name},
            "registered_name": None}


def _sequential_layers(model):
    layers = []
    shapes = model._shapes() if model._input_shape is not None else None
    if model._input_shape is not None:
        layers.append(_input_entry(model, "input_layer"))
    for i, layer in enumerate(model._layers):
        layers.append(_layer_entry(layer, None if shapes is None else shapes[i]))
    return layers


def _functional_config(model):
    input_layer = getattr(model, "_input_layer", None)
    input_name = input_layer.name if input_layer is not None else "input_layer"
    entries = [{**_input_entry(model, input_name), "name": input_name, "inbound_nodes": []}]
    shapes = model._shapes()
    previous = input_name
    for i, layer in enumerate(model._layers):
        entry = _layer_entry(layer, shapes[i])
        entry["name"] = layer.name
        entry["inbound_nodes"] = [{"args": [{
            "class_name": "__keras_tensor__",
            "config": {"shape": [None, *shapes[i]], "dtype": "float32",
                       "keras_history": [previous, 0, 0]}}], "kwargs": {}}]
        entries.append(entry)
        previous = layer.name
    return {"name": model.name, "trainable": model.trainable, "layers": entries,
            "input_layers": [input_name, 0, 0], "output_layers": [previous, 0, 0]}


# ---- loading ------------------------------------------------------------------------------------
def deserialize_model(cls, config, deserializer, depth=0):
    """The model a Keras model config describes, compiled from its compile_config unless the
    deserializer was told not to.

    The weights its layers declare are checked before the model is built (size_limits): for
    the top-level model (depth 0) first by the deserializer's `check_declared_weights`, when it
    has one (keras_zip compares them with the file's weights), then against densefit's
    limits."""
    from densefit.saving import size_limits

    inner = config.get("config")
    if not isinstance(inner, dict) or not isinstance(inner.get("layers"), list):
        raise ValueError(f"A {config.get('class_name')} config needs a list of 'layers'")
    size_limits.check_layer_count(inner["layers"])
    check = deserializer.check_declared_weights if depth == 0 else None
    if config.get("class_name") in ("Functional", "Model") or "input_layers" in inner:
        model = _functional_from_config(cls, inner, deserializer, check)
    else:
        model = _sequential_from_config(cls, inner, deserializer, check)
    compile_config = config.get("compile_config")
    if deserializer.compile and compile_config:
        _compile_from_config(model, compile_config, deserializer)
    return model


def _sequential_from_config(cls, inner, deserializer, check):
    from densefit.layers import InputLayer

    layers = []
    for entry in inner["layers"]:
        if not isinstance(entry, dict):
            raise ValueError(f"A layer config must be a dict, got {entry!r}")
        layer = deserializer.run(entry, 1)
        if not _is_layer(layer):
            raise TypeError(f"Sequential layers must be layers, the config gave {layer!r}")
        layers.append(layer)
    build_shape = inner.get("build_input_shape")
    has_input = any(isinstance(l, InputLayer) for l in layers)
    input_shape, body = _sequential_input(layers)
    if input_shape is None and build_shape and not has_input:
        input_shape = _shape_of(build_shape)[1:]
    if input_shape is not None and body:
        _check_declared(body, body, input_shape, check)
    model = cls(layers=layers, name=inner.get("name"), trainable=inner.get("trainable", True))
    if not model.built and build_shape and not has_input:
        model.build(_shape_of(build_shape))
    return model


def _sequential_input(layers):
    """(the input shape a Sequential of `layers` is built for or None, the layers that are not
    its InputLayer), as Sequential.add sees them."""
    from densefit.layers import InputLayer

    input_shape, body = None, []
    for layer in layers:
        if isinstance(layer, InputLayer):
            if body or input_shape is not None:
                return None, body  # Sequential refuses the stack before building anything
            input_shape = layer.input_shape_hint
            continue
        if not body and input_shape is None:
            input_shape = layer.input_shape_hint
        body.append(layer)
    return input_shape, body


def _check_declared(layers, keyed_layers, input_shape, check):
    """The weights `layers` declare for `input_shape`: first `check`ed, (weights-file key,
    layer, shapes) each, over `keyed_layers` (the layers as the weights file lists them),
    then held to densefit's limits. Nothing is built yet."""
    from densefit.saving import size_limits, weights_h5

    declared, refusal = size_limits.declared_weights(layers, input_shape)
    # The file is compared first: its weights name the layer that differs. When a layer
    # refused its input, only the layers up to it are (the file's weights are read as far as
    # theirs need), and not at all when its own weights are unknown.
    if check is not None and (refusal is None or declared and declared[-1][2] is None):
        known = {id(layer): layer_shapes for layer, layer_shapes, _ in declared}
        in_body = {id(layer) for layer in layers}
        check([(key, layer, known.get(id(layer), []))
               for key, layer in weights_h5.keys_for(keyed_layers)
               if id(layer) in known or id(layer) not in in_body])
    size_limits.check_limits(input_shape, declared, refusal)


def _functional_from_config(cls, inner, deserializer, check):
    from densefit.layers import InputLayer
    from densefit.models import Functional, Model, Sequential

    entries = inner["layers"]
    if not entries:
        raise ValueError("A functional model config needs at least an input layer")
    built = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise ValueError(f"A layer config must be a dict, got {entry!r}")
        layer = deserializer.run({k: v for k, v in entry.items()
                                  if k not in ("inbound_nodes", "name")}, 1)
        if not _is_layer(layer):
            raise TypeError(f"Functional layers must be layers, the config gave {layer!r}")
        built.append((entry, layer))
    first_entry, first = built[0]
    if not isinstance(first, InputLayer):
        raise ValueError("densefit reads functional models whose first layer is their input")
    previous = first_entry.get("name", first.name)
    for entry, layer in built[1:]:
        source = _single_source(entry)
        if source != previous:
            raise ValueError(
                f"densefit loads functional models that are a chain of layers; layer "
                f"{entry.get('name')!r} takes its input from {source!r}, not from the layer "
                f"before it ({previous!r})")
        previous = entry.get("name", layer.name)
    outputs = inner.get("output_layers")
    if _history_name(outputs) != previous:
        raise ValueError(f"densefit loads chain models whose output is the last layer "
                         f"({previous!r}); the config names {outputs!r}")
    # A user's Model subclass is made as itself; Model, Functional and Sequential as Keras's
    # Functional.
    plain = cls in (Model, Functional) or not issubclass(cls, Model) or issubclass(cls, Sequential)
    model_cls = Model if plain else cls
    body = [layer for _, layer in built[1:]]
    # Before the layers are called (their shape checks), as before building: Keras lists a
    # Functional model's input layer among its weights file's layers.
    _check_declared(body, [first] + body if plain else body,
                    first.input_shape_hint, check)
    inputs = tensor = _input_tensor(first)
    for layer in body:
        tensor = layer(tensor)
    return model_cls(inputs, tensor, name=inner.get("name"),
                     trainable=inner.get("trainable", True))


def _input_tensor(input_layer):
    from densefit.layers.layer import KerasTensor

    return KerasTensor(input_layer._input_shape_arg, input_layer.name, input_layer)


def _single_source(entry):
    nodes = entry.get("inbound_nodes")
    # A config from get_config() in memory holds tuples where its JSON form has lists.
    if not isinstance(nodes, (list, tuple)) or len(nodes) != 1:
        raise ValueError(f"densefit loads functional models that are a chain of layers; layer "
                         f"{entry.get('name')!r} is called {len(nodes or [])} times")
    node = nodes[0]
    args = node.get("args") if isinstance(node, dict) else node
    if isinstance(args, (list, tuple)) and len(args) == 1:
        arg = args[0]
        if isinstance(arg, dict) and isinstance(arg.get("config"), dict):
            return _history_name(arg["config"].get("keras_history"))
        return _history_name(arg)
    raise ValueError(f"densefit loads functional models that are a chain of layers; layer "
                     f"{entry.get('name')!r} takes {len(args) if isinstance(args, (list, tuple)) else 0} "
                     f"inputs")


def _history_name(history):
    """The layer name in a Keras [name, node, tensor] reference (possibly wrapped in a list)."""
    while isinstance(history, (list, tuple)) and history and isinstance(history[0], (list, tuple)):
        if len(history) != 1:
            return None
        history = history[0]
    if isinstance(history, (list, tuple)) and history and isinstance(history[0], str):
        return history[0]
    return None


def _compile_from_config(model, compile_config, deserializer):
    if not isinstance(compile_config, dict):
        raise ValueError(f"compile_config must be a dict, got {compile_config!r}")
    config = deserializer.run(compile_config, 1)
    known = ("optimizer", "loss", "loss_weights", "metrics", "weighted_metrics", "run_eagerly",
             "steps_per_execution", "jit_compile", "auto_scale_loss")
    model.compile(**{k: v for k, v in config.items() if k in known})


def _is_layer(obj):
    from densefit.layers import Layer

    return isinstance(obj, Layer)


def _shape_of(shape):
    if not isinstance(shape, (list, tuple)) or not all(
            d is None or isinstance(d, int) for d in shape):
        raise ValueError(f"Invalid input shape in config: {shape!r}")
    return tuple(shape)
