"""One native forward pass per call, nothing else: no conversion, no batching, no callbacks.

`forward(model, x)` answers only for inputs it can hand to the native core as they are (a
C-contiguous float32 NumPy array whose samples have the model's size) on a built model, and
returns None for everything else, so the caller's general path converts the input or raises
Keras's error. The native side checks the array, allocates the output and runs with the GIL
released, without any lock: many threads may serve one model at once. Each call reads one
whole weight version, even while another thread runs set_weights, load_weights or fit
(docs/serving.md, "Weights that change while serving").

A model on the CUDA device has no lock-free pass (its weights live on the device): forward
returns None and the general path runs the network's predict_run, one call at a time.
"""

from densefit._native import core
from densefit.models import shared_layers


def forward(model, x):
    """`model`'s outputs for `x` as a new float32 array, or None (take the general path)."""
    if model._shared:  # layers another model may have trained since
        shared_layers.sync(model)
    inference = model._inference
    if inference is None or inference.network is not model._network:
        if not isinstance(model._network, core.Network):  # not built, or on the CUDA device
            return None
        inference = inference_of(model)
    return inference.predict(x)


def inference_of(model):
    """The model's native Inference over its current network (None before it is built). It
    views the network's weights, so set_weights and fit need no re-binding; a rebuild (add,
    pop) makes a new network, which the identity check in forward() notices."""
    network = model._network
    if network is None:
        return None
    if model._shared:
        shared_layers.sync(model)
    if model._inference is not None and model._inference.network is network:
        return model._inference
    model._inference = core.Inference(network, model._output_shape,
                                      getattr(model, "_rows_per_sample", 1))
    return model._inference
