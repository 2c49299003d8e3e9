"""The `.keras` file: a zip archive of `metadata.json`, `config.json` and `model.weights.h5`
(Keras 3's layout, members stored uncompressed as Keras writes them).

Reading never extracts anything where the archive says and refuses, with a MalformedFileError
naming the file: archives that are not zips or are truncated, member names that are absolute
or climb out of the archive (`..`), duplicate members, members whose declared size is far
beyond what the archive stores (zip bombs) or beyond a sane limit, CRC failures, and JSON that
is not a model config.

The weights member is read last, and only as far as the config's weights could need
(size_limits.weights_member_budget): before the model is built, its declared weights fix that
budget, the member is streamed (never whole in memory twice; to an anonymous temporary file
past _SPOOL_IN_MEMORY_BYTES) and stopped at the budget, and the HDF5 datasets' shapes must be
the declared ones. So a few MB of archive cannot make densefit decompress, or a config
allocate, what the model does not hold."""

import datetime
import io
import json
import math
import os
import posixpath
import tempfile
import zipfile

from densefit.saving import size_limits, weights_h5
from densefit.saving.atomic_file import write_bytes
from densefit.saving.errors import MalformedFileError
from densefit.saving.serialization import _Deserializer, serialize_keras_object

CONFIG = "config.json"
METADATA = "metadata.json"
WEIGHTS = "model.weights.h5"
KERAS_VERSION = "3.5.0"  # the Keras version whose file layout densefit writes

_MAX_MEMBERS = 10_000
_MAX_JSON_BYTES = 64 << 20
_BOMB_FLOOR_BYTES = 64 << 20
_MAX_EXPANSION = 100
_SPOOL_IN_MEMORY_BYTES = 32 << 20
_CHUNK_BYTES = 1 << 20


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
        if WEIGHTS not in members:
            if any(name.endswith(".npz") for name in members):
                raise MalformedFileError(f"{source}: weights in the npz format are not "
                                         f"supported; save with weights_format='h5'")
            raise MalformedFileError(f"{source}: the archive has no {WEIGHTS}")
        with _WeightsMember(zf, members[WEIGHTS], source) as weights:
            model = _model_from_config(config, custom_objects, compile, safe_mode, source,
                                       weights.check_declared)
            _require_built(model, source)
            weights_h5.read(model, weights.file(_model_declared(model)), weights.source)
    return model


def load_weights(model, filepath, skip_mismatch=False):
    """The weights (and optimizer state) of a `.keras` file into `model`."""
    source = os.fspath(filepath)
    with _open_archive(source) as zf:
        members = _checked_members(zf, source)
        if WEIGHTS not in members:
            raise MalformedFileError(f"{source}: the archive has no {WEIGHTS}")
        _require_built(model, source)
        with _WeightsMember(zf, members[WEIGHTS], source) as weights:
            weights_h5.read(model, weights.file(_model_declared(model)), weights.source,
                            skip_mismatch)


def _model_from_config(config, custom_objects, compile, safe_mode, source,
                       check_declared_weights):
    from densefit.saving.builtin_objects import is_model_class

    deserializer = _Deserializer(custom_objects, safe_mode, compile)
    deserializer.check_declared_weights = check_declared_weights  # model_config calls it
    try:
        model = deserializer.run(config, 0)
    except RecursionError:
        raise MalformedFileError(f"{source}: {CONFIG} is nested too deeply") from None
    except (KeyError, IndexError, AttributeError) as e:
        raise MalformedFileError(f"{source}: malformed {CONFIG} ({type(e).__name__}: "
                                 f"{e})") from None
    except MalformedFileError as e:
        if str(e).startswith(source):
            raise
        raise MalformedFileError(f"{source}: {CONFIG}: {e}") from None  # size_limits'
    if not is_model_class(type(model)):
        raise MalformedFileError(f"{source}: {CONFIG} describes a {type(model).__name__}, "
                                 f"not a model")
    return model


def _require_built(model, source):
    # Before the weights member is read: its budget is what the built model holds.
    if not model.built:
        raise ValueError(f"{source}: the model must be built (know its input shape) before "
                         f"weights can be loaded into it")


