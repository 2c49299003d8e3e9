"""keras.models.clone_model for densefit's models: the same architecture with new layers
(fresh weights), each made by `clone_function`."""


def clone_model(model, input_tensors=None, clone_function=None, call_function=None,
                recursive=False, **kwargs):
    """A copy of `model`'s architecture with newly initialized weights. `clone_function(layer)`
    makes each new layer (default: `layer.__class__.from_config(layer.get_config())`)."""
    from densefit.layers import Input, InputLayer, Layer
    from densefit.models import Functional, Model, Sequential

    if kwargs:
        raise TypeError(f"clone_model() got unexpected keyword arguments: {sorted(kwargs)}")
    if call_function is not None:
        raise ValueError("densefit's clone_model does not support `call_function`")
    clone_function = clone_function or _clone_layer
    layers = []
    for layer in model._layers:
        new = clone_function(layer)
        if not isinstance(new, Layer):
            raise ValueError(f"clone_function must return a layer, got {new!r} for "
                             f"{layer.name!r}")
        layers.append(new)
    shape = model._input_shape
    if input_tensors is not None:
        tensor = input_tensors[0] if isinstance(input_tensors, (list, tuple)) else input_tensors
        shape = tuple(tensor.shape[1:])
    if type(model) is Functional:
        source = getattr(model, "_input_layer", None)
        x = inputs = Input(shape=shape, name=source.name if source is not None else None)
        for layer in layers:
            x = layer(x)
        return Model(inputs, x, name=model.name, trainable=model.trainable)
    cls = type(model) if issubclass(type(model), Sequential) else Sequential
    head = [] if shape is None else [InputLayer(shape=shape)]
    return cls(layers=head + layers, name=model.name, trainable=model.trainable)


def _clone_layer(layer):
    return layer.__class__.from_config(layer.get_config())
