"""`model.weights.h5` in Keras 3's layout, written and read.

    vars                      (attrs: name)      the model's own variables (none)
    layers/<key>/vars/0..n    (attrs: name)      a layer's weights in Keras order
    optimizer/vars/0..m       (attrs: name)      the optimizer's variables (optimizer_state)
    densefit/vars/...                            densefit's training position (Keras skips it)

`<key>` is the layer's class name in snake case, numbered from the second of a class on
(`dense`, `dense_1`, ...), as Keras addresses layers: by class and position, never by the
layer's own name. The `densefit` group holds what resuming needs beyond Keras's state: the
network's random seed, the shuffle counter and the dropout step counter.

Reading trusts nothing: only hard links to groups and datasets, numeric dtypes, no external
or virtual storage, and every dataset's shape checked against the model before one byte of
it is read (a file cannot make densefit allocate what the model does not need)."""

import io
import warnings

import numpy as np

from densefit.naming import to_snake_case
from densefit.saving.errors import MalformedFileError
from densefit.saving.optimizer_state import Layout, check_counters, check_variables
from densefit.variables import assign_all


def _h5py():
    try:
        import h5py
    except ImportError:  # pragma: no cover - h5py is a dependency
        raise ImportError("h5py must be installed to save or load densefit models "
                          "(pip install h5py)") from None
    return h5py




def layer_keys(model):
    """[(key, layer)] in the order and with the names Keras gives the model's layers."""
    from densefit.models import Functional

    layers = list(model._layers)
    if type(model) is Functional and getattr(model, "_input_layer", None) is not None:
        layers.insert(0, model._input_layer)  # a Functional model's layers include its input
    return keys_for(layers)


def keys_for(layers):
    """[(key, layer)] for a model whose weights file lists `layers` in this order."""
    used, out = {}, []
    for layer in layers:
        key = to_snake_case(type(layer).__name__)
        if key in used:
            used[key] += 1
            key = f"{key}_{used[key]}"
        else:
            used[key] = 0
        out.append((key, layer))
    return out


# ---- writing ------------------------------------------------------------------------------------
def weights_bytes(model, include_optimizer=True, attrs=None):
    """The whole `.weights.h5` file as bytes; `attrs` (str -> str) go on its root."""
    h5py = _h5py()
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        write(model, f, include_optimizer)
        for key, value in (attrs or {}).items():
            f.attrs[key] = value
    return buffer.getvalue()


def read_root_attr(path, key):
    """A string attribute of a weights file's root, or None where it has none."""
    h5py = _h5py()
    try:
        with h5py.File(path, "r") as f:
            value = f.attrs.get(key)
    except Exception as e:
        raise MalformedFileError(f"{path}: not a readable HDF5 weights file ({e})") from None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if value is not None and not isinstance(value, str):
        raise MalformedFileError(f"{path}: attribute {key!r} must be a string, got "
                                 f"{type(value).__name__} {np.shape(value)}")
    return value


def write(model, f, include_optimizer=True):
    f.create_group("vars").attrs["name"] = model.name
    for key, layer in layer_keys(model):
        group = f.create_group(f"layers/{key}/vars")
        group.attrs["name"] = layer.name
        for i, value in enumerate(layer.get_weights()):
            group[str(i)] = value
    if include_optimizer and model.compiled and model.built:
        layout = Layout(model)
        group = f.create_group("optimizer/vars")
        group.attrs["name"] = model.optimizer.name
        for i, value in enumerate(layout.variables(model._network)):
            group[str(i)] = value
    if model.built:
        group = f.create_group("densefit/vars")
        group["seed"] = np.uint64(model._seed)
        group["shuffles"] = np.int64(getattr(model, "_shuffles", 0))
        group["steps_taken"] = np.int64(model._network.steps_taken)


# ---- reading ------------------------------------------------------------------------------------
def open_file(fileobj, source):
    """The h5py.File of a weights file held in a binary file object (the file object stays
    the caller's to close, after the h5py.File)."""
    h5py = _h5py()
    try:
        return h5py.File(fileobj, "r")
    except Exception as e:  # h5py raises OSError subclasses for anything not HDF5
        raise MalformedFileError(f"{source}: not a readable HDF5 weights file ({e})") from None


