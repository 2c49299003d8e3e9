"""What the scikit-learn wrappers need besides the estimators: scikit-learn version shims,
the target reshaper, the compiled-model check, and model copies for clone and pickle."""

import io
import json
import os
import pickle
import tempfile

import numpy as np

try:
    import sklearn
    from sklearn.base import BaseEstimator, TransformerMixin
except ImportError:
    sklearn = None

    class BaseEstimator:
        pass

    class TransformerMixin:
        pass


def assert_sklearn_installed(symbol_name):
    if sklearn is None:
        raise ImportError(f"{symbol_name} requires `scikit-learn` to be installed. "
                          f"Run `pip install scikit-learn` to install it.")


def validate_data(estimator, *args, **kwargs):
    """sklearn.utils.validation.validate_data (scikit-learn >= 1.6) or the method it replaced."""
    try:
        from sklearn.utils.validation import validate_data as _validate
    except ImportError:
        return estimator._validate_data(*args, **kwargs)
    return _validate(estimator, *args, **kwargs)


def type_of_target(y, input_name="", raise_unknown=False):
    from sklearn.utils.multiclass import type_of_target as sk_type_of_target

    target_type = sk_type_of_target(y, input_name=input_name)
    if raise_unknown and target_type == "unknown":
        raise ValueError(f"Unknown label type for {input_name or 'data'}: {y!r}")
    return target_type


def routing_enabled():
    """Whether scikit-learn's metadata routing is on (always available from 1.3 as Keras reads
    it, when the config does not say)."""
    if sklearn is None:
        return False
    config = sklearn.get_config()
    if "enable_metadata_routing" in config:
        return config.get("enable_metadata_routing", False)
    return _version_at_least(sklearn.__version__, (1, 3))


def _version_at_least(version, wanted):
    parts = []
    for piece in version.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts) >= wanted


def check_model(model):
    from densefit.models import Model

    if not isinstance(model, Model):
        raise TypeError(f"The wrapper's `model` must be a densefit model (or a callable "
                        f"returning one); got {type(model).__name__}")
    if not model.compiled or model.optimizer is None:
        raise RuntimeError("Given model needs to be compiled, and have a loss and an optimizer.")


def is_model(obj):
    from densefit.models import Model

    return isinstance(obj, Model)


def fresh_clone(model):
    """keras.models.clone_model as Keras 3 runs it for the wrappers: the same layers with new
    weights, compiled as `model` is (densefit's clone_model leaves the clone uncompiled)."""
    from densefit.models import clone_model
    from densefit.saving import deserialize_keras_object, serialize_keras_object

    clone = clone_model(model)
    if model.compiled and not clone.compiled:
        compile_config = serialize_keras_object(model).get("compile_config") or {}
        clone.compile(**{k: v for k, v in deserialize_keras_object(compile_config).items()
                         if k in _COMPILE_ARGS})
    return clone


_COMPILE_ARGS = ("optimizer", "loss", "loss_weights", "metrics", "weighted_metrics",
                 "run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss")


def model_to_bytes(model):
    """The model as a `.keras` file in memory: config, weights, compile and optimizer state
    (an unbuilt model, which has no weights yet, as its config alone)."""
    from densefit.saving import serialize_keras_object
    from densefit.saving.keras_zip import model_bytes

    if not model.built:
        return _UNBUILT + json.dumps(serialize_keras_object(model)).encode()
    return model_bytes(model)


def model_from_bytes(data):
    from densefit.saving import deserialize_keras_object, load_model

    if data.startswith(_UNBUILT):
        return deserialize_keras_object(json.loads(data[len(_UNBUILT):]))
    # load_model reads paths (it checks the archive member by member), so the bytes go
    # through a private temporary file.
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        with open(path, "wb") as f:
            f.write(data)
        return load_model(path)


_UNBUILT = b"densefit-unbuilt-model:"  # a zip archive never starts so


def pack_state(state):
    """A wrapper's __dict__ made picklable: densefit's native networks do not pickle, so every
    model in it (model, model_, the History's model...) is stored once as `.keras` bytes."""
    models = {}

    class _Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if not is_model(obj):
                return None
            if id(obj) not in models:
                models[id(obj)] = model_to_bytes(obj)
            return id(obj)

    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(state)
    return {_PACKED: buffer.getvalue(), _PACKED_MODELS: models}


def unpack_state(packed):
    if _PACKED not in packed:  # not written by pack_state
        return packed
    data, loaded = packed[_PACKED_MODELS], {}

    class _Unpickler(pickle.Unpickler):
        def persistent_load(self, key):
            if key not in loaded:  # one object again wherever the model was referenced
                loaded[key] = model_from_bytes(data[key])
            return loaded[key]

    return _Unpickler(io.BytesIO(packed[_PACKED])).load()


_PACKED, _PACKED_MODELS = "_densefit_packed_state", "_densefit_packed_models"


class TargetReshaper(TransformerMixin, BaseEstimator):
    """Makes 1-D targets 2-D for the model and squeezes predictions back (Keras's
    keras.src.wrappers.utils.TargetReshaper)."""

    def fit(self, y):
        self.ndim_ = y.ndim
        return self

    def transform(self, y):
        if y.ndim == 1:
            return y.reshape(-1, 1)
        return y

    def inverse_transform(self, y):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        if self.ndim_ == 1 and y.ndim == 2:
            return np.squeeze(y, axis=1)
        return y
