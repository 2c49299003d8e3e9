"""Similarity and correlation metrics (Keras's regression_metrics.CosineSimilarity and
correlation_metrics): means of per-sample functions written with densefit.ops, so compile()
traces them into the native step as it traces a user's metric function."""

from densefit import ops
from densefit.loss_functions import EPSILON, _floats, quiet_float_errors
from densefit.metrics.reduction import MeanMetricWrapper
from densefit.ops.keras_semantics import squeeze_or_expand_to_same_rank


@quiet_float_errors
def cosine_similarity(y_true, y_pred, axis=-1):
    """The cosine of the angle between y_true and y_pred over `axis` (the metric's sign:
    keras.losses.cosine_similarity is its negative)."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_floats(y_true, y_pred))
    return ops.sum(ops.l2_normalize(y_true, axis=axis) * ops.l2_normalize(y_pred, axis=axis),
                   axis=axis)


@quiet_float_errors
def pearson_correlation(y_true, y_pred, axis=-1):
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_floats(y_true, y_pred))
    y_true_norm = y_true - ops.mean(y_true, axis=axis, keepdims=True)
    y_pred_norm = y_pred - ops.mean(y_pred, axis=axis, keepdims=True)
    y_true_norm = y_true_norm / ops.std(y_true_norm, axis=axis, keepdims=True)
    y_pred_norm = y_pred_norm / ops.std(y_pred_norm, axis=axis, keepdims=True)
    return ops.mean(y_true_norm * y_pred_norm, axis=axis)


@quiet_float_errors
def concordance_correlation(y_true, y_pred, axis=-1):
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_floats(y_true, y_pred))
    y_true_mean = ops.mean(y_true, axis=axis, keepdims=True)
    y_pred_mean = ops.mean(y_pred, axis=axis, keepdims=True)
    y_true_var = ops.var(y_true - y_true_mean, axis=axis, keepdims=True)
    y_pred_var = ops.var(y_pred - y_pred_mean, axis=axis, keepdims=True)
    # Keras centres y_true on y_pred's mean here; kept, for Keras's values.
    covar = (y_true - y_pred_mean) * (y_pred - y_pred_mean)
    norm = y_true_var + y_pred_var + ops.square(y_true_mean - y_pred_mean)
    return ops.mean(2 * covar / (norm + EPSILON), axis=axis)


class CosineSimilarity(MeanMetricWrapper):
    """The mean cosine similarity of y_true and y_pred."""

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        # Keras's get_config leaves `axis` out (a loaded metric uses -1); densefit keeps it.
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class PearsonCorrelation(MeanMetricWrapper):
    """The mean over samples of the Pearson correlation along `axis`."""

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class ConcordanceCorrelation(MeanMetricWrapper):
    """The mean over samples of Lin's concordance correlation along `axis`."""

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


# Not exported by keras.metrics under this name (its loss namesake has the other sign).
__all__ = ["CosineSimilarity", "PearsonCorrelation", "ConcordanceCorrelation",
           "pearson_correlation", "concordance_correlation"]
