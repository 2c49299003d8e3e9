"""Case descriptions are JSON (so Hypothesis prints them and the worker reads them); this turns
their tagged values into the Python objects a call receives, and array descriptions into
arrays of a given dtype and memory layout (worker side).

Tagged values, {"$": tag, ...}:
    {"$": "callback"}                        a densefit.callbacks.Callback()
    {"$": "object"}                          a bare object()
    {"$": "np", "dtype": "int64", "v": 3}    a NumPy scalar
    {"$": "tuple", "v": [...]}               a tuple
    {"$": "dict", "items": [[k, v], ...]}    a dict whose keys need not be strings
    {"$": "float", "v": "nan"}               nan / inf / -inf
    {"$": "deep", "depth": 600}              [[[...]]] nested that deep (printed short)
"""

import numpy as np

LAYOUTS = ("C", "F", "strided", "negative", "readonly", "unaligned", "big_endian", "list",
           "transposed")


def materialize(value):
    if isinstance(value, list):
        return [materialize(v) for v in value]
    if not isinstance(value, dict):
        return value
    tag = value.get("$")
    if tag is None:
        return {k: materialize(v) for k, v in value.items()}
    if tag == "callback":
        from densefit.callbacks import Callback
        return Callback()
    if tag == "object":
        return object()
    if tag == "np":
        return np.dtype(value["dtype"]).type(value["v"])
    if tag == "tuple":
        return tuple(materialize(v) for v in value["v"])
    if tag == "dict":
        return {materialize(k): materialize(v) for k, v in value["items"]}
    if tag == "float":
        return float(value["v"])
    if tag == "deep":
        nested = []
        for _ in range(value["depth"] - 1):
            nested = [nested]
        return nested
    raise ValueError(f"unknown tag {tag!r} in a case description")


def values(seed, shape, low=-2.0, high=2.0):
    """Reproducible float64 values: what every layout of one array holds."""
    return np.random.default_rng(seed).uniform(low, high, size=tuple(shape))


def cast(vals, dtype):
    """`vals` as `dtype` the way a user's data would be (integers rounded, booleans > 0)."""
    dtype = np.dtype(dtype)
    if dtype == bool:
        return vals > 0
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return np.clip(np.round(vals), info.min, info.max).astype(dtype)
    if np.issubdtype(dtype, np.complexfloating):
        return (vals + 1j * vals[::-1].reshape(vals.shape)).astype(dtype)
    return vals.astype(dtype)


def lay_out(arr, layout):
    """The same values as `arr` in another memory layout (or as nested lists)."""
    if layout == "C":
        return np.ascontiguousarray(arr)
    if layout == "F":
        return np.asfortranarray(arr)
    if layout == "strided":  # a view with gaps along every axis
        big = np.zeros(tuple(2 * s + 1 for s in arr.shape), dtype=arr.dtype)
        view = big[tuple(slice(1, None, 2) for _ in arr.shape)]
        view[...] = arr
        return view
    if layout == "negative":  # negative strides along every axis
        flipped = tuple(slice(None, None, -1) for _ in arr.shape)
        return np.ascontiguousarray(arr[flipped])[flipped]
    if layout == "readonly":
        out = np.array(arr, copy=True)
        out.flags.writeable = False
        return out
    if layout == "unaligned":  # data pointer off by one byte
        raw = np.zeros(arr.nbytes + 1, dtype=np.uint8)
        out = raw[1:].view(arr.dtype).reshape(arr.shape)
        out[...] = arr
        return out
    if layout == "big_endian":
        return arr.astype(arr.dtype.newbyteorder(">")) if arr.dtype.itemsize > 1 else arr.copy()
    if layout == "list":
        return arr.tolist()
    if layout == "transposed":  # C order of the reversed axes, seen transposed
        return np.ascontiguousarray(arr.T).T
    raise ValueError(f"unknown layout {layout!r}")


def snapshot(x):
    """A deep copy to compare against later (inputs must never be mutated)."""
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, tuple) and hasattr(x, "_fields"):  # a namedtuple
        return type(x)(*(snapshot(v) for v in x))
    if isinstance(x, (list, tuple)):
        return type(x)(snapshot(v) for v in x)
    if isinstance(x, dict):
        return {k: snapshot(v) for k, v in x.items()}
    return x


def same(a, b):
    """Bitwise equality of arrays (NaNs in the same places), nested lists and scalars."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()
    if isinstance(a, (list, tuple)):
        return isinstance(b, (list, tuple)) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b or (a != a and b != b)
