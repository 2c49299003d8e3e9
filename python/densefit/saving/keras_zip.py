"""The `.keras` file: a zip archive of `metadata.json`, `config.json` and `model.weights.h5`
(Keras 3's layout, members stored uncompressed as Keras writes them).

Reading never extracts anything to disk and refuses, with a MalformedFileError naming the
file: archives that are not zips or are truncated, member names that are absolute or climb
out of the archive (`..`), duplicate members, members whose declared size is far beyond
what the archive stores (zip bombs) or beyond a sane limit, CRC failures, and JSON that is
not a model config."""

import datetime
import io
import json
import os
import posixpath
import zipfile

from densefit.saving import weights_h5
from densefit.saving.atomic_file import write_bytes
from densefit.saving.errors import MalformedFileError
from densefit.saving.serialization import deserialize_keras_object, serialize_keras_object

CONFIG = "config.json"
METADATA = "metadata.json"
WEIGHTS = "model.weights.h5"
KERAS_VERSION = "3.5.0"  # the Keras version whose file layout densefit writes

_MAX_MEMBERS = 10_000
_MAX_JSON_BYTES = 64 << 20
_BOMB_FLOOR_BYTES = 64 << 20
_MAX_EXPANSION = 100


def model_bytes(model, include_optimizer=True):
    """The whole `.keras` file as bytes."""
    config = serialize_keras_object(model)
    if not include_optimizer:
        config.pop("compile_config", None)
    metadata = {"keras_version": KERAS_VERSION,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
                "densefit_version": _densefit_version()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(METADATA, json.dumps(metadata))
        zf.writestr(CONFIG, json.dumps(config))
        zf.writestr(WEIGHTS, weights_h5.weights_bytes(model, include_optimizer))
    return buffer.getvalue()


def save_model(model, filepath, include_optimizer=True):
    write_bytes(filepath, model_bytes(model, include_optimizer))


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    source = os.fspath(filepath)
    with _open_archive(source) as zf:
        members = _checked_members(zf, source)
        if CONFIG not in members:
            raise MalformedFileError(f"{source}: the archive has no {CONFIG}; it is not a "
                                     f".keras model")
        config = _read_json(zf, members[CONFIG], source)
        if not isinstance(config, dict) or "class_name" not in config:
            raise MalformedFileError(f"{source}: {CONFIG} is not a model config")
        model = _model_from_config(config, custom_objects, compile, safe_mode, source)
        if WEIGHTS in members:
            data = _read_member(zf, members[WEIGHTS], source)
            weights_h5.read_bytes(model, data, f"{source}:{WEIGHTS}")
        elif any(name.endswith(".npz") for name in members):
            raise MalformedFileError(f"{source}: weights in the npz format are not supported; "
                                     f"save with weights_format='h5'")
        else:
            raise MalformedFileError(f"{source}: the archive has no {WEIGHTS}")
    return model


def load_weights(model, filepath, skip_mismatch=False):
    """The weights (and optimizer state) of a `.keras` file into `model`."""
    source = os.fspath(filepath)
    with _open_archive(source) as zf:
        members = _checked_members(zf, source)
        if WEIGHTS not in members:
            raise MalformedFileError(f"{source}: the archive has no {WEIGHTS}")
        data = _read_member(zf, members[WEIGHTS], source)
    weights_h5.read_bytes(model, data, f"{source}:{WEIGHTS}", skip_mismatch)


def _model_from_config(config, custom_objects, compile, safe_mode, source):
    from densefit.saving.builtin_objects import is_model_class

    try:
        model = deserialize_keras_object(config, custom_objects, safe_mode, compile=compile)
    except RecursionError:
        raise MalformedFileError(f"{source}: {CONFIG} is nested too deeply") from None
    except (KeyError, IndexError, AttributeError) as e:
        raise MalformedFileError(f"{source}: malformed {CONFIG} ({type(e).__name__}: "
                                 f"{e})") from None
    if not is_model_class(type(model)):
        raise MalformedFileError(f"{source}: {CONFIG} describes a {type(model).__name__}, "
                                 f"not a model")
    return model


# ---- the archive, checked ---------------------------------------------------------------------
def _open_archive(source):
    if os.path.isdir(source):
        raise MalformedFileError(f"{source} is a directory; densefit reads zipped .keras files")
    try:
        return zipfile.ZipFile(source, "r")
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        raise MalformedFileError(f"{source}: not a .keras file (not a readable zip archive: "
                                 f"{e})") from None


def _checked_members(zf, source):
    infos = zf.infolist()
    if len(infos) > _MAX_MEMBERS:
        raise MalformedFileError(f"{source}: the archive has {len(infos)} members")
    members = {}
    for info in infos:
        name = info.filename
        normalized = posixpath.normpath(name.replace("\\", "/"))
        if (name.startswith(("/", "\\")) or normalized.startswith("../") or normalized == ".."
                or ":" in name.split("/")[0] or "\x00" in name):
            raise MalformedFileError(f"{source}: unsafe member name {name!r} in the archive "
                                     f"(absolute or outside the archive)")
        if name in members:
            raise MalformedFileError(f"{source}: the archive holds {name!r} twice")
        if info.flag_bits & 0x1:
            raise MalformedFileError(f"{source}: member {name!r} is encrypted")
        if info.file_size > _BOMB_FLOOR_BYTES and \
                info.file_size > _MAX_EXPANSION * max(info.compress_size, 1):
            raise MalformedFileError(
                f"{source}: member {name!r} declares {info.file_size} bytes but stores only "
                f"{info.compress_size}; refusing a potential decompression bomb")
        members[name] = info
    return members


def _read_member(zf, info, source, limit=None):
    if limit is not None and info.file_size > limit:
        raise MalformedFileError(f"{source}: {info.filename} declares {info.file_size} bytes, "
                                 f"more than the {limit} allowed")
    try:
        with zf.open(info, "r") as f:
            data = f.read(info.file_size + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError) as e:  # zlib.error is an Exception subclass of its own
        raise MalformedFileError(f"{source}: {info.filename} cannot be read from the archive "
                                 f"({e})") from None
    except Exception as e:
        if type(e).__module__ == "zlib":
            raise MalformedFileError(f"{source}: {info.filename} is corrupted ({e})") from None
        raise
    if len(data) != info.file_size:
        raise MalformedFileError(f"{source}: {info.filename} holds {len(data)} bytes, the "
                                 f"archive declares {info.file_size}")
    return data


def _read_json(zf, info, source):
    data = _read_member(zf, info, source, _MAX_JSON_BYTES)
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise MalformedFileError(f"{source}: {info.filename} is not valid JSON "
                                 f"({type(e).__name__}: {e})") from None


def _densefit_version():
    import densefit

    return densefit.__version__
