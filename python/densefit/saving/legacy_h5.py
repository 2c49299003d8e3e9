"""Keras's legacy HDF5 model format, written and read: what `model.save("m.h5")` and
`load_model("m.h5")` use in Keras 3 (keras/src/legacy/saving/legacy_h5_format.py), and the
layouts `load_weights("w.h5")` reads.

    attrs keras_version, backend, model_config (JSON), training_config (JSON: the compile
          arguments, the optimizer as `optimizer_config`; only for a compiled model)
    model_weights            attrs layer_names, backend, keras_version
      <layer name>           attrs weight_names: the layer's variables, trainable ones first
        <weight name>        one dataset each; the '/' of a name make nested groups
      top_level_model_weights  attrs weight_names (none: densefit models own no variables)
    optimizer_weights        attrs weight_names: Keras's optimizer variables (optimizer_state)
    densefit/vars/...        densefit's training position, as in `.weights.h5` (Keras skips it)

A legacy weights-only file (Keras 2's `save_weights("w.h5")`) is the `model_weights` group at
the root. `model_config` is Keras's legacy config: the model's config as in a `.keras` file,
its layers as `{"class_name", "config"}` with no module. Keras matches saved weights to a model
by position (the k-th layer that has weights takes the k-th saved layer that has some) or, with
`by_name=True`, by layer name; weight names are listed, never matched. A name list past HDF5's
64 KB header limit is split into attributes `name0`, `name1`, ..., as Keras splits it.

Reading trusts nothing, as weights_h5 does: only hard links to groups and datasets, weight
names that stay inside their group, numeric dtypes, no external or virtual storage; every
attribute's shape and type is checked before it is read (at most size_limits.MAX_LAYERS layer
names, 1024 weight names a layer, the compiled optimizer's count of its variables, JSON of at
most 64 MiB), and every dataset's shape before any of it is: the weights the config declares
are compared with the file's datasets before the model is built, so a file cannot make
densefit allocate what it does not hold."""

import contextlib
import io
import json
import logging
import os
import warnings

import numpy as np

from densefit.saving import size_limits, weights_h5
from densefit.saving.atomic_file import write_bytes
from densefit.saving.errors import MalformedFileError
from densefit.saving.keras_zip import _MAX_JSON_BYTES, KERAS_VERSION
from densefit.saving.optimizer_state import Layout, _offset_in, check_counters
from densefit.saving.serialization import _Deserializer, serialize_keras_object
from densefit.variables import assign_all

HDF5_OBJECT_HEADER_LIMIT = 64512  # bytes of one attribute (Keras's constant)
_MAX_WEIGHTS_PER_LAYER = 1024
_TOP_LEVEL = "top_level_model_weights"

SAVE_WARNING = ("You are saving your model as an HDF5 file via `model.save()` or "
                "`keras.saving.save_model(model)`. This file format is considered legacy. "
                "We recommend using instead the native Keras format, e.g. "
                "`model.save('my_model.keras')` or "
                "`keras.saving.save_model(model, 'my_model.keras')`. ")


def log_save_warning():
    """Keras's line on every save to `.h5`/`.hdf5`: an absl log warning, not a Python
    warning."""
    _log_warning(SAVE_WARNING)


# ---- writing ------------------------------------------------------------------------------------
def model_bytes(model, include_optimizer=True):
    """The whole legacy `.h5` file as bytes."""
    from densefit.backend import backend

    h5py = weights_h5._h5py()
    config = serialize_keras_object(model)
    compiled = include_optimizer and model.compiled
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.attrs["keras_version"] = KERAS_VERSION
        f.attrs["backend"] = backend()
        f.attrs["model_config"] = _json_bytes(_legacy_model_config(config))
        if compiled:
            f.attrs["training_config"] = _json_bytes(_training_config(config["compile_config"]))
        _write_weights(f.create_group("model_weights"), model)
        if compiled and model.built:
            _write_optimizer(f, model)
        if model.built:
            group = f.create_group("densefit/vars")
            group["seed"] = np.uint64(model._seed)
            group["shuffles"] = np.int64(getattr(model, "_shuffles", 0))
            group["steps_taken"] = np.int64(model._network.steps_taken)
    return buffer.getvalue()


