"""FBetaScore and F1Score (Keras's f_score_metrics), accumulated natively per class."""

from densefit.metrics import weights
from densefit.metrics.base import NativeMetric, _row_count, document


# Argument texts these docstrings share (see base.ARG_DOCS).
_ARGS = {
    "average": """average: Type of averaging to be performed across per-class results in the
            multi-class case. Acceptable values are `None`, `"micro"`, `"macro"` and
            `"weighted"`. If `None`, no averaging is performed and `result()` returns the
            score for each class. If `"micro"`, compute metrics globally by counting the
            total true positives, false negatives and false positives. If `"macro"`,
            compute metrics for each label, and return their unweighted mean (this does
            not take label imbalance into account). If `"weighted"`, compute metrics for
            each label, and return their average weighted by support (the number of true
            instances for each label). Defaults to `None`.""",
    "threshold": """threshold: Elements of `y_pred` greater than `threshold` are converted to be 1,
            and the rest 0; a Python float in `(0, 1]`. If `threshold` is `None`, the argmax
            of each row of `y_pred` is converted to 1, and the rest to 0. Defaults to
            `None`.""",
    "counts": """The per-class true positives, false positives and false negatives are accumulated
    natively (weighted by `sample_weight`). Its output range is `[0, 1]`. It works for both
    multi-class and multi-label classification.""",
}


@document(_ARGS)
class FBetaScore(NativeMetric):
    """Computes F-Beta score.

    Formula:

    ```python
    b2 = beta ** 2
    f_beta_score = (1 + b2) * (precision * recall) / (precision * b2 + recall)
    ```

    This is the weighted harmonic mean of precision and recall.
    {counts}

    Args:
        {average}
        beta: Determines the weight of given to recall in the harmonic mean between
            precision and recall (see the formula above); a Python float > 0. Defaults to
            `1.0`.
        {threshold}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> metric = keras.metrics.FBetaScore(beta=2.0, threshold=0.5)
    >>> y_true = [[1, 1, 1], [1, 0, 0], [1, 1, 0]]
    >>> y_pred = [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]]
    >>> metric.update_state(y_true, y_pred)
    >>> [round(float(v), 4) for v in metric.result()]
    [0.3846, 0.9091, 0.8333]
    """

    _kind = "fbeta_score"

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(f"Invalid `average` argument value. Expected one of: {{None, "
                             f"'micro', 'macro', 'weighted'}}. Received: average={average}")
        if not isinstance(beta, float):
            raise ValueError(f"Invalid `beta` argument value. It should be a Python float. "
                             f"Received: beta={beta} of type '{type(beta)}'")
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. "
                             f"Received: beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(f"Invalid `threshold` argument value. It should be a Python "
                                 f"float. Received: threshold={threshold} of type "
                                 f"'{type(threshold)}'")
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(f"Invalid `threshold` argument value. It should verify "
                                 f"0 < threshold <= 1. Received: threshold={threshold}")
        self.average = average
        self.beta = beta
        self.threshold = threshold
        super().__init__(name=name, dtype=dtype)

    def _spec(self):
        return {"kind": self._kind, "average": self.average, "beta": self.beta,
                "threshold": self.threshold}

    def _rows(self, y_true, y_pred, sample_weight):
        return weights.fbeta_rows(self, y_pred.shape, sample_weight, _row_count(y_pred))

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


@document(_ARGS)
class F1Score(FBetaScore):
    """Computes F-1 Score.

    Formula:

    ```python
    f1_score = 2 * (precision * recall) / (precision + recall)
    ```

    This is the harmonic mean of precision and recall (`FBetaScore` with `beta=1.0`).
    {counts}

    Args:
        {average}
        {threshold}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> metric = keras.metrics.F1Score(threshold=0.5)
    >>> y_true = [[1, 1, 1], [1, 0, 0], [1, 1, 0]]
    >>> y_pred = [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]]
    >>> metric.update_state(y_true, y_pred)
    >>> [round(float(v), 4) for v in metric.result()]
    [0.5, 0.8, 0.6667]
    >>> metric = keras.metrics.F1Score(average="macro", threshold=0.5)
    >>> metric.update_state(y_true, y_pred)
    >>> round(float(metric.result()), 4)
    0.6556
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
