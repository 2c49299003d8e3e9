"""densefit's own classes under the Keras module names a file gives them, and the few Keras
config fields densefit has no use for.

This table is what makes loading safe: a file can only name classes listed here (or ones the
user hands over in custom_objects / registers); nothing is imported by name."""

import inspect


def _tables():
    """{keras module: {class name: class}} for every module densefit mirrors."""
    from densefit import constraints, initializers, layers, losses, metrics, models, optimizers
    from densefit import regularizers
    from densefit.optimizers import schedules

    layer_classes = {name: getattr(layers, name) for name in dir(layers)
                     if inspect.isclass(getattr(layers, name))
                     and issubclass(getattr(layers, name), layers.Layer)}
    metric_base = getattr(metrics, "Metric", object)
    metric_classes = {name: getattr(metrics, name) for name in dir(metrics)
                      if inspect.isclass(getattr(metrics, name))
                      and issubclass(getattr(metrics, name), metric_base)
                      and hasattr(getattr(metrics, name), "get_config")}
    model_classes = {"Sequential": models.Sequential, "Model": models.Model,
                     "Functional": models.Functional}
    return {
        "keras.layers": layer_classes,
        "keras": model_classes,
        "keras.models": model_classes,
        "keras.src.models.functional": model_classes,
        "keras.src.models.sequential": model_classes,
        "keras.optimizers": dict(optimizers.ALL),
        "keras.optimizers.schedules": dict(schedules.ALL),
        "keras.losses": dict(losses.ALL),
        "keras.metrics": metric_classes,
        "keras.initializers": dict(initializers.ALL),
        "keras.regularizers": dict(regularizers.ALL),
        "keras.constraints": dict(constraints.ALL),
    }


def find(module, class_name):
    """The densefit class a Keras (module, class_name) pair names, or None. Without a module,
    or with one of Keras's private module paths, any of densefit's namespaces may answer."""
    if module is not None and not isinstance(module, str) or not isinstance(class_name, str):
        return None  # a file's JSON may put anything there
    tables = _tables()
    if module in tables:
        return tables[module].get(class_name)
    if module is None or module == "keras" or str(module).startswith("keras."):
        for table in tables.values():
            if class_name in table:
                return table[class_name]
    return None


def find_function(module, name):
    """A built-in function (activation, loss) a Keras `{"class_name": "function"}` names."""
    from densefit import activations, losses

    if not isinstance(name, str) or module is not None and not isinstance(module, str):
        return None
    spaces = {"keras.activations": activations, "keras.losses": losses}
    candidates = [spaces[module]] if module in spaces else list(spaces.values())
    for space in candidates:
        fn = getattr(space, name, None)
        if inspect.isfunction(fn) and not name.startswith("_"):
            return fn
    return None


def keras_module_of(cls):
    """The Keras module densefit's class `cls` is saved under, or None for other classes."""
    for module, table in _tables().items():
        if module in ("keras.models", "keras.src.models.sequential"):
            continue
        if any(c is cls for c in table.values()):
            if module == "keras" and cls.__name__ in ("Model", "Functional"):
                return "keras.src.models.functional"
            return module
    return None


def is_builtin(cls):
    return keras_module_of(cls) is not None


def is_model_class(cls):
    from densefit.models import Model

    return inspect.isclass(cls) and issubclass(cls, Model)


# Keras config fields densefit has no counterpart for: dropped when they hold the value that
# means "off", left in place (so the constructor names them in its error) otherwise.
_NEUTRAL = {"quantization_config": None, "lora_rank": None, "lora_alpha": None, "ragged": False,
            "optional": False, "sparse": False, "input_axes": None, "output_axes": None,
            "shared_object_id": None}


def normalize_config(cls, config):
    """A Keras config made acceptable to densefit's constructors: dtype policies become their
    float32 name, neutral Keras-only fields go, nested object configs likewise."""
    if not isinstance(config, dict):
        return config
    # Models and layers compute in float32; a metric's dtype is its result's (Keras's
    # BinaryIoU: int32), which the metric itself checks.
    computes = not (inspect.isclass(cls) and _is_metric_class(cls))
    out = {}
    for key, value in config.items():
        if key in _NEUTRAL and (value == _NEUTRAL[key] or key == "shared_object_id"):
            continue
        if key == "dtype" and computes:
            value = _dtype_name(value)
        elif isinstance(value, dict) and "class_name" in value and "config" in value:
            value = {**value, "config": normalize_config(None, value["config"])}
        out[key] = value
    return out


def _is_metric_class(cls):
    from densefit import metrics

    return issubclass(cls, getattr(metrics, "Metric", ()))


def _dtype_name(value):
    if isinstance(value, dict):  # a DTypePolicy
        value = (value.get("config") or {}).get("name")
    if value not in (None, "float32"):
        raise ValueError(f"densefit computes in float32; the file asks for dtype {value!r}")
    return value