def save_model(model, filepath, include_optimizer=True):
    """Writes `model` to a legacy `.h5` file atomically (atomic_file), creating its directory
    as Keras does."""
    path = os.fspath(filepath)
    data = model_bytes(model, include_optimizer)
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    write_bytes(path, data)


def _json_bytes(value):
    return json.dumps(value).encode("utf8")


def _legacy_model_config(config):
    """Keras's legacy model config from the `.keras` one: the model's class and config, each
    layer as legacy serialization writes it (registered name as class_name, no module, no
    build_config); a functional layer keeps its name and inbound nodes."""
    inner = dict(config["config"])
    layers = []
    for entry in inner["layers"]:
        legacy = {"class_name": entry.get("registered_name") or entry["class_name"],
                  "config": entry["config"]}
        for key in ("name", "inbound_nodes"):
            if key in entry:
                legacy[key] = entry[key]
        layers.append(legacy)
    inner["layers"] = layers
    return {"class_name": config["class_name"], "config": inner}


def _training_config(compile_config):
    """Keras's training_config: the compile arguments, with the optimizer as a legacy
    `optimizer_config` at the end."""
    out = {k: v for k, v in compile_config.items() if k != "optimizer"}
    optimizer = compile_config["optimizer"]
    out["optimizer_config"] = {
        "class_name": optimizer.get("registered_name") or optimizer["class_name"],
        "config": optimizer["config"]}
    return out


def _saved_layers(model):
    """The layers as Keras's model.layers lists them (a functional model's input first)."""
    return [layer for _, layer in weights_h5.layer_keys(model)]


def _weight_prefix(model):
    # Keras builds a Sequential's layers inside its name scope ("sequential/dense/kernel"),
    # a functional model's where they are called ("dense/kernel").
    from densefit.models import Functional

    return "" if type(model) is Functional else f"{model.name}/"


def _write_weights(group, model):
    from densefit.backend import backend

    layers = _saved_layers(model)
    _write_names(group, "layer_names", [layer.name for layer in layers])
    group.attrs["backend"] = backend().encode("utf8")
    group.attrs["keras_version"] = KERAS_VERSION.encode("utf8")
    prefix = _weight_prefix(model)
    for layer in sorted(layers, key=lambda l: l.name):  # Keras's order: names keep growing
        variables = layer.trainable_weights + layer.non_trainable_weights  # legacy order
        _write_datasets(group.create_group(layer.name),
                        [f"{prefix}{v.path}" for v in variables],
                        [v.numpy() for v in variables])
    _write_datasets(group.create_group(_TOP_LEVEL), [], [])


def _write_optimizer(f, model):
    layout = Layout(model)
    opt = model.optimizer
    prefix = _weight_prefix(model)
    params = model._network.params
    paths = {_offset_in(v._array, params): f"{prefix}{v.path}".replace("/", "_")
             for v in model.trainable_weights}
    names = [f"{opt.name}/iteration"] + [f"{opt.name}/learning_rate"] * layout.has_lr_variable
    names += [f"{opt.name}/{paths[offset]}_{slot}" for _, offset, _, slot in layout.slots]
    names += ["variable"] * layout.nadam  # Keras's Nadam `_u_product`, made outside any scope
    values = layout.variables(model._network)
    if values:
        _write_datasets(f.create_group("optimizer_weights"), names, values)


def _write_datasets(group, names, values):
    _write_names(group, "weight_names", names)
    for name, value in zip(names, values):
        group.create_dataset(name, data=np.asarray(value))


