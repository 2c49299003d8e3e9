from densefit.models.cloning import clone_model
from densefit.models.functional import Functional
from densefit.models.model import Model
from densefit.models.sequential import Sequential


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """A model saved by `model.save` (densefit or Keras 3)."""
    from densefit import saving

    return saving.load_model(filepath, custom_objects=custom_objects, compile=compile,
                             safe_mode=safe_mode)


def model_from_json(json_string, custom_objects=None):
    """A model (fresh weights) from `model.to_json()`."""
    import json

    from densefit.saving import deserialize_keras_object

    return deserialize_keras_object(json.loads(json_string), custom_objects=custom_objects)


__all__ = ["Model", "Sequential", "clone_model", "load_model", "model_from_json"]
