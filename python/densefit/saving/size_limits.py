"""Bounds on the sizes a model config or file declares, checked before anything is allocated
for them.

A config can declare any number of layers, units and input dimensions, and a `.keras` archive
any size for its weights member; densefit allocates what they declare (the model's parameter
arena when it is built, the decompressed weights when they are read). So, before building or
reading: the declared weights are computed from the layers' configs alone (Python ints,
nothing allocated), held to limits no dense network densefit trains comes near, and, when
loading a file, compared with the weights the file actually holds (keras_zip); the weights
member may then be no larger than those weights, their optimizer slots and HDF5's headers
need."""

import math

from densefit.saving.errors import MalformedFileError

MAX_LAYERS = 4096  # entries of a model config's "layers"
MAX_RANK = 32  # axes of one sample
MAX_SAMPLE_VALUES = 1 << 31  # values in one sample, or in any layer's output for it
MAX_PARAMS = 1 << 34  # parameters of a model: 64 GiB of float32

# A weights member holds the weights, at most 5 optimizer slots per weight (Adam's momentum,
# velocity and amsgrad's velocity_hat, an EMA average and a gradient accumulator: Keras's
# largest layout), a few KB of HDF5 headers per variable (Keras's files: ~0.6 KB), and scalars,
# attributes and root groups that 1 MiB covers.
_COPIES_PER_WEIGHT = 6
_HEADER_BYTES_PER_VARIABLE = 4096
_FIXED_BYTES = 1 << 20
MAX_WEIGHTS_MEMBER_BYTES = 1 << 38  # 256 GiB, whatever the config declares


def check_layer_count(entries):
    if len(entries) > MAX_LAYERS:
        raise MalformedFileError(f"the config lists {len(entries)} layers; densefit reads at "
                                 f"most {MAX_LAYERS}")


def declared_weights(layers, input_shape):
    """([(layer, [weight shape, ...], output shape)], refusal): what `layers`, fed samples of
    `input_shape`, would allocate once built, computed from their configs (nothing allocated,
    no limit applied yet: check_limits). A layer whose compute_output_shape refuses its input
    (a ValueError, such as Dense's for more weights than memory holds) ends the list, with its
    weight shapes where they can be told and no output shape, and its error is the refusal."""
    shape = _checked_shape(input_shape, "the input")
    out = []
    for layer in layers:
        try:
            out_shape = _checked_shape(layer.compute_output_shape(shape),
                                       f"the output of layer {layer.name!r}")
        except MalformedFileError:
            raise
        except ValueError as refusal:
            try:
                out.append((layer, _weight_shapes(layer, shape), None))
            except (ValueError, IndexError, TypeError):
                pass
            return out, refusal
        out.append((layer, _weight_shapes(layer, shape), out_shape))
        shape = out_shape
    return out, None


def check_limits(input_shape, declared, refusal=None):
    """MalformedFileError, naming the layer, when the input or what `declared` (from
    declared_weights) holds is past the limits above; else the refusal, if any."""
    _check_values(input_shape, "the input")
    total = 0
    for layer, shapes, out_shape in declared:
        size = sum(math.prod(s) for s in shapes)
        total += size
        if total > MAX_PARAMS:
            raise MalformedFileError(
                f"layer {layer.name!r} declares {size} parameters (weights of shapes "
                f"{shapes}), taking the model past the {MAX_PARAMS} densefit allows")
        if out_shape is not None:
            _check_values(out_shape, f"the output of layer {layer.name!r}")
    if refusal is not None:
        raise refusal


def _weight_shapes(layer, input_shape):
    shapes = [tuple(s) for _, s in layer.saved_weight_shapes(input_shape)]
    for s in shapes:
        if not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in s):
            raise MalformedFileError(f"layer {layer.name!r} declares a weight of shape {s}")
    return shapes


def weights_member_budget(shapes):
    """The most bytes a weights file holding `shapes` (and their optimizer state) needs."""
    params = sum(math.prod(s) for s in shapes)
    budget = (4 * params * _COPIES_PER_WEIGHT
              + _HEADER_BYTES_PER_VARIABLE * len(shapes) * _COPIES_PER_WEIGHT + _FIXED_BYTES)
    return min(budget, MAX_WEIGHTS_MEMBER_BYTES)


def _checked_shape(shape, what):
    shape = tuple(shape)
    if len(shape) > MAX_RANK:  # before any product over its axes
        raise MalformedFileError(f"{what} has {len(shape)} axes; densefit reads samples of at "
                                 f"most {MAX_RANK}")
    for d in shape:
        if d is not None and (isinstance(d, bool) or not isinstance(d, int) or d <= 0):
            raise MalformedFileError(f"{what} has shape {shape}; axes must be positive ints")
    return shape


def _check_values(shape, what):
    values = math.prod(d for d in shape if d is not None)
    if values > MAX_SAMPLE_VALUES:
        raise MalformedFileError(f"{what} has shape {shape}: {values} values per sample, more "
                                 f"than the {MAX_SAMPLE_VALUES} densefit allows")
