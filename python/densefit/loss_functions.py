"""Keras's loss functions (keras/src/losses/losses.py), each written once with densefit.ops.

On arrays they compute with NumPy in float32, as Keras's do; on the traced values of a user's
loss or metric (`def my_loss(t, p): return keras.losses.mse(t, p) * 2.0` with
`import densefit as keras`) they record into the native step like any densefit.ops call, so
compile() can run them. The formulas follow Keras's operation by operation, rounding and
clipping included, so values match Keras's and traced gradients JAX's.
"""

import functools
import warnings

import numpy as np

from densefit import ops
from densefit.ops.graph import UntraceableError
from densefit.ops.keras_semantics import squeeze_or_expand_to_same_rank
from densefit.ops.tracer import Tracer

EPSILON = 1e-7  # keras.backend.epsilon()


def quiet_float_errors(fn):
    """fn with NumPy's floating-point warnings off: Keras's functions return inf / NaN (to be
    clipped or masked) without a word, and so do these."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            return fn(*args, **kwargs)
    return run


def _floats(y_true, y_pred):
    """y_pred as Keras's convert_to_tensor makes it, y_true cast to its dtype (float32)."""
    y_pred = ops.convert_to_tensor(y_pred, dtype=np.float32)
    return ops.convert_to_tensor(y_true, dtype=np.float32), y_pred


def _same_shape(target, output):
    if tuple(np.shape(target)) != tuple(np.shape(output)):
        raise ValueError(f"Arguments `target` and `output` must have the same shape. Received: "
                         f"target.shape={np.shape(target)}, output.shape={np.shape(output)}")


def _check_axis(axis):
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis} of type "
                         f"{type(axis)}")


def _warn_one_column(name, y_pred):
    if np.shape(y_pred)[-1] == 1:
        warnings.warn(f"In loss {name}, expected y_pred.shape to be (batch_size, num_classes) "
                      f"with num_classes > 1. Received: y_pred.shape={np.shape(y_pred)}. "
                      f"Consider using 'binary_crossentropy' if you only have 2 classes.",
                      SyntaxWarning, stacklevel=3)


# ---- regression ---------------------------------------------------------------------------------
def mean_squared_error(y_true, y_pred):
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_floats(y_true, y_pred))
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_floats(y_true, y_pred))
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_floats(y_true, y_pred))
    diff = ops.abs((y_true - y_pred) / ops.maximum(ops.abs(y_true), EPSILON))
    return 100.0 * ops.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_floats(y_true, y_pred))
    first_log = ops.log(ops.maximum(y_pred, EPSILON) + 1.0)
    second_log = ops.log(ops.maximum(y_true, EPSILON) + 1.0)
    return ops.mean(ops.square(first_log - second_log), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_floats(y_true, y_pred))
    return -ops.sum(ops.l2_normalize(y_true, axis=axis) * ops.l2_normalize(y_pred, axis=axis),
                    axis=axis)


def huber(y_true, y_pred, delta=1.0):
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_floats(y_true, y_pred))
    delta = np.float32(delta)
    error = y_pred - y_true
    abs_error = ops.abs(error)
    return ops.mean(ops.where(abs_error <= delta, 0.5 * ops.square(error),
                              delta * abs_error - np.float32(0.5) * np.square(delta)), axis=-1)


def log_cosh(y_true, y_pred):
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_floats(y_true, y_pred))
    x = y_pred - y_true
    return ops.mean(x + ops.softplus(x * -2.0) - np.log(np.float32(2.0)), axis=-1)


# ---- probabilistic ------------------------------------------------------------------------------
def kl_divergence(y_true, y_pred):
    y_true, y_pred = _floats(y_true, y_pred)
    y_true = ops.clip(y_true, EPSILON, 1.0)
    y_pred = ops.clip(y_pred, EPSILON, 1.0)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    y_true, y_pred = _floats(y_true, y_pred)
    return ops.mean(y_pred - y_true * ops.log(y_pred + EPSILON), axis=-1)


