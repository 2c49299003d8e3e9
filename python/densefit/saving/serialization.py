"""Keras 3's object serialization: `serialize_keras_object(obj)` gives
`{"module", "class_name", "config", "registered_name"}` and `deserialize_keras_object` turns
such a dict back into an object.

Deserialization is safe by construction: a class is found by its name in densefit's own
namespaces, in `custom_objects`, in an active `CustomObjectScope` or among classes registered
with `register_keras_serializable`; the `module` a file names is never imported and no code
from a file ever runs. A serialized lambda or a Lambda layer (Python code in the file) is
refused with a clear error, as Keras's `safe_mode` does, and densefit refuses it even with
`safe_mode=False` (pass the function through `custom_objects` instead)."""

import inspect
import threading

import numpy as np

_GLOBAL_CUSTOM_OBJECTS = {}  # registered name ("package>name") -> class or function
_GLOBAL_CUSTOM_NAMES = {}  # class or function -> registered name
_scopes = threading.local()


# ---- registration ----------------------------------------------------------------------------
def register_keras_serializable(package="Custom", name=None):
    """Registers a class or function under "package>name" so that files naming it load
    without `custom_objects` (Keras's decorator of the same name)."""

    def decorator(arg):
        class_name = name if name is not None else arg.__name__
        registered_name = f"{package}>{class_name}"
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        _GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg

    return decorator


def get_registered_name(obj):
    """The name `obj` is registered under, or its own name."""
    return _GLOBAL_CUSTOM_NAMES.get(obj, getattr(obj, "__name__", None))


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object registered (or passed in custom objects) as `name`, else None."""
    for table in (_scope_objects(), _GLOBAL_CUSTOM_OBJECTS, custom_objects or {},
                  module_objects or {}):
        if name in table:
            return table[name]
    return None


def get_custom_objects():
    """The global dict of registered custom objects (Keras's get_custom_objects); entries
    added to it are found by name when loading."""
    return _GLOBAL_CUSTOM_OBJECTS


class CustomObjectScope:
    """`with CustomObjectScope({"MyLayer": MyLayer}):` makes the objects findable by name
    while loading inside the block."""

    def __init__(self, custom_objects):
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        stack = _scopes.__dict__.setdefault("stack", [])
        stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scopes.stack.pop()


custom_object_scope = CustomObjectScope


def _scope_objects():
    merged = {}
    for objects in getattr(_scopes, "stack", []):
        merged.update(objects)
    return merged


# ---- serialization ---------------------------------------------------------------------------
def _keras_module(obj):
    """The module Keras names for one of densefit's classes (so files load in Keras), or the
    object's own module for user classes."""
    from densefit.saving import builtin_objects

    return builtin_objects.keras_module_of(type(obj)) or type(obj).__module__


def serialize_keras_object(obj):
    """A JSON-ready description of `obj` in Keras 3's layout."""
    if obj is None or isinstance(obj, (str, bool, int, float)):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(),
                                                       "dtype": str(obj.dtype)}}
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        if obj.__name__ == "<lambda>":
            raise ValueError("densefit cannot serialize a lambda: use a named function "
                             "registered with densefit.saving.register_keras_serializable")
        name = _GLOBAL_CUSTOM_NAMES.get(obj, obj.__name__)
        module = obj.__module__.replace("densefit.", "keras.", 1)
        return {"module": module, "class_name": "function", "config": obj.__name__,
                "registered_name": name}
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot serialize {obj!r}: it has no get_config() method")
    cls = type(obj)
    from densefit.saving import builtin_objects

    if builtin_objects.is_model_class(cls):
        from densefit.saving import model_config

        return model_config.serialize_model(obj)
    config = {"module": _keras_module(obj), "class_name": cls.__name__,
              "config": serialize_keras_object(obj.get_config()),
              "registered_name": _GLOBAL_CUSTOM_NAMES.get(cls)}
    if config["registered_name"] is None and not builtin_objects.is_builtin(cls):
        config["registered_name"] = cls.__name__
    return config


# ---- deserialization -------------------------------------------------------------------------
_MAX_DEPTH = 64


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, compile=True,
                             **kwargs):
    """The object `config` (from serialize_keras_object or a Keras file) describes;
    compile=False leaves a model's compile_config unused."""
    return _Deserializer(custom_objects, safe_mode, compile).run(config, 0)