def _write_names(group, name, names):
    """A list of names as Keras's save_attributes_to_hdf5_group stores it: one attribute, or
    chunks `name0`, `name1`, ... when one would pass HDF5's object header limit."""
    data = [n.encode("utf8") for n in names]
    too_long = [n for n in data if len(n) > HDF5_OBJECT_HEADER_LIMIT]
    if too_long:
        raise ValueError(f"The following attributes cannot be saved to HDF5 file because they "
                         f"are larger than {HDF5_OBJECT_HEADER_LIMIT} bytes: {too_long}")
    array = np.asarray(data)
    chunks = 1
    parts = np.array_split(array, chunks)
    while any(part.nbytes > HDF5_OBJECT_HEADER_LIMIT for part in parts):
        chunks += 1
        parts = np.array_split(array, chunks)
    if chunks == 1:
        group.attrs[name] = data
    else:
        for i, part in enumerate(parts):
            group.attrs[f"{name}{i}"] = part


# ---- reading: load_model ------------------------------------------------------------------------
def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model of a legacy `.h5` file, compiled from its training_config unless
    compile=False, with its optimizer state."""
    source = os.fspath(filepath)
    with _open(source) as f:
        with _h5_errors(source):
            config = _json_attr(f, "model_config", source)
            if config is None:
                raise MalformedFileError(f"No model config found in the file at {source}.")
            if not isinstance(config, dict) or not isinstance(config.get("class_name"), str) \
                    or not isinstance(config.get("config"), dict):
                raise MalformedFileError(f"{source}: model_config is not a model config")
            weights = _group(f, "model_weights", source)
        model = _model_from_config(config, custom_objects, safe_mode, source,
                                   lambda declared: _check_declared(weights, declared, source))
        if not model.built:  # as keras_zip: the weights to read are the built model's
            raise ValueError(f"{source}: the model must be built (know its input shape) before "
                             f"weights can be loaded into it")
        training_config = None
        if compile:
            with _h5_errors(source):
                training_config = _json_attr(f, "training_config", source)
            if training_config is None:
                _log_warning("No training configuration found in the save file, so the model "
                             "was *not* compiled. Compile it manually.")
            else:
                _compile(model, training_config, custom_objects, safe_mode, source)
        with _h5_errors(source):
            assignments = _read_layers(weights, model, source)
            optimizer_values = None
            if training_config is not None and "optimizer_weights" in f:
                optimizer_values = _read_optimizer(f, model, source)
            position = weights_h5._read_position(f, source)
    _assign(model, assignments, optimizer_values, position)
    return model


def _model_from_config(config, custom_objects, safe_mode, source, check_declared_weights):
    from densefit.saving.builtin_objects import is_model_class

    _keras2_input_layers(config)

    # The model's compile state is the file's training_config, not a config's compile_config.
    deserializer = _Deserializer(custom_objects, safe_mode, compile=False)
    deserializer.check_declared_weights = check_declared_weights  # model_config calls it
    try:
        model = deserializer.run(config, 0)
    except RecursionError:
        raise MalformedFileError(f"{source}: model_config is nested too deeply") from None
    except (KeyError, IndexError, AttributeError) as e:
        raise MalformedFileError(f"{source}: malformed model_config ({type(e).__name__}: "
                                 f"{e})") from None
    except MalformedFileError as e:
        if str(e).startswith(source):
            raise
        raise MalformedFileError(f"{source}: model_config: {e}") from None  # size_limits'
    if not is_model_class(type(model)):
        raise MalformedFileError(f"{source}: model_config describes a {type(model).__name__}, "
                                 f"not a model")
    return model


def _keras2_input_layers(config):
    """Keras 2's InputLayer config names its shape `batch_input_shape`; Keras 3's
    model_from_config renames it `batch_shape` in a legacy layer config (one with no module).
    (Other layers take `batch_input_shape` as they are.)"""
    layers = config["config"].get("layers")
    for entry in layers if isinstance(layers, list) else []:
        if not isinstance(entry, dict) or "module" in entry or \
                entry.get("class_name") != "InputLayer":
            continue
        inner = entry.get("config")
        if isinstance(inner, dict) and "batch_input_shape" in inner:
            inner.setdefault("batch_shape", inner.pop("batch_input_shape"))


def _compile(model, training_config, custom_objects, safe_mode, source):
    """model.compile with what Keras's compile_args_from_training_config passes: optimizer,
    loss, metrics, weighted_metrics and loss_weights (Keras drops the rest)."""
    from densefit.saving.model_config import _compile_from_config

    if not isinstance(training_config, dict) or \
            not isinstance(training_config.get("optimizer_config"), dict):
        raise MalformedFileError(f"{source}: training_config has no optimizer_config")
    compile_config = {"optimizer": training_config["optimizer_config"],
                      **{k: training_config.get(k) for k in
                         ("loss", "metrics", "weighted_metrics", "loss_weights")}}
    try:
        _compile_from_config(model, compile_config, _Deserializer(custom_objects, safe_mode))
    except RecursionError:
        raise MalformedFileError(f"{source}: training_config is nested too deeply") from None
    except (KeyError, IndexError, AttributeError) as e:
        raise MalformedFileError(f"{source}: malformed training_config ({type(e).__name__}: "
                                 f"{e})") from None


def _check_declared(weights, declared, source):
    """MalformedFileError, naming the layer, unless the file holds the weights `declared`
    ([(key, layer, [shape, ...])] from the config, before its model is built) lists, layer by
    layer in Keras's positional order: their number and shapes, read from HDF5's metadata."""
    with _h5_errors(source):
        saved = _layers_with_weights(weights, source)
        expected = [(layer, shapes) for _, layer, shapes in declared if shapes]
        for k, (layer, shapes) in enumerate(expected):
            if k >= len(saved):
                raise MalformedFileError(
                    f"{source}: layer {layer.name!r} declares {len(shapes)} weights; the file "
                    f"holds weights for only {len(saved)} layers")
            name, group, names = saved[k]
            what = f"layer {layer.name!r} (saved as {name!r})"
            if len(names) != len(shapes):
                raise MalformedFileError(f"{source}: {what} declares {len(shapes)} weights, "
                                         f"the file has {len(names)}")
            for weight, shape in zip(names, shapes):
                ds = _dataset(group, weight, source)
                if tuple(ds.shape) != tuple(shape):
                    raise MalformedFileError(
                        f"{source}: {what}: weight {weight!r} has shape {tuple(ds.shape)} in "
                        f"the file, the config declares {tuple(shape)}")


def _read_optimizer(f, model, source):
    """The optimizer's variable list in Keras's order, or None (with Keras's log line) when
    the file's list does not fit the compiled optimizer."""
    group = _group(f, "optimizer_weights", source)
    layout = Layout(model)
    count = _names_count(group, "weight_names", source)
    # An optimizer Keras never built saves its scalars only (iteration, learning_rate); Keras
    # sets those and leaves the slots fresh.
    scalars = 1 + layout.has_lr_variable
    if count != layout.count() and count != scalars:
        _log_warning(_OPTIMIZER_WARNING)
        return None
    values = []
    for name, shape in zip(_names(group, "weight_names", count, source), layout.shapes()):
        ds = _dataset(group, name, source)
        if tuple(ds.shape) != tuple(shape):
            _log_warning(_OPTIMIZER_WARNING)
            return None
        values.append(_values(ds, source, "fiu"))
    if count != layout.count():
        values += layout.variables(model._network)[count:]
    check_counters(layout, values, source)
    return values


_OPTIMIZER_WARNING = ("Error in loading the saved optimizer state. As a result, your model is "
                      "starting with a freshly initialized optimizer.")


# ---- reading: load_weights ----------------------------------------------------------------------
def load_weights(model, filepath, skip_mismatch=False, by_name=False):
    """The weights of a legacy `.h5` file (a whole-model file or a weights-only one) into
    `model`, by position or, with by_name, by layer name. A file in Keras 3's `.weights.h5`
    layout under an `.h5` name is read as that. Nothing is assigned unless all check out."""
    source = os.fspath(filepath)
    with _open(source) as f:
        with _h5_errors(source):
            legacy = "layer_names" in f.attrs or "model_weights" in f or "layers" not in f
        if not legacy:
            weights_h5.read(model, f, source, skip_mismatch)
            return
        with _h5_errors(source):
            group = f
            if "layer_names" not in f.attrs and "model_weights" in f:
                group = _group(f, "model_weights", source)
            if not model.built:
                raise ValueError(f"{source}: the model must be built (know its input shape) "
                                 f"before weights can be loaded into it")
            read = _read_by_name if by_name else _read_layers
            assignments = read(group, model, source, skip_mismatch)
    _assign(model, assignments, None, None)


def _read_layers(group, model, source, skip_mismatch=False):
    """[(variable, value)]: Keras's topological loading (load_weights_from_hdf5_group)."""
    layers = [layer for layer in _saved_layers(model) if layer.weights]
    saved = _layers_with_weights(group, source)
    if len(saved) != len(layers):
        raise ValueError(f"Layer count mismatch when loading weights from file. Model expected "
                         f"{len(layers)} layers, found {len(saved)} saved layers.")
    out = []
    for k, ((name, layer_group, names), layer) in enumerate(zip(saved, layers)):
        variables = layer.trainable_weights + layer.non_trainable_weights
        if len(names) != len(variables):
            raise ValueError(
                f"Weight count mismatch for layer #{k} (named {layer.name} in the current "
                f"model, {name} in the save file). Layer expects {len(variables)} weight(s). "
                f"Received {len(names)} saved weight(s)")
        out += _matched(layer_group, names, variables, f"layer #{k} (named {layer.name})",
                        skip_mismatch, source)
    _check_top_level(group, source)
    return out


def _read_by_name(group, model, source, skip_mismatch=False):
    """[(variable, value)]: Keras's load_weights_from_hdf5_group_by_name; saved layers no
    layer of the model is named after are skipped."""
    index = {}
    for layer in _saved_layers(model):
        index.setdefault(layer.name, []).append(layer)
    out = []
    for k, name in enumerate(_names(group, "layer_names", size_limits.MAX_LAYERS, source)):
        if name not in index:
            continue
        layer_group = _path(group, name, _h5py().Group, source)
        names = _names(layer_group, "weight_names", _MAX_WEIGHTS_PER_LAYER, source)
        for layer in index[name]:
            variables = layer.trainable_weights + layer.non_trainable_weights
            if len(names) != len(variables):
                message = (f"Weight count mismatch for layer #{k} (named {layer.name}). Layer "
                           f"expects {len(variables)} weight(s). Received {len(names)} saved "
                           f"weight(s)")
                if skip_mismatch:
                    warnings.warn(f"Skipping loading of weights for layer #{k} (named "
                                  f"{layer.name}) due to mismatch in number of weights. "
                                  f"Layer expects {len(variables)} weight(s). Received "
                                  f"{len(names)} saved weight(s)", stacklevel=4)
                    continue
                raise ValueError(message)
            out += _matched(layer_group, names, variables, f"layer #{k} (named {layer.name})",
                            skip_mismatch, source)
    _check_top_level(group, source)
    return out


def _matched(group, names, variables, what, skip_mismatch, source):
    out = []
    for name, var in zip(names, variables):
        ds = _dataset(group, name, source)
        if tuple(ds.shape) != tuple(var.shape):
            message = (f"{what} for weight {var.path}. Weight expects shape "
                       f"{tuple(var.shape)}. Received saved weight with shape "
                       f"{tuple(ds.shape)} in the file ({source})")
            if skip_mismatch:
                warnings.warn(f"Skipping loading weights for {what} due to mismatch in "
                              f"shape: {message}", stacklevel=5)
                continue
            raise ValueError(f"Shape mismatch in {message}")
        out.append((var, _values(ds, source, "fiu")))  # ints: Normalization's count
    return out


def _check_top_level(group, source):
    if _TOP_LEVEL not in group:
        return
    count = _names_count(_path(group, _TOP_LEVEL, _h5py().Group, source), "weight_names",
                         source)
    if count:
        raise ValueError(f"Weight count mismatch for top-level weights when loading weights "
                         f"from file. Model expects 0 top-level weight(s). Received {count} "
                         f"saved top-level weight(s)")


def _assign(model, assignments, optimizer_values, position):
    # All layers in one write: one weight version (densefit.variables.assign_all).
    assign_all(assignments)
    if optimizer_values is not None:
        Layout(model).restore(model._network, optimizer_values)
    if position is not None:
        seed, shuffles, steps = position
        model._seed = model._network.seed = seed  # shuffling reads the model's copy
        model._shuffles = shuffles
        model._network.steps_taken = steps


# ---- the file, checked --------------------------------------------------------------------------
def _h5py():
    return weights_h5._h5py()


@contextlib.contextmanager
def _open(source):
    h5py = _h5py()
    if os.path.isdir(source):
        raise MalformedFileError(f"{source} is a directory, not an HDF5 file")
    try:
        f = h5py.File(source, "r")
    except FileNotFoundError:
        raise
    except Exception as e:  # h5py raises OSError subclasses for anything not HDF5
        raise MalformedFileError(f"{source}: not a readable HDF5 file ({e})") from None
    with f:
        yield f


@contextlib.contextmanager
def _h5_errors(source):
    """What h5py raises on a damaged file, as MalformedFileError naming it."""
    try:
        yield
    except (KeyError, TypeError, AttributeError, IndexError, RuntimeError, OSError,
            UnicodeError) as e:
        raise MalformedFileError(f"{source}: malformed HDF5 model file ({type(e).__name__}: "
                                 f"{e})") from None


def _layers_with_weights(group, source):
    """[(layer name, its group, its weight names)] for the saved layers that have weights, in
    the order of `layer_names` (no data read)."""
    h5py = _h5py()
    out = []
    for name in _names(group, "layer_names", size_limits.MAX_LAYERS, source):
        layer_group = _path(group, name, h5py.Group, source)
        names = _names(layer_group, "weight_names", _MAX_WEIGHTS_PER_LAYER, source)
        if names:
            out.append((name, layer_group, names))
    return out


def _group(parent, name, source):
    group = weights_h5._child(parent, name, _h5py().Group, source)
    if group is None:
        raise MalformedFileError(f"{source}: the file has no {name!r} group")
    return group


def _path(group, name, kind, source):
    """group/name, walked one hard link at a time: a name stays inside its group."""
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise MalformedFileError(f"{source}: {name!r} (in '{group.name}') is not a path inside "
                                 f"its group")
    node = group
    for i, part in enumerate(parts):
        node = weights_h5._child(node, part, kind if i == len(parts) - 1 else _h5py().Group,
                                 source)
        if node is None:
            raise MalformedFileError(f"{source}: {name!r}, listed in '{group.name}', is missing")
    return node


def _dataset(group, name, source):
    ds = _path(group, name, _h5py().Dataset, source)
    if ds.external or ds.is_virtual:
        raise MalformedFileError(f"{source}: '{ds.name}' keeps its data outside the file")
    return ds


def _values(ds, source, dtypes):
    try:
        dtype = ds.dtype
    except ValueError as e:  # h5py's, for a type NumPy has no dtype for
        raise MalformedFileError(f"{source}: '{ds.name}' has a type densefit cannot read "
                                 f"({e})") from None
    if dtype.kind not in dtypes:
        raise MalformedFileError(f"{source}: '{ds.name}' has dtype {dtype}; expected numbers")
    value = ds[()]
    return np.asarray(value, dtype=np.float32) if dtype.kind == "f" else np.asarray(value)


def _attr_info(group, key, source):
    """(shape, dtype) of an attribute, read from its header only."""
    aid = group.attrs.get_id(key)
    try:
        dtype = aid.dtype
    except ValueError as e:  # h5py's, for a type NumPy has no dtype for
        raise MalformedFileError(f"{source}: attribute {key!r} of '{group.name}' has a type "
                                 f"densefit cannot read ({e})") from None
    return tuple(aid.shape) if aid.shape is not None else (), dtype


def _is_string(dtype):
    return dtype.kind == "S" or _h5py().check_string_dtype(dtype) is not None


def _name_keys(group, name, limit):
    if name in group.attrs:
        return [name]
    keys = []
    while f"{name}{len(keys)}" in group.attrs and len(keys) <= limit:
        keys.append(f"{name}{len(keys)}")
    return keys


def _names_count(group, name, source, limit=None):
    """How many names a name list (or its chunks) holds, from the attributes' headers."""
    total = 0
    for key in _name_keys(group, name, limit if limit is not None else size_limits.MAX_LAYERS):
        shape, dtype = _attr_info(group, key, source)
        if len(shape) > 1:
            raise MalformedFileError(f"{source}: attribute {key!r} of '{group.name}' has shape "
                                     f"{shape}; expected a list of names")
        count = shape[0] if shape else 1
        if count and not _is_string(dtype):
            raise MalformedFileError(f"{source}: attribute {key!r} of '{group.name}' holds "
                                     f"{dtype}, not strings")
        if dtype.kind == "S" and dtype.itemsize > HDF5_OBJECT_HEADER_LIMIT:
            raise MalformedFileError(f"{source}: attribute {key!r} of '{group.name}' holds "
                                     f"names of {dtype.itemsize} bytes")
        total += count
    return total


def _names(group, name, limit, source):
    """A name list (Keras's load_attributes_from_hdf5_group), its size checked first."""
    count = _names_count(group, name, source, limit)
    if count > limit:
        raise MalformedFileError(f"{source}: attribute {name!r} of '{group.name}' lists "
                                 f"{count} names; densefit reads at most {limit}")
    out = []
    for key in _name_keys(group, name, limit):
        for value in np.atleast_1d(group.attrs[key]):
            value = _text(value, f"attribute {key!r} of '{group.name}'", source)
            if len(value) > HDF5_OBJECT_HEADER_LIMIT:
                raise MalformedFileError(f"{source}: attribute {key!r} of '{group.name}' holds "
                                         f"a name of {len(value)} characters")
            out.append(value)
    return out


def _text(value, what, source):
    """A string attribute's value as str; h5py hands invalid UTF-8 over with surrogates."""
    try:
        if isinstance(value, (bytes, np.bytes_)):
            return bytes(value).decode("utf8")
        if isinstance(value, str):
            value.encode("utf8")
            return value
    except UnicodeError:
        raise MalformedFileError(f"{source}: {what} is not valid UTF-8") from None
    raise MalformedFileError(f"{source}: {what} holds {type(value).__name__}, not text")


def _json_attr(f, key, source):
    """A JSON attribute of the root (model_config, training_config), or None where absent."""
    if key not in f.attrs:
        return None
    shape, dtype = _attr_info(f, key, source)
    if shape not in ((), (1,)) or not _is_string(dtype):
        raise MalformedFileError(f"{source}: attribute {key!r} must be a JSON string, got "
                                 f"{dtype} of shape {shape}")
    if dtype.kind == "S" and dtype.itemsize > _MAX_JSON_BYTES:
        raise MalformedFileError(f"{source}: {key} declares {dtype.itemsize} bytes, more than "
                                 f"the {_MAX_JSON_BYTES} allowed")
    # A variable-length string is read whole (HDF5 keeps no length in the header); it holds
    # no more than the file does.
    value = f.attrs[key]
    if isinstance(value, np.ndarray):
        value = value.reshape(-1)[0]
    value = _text(value, f"attribute {key!r}", source)
    if len(value) > _MAX_JSON_BYTES:
        raise MalformedFileError(f"{source}: {key} holds {len(value)} characters, more than the "
                                 f"{_MAX_JSON_BYTES} allowed")
    try:
        return json.loads(value, object_hook=_legacy_objects)
    except (ValueError, RecursionError) as e:
        raise MalformedFileError(f"{source}: {key} is not valid JSON ({type(e).__name__}: "
                                 f"{e})") from None


def _legacy_objects(obj):
    # Keras's json_utils.decode: tuples were saved as {"class_name": "__tuple__", "items"}.
    if obj.get("class_name") == "__tuple__" and isinstance(obj.get("items"), list):
        return tuple(obj["items"])
    return obj


def _log_warning(message):
    try:
        from absl import logging as absl_logging
    except ImportError:  # absl is Keras's dependency, not densefit's: its logger, by name
        logging.getLogger("absl").warning(message)
    else:
        absl_logging.warning(message)
