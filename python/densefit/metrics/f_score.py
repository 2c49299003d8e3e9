"""FBetaScore and F1Score (Keras's f_score_metrics), accumulated natively per class."""

from densefit.metrics import weights
from densefit.metrics.base import NativeMetric, _row_count


class FBetaScore(NativeMetric):
    """F-beta per class from true/false positives and false negatives: averaged over classes
    ("macro"), weighted by label frequency ("weighted"), pooled ("micro") or per class (None).
    threshold=None marks each row's highest prediction as its positive."""

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


class F1Score(FBetaScore):
    """FBetaScore with beta = 1: the harmonic mean of precision and recall."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
