"""One set of weights per layer, however many models use it, as in Keras.

Each model runs its own native network over its own parameter arena, so a layer that two
models share (an autoencoder and the encoder made from its layers; a discriminator inside a
GAN) has a copy in each arena. The layer's variables view exactly one of them: the arena of
its *home* model, which holds the current weights; `get_weights`, `set_weights` and saving
read and write there. Before a model runs natively it brings its copies up to date:

- `sync(model)` (inference, evaluation): copies each shared layer whose home is another
  model from the home's arena, when the home's `weights_generation` moved since the last
  copy. The home keeps the layer, so a callback may predict with the encoder while the
  autoencoder trains.
- `claim(model)` (training, saving, loading): syncs, then becomes the home of its shared
  layers (their variables move to its arena), so what it trains is what every other model
  copies next.

A model that shares nothing has an empty `_shared` and pays one attribute test per call.
"""

import numpy as np


def bind_layer(model, layer, arrays, shared_before=()):
    """Binds `layer` to `model`'s freshly built arena, where `arrays` are its views
    [(view, weight name)]. A layer that already has weights keeps them: copied from another
    model's arena that stays its home (the layer is then shared by the two), or from the
    model's own previous network or the layer's own arrays (a rebuild, a popped layer added
    again), which `model` then becomes the home of. `shared_before`: the layers the model
    shared before this build (a rebuild keeps them shared)."""
    old = layer._variables
    same_shapes = len(old) == len(arrays) and all(
        v.shape == view.shape for v, (view, _) in zip(old, arrays))
    if old and same_shapes:
        for var, (view, _) in zip(old, arrays):
            view[...] = var.numpy()
    home = layer._model
    if old and same_shapes and home is not None and home is not model \
            and getattr(home, "_network", None) is not None and old[0]._network is not None:
        home._shared.setdefault(layer, [(v._array, v.name) for v in old])
        model._shared[layer] = list(arrays)
        model._synced[layer] = (old[0]._network, old[0]._network.weights_generation)
        return
    layer._bind(arrays, model)
    if layer in shared_before:
        model._shared[layer] = list(arrays)


def sync(model):
    """Copies into `model`'s arena the shared layers another model changed since the last
    copy, as one weight version."""
    writes = []
    for layer, arrays in model._shared.items():
        variables = layer._variables
        if layer._model is model or not variables or variables[0]._network is None:
            continue
        home = variables[0]._network
        mark = (home, home.weights_generation)  # read before the values: a write ending
        seen = model._synced.get(layer)         # meanwhile is copied again next time
        if seen is not None and seen[0] is home and seen[1] == mark[1]:
            continue
        values = home.read_params(variables[0]._offset, sum(v.size for v in variables))
        start = _offset(model, arrays[0][0])
        writes.append((start, values))
        model._synced[layer] = mark
    if writes:
        model._network.write_params(writes)


def claim(model):
    """Makes `model` the home of its shared layers, with their current weights."""
    if not model._shared:
        return
    sync(model)
    moved = False
    for layer, arrays in model._shared.items():
        if layer._model is not model:
            for var, (view, _) in zip(layer._variables, arrays):
                var._move_to(view)
            layer._model = model
            model._synced.pop(layer, None)
            moved = True
    if moved:
        model._sync_trainable()  # trainable flags follow the layer to its new home


def check_still_home(model):
    """After an epoch of `model`'s fit: raises if a batch hook trained another model sharing
    its layers meanwhile. Both trained their own copy, and no order of copies gives what
    Keras computes (one set of weights trained by both, batch by batch)."""
    for layer in model._shared:
        if layer._model is not model:
            raise RuntimeError(
                f"Layer {layer.name!r} is shared by {model.name!r} and {layer._model.name!r}, "
                f"and {layer._model.name!r} was trained from a callback while "
                f"{model.name!r}.fit() ran an epoch: densefit cannot train one set of weights "
                f"from both inside an epoch. Train the other model between epochs "
                f"(on_epoch_end) or between fit() calls.")


def detach(layer):
    """A layer leaving its home model (pop): it keeps its weights in arrays of its own, as a
    Keras layer does, for the next model it joins."""
    for var in layer._variables:
        var._move_to(np.array(var.numpy()))
    layer._model = None


def _offset(model, view):
    params = model._network.params
    return (view.__array_interface__["data"][0] - params.__array_interface__["data"][0]) \
        // view.itemsize
