"""Saving and loading models in Keras 3's formats (`keras.saving`).

    model.save("m.keras")                      # config + weights + optimizer state, atomically
    model = densefit.models.load_model("m.keras")
    model.save_weights("w.weights.h5"); model.load_weights("w.weights.h5")
    model.save("m.h5"); densefit.models.load_model("m.h5")   # Keras's legacy HDF5 format

Files move both ways between densefit and Keras 3. Loading never runs code from a file; see
docs/saving.md."""

import os

from densefit.models import shared_layers
from densefit.saving import keras_zip, legacy_h5, weights_h5
from densefit.saving.atomic_file import atomic_write, confirm_overwrite, write_bytes
from densefit.saving.errors import MalformedFileError
from densefit.saving.serialization import (CustomObjectScope, custom_object_scope,
                                           deserialize_keras_object, get_custom_objects,
                                           get_registered_name, get_registered_object,
                                           register_keras_serializable, serialize_keras_object)

__all__ = ["CustomObjectScope", "MalformedFileError", "atomic_write", "custom_object_scope",
           "deserialize_keras_object", "get_custom_objects", "get_registered_name",
           "get_registered_object", "load_model", "load_weights", "register_keras_serializable",
           "save_model", "save_weights", "serialize_keras_object"]


def refuse_inner_models(model, what):
    """Keras nests an inner model's config and weights in the file; densefit's files do not
    yet, and a flat file would load in Keras as a different model: refuse instead."""
    inner = model._inner_models()
    if inner:
        raise NotImplementedError(
            f"densefit cannot {what} model {model.name!r} yet: it uses model {inner[0].name!r} "
            f"as a layer. Save (or load) {inner[0].name!r} and the other layers separately, "
            f"or build the outer model from the inner model's layers")


def save_model(model, filepath, overwrite=True, zipped=None, include_optimizer=True, **kwargs):
    """Saves `model` to a `.keras` file (Keras's `model.save`), or to Keras's legacy HDF5
    format when the name ends in `.h5` or `.hdf5` (logging Keras's warning that it is
    legacy)."""
    refuse_inner_models(model, "save")
    path = os.fspath(filepath)
    if zipped is False:
        raise ValueError("densefit saves zipped .keras files only (zipped=False is not supported)")
    legacy = path.endswith((".h5", ".hdf5"))
    if not legacy and not path.endswith(".keras"):
        raise ValueError(f"Invalid filepath extension for saving. Please add either a `.keras` "
                         f"extension for the native Keras format (recommended) or a `.h5` "
                         f"extension. Received: filepath={path}")
    _check_kwargs(kwargs, "save")
    if legacy:
        legacy_h5.log_save_warning()  # as Keras: before the overwrite prompt
    if not overwrite and os.path.exists(path) and not confirm_overwrite(path):
        return
    shared_layers.claim(model)  # its arena holds its shared layers' weights and optimizer slots
    if legacy:
        legacy_h5.save_model(model, path, include_optimizer)
    else:
        keras_zip.save_model(model, path, include_optimizer)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """A model from a `.keras` file or a legacy `.h5`/`.hdf5` one, compiled as it was saved
    unless compile=False, with its optimizer state. `custom_objects` maps names to the user's
    classes and functions; `safe_mode` is Keras's flag (densefit never runs code from a file
    either way)."""
    path = os.fspath(filepath)
    if not os.path.exists(path):
        raise ValueError(f"File not found: filepath={path}. Please ensure the file is an "
                         f"accessible `.keras` zip file.")
    if path.endswith((".h5", ".hdf5")) and not _is_zip(path):
        return legacy_h5.load_model(path, custom_objects, compile, safe_mode)
    return keras_zip.load_model(path, custom_objects, compile, safe_mode)


def save_weights(model, filepath, overwrite=True, **kwargs):
    """Saves the weights and optimizer state to a `.weights.h5` file."""
    refuse_inner_models(model, "save the weights of")
    path = os.fspath(filepath)
    if not path.endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={path}")
    _check_kwargs(kwargs, "save_weights")
    if not overwrite and os.path.exists(path) and not confirm_overwrite(path):
        return
    shared_layers.claim(model)
    write_bytes(path, weights_h5.weights_bytes(model))


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Loads weights (and optimizer state, when the model is compiled and the file has it)
    from a `.weights.h5` or `.keras` file; from a legacy `.h5`/`.hdf5` file (whole model or
    weights only) the weights alone, by position or, with `by_name=True`, by layer name."""
    refuse_inner_models(model, "load the weights of")
    path = os.fspath(filepath)
    by_name = kwargs.pop("by_name", None)
    _check_kwargs(kwargs, "load_weights")
    legacy = path.endswith((".h5", ".hdf5")) and not path.endswith(".weights.h5")
    if by_name is not None and not legacy:
        raise ValueError(f"`by_name` only supports loading legacy '.h5' or '.hdf5' files. "
                         f"Received: {path}")
    if not os.path.exists(path):
        raise FileNotFoundError(f"File not found: filepath={path}")
    shared_layers.claim(model)  # what is loaded is then what the sharing models copy
    if path.endswith(".keras"):
        keras_zip.load_weights(model, path, skip_mismatch)
    elif path.endswith(".weights.h5"):
        weights_h5.read_path(model, path, skip_mismatch)
    elif legacy:
        legacy_h5.load_weights(model, path, skip_mismatch, bool(by_name))
    else:
        raise ValueError(f"File format not supported: filepath={path}. densefit reads `.keras` "
                         f"files, `.weights.h5` files and legacy H5 format files (`.h5` "
                         f"extension).")


def _is_zip(path):
    import zipfile

    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


def _check_kwargs(kwargs, what):
    unknown = set(kwargs) - {"save_format", "options"}
    if unknown:
        raise TypeError(f"{what}() got unexpected keyword arguments: {sorted(unknown)}")