class _Deserializer:
    def __init__(self, custom_objects, safe_mode, compile=True):
        self.compile = compile  # models: whether their compile_config is applied
        self.custom_objects = {**_GLOBAL_CUSTOM_OBJECTS, **_scope_objects(),
                               **(custom_objects or {})}
        self.safe_mode = safe_mode
        # Called with the weights the top-level model declares, before it is built
        # (model_config); keras_zip sets it to compare them with the file's weights.
        self.check_declared_weights = None

    def run(self, config, depth):
        if depth > _MAX_DEPTH:
            raise ValueError(f"Config nested deeper than {_MAX_DEPTH} levels")
        if config is None or isinstance(config, (bool, int, float)):
            return config
        if isinstance(config, str):
            return self.custom_objects.get(config, config)
        if isinstance(config, (list, tuple)):
            return [self.run(x, depth + 1) for x in config]
        if not isinstance(config, dict):
            raise TypeError(f"Could not parse config: {config!r}")
        if "class_name" not in config or "config" not in config:
            return {k: self.run(v, depth + 1) for k, v in config.items()}
        return self.object(config, depth)

    def object(self, config, depth):
        class_name = config["class_name"]
        inner = config["config"] if config["config"] is not None else {}
        if not isinstance(class_name, str):
            raise TypeError(f"class_name must be a string, got {class_name!r}")
        special = _SPECIAL.get(class_name)
        if special is not None:
            return special(self, inner, depth)
        if class_name == "function":
            return self.function(config, inner)
        cls = self.find_class(config)
        from densefit.saving import builtin_objects

        inner = builtin_objects.normalize_config(cls, inner)
        with CustomObjectScope(self.custom_objects):
            if builtin_objects.is_model_class(cls):
                from densefit.saving import model_config

                return model_config.deserialize_model(cls, config, self, depth)
            if not isinstance(inner, dict):
                raise TypeError(f"The config of {class_name!r} must be a dict, got {inner!r}")
            try:
                return cls.from_config(inner)
            except TypeError as e:
                raise TypeError(f"{class_name} could not be deserialized properly: {e}. "
                                f"Config: {inner}") from e

    def find_class(self, config):
        from densefit.saving import builtin_objects

        class_name = config["class_name"]
        registered = config.get("registered_name")
        for key in (registered, class_name):
            if isinstance(key, str) and key in self.custom_objects:
                return self.custom_objects[key]
        if class_name == "Lambda":
            raise ValueError(
                "The file holds a `Lambda` layer, which carries Python code; densefit never "
                "runs code from a file (Keras's safe_mode). Rebuild the model with a custom "
                "layer passed in `custom_objects`, or remove the Lambda layer.")
        cls = builtin_objects.find(config.get("module"), class_name)
        if cls is None:
            raise TypeError(
                f"Could not locate class '{class_name}'. Make sure custom classes are "
                f"decorated with `@densefit.saving.register_keras_serializable()` or passed "
                f"in `custom_objects`. Full object config: {_short(config)}")
        return cls

    def function(self, config, inner):
        from densefit.saving import builtin_objects

        for key in (config.get("registered_name"), inner):
            if isinstance(key, str) and key in self.custom_objects:
                return self.custom_objects[key]
        fn = builtin_objects.find_function(config.get("module"), inner)
        if fn is None:
            raise TypeError(f"Could not locate function '{inner}'. Make sure custom functions "
                            f"are decorated with "
                            f"`@densefit.saving.register_keras_serializable()` or passed in "
                            f"`custom_objects`. Full object config: {_short(config)}")
        return fn


def _lambda(deserializer, inner, depth):
    raise ValueError(
        "Requested the deserialization of a Python lambda. densefit never runs code from a "
        "file (this is Keras's safe_mode, and densefit keeps it even with safe_mode=False): "
        "register the function with densefit.saving.register_keras_serializable, or pass it "
        "in `custom_objects`.")


def _numpy(deserializer, inner, depth):
    if not isinstance(inner, dict) or "value" not in inner:
        raise ValueError("A __numpy__ config needs a 'value'")
    dtype = np.dtype(inner.get("dtype") or "float32")
    if dtype.kind not in "biuf":
        raise ValueError(f"Refusing a __numpy__ value of dtype {dtype}")
    return np.array(inner["value"], dtype=dtype)


def _tuple(deserializer, inner, depth):
    return tuple(deserializer.run(inner.get("value", []), depth + 1))


def _refuse_tensor(deserializer, inner, depth):
    raise ValueError("densefit loads no symbolic tensors outside a functional model's layers")


_SPECIAL = {"__lambda__": _lambda, "__numpy__": _numpy, "__tensor__": _numpy,
            "__tuple__": _tuple, "__keras_tensor__": _refuse_tensor,
            "__bytes__": lambda d, inner, depth: str(inner.get("value", "")).encode()}


def _short(config, limit=300):
    text = repr(config)
    return text if len(text) <= limit else text[:limit] + "..."