def _log_probabilities(output, from_logits, axis):
    """keras.ops.categorical_crossentropy's log-probabilities (JAX backend)."""
    if from_logits:
        return ops.log_softmax(output, axis=axis)
    output = output / ops.sum(output, axis=axis, keepdims=True)
    return ops.log(ops.clip(output, EPSILON, 1.0 - EPSILON))


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    _check_axis(axis)
    y_true, y_pred = _floats(y_true, y_pred)
    _warn_one_column("categorical_crossentropy", y_pred)
    if label_smoothing:
        num_classes = np.float32(np.shape(y_true)[-1])
        y_true = y_true * (1.0 - label_smoothing) + (label_smoothing / num_classes)
    _same_shape(y_true, y_pred)
    if np.ndim(y_true) < 1:
        raise ValueError(f"Arguments `target` and `output` must be at least rank 1. Received: "
                         f"target.shape={np.shape(y_true)}, output.shape={np.shape(y_pred)}")
    return -ops.sum(y_true * _log_probabilities(y_pred, from_logits, axis), axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    _check_axis(axis)
    y_true, y_pred = _floats(y_true, y_pred)
    _warn_one_column("categorical_focal_crossentropy", y_pred)
    if label_smoothing:
        num_classes = np.float32(np.shape(y_true)[-1])
        y_true = y_true * (1.0 - label_smoothing) + (label_smoothing / num_classes)
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    output = y_pred / ops.sum(y_pred, axis=axis, keepdims=True)
    output = ops.clip(output, EPSILON, 1.0 - EPSILON)
    cce = -y_true * ops.log(output)
    weighting_factor = ops.multiply(ops.power(1.0 - output, gamma), alpha)
    return ops.sum(ops.multiply(weighting_factor, cce), axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    return sparse_categorical_crossentropy_and_mask(y_true, y_pred, from_logits, ignore_class,
                                                    axis)[0]


def sparse_categorical_crossentropy_and_mask(y_true, y_pred, from_logits=False,
                                             ignore_class=None, axis=-1):
    """The per-sample values and, with ignore_class, the mask of the samples that count
    (what Keras attaches to the values for the reduction to use)."""
    y_pred = ops.convert_to_tensor(y_pred, dtype=np.float32)
    y_true = ops.convert_to_tensor(y_true, dtype=np.float32)
    if np.ndim(y_true) == np.ndim(y_pred) and np.shape(y_true)[axis] == 1:
        y_true = ops.squeeze(y_true, axis=axis)
    valid = None
    if ignore_class is not None:
        valid = ops.not_equal(y_true, np.float32(ignore_class))
        y_true = ops.where(valid, y_true, 0.0)
        y_pred = ops.where(ops.expand_dims(valid, axis), y_pred, 0.0)
    # keras.ops.sparse_categorical_crossentropy: int32 ids, then one-hot.
    target = ops.cast(y_true, "int32")
    if np.ndim(target) == np.ndim(y_pred) and np.shape(target)[-1] == 1:
        target = ops.squeeze(target, axis=-1)
    if np.ndim(y_pred) < 1:
        raise ValueError(f"Argument `output` must be at least rank 1. Received: "
                         f"output.shape={np.shape(y_pred)}")
    if tuple(np.shape(target)) != tuple(np.shape(y_pred)[:-1]):
        raise ValueError(f"Arguments `target` and `output` must have the same shape up until "
                         f"the last dimension: target.shape={np.shape(target)}, "
                         f"output.shape={np.shape(y_pred)}")
    log_prob = _log_probabilities(y_pred, from_logits, axis)
    res = -ops.sum(ops.one_hot(target, np.shape(y_pred)[axis]) * log_prob, axis=axis)
    if valid is not None:
        res = ops.where(valid, res, 0.0)
    return res, valid


def _binary_crossentropy(target, output, from_logits):
    """keras.ops.binary_crossentropy (JAX backend), element-wise."""
    _same_shape(target, output)
    if from_logits:
        return (-1.0 * target * ops.log_sigmoid(output)
                - (1.0 - target) * ops.log_sigmoid(-output))
    output = ops.clip(output, EPSILON, 1.0 - EPSILON)
    bce = target * ops.log(output)
    bce = bce + (1.0 - target) * ops.log(1.0 - output)
    return -bce


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    y_true, y_pred = _floats(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return ops.mean(_binary_crossentropy(y_true, y_pred, from_logits), axis=axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    y_true, y_pred = _floats(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    bce = _binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)
    focal_bce = ops.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal_bce = (y_true * alpha + (1 - y_true) * (1 - alpha)) * focal_bce
    return ops.mean(focal_bce, axis=axis)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    y_pred = ops.convert_to_tensor(y_pred, dtype=np.float32)
    y_true = ops.convert_to_tensor(y_true, dtype=np.float32)
    if np.ndim(y_true) == np.ndim(y_pred) and np.shape(y_true)[-1] == 1:
        # (n, 1) class ids: Keras one-hots them to (n, 1, k) and broadcasts a (n, n) matrix
        # against y_pred; densefit reads them as the (n,) ids they are (compiled, y_true is
        # always (batch, 1)).
        y_true = ops.squeeze(y_true, -1)
    hot = ops.one_hot(ops.cast(y_true, "int32"), np.shape(y_pred)[-1])
    p = ops.sum(y_pred * hot, axis=-1)
    return (1 - ops.power(p, q)) / q


# ---- hinge --------------------------------------------------------------------------------------
def _hinge_labels(y_true):
    """Keras's convert_binary_labels_to_hinge: 0/1 labels become -1/1 when every label of the
    batch is 0 or 1."""
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0.0), ops.equal(y_true, 1.0)))
    return ops.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    y_true, y_pred = _floats(y_true, y_pred)
    return ops.mean(ops.maximum(1.0 - _hinge_labels(y_true) * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    y_true, y_pred = _floats(y_true, y_pred)
    return ops.mean(ops.square(ops.maximum(1.0 - _hinge_labels(y_true) * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    y_true, y_pred = _floats(y_true, y_pred)
    pos = ops.sum(y_true * y_pred, axis=-1)
    neg = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return ops.maximum(neg - pos + 1.0, 0.0)


# ---- image segmentation -------------------------------------------------------------------------
def dice(y_true, y_pred, axis=None):
    y_true, y_pred = _floats(y_true, y_pred)
    intersection = ops.sum(y_true * y_pred, axis=axis)
    score = ops.divide(2.0 * intersection,
                       ops.sum(y_true, axis=axis) + ops.sum(y_pred, axis=axis) + EPSILON)
    return 1 - score


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    y_true, y_pred = _floats(y_true, y_pred)
    intersection = ops.sum(y_true * y_pred, axis=axis)
    fp = ops.sum((1 - y_pred) * y_true, axis=axis)
    fn = ops.sum(y_pred * (1 - y_true), axis=axis)
    score = ops.divide(intersection, intersection + fp * alpha + fn * beta + EPSILON)
    return 1 - score


# ---- similarity and sequences: not for densefit's native step ------------------------------------
def _refuse_traced(name, why, *values):
    if any(isinstance(v, Tracer) for v in values):
        raise UntraceableError(f"keras.losses.{name} {why}")


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80,
           margin=0.4):
    return circle_and_mask(y_true, y_pred, ref_labels, ref_embeddings, remove_diagonal, gamma,
                           margin)[0]


def circle_and_mask(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True,
                    gamma=80, margin=0.4):
    """Keras's circle loss on arrays, with the mask (loss > 0) Keras reduces by."""
    _refuse_traced("circle", "compares every pair of samples of a batch (a batch x batch "
                   "matrix), which densefit's per-sample native step cannot express", y_true,
                   y_pred, ref_labels, ref_embeddings)
    y_pred = np.asarray(y_pred, dtype=np.float32)
    y_true = np.asarray(y_true).astype(np.int32)
    ref_embeddings = y_pred if ref_embeddings is None else np.asarray(ref_embeddings, np.float32)
    ref_labels = y_true if ref_labels is None else np.asarray(ref_labels).astype(np.int32)
    optim_pos, optim_neg = np.float32(margin), np.float32(1 + margin)
    delta_pos, delta_neg = np.float32(margin), np.float32(1 - margin)
    distances = np.maximum(1 - y_pred @ ref_embeddings.T, np.float32(0.0))
    query = y_true.reshape(-1, 1) if y_true.ndim == 1 else y_true
    keys = ref_labels.reshape(-1, 1) if ref_labels.ndim == 1 else ref_labels
    positive = query == keys.T
    negative = ~positive
    if remove_diagonal:
        positive = positive & ~np.eye(query.size, keys.size, dtype=bool)
    pos_weights = np.maximum((optim_pos + distances) * positive.astype(np.float32), 0.0)
    neg_weights = np.maximum((optim_neg - distances) * negative.astype(np.float32), 0.0)
    gamma = np.float32(gamma)
    pos_wdists = -1 * gamma * pos_weights * (delta_pos - distances)
    neg_wdists = gamma * neg_weights * (delta_neg - distances)
    with np.errstate(divide="ignore"):
        p_loss = _logsumexp_rows(np.where(positive, pos_wdists, -np.inf).astype(np.float32))
        n_loss = _logsumexp_rows(np.where(negative, neg_wdists, -np.inf).astype(np.float32))
    loss = np.logaddexp(p_loss + n_loss, np.float32(0.0))
    return loss, loss > 0


def _logsumexp_rows(x):
    # jax.scipy.special.logsumexp: an all -inf row gives -inf.
    top = np.max(x, axis=1, keepdims=True)
    top = np.where(np.isfinite(top), top, np.float32(0.0))
    return (np.log(np.sum(np.exp(x - top), axis=1)) + top[:, 0]).astype(np.float32)


def ctc(y_true, y_pred):
    _refuse_traced("ctc", "needs sequence outputs (batch, time, classes), which densefit's "
                   "dense networks do not produce", y_true, y_pred)
    raise NotImplementedError("densefit does not implement keras.losses.ctc: CTC needs sequence "
                              "outputs (batch, time, classes), which densefit's dense networks "
                              "do not produce")


for _name in ("mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
              "mean_squared_logarithmic_error", "cosine_similarity", "huber", "log_cosh",
              "kl_divergence", "poisson", "categorical_crossentropy",
              "categorical_focal_crossentropy", "sparse_categorical_crossentropy",
              "sparse_categorical_crossentropy_and_mask", "binary_crossentropy",
              "binary_focal_crossentropy", "categorical_generalized_cross_entropy", "hinge",
              "squared_hinge", "categorical_hinge", "dice", "tversky", "circle_and_mask"):
    globals()[_name] = quiet_float_errors(globals()[_name])
