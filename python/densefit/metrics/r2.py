"""R2Score (Keras's regression_metrics.R2Score), accumulated natively per output column."""

import warnings

from densefit.metrics import weights
from densefit.metrics.base import NativeMetric, _row_count, document
from densefit.ops.keras_semantics import squeeze_or_expand_to_same_rank


@document()
class R2Score(NativeMetric):
    """Computes R2 score.

    Formula:

    ```python
    sum_squares_residuals = sum((y_true - y_pred) ** 2)
    sum_squares = sum((y_true - mean(y_true)) ** 2)
    R2 = 1 - sum_squares_residuals / sum_squares
    ```

    This is also called the [coefficient of determination](
    https://en.wikipedia.org/wiki/Coefficient_of_determination). It indicates how close the
    fitted regression line is to ground-truth data.

    - The highest score possible is 1.0. It indicates that the predictors perfectly
      accounts for variation in the target.
    - A score of 0.0 indicates that the predictors do not account for variation in the
      target.
    - It can also be negative if the model is worse than random.

    The sums are accumulated natively per output (the last axis), weighted by
    `sample_weight`. This metric can also compute the "Adjusted R2" score.

    Args:
        class_aggregation: Specifies how to aggregate scores corresponding to different
            output classes (or target dimensions), i.e. different dimensions on the last
            axis of the predictions. Equivalent to `multioutput` argument in Scikit-Learn.
            Should be one of `None` (no aggregation: one score per output),
            `"uniform_average"`, `"variance_weighted_average"`. Defaults to
            `"uniform_average"`.
        num_regressors: Number of independent regressors used ("Adjusted R2" score). 0 is
            the standard R2 score; with more regressors than samples allow, the standard
            score is returned with a warning. Defaults to `0`.
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> y_true = [[1], [4], [3]]
    >>> y_pred = [[2], [4], [4]]
    >>> metric = keras.metrics.R2Score()
    >>> metric.update_state(y_true, y_pred)
    >>> round(float(metric.result()), 4)
    0.5714
    """

    _kind = "r2_score"

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score",
                 dtype=None):
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(f"Invalid value for argument `class_aggregation`. Expected one of "
                             f"{valid}. Received: class_aggregation={class_aggregation}")
        if num_regressors < 0:
            raise ValueError(f"Invalid value for argument `num_regressors`. Expected a value "
                             f">= 0. Received: num_regressors={num_regressors}")
        self.class_aggregation = class_aggregation
        self.num_regressors = int(num_regressors)
        super().__init__(name=name, dtype=dtype)

    def _spec(self):
        return {"kind": self._kind, "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}

    def _rows(self, y_true, y_pred, sample_weight):
        y_true, _ = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return weights.r2_rows(self, y_true.shape, sample_weight, _row_count(y_pred))

    def result(self):
        if self.num_regressors:
            n = float(self._state.variables()["num_samples"])
            if self.num_regressors > n - 1:
                warnings.warn("More independent predictors than datapoints in adjusted R2 "
                              "score. Falling back to standard R2 score.", stacklevel=2)
            elif self.num_regressors == n - 1:
                warnings.warn("Division by zero in Adjusted R2 score. Falling back to standard "
                              "R2 score.", stacklevel=2)
        return super().result()

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
