"""Corruptions of .keras archives and .weights.h5 files (worker side), each described by a small
JSON op so that Hypothesis can draw, print and shrink it.

Archive ops (on the members of a .keras zip):
    {"op": "config_edit", "member": "config.json", "pick": k, "value": v}  the k-th node of
        the JSON tree (counting in document order, modulo their number) becomes v
    {"op": "drop", "pick": k}   {"op": "duplicate", "pick": k}   {"op": "rename", "pick": k,
    "name": s}   {"op": "extra", "name": s, "size": n}   {"op": "bomb", "pick": k, "size": n}
    {"op": "h5", "edit": {...}}   an HDF5 edit of model.weights.h5 (below)
Byte ops (on the finished file, archive or HDF5):
    {"op": "truncate", "at": f}   {"op": "flip", "at": [f, ...], "mask": m}
    {"op": "declared_size", "pick": k, "size": n}   a zip entry's declared uncompressed size
HDF5 edits (on the k-th dataset of the weights file, in visiting order):
    {"kind": "huge" | "reshape" | "dtype" | "delete" | "attr" | "soft_link" | "external_link"
     | "group" | "scalar" | "nan", "pick": k, ...}
"""

import io
import json
import struct
import zipfile

import h5py
import numpy as np

from fuzz_values import materialize


# ---- JSON members ------------------------------------------------------------------------------
def _nodes(tree, path=()):
    yield path
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _nodes(value, path + (key,))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from _nodes(value, path + (index,))


def edit_json(data, pick, value):
    try:
        tree = json.loads(data)
    except ValueError:  # not JSON (another member renamed to this name): replace it whole
        return json.dumps(materialize(value)).encode()
    paths = [p for p in _nodes(tree) if p]
    if not paths:
        return json.dumps(materialize(value)).encode()
    path = paths[pick % len(paths)]
    parent = tree
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = materialize(value)
    return json.dumps(tree).encode()


# ---- archives ----------------------------------------------------------------------------------
def members(archive):
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def zip_of(entries, compression=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, data in entries:
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def apply_archive_op(entries, op):
    """A new member list; entries are (name, bytes) in archive order."""
    kind = op["op"]
    entries = list(entries)
    if not entries and kind in ("drop", "duplicate", "rename", "bomb"):
        return entries
    k = op.get("pick", 0) % max(len(entries), 1)
    if kind == "config_edit":
        return [(n, edit_json(d, op["pick"], op["value"]) if n == op["member"] else d)
                for n, d in entries]
    if kind == "drop":
        return entries[:k] + entries[k + 1:]
    if kind == "duplicate":
        return entries + [entries[k]]
    if kind == "rename":
        entries[k] = (op["name"], entries[k][1])
        return entries
    if kind == "extra":
        return entries + [(op["name"], b"\0" * op["size"])]
    if kind == "bomb":  # a member that inflates far beyond what it stores
        entries[k] = (entries[k][0], b" " * op["size"])
        return entries
    if kind == "h5":
        return [(n, edit_h5(d, op["edit"]) if n == "model.weights.h5" else d)
                for n, d in entries]
    raise ValueError(f"unknown archive op {kind!r}")


# ---- bytes -------------------------------------------------------------------------------------
def apply_byte_op(data, op):
    data = bytearray(data)
    kind = op["op"]
    if kind == "truncate":
        return bytes(data[: int(op["at"] * len(data))])
    if kind == "flip":
        for at in op["at"]:
            if data:
                data[min(int(at * len(data)), len(data) - 1)] ^= op["mask"]
        return bytes(data)
    if kind == "declared_size":  # the k-th central-directory entry and its local header
        size = min(op["size"], 0xFFFFFFFE)
        # Entries whole enough to hold the fields written below (a truncation may cut one).
        entries = [i for i in range(len(data) - 46) if data[i:i + 4] == b"PK\x01\x02"]
        if not entries:
            return bytes(data)
        central = entries[op["pick"] % len(entries)]
        struct.pack_into("<I", data, central + 24, size)
        local = struct.unpack_from("<I", data, central + 42)[0]
        if data[local:local + 4] == b"PK\x03\x04" and local + 26 <= len(data):
            struct.pack_into("<I", data, local + 22, size)
        return bytes(data)
    raise ValueError(f"unknown byte op {kind!r}")


# ---- HDF5 --------------------------------------------------------------------------------------
def _datasets(f):
    found = []
    f.visititems(lambda name, obj: found.append(name) if isinstance(obj, h5py.Dataset) else None)
    return found


def edit_h5(data, edit):
    buffer = io.BytesIO(data)
    try:
        f = h5py.File(buffer, "a")
    except OSError:  # not HDF5 (an earlier op replaced it): nothing to edit
        return data
    with f:
        _edit(f, edit)
    return buffer.getvalue()


def _edit(f, edit):
    names = _datasets(f)
    if not names:
        return
    name = names[edit.get("pick", 0) % len(names)]
    old = f[name]
    shape, dtype, attrs = old.shape, old.dtype, dict(old.attrs)
    kind = edit["kind"]
    if kind == "attr":
        target = f if edit.get("root") else old
        try:
            target.attrs[edit["key"]] = materialize_attr(edit["value"])
        except (TypeError, ValueError):  # not storable as it is (NULs, mixed lists): as JSON
            target.attrs[edit["key"]] = json.dumps(materialize(edit["value"]))
        return
    del f[name]
    if np.prod(shape, dtype=np.float64) > 1 << 20:  # an earlier "huge" edit: keep it small
        shape = (1,)
    if kind == "huge":  # declared, never stored: chunked and empty
        f.create_dataset(name, shape=tuple(edit["shape"]), dtype="float32",
                         chunks=(1,) * len(edit["shape"]))
    elif kind == "reshape":
        f.create_dataset(name, data=np.ones(tuple(edit["shape"]), np.float32))
    elif kind == "dtype":
        if edit["dtype"].startswith("S"):
            f.create_dataset(name, data=np.full(shape, b"x", dtype=edit["dtype"]))
        else:
            f.create_dataset(name, data=np.ones(shape, np.float32).astype(edit["dtype"]))
    elif kind == "soft_link":
        f[name] = h5py.SoftLink(edit.get("to", "/nowhere"))
    elif kind == "external_link":
        f[name] = h5py.ExternalLink("/etc/passwd", "/x")
    elif kind == "group":
        f.create_group(name)
    elif kind == "scalar":
        f.create_dataset(name, data=np.float32(1.0))
    elif kind == "nan":
        f.create_dataset(name, data=np.full(shape, np.nan, dtype))
    elif kind != "delete":
        raise ValueError(f"unknown HDF5 edit {kind!r}")
    if kind not in ("delete", "soft_link", "external_link"):
        for key, value in attrs.items():
            f[name].attrs[key] = value


def materialize_attr(value):
    """An HDF5 attribute from a JSON value: strings stay strings; numbers and lists become
    arrays."""
    value = materialize(value)
    if isinstance(value, (dict, type(None))) or \
            isinstance(value, int) and not -2**63 <= value < 2**63:  # beyond HDF5's integers
        return json.dumps(value)
    if isinstance(value, list):
        try:
            return np.asarray(value if value else [0])
        except ValueError:  # ragged, or deeper than NumPy's 64 axes: as its JSON text
            return json.dumps(value)
    return value