def read_path(model, path, skip_mismatch=False):
    h5py = _h5py()
    try:
        f = h5py.File(path, "r")
    except FileNotFoundError:
        raise
    except Exception as e:
        raise MalformedFileError(f"{path}: not a readable HDF5 weights file ({e})") from None
    with f:
        read(model, f, path, skip_mismatch)


def read(model, f, source, skip_mismatch=False):
    """Loads weights (then optimizer state and the training position, where the file has
    them) into a built model. Nothing is assigned unless every layer's weights check out."""
    try:
        _check_layout(f, source)
        if not model.built:
            raise ValueError(f"{source}: the model must be built (know its input shape) before "
                             f"weights can be loaded into it")
        assignments = []
        for key, layer in layer_keys(model):
            expected = [tuple(v.shape) for v in layer.weights]
            group = _vars_group(f, f"layers/{key}", source)
            if group is None:
                if expected:
                    _mismatch(skip_mismatch, f"{source}: layer '{layer.name}' (saved as "
                              f"'layers/{key}') has no weights in the file")
                continue
            try:
                values = _read_datasets(group, expected, f"layer '{layer.name}'", source,
                                         dtypes="fiu")  # Normalization's count is an int
            except MalformedFileError:
                raise
            except ValueError as e:
                _mismatch(skip_mismatch, str(e))
                continue
            assignments.append((layer, values))
        optimizer_values = None
        if model.compiled and "optimizer" in f:
            group = _vars_group(f, "optimizer", source)
            if group is not None:
                layout = Layout(model)
                count = len(group)
                names = [str(i) for i in range(count)]
                if set(group.keys()) != set(names):
                    raise MalformedFileError(f"{source}: optimizer variables must be named "
                                             f"0..{count - 1}, got {sorted(group.keys())[:8]}")
                if count == layout.count():
                    optimizer_values = _read_datasets(group, layout.shapes(), "the optimizer",
                                                      source, dtypes="fiu")
                    if check_variables(layout, optimizer_values, model.optimizer.name):
                        check_counters(layout, optimizer_values, source)
                    else:
                        optimizer_values = None
                else:
                    check_variables(layout, [None] * count, model.optimizer.name)
        position = _read_position(f, source)
    except (KeyError, TypeError, AttributeError, IndexError, RuntimeError, OSError) as e:
        raise MalformedFileError(f"{source}: malformed weights file ({type(e).__name__}: "
                                 f"{e})") from None
    # All layers in one write: one weight version, so threads serving the model never
    # answer with half of the file loaded (densefit.variables.assign_all).
    assign_all([(var, value) for layer, values in assignments
                for var, value in zip(layer.weights, values)])
    if optimizer_values is not None:
        Layout(model).restore(model._network, optimizer_values)
    if position is not None:
        seed, shuffles, steps = position
        model._seed = model._network.seed = seed  # shuffling reads the model's copy
        model._shuffles = shuffles
        model._network.steps_taken = steps


def check_declared(f, declared, source):
    """MalformedFileError, naming the layer, unless the file holds exactly the weights
    `declared` ([(key, layer, [shape, ...])], from a model's config) lists: their number and
    shapes, read from the HDF5 metadata without reading any data. Run before the model the
    config describes is built, so that a config cannot allocate what its file does not hold."""
    h5py = _h5py()
    try:
        _check_layout(f, source)
        for key, layer, shapes in declared:
            what = f"layer '{layer.name}' (saved as 'layers/{key}')"
            group = _vars_group(f, f"layers/{key}", source)
            if group is None:
                if shapes:
                    raise MalformedFileError(f"{source}: {what} has no weights in the file, "
                                             f"the config declares {len(shapes)}")
                continue
            if len(group) != len(shapes):
                raise MalformedFileError(f"{source}: {what} expects {len(shapes)} variables, "
                                         f"the file has {len(group)}")
            for i, shape in enumerate(shapes):
                ds = _child(group, str(i), h5py.Dataset, source)
                if ds is None:
                    raise MalformedFileError(f"{source}: {what}: variable '{i}' is missing "
                                             f"(found {sorted(group.keys())[:8]})")
                if tuple(ds.shape) != tuple(shape):
                    raise MalformedFileError(
                        f"{source}: {what}: variable {i} has shape {tuple(ds.shape)} in the "
                        f"file, the config declares {tuple(shape)}")
    except (KeyError, TypeError, AttributeError, IndexError, RuntimeError, OSError) as e:
        raise MalformedFileError(f"{source}: malformed weights file ({type(e).__name__}: "
                                 f"{e})") from None


