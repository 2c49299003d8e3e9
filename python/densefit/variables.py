"""Variable: a named view of one weight inside a model's native parameter arena.

Writes go through the native network (`write_params`), never straight into the view: each
call writes one whole weight version, which threads serving the model see all at once or not
at all (docs/serving.md). `assign_all` writes several variables as one version (set_weights,
load_weights)."""

import numpy as np


class Variable:
    def __init__(self, array, path, layer=None, trainable=True):
        self._array = array  # a view into the arena (read it through _network for a whole version)
        self.path = path
        self.name = path.rsplit("/", 1)[-1]
        self._layer = layer
        self._state = not trainable  # a layer's own state (a moving mean): never trained
        self._network, self._offset = _arena_of(array)

    def _move_to(self, array):
        """Views `array` from now on (a shared layer's weights moving to another model's
        arena, models/shared_layers.py); the object stays, so references to it stay valid."""
        self._array = array
        self._network, self._offset = _arena_of(array)

    @property
    def shape(self):
        return self._array.shape

    @property
    def size(self):
        return self._array.size

    @property
    def dtype(self):
        return str(self._array.dtype)  # float32 in the arena; a layer's own counter may be int

    @property
    def trainable(self):
        if self._state:
            return False
        return self._layer.trainable if self._layer is not None else True

    @property
    def value(self):
        return self.numpy()

    def numpy(self):
        if self._network is None:
            return self._array.copy()
        return self._network.read_params(self._offset, self._array.size).reshape(self.shape)

    def assign(self, value):
        assign_all([(self, value)])
        return self

    def _checked(self, value):
        value = np.asarray(value, dtype=self._array.dtype)
        if value.shape != self._array.shape:
            raise ValueError(f"Cannot assign a value of shape {value.shape} to variable "
                             f"{self.path!r} of shape {self._array.shape}")
        return value

    def __array__(self, dtype=None, copy=None):
        value = self.numpy()
        return value.astype(dtype) if dtype else value

    def __repr__(self):
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}>"


def assign_all(pairs):
    """Writes (variable, value) pairs as one weight version per network (all of a model's
    variables share one). Every value is checked before anything is written."""
    checked = [(var, var._checked(value)) for var, value in pairs]
    writes = {}
    for var, value in checked:
        if var._network is None:  # not a view of a network's arena
            var._array[...] = value
        else:
            writes.setdefault(id(var._network), (var._network, []))[1].append(
                (var._offset, value))
    for network, spans in writes.values():
        network.write_params(spans)


def read_all(variables):
    """Copies of the variables' values, all from one weight version of their network."""
    arenas = {}
    for var in variables:
        if var._network is not None and id(var._network) not in arenas:
            arenas[id(var._network)] = var._network.read_params()
    out = []
    for var in variables:
        if var._network is None:
            out.append(var._array.copy())
        else:
            arena = arenas[id(var._network)]
            out.append(arena[var._offset:var._offset + var.size].reshape(var.shape).copy())
    return out


def _arena_of(array):
    """(network, offset) of a view into a native network's parameter arena (the network
    object is the view's last base: the `params` property hands out views of it), else
    (None, None)."""
    base = array
    while isinstance(base, np.ndarray):
        base = base.base
    if base is None or not hasattr(base, "write_params"):
        return None, None
    start = base.params.__array_interface__["data"][0]
    offset = (array.__array_interface__["data"][0] - start) // array.itemsize
    if not 0 <= offset <= base.num_params - array.size:
        return None, None
    return base, int(offset)
