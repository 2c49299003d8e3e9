"""Keras's sample-weight broadcasting for metrics, as the weights densefit's native metric
states take: one weight per row of (y_true, y_pred).

Keras broadcasts `sample_weight` against a metric's values, and what "values" are depends on
the family (keras/src/metrics/): a mean metric's per-sample or per-output values
(reduce_to_samplewise_values), a confusion metric's predictions (update_confusion_matrix_
variables), FBetaScore's `val * expand_dims(sample_weight, 1)`, R2Score's y_true. Each
function below follows one family's rule on shapes and gives a `Rows` plan: the weight of each
native row, and whether the rows are the samples or every output of every sample on a row of
its own (exact where the family counts outputs independently: per-output weights then weigh
single-output rows). What Keras refuses raises the exception type Keras raises; what Keras
computes but a native state cannot represent exactly raises ValueError naming sample_weight.
"""

import numpy as np

from densefit.ops.keras_semantics import broadcast_to_like_jax, multiply_like_jax


class Rows:
    """How to hand a batch to a native state: `weights` (one per row) and `per_output`
    (True: the batch goes as (samples * outputs, 1) rows, one output each)."""

    def __init__(self, weights, per_output=False):
        self.weights = None if weights is None else np.ascontiguousarray(weights, np.float32)
        self.per_output = per_output


def _same_rank_shapes(s1, s2, expand_rank_1=True):
    """keras squeeze_or_expand_to_same_rank on shapes."""
    s1, s2 = tuple(s1), tuple(s2)
    if len(s1) == len(s2) + 1 and s1[-1:] == (1,):
        if len(s2) == 1 and expand_rank_1:
            s2 = s2 + (1,)
        else:
            s1 = s1[:-1]
    if len(s2) == len(s1) + 1 and s2[-1:] == (1,):
        if len(s1) == 1 and expand_rank_1:
            s1 = s1 + (1,)
        else:
            s2 = s2[:-1]
    return s1, s2


def _row_constant(w):
    """Whether (n, ...) weights are the same for every output of each sample."""
    flat = w.reshape(w.shape[0], -1)
    return bool(np.all(flat == flat[:, :1]))


def _cannot(metric, sample_weight, why):
    return ValueError(f"{type(metric).__name__} cannot take a `sample_weight` of shape "
                      f"{np.shape(sample_weight)} here: {why}. Pass one weight per sample, or "
                      f"weights that are equal for every output of a sample")


def values_shape(rule, y_true_shape, y_pred_shape):
    """The shape of a mean metric's values (what Keras weighs), by its function's rule:
    "per_sample" (one value per sample), "elementwise" (one per output, as accuracy and
    binary_accuracy), "labels" (shaped as the class ids, as sparse_top_k_categorical_accuracy)."""
    if rule == "labels":
        return tuple(y_true_shape)
    true_shape, pred_shape = _same_rank_shapes(y_true_shape, y_pred_shape)
    if rule == "elementwise":
        return tuple(np.broadcast_shapes(true_shape, pred_shape))
    return tuple(pred_shape[:-1]) if len(pred_shape) > 1 else tuple(pred_shape)