def _mismatch(skip, message):
    if not skip:
        raise ValueError(message)
    warnings.warn(f"Skipping loading weights: {message}", stacklevel=4)


def _check_layout(f, source):
    h5py = _h5py()
    if "layer_names" in f.attrs or "model_weights" in f:
        raise MalformedFileError(f"{source}: this is a legacy Keras 2 HDF5 file; densefit reads "
                                 f"Keras 3's `.keras` and `.weights.h5` files")
    link = f.get("layers", getlink=True)
    if link is None:
        raise MalformedFileError(f"{source}: not a Keras weights file (no 'layers' group)")
    if not isinstance(link, h5py.HardLink) or not isinstance(f["layers"], h5py.Group):
        raise MalformedFileError(f"{source}: 'layers' must be a group stored in the file")


def _child(group, name, kind, source):
    """group[name] when it is a hard-linked object of `kind`, else a clear error (a file may
    not point into other files or elsewhere in itself)."""
    h5py = _h5py()
    link = group.get(name, getlink=True)
    if link is None:
        return None
    if not isinstance(link, h5py.HardLink):
        raise MalformedFileError(f"{source}: '{group.name}/{name}' is a "
                                 f"{type(link).__name__}; only objects stored in the file are "
                                 f"allowed")
    obj = group[name]
    if not isinstance(obj, kind):
        raise MalformedFileError(f"{source}: '{obj.name}' should be a {kind.__name__}")
    return obj


def _vars_group(f, path, source):
    h5py = _h5py()
    node = f
    for part in path.split("/"):
        node = _child(node, part, h5py.Group, source)
        if node is None:
            return None
    return _child(node, "vars", h5py.Group, source)


def _read_datasets(group, shapes, what, source, dtypes="f"):
    h5py = _h5py()
    keys = sorted(group.keys())
    if len(keys) != len(shapes):
        raise ValueError(f"{source}: {what} expects {len(shapes)} variables, the file has "
                         f"{len(keys)}")
    values = []
    for i, shape in enumerate(shapes):
        ds = _child(group, str(i), h5py.Dataset, source)
        if ds is None:
            raise MalformedFileError(f"{source}: {what}: variable '{i}' is missing "
                                     f"(found {keys[:8]})")
        if ds.external or ds.is_virtual:
            raise MalformedFileError(f"{source}: '{ds.name}' keeps its data outside the file")
        if ds.dtype.kind not in dtypes:
            raise MalformedFileError(f"{source}: '{ds.name}' has dtype {ds.dtype}; expected "
                                     f"numbers")
        if tuple(ds.shape) != tuple(shape):
            raise ValueError(f"{source}: {what}: variable {i} has shape {tuple(ds.shape)} in the "
                             f"file, the model expects {tuple(shape)}")
        value = ds[()]
        values.append(np.asarray(value, dtype=np.float32) if ds.dtype.kind == "f" else value)
    for value in values:
        if value.dtype.kind == "f" and not np.all(np.isfinite(value)):
            # NaN/inf weights load (a diverged model is still a model), but say so.
            warnings.warn(f"{source}: {what} holds non-finite values", stacklevel=4)
            break
    return values


# The counters go to the native network as int64 (the seed as uint64); counts past 2**62 are
# no count of real steps, and adding to them could overflow.
_POSITION_LIMITS = {"seed": 2 ** 64 - 1, "shuffles": 2 ** 62, "steps_taken": 2 ** 62}


def _read_position(f, source):
    h5py = _h5py()
    group = _vars_group(f, "densefit", source)
    if group is None:
        return None
    out = []
    for name, limit in _POSITION_LIMITS.items():
        ds = _child(group, name, h5py.Dataset, source)
        if ds is None or ds.shape != () or ds.dtype.kind not in "iu":
            raise MalformedFileError(f"{source}: 'densefit/vars/{name}' must be an integer "
                                     f"scalar")
        value = int(ds[()])
        if not 0 <= value <= limit:
            raise MalformedFileError(f"{source}: 'densefit/vars/{name}' is {value}, out of "
                                     f"range [0, {limit}]")
        out.append(value)
    return out
