"""R2Score (Keras's regression_metrics.R2Score), accumulated natively per output column."""

import warnings

from densefit.metrics import weights
from densefit.metrics.base import NativeMetric, _row_count
from densefit.ops.keras_semantics import squeeze_or_expand_to_same_rank


class R2Score(NativeMetric):
    """The coefficient of determination per output, averaged uniformly, weighted by each
    output's variance, or per output (class_aggregation=None); num_regressors > 0 gives the
    adjusted score."""

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
