"""Loading the `.npz` files of IMDB and Reuters, whose ragged sequences are object arrays and so
pickle streams, without `allow_pickle=True`: only NumPy's array reconstruction may be
unpickled (Keras 3's rule), so a tampered file cannot run code."""

import io
import pickle
import zipfile

import numpy as np

# numpy < 2 writes `numpy.core.multiarray`, numpy >= 2 `numpy._core.multiarray`.
_ALLOWED_GLOBALS = frozenset({
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
})


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickles NumPy arrays (and plain Python lists, ints, strings, dicts) only."""

    def find_class(self, module, name):
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"Refusing to deserialize `{module}.{name}` while loading a "
                                     "Keras dataset. The file may be corrupted or malicious.")


def _read_npy(fp):
    try:
        return np.lib.format.read_array(fp, allow_pickle=False)
    except ValueError:
        # An object array: skip the header and unpickle the payload under the restriction.
        fp.seek(0)
        version = np.lib.format.read_magic(fp)
        if version[0] == 1:
            np.lib.format.read_array_header_1_0(fp)
        elif version[0] in (2, 3):
            # 3.0 differs from 2.0 only in the header's text encoding, not its length field.
            np.lib.format.read_array_header_2_0(fp)
        else:
            raise ValueError(f"Unsupported `.npy` file version: {version}.")
        return RestrictedUnpickler(fp).load()


def load_npz(path):
    """{member name: array} of an `.npz` file, object arrays included."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if not member.endswith(".npy"):
                continue
            with archive.open(member) as raw:
                arrays[member[: -len(".npy")]] = _read_npy(io.BytesIO(raw.read()))
    return arrays