def mean_rows(metric, values_shape, sample_weight, rows, elementwise):
    """A mean metric (Keras's Mean over `values_shape` values, one row per sample or per
    sample and time step): Keras weighs each sample by its weight, or, for a scalar weight,
    the batch as one sample; per-output weights weigh per-output values (`elementwise`)."""
    samples = values_shape[0] if values_shape else 1
    steps = max(rows // max(samples, 1), 1)
    if sample_weight is None:
        # Keras counts samples; the native rows of a (samples, steps, ...) batch each count
        # 1 / steps of one.
        return Rows(None if steps == 1 else np.full(rows, 1.0 / steps))
    sw = np.asarray(sample_weight, dtype=np.float32)
    vshape, wshape = _same_rank_shapes(values_shape, sw.shape)
    sw = sw.reshape(wshape)
    reduced = vshape[:sw.ndim] if len(vshape) > sw.ndim else vshape
    w = broadcast_to_like_jax(sw, reduced)
    if w.ndim == 0:  # the batch's mean value counts once, with this weight
        return Rows(np.full(rows, float(w) / rows))
    if w.ndim == 1:
        return Rows(np.repeat(w, steps) / steps)
    if w.ndim == 2 and elementwise and steps == 1:
        # Keras: total += sum_i mean_j(v_ij w_ij), count += sum_i mean_j(w_ij).
        return Rows((w / w.shape[1]).reshape(-1), per_output=True)
    if _row_constant(w):
        return Rows(np.repeat(w.reshape(w.shape[0], -1)[:, 0], steps) / steps)
    raise _cannot(metric, sample_weight, "its values are per sample")


def confusion_weights(y_true_shape, y_pred_shape, sample_weight, class_id=None):
    """update_confusion_matrix_variables' weights: one per prediction (after class_id picks a
    column), broadcast as Keras does, or None."""
    if sample_weight is None:
        return None
    pred_shape, true_shape = _same_rank_shapes(y_pred_shape, y_true_shape)
    sw = np.expand_dims(np.asarray(sample_weight, dtype=np.float32), -1)
    _, wshape = _same_rank_shapes(true_shape, sw.shape, expand_rank_1=False)
    sw = sw.reshape(wshape)
    if class_id is not None:
        pred_shape = tuple(pred_shape[:-1]) + (1,)
    return broadcast_to_like_jax(sw, pred_shape)


def confusion_rows(metric, w, rows, per_output_ok):
    """Row weights for confusion counts from per-prediction weights `w` (or None)."""
    if w is None:
        return Rows(None)
    if w.ndim == 0:
        return Rows(np.full(rows, float(w)))
    if w.ndim == 1 or _row_constant(w):
        flat = w.reshape(w.shape[0], -1)[:, 0]
        return Rows(np.repeat(flat, rows // max(len(flat), 1)))
    if not per_output_ok:
        raise _cannot(metric, w, "its native state counts the outputs of a sample together "
                                 "(multi_label, label_weights)")
    return Rows(w.reshape(-1), per_output=True)


def fbeta_rows(metric, y_pred_shape, sample_weight, rows):
    """FBetaScore: Keras multiplies the (n, k) counts by expand_dims(sample_weight, 1)."""
    if sample_weight is None:
        return Rows(None)
    sw = np.asarray(sample_weight, dtype=np.float32)
    if sw.ndim == 0:
        raise ValueError(f"{type(metric).__name__} needs a `sample_weight` per sample, not a "
                         f"scalar (Keras refuses one too: axis 1 is out of bounds)")
    expanded = np.expand_dims(sw, 1)
    product = multiply_like_jax(np.zeros(y_pred_shape, np.float32), expanded).shape
    if product == tuple(y_pred_shape):
        return Rows(np.broadcast_to(expanded, y_pred_shape)[:, 0].copy())
    # Keras's product gains an axis: every weight times every sample's counts.
    if metric.average != "micro":
        raise ValueError(f"`sample_weight` of shape {sw.shape} makes {type(metric).__name__}'s "
                         f"counts of shape {product[1:]}, not {tuple(y_pred_shape[1:])} (Keras "
                         f"refuses it too)")
    # Summed over everything ("micro"), output j's counts are scaled by the total weight of
    # output j: one number when those totals are equal.
    totals = np.broadcast_to(expanded, product[:1] + (1,) + tuple(y_pred_shape[1:])).sum(axis=0)
    if not np.all(totals == totals.flat[0]):
        raise _cannot(metric, sample_weight, "Keras scales each output's counts by that "
                                             "output's total weight")
    return Rows(np.full(rows, float(totals.flat[0])))


def r2_rows(metric, y_true_shape, sample_weight, rows):
    """R2Score: Keras broadcasts (n,) -> (n, 1) weights to y_true's shape, per output."""
    if sample_weight is None:
        return Rows(None)
    sw = np.asarray(sample_weight, dtype=np.float32)
    if sw.ndim == 1:
        sw = sw[:, None]
    w = broadcast_to_like_jax(sw, y_true_shape)
    if w.ndim == 0:
        return Rows(np.full(rows, float(w)))
    if _row_constant(w):
        return Rows(w.reshape(w.shape[0], -1)[:, 0])
    raise _cannot(metric, sample_weight, "its native state counts one weight per sample for "
                                         "all outputs")