def _model_declared(model):
    """What a built model's weights file holds, as check_declared lists it."""
    return [(key, layer, [tuple(w.shape) for w in layer.weights])
            for key, layer in weights_h5.layer_keys(model)]


class _WeightsMember:
    """The archive's weights member, read once the weights it may hold are known: `with
    _WeightsMember(...) as w:` then `w.check_declared(declared)` (before building a model)
    and/or `w.file(declared)`, the open h5py.File. Closing releases both the h5py.File and
    the copy of the member."""

    def __init__(self, zf, info, source):
        self.zf, self.info = zf, info
        self.source = f"{source}:{info.filename}"
        self._archive = source
        self._copy = self._h5 = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._h5 is not None:
            self._h5.close()
        if self._copy is not None:
            self._copy.close()

    def check_declared(self, declared):
        """`declared`: [(weights-file key, layer, [shape, ...])] a config's model would
        allocate; a MalformedFileError unless the member holds just those weights."""
        weights_h5.check_declared(self.file(declared), declared, self.source)

    def file(self, declared):
        """The open h5py.File, read at most as far as the weights `declared` (as for
        check_declared) could need."""
        if self._h5 is None:
            shapes = [shape for _, _, layer_shapes in declared for shape in layer_shapes]
            budget = size_limits.weights_member_budget(shapes)
            what = f"{len(shapes)} weights of {sum(math.prod(s) for s in shapes)} parameters"
            self._copy = _spool_member(self.zf, self.info, self._archive, budget, what)
            self._h5 = weights_h5.open_file(self._copy, self.source)
        return self._h5


def _spool_member(zf, info, source, budget, what):
    """A seekable copy of a member, decompressed chunk by chunk and refused past `budget`
    bytes (what `what` may need): in memory when small, else in an anonymous temporary file
    (gone with the process, even a killed one)."""
    if info.file_size > budget:
        raise MalformedFileError(
            f"{source}: {info.filename} declares {info.file_size} bytes, more than the "
            f"{budget} that the model's {what} and their optimizer state could need")
    limit = min(budget, info.file_size)
    copy = io.BytesIO() if info.file_size <= _SPOOL_IN_MEMORY_BYTES else \
        tempfile.TemporaryFile(prefix="densefit-weights-")
    try:
        size = 0
        with _member_errors(info, source):
            f = zf.open(info, "r")
        with f:
            while True:
                with _member_errors(info, source):  # the reads; a full disk is no bad file
                    chunk = f.read(_CHUNK_BYTES)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise MalformedFileError(
                        f"{source}: {info.filename} decompresses past the {limit} bytes it "
                        f"may hold (it declares {info.file_size})")
                copy.write(chunk)
        if size != info.file_size:
            raise MalformedFileError(f"{source}: {info.filename} holds {size} bytes, the "
                                     f"archive declares {info.file_size}")
        copy.seek(0)
        return copy
    except BaseException:
        copy.close()
        raise


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
        if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
            raise MalformedFileError(f"{source}: member {name!r} is stored uncompressed in "
                                     f"{info.compress_size} bytes but declares "
                                     f"{info.file_size}")
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
    with _member_errors(info, source), zf.open(info, "r") as f:
        data = f.read(info.file_size + 1)
    if len(data) != info.file_size:
        raise MalformedFileError(f"{source}: {info.filename} holds {len(data)} bytes, the "
                                 f"archive declares {info.file_size}")
    return data


class _member_errors:
    """What reading a member can raise, as MalformedFileError naming it."""

    def __init__(self, info, source):
        self.info, self.source = info, source

    def __enter__(self):
        return self

    def __exit__(self, kind, e, tb):
        if e is None or isinstance(e, MalformedFileError):
            return False
        name = self.info.filename
        if isinstance(e, (zipfile.BadZipFile, OSError, EOFError, ValueError,
                          NotImplementedError, RuntimeError)):
            raise MalformedFileError(f"{self.source}: {name} cannot be read from the archive "
                                     f"({e})") from None
        if type(e).__module__ == "zlib":  # zlib.error is an Exception subclass of its own
            raise MalformedFileError(f"{self.source}: {name} is corrupted ({e})") from None
        return False


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
