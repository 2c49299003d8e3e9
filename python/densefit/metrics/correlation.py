"""Similarity and correlation metrics (Keras's regression_metrics.CosineSimilarity and
correlation_metrics): means of per-sample functions written with densefit.ops, so compile()
traces them into the native step as it traces a user's metric function."""

from densefit import ops
from densefit.loss_functions import EPSILON, _floats, quiet_float_errors
from densefit.metrics.base import document
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


# Argument texts and paragraphs these docstrings share (see base.ARG_DOCS).
_ARGS = {
    "axis": """axis: (Optional) Integer or tuple of integers of the axis/axes along which to
            compute the metric. Defaults to `-1`.""",
    "traced": """The metric is the (weighted) mean of the per-sample values; `compile()` traces the
    per-sample function into the native training step.""",
}


@document(_ARGS)
class CosineSimilarity(MeanMetricWrapper):
    """Computes the cosine similarity between the labels and predictions.

    Formula:

    ```python
    metric = sum(l2_norm(y_true) * l2_norm(y_pred), axis=axis)
    ```

    See: [Cosine Similarity](https://en.wikipedia.org/wiki/Cosine_similarity). This metric
    keeps the average cosine similarity between predictions and labels over a stream of
    data (its sign is the opposite of `keras.losses.CosineSimilarity`'s).

    {traced}

    Args:
        {name}
        {dtype}
        axis: (Optional) The dimension along which the cosine similarity is computed.
            Defaults to `-1`.

    Example:

    >>> import densefit as keras
    >>> # l2_norm(y_true) = [[0., 1.], [1./1.414, 1./1.414]]
    >>> # l2_norm(y_pred) = [[1., 0.], [1./1.414, 1./1.414]]
    >>> # l2_norm(y_true) . l2_norm(y_pred) = [[0., 0.], [0.5, 0.5]]
    >>> # result = mean(sum(l2_norm(y_true) . l2_norm(y_pred), axis=1))
    >>> #        = ((0. + 0.) +  (0.5 + 0.5)) / 2
    >>> m = keras.metrics.CosineSimilarity(axis=1)
    >>> m.update_state([[0., 1.], [1., 1.]], [[1., 0.], [1., 1.]])
    >>> round(float(m.result()), 4)
    0.5
    >>> m.reset_state()
    >>> m.update_state([[0., 1.], [1., 1.]], [[1., 0.], [1., 1.]], sample_weight=[0.3, 0.7])
    >>> round(float(m.result()), 4)
    0.7
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        # Keras's get_config leaves `axis` out (a loaded metric uses -1); densefit keeps it.
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


@document(_ARGS)
class PearsonCorrelation(MeanMetricWrapper):
    """Calculates the Pearson Correlation Coefficient (PCC).

    PCC measures the linear relationship between the true values (`y_true`) and the
    predicted values (`y_pred`), computed along `axis` for each sample. The coefficient
    ranges from -1 to 1, where a value of 1 implies a perfect positive linear correlation,
    0 indicates no linear correlation, and -1 indicates a perfect negative linear
    correlation.

    {traced}

    Args:
        {name}
        {dtype}
        {axis}

    Example:

    >>> import densefit as keras
    >>> pcc = keras.metrics.PearsonCorrelation(axis=-1)
    >>> y_true = [[0, 1, 0.5], [1, 1, 0.2]]
    >>> y_pred = [[0.1, 0.9, 0.5], [1, 0.9, 0.2]]
    >>> pcc.update_state(y_true, y_pred)
    >>> round(float(pcc.result()), 4)
    0.9967
    """

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


@document(_ARGS)
class ConcordanceCorrelation(MeanMetricWrapper):
    """Calculates the Concordance Correlation Coefficient (CCC).

    CCC (Lin's concordance correlation) evaluates the agreement between true values
    (`y_true`) and predicted values (`y_pred`) by considering both precision and accuracy,
    along `axis` for each sample. The coefficient ranges from -1 to 1, where a value of 1
    indicates perfect agreement.

    {traced}

    Args:
        {name}
        {dtype}
        {axis}

    Example:

    >>> import densefit as keras
    >>> ccc = keras.metrics.ConcordanceCorrelation(axis=-1)
    >>> y_true = [[0, 1, 0.5], [1, 1, 0.2]]
    >>> y_pred = [[0.1, 0.9, 0.5], [1, 0.9, 0.2]]
    >>> ccc.update_state(y_true, y_pred)
    >>> round(float(ccc.result()), 4)
    0.9816
    """

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


# Not exported by keras.metrics under this name (its loss namesake has the other sign).
__all__ = ["CosineSimilarity", "PearsonCorrelation", "ConcordanceCorrelation",
           "pearson_correlation", "concordance_correlation"]
