"""Confusion-count metrics (Keras's confusion_metrics): TruePositives ... FalseNegatives,
Precision, Recall, AUC and the "...At..." metrics. Thresholds are built exactly as Keras builds
them; the native state counts predictions per threshold bucket (cpp/src/metrics/)."""

import numpy as np

from densefit.metrics import weights
from densefit.metrics.base import NativeMetric, _row_count
from densefit.ops.keras_semantics import squeeze_or_expand_to_same_rank as _same_rank

NEG_INF = -1e10  # Keras's threshold when only top_k decides
EPSILON = 1e-7   # Keras's backend.epsilon(): AUC's end thresholds sit just outside [0, 1]


def _to_list(thresholds):
    if isinstance(thresholds, np.ndarray):
        return thresholds.reshape(-1).tolist()
    return list(thresholds) if isinstance(thresholds, (list, tuple)) else [thresholds]


def parse_thresholds(thresholds, default):
    """Keras's parse_init_thresholds: a list of thresholds in [0, 1], or [default]."""
    if thresholds is not None:
        invalid = [t for t in _to_list(thresholds) if t is None or not 0 <= t <= 1]
        if invalid:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")
    return _to_list(default if thresholds is None else thresholds)


def evenly_spaced(thresholds):
    """Keras's is_evenly_distributed_thresholds: i / (n - 1) for n >= 3, within epsilon."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=EPSILON))


def _optional_int(value, what, minimum):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"`{what}` must be an integer >= {minimum} or None, got {value!r}")
    return int(value)


class _Confusion(NativeMetric):
    """Weights as update_confusion_matrix_variables broadcasts them: one per prediction."""

    def _rows(self, y_true, y_pred, sample_weight):
        w = weights.confusion_weights(y_true.shape, y_pred.shape, sample_weight,
                                      getattr(self, "class_id", None))
        return weights.confusion_rows(self, w, _row_count(y_pred), self._outputs_independent())

    def _outputs_independent(self):
        """Whether every output is counted on its own (so it may be a row of its own)."""
        return True


def filter_top_k(y_pred, k):
    """Keras's _filter_top_k: each row's k largest values kept (the lower index first among
    ties, as jax.lax.top_k), the others NEG_INF."""
    order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(y_pred.shape, dtype=np.float32)
    np.put_along_axis(keep, order, 1.0, axis=-1)
    return (y_pred * keep + np.float32(NEG_INF) * (1 - keep)).astype(np.float32)


class _ConfusionCount(_Confusion):
    def __init__(self, thresholds=None, name=None, dtype=None):
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, 0.5)
        super().__init__(name=name, dtype=dtype)

    def _spec(self):
        return {"kind": self._kind, "thresholds": [float(t) for t in self.thresholds],
                "evenly_spaced": evenly_spaced(self.thresholds)}

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionCount):
    """Weighted count of positive labels predicted positive (`y_pred > threshold`)."""

    _kind = "true_positives"


class FalsePositives(_ConfusionCount):
    """Weighted count of negative labels predicted positive."""

    _kind = "false_positives"


class TrueNegatives(_ConfusionCount):
    """Weighted count of negative labels predicted negative."""

    _kind = "true_negatives"


class FalseNegatives(_ConfusionCount):
    """Weighted count of positive labels predicted negative."""

    _kind = "false_negatives"


class _PrecisionRecall(_Confusion):
    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        self.init_thresholds = thresholds
        self.top_k = _optional_int(top_k, "top_k", 1)
        self.class_id = _optional_int(class_id, "class_id", 0)
        self.thresholds = parse_thresholds(thresholds, 0.5 if top_k is None else NEG_INF)
        super().__init__(name=name, dtype=dtype)

    def _spec(self):
        return {"kind": self._kind, "thresholds": [float(t) for t in self.thresholds],
                "evenly_spaced": evenly_spaced(self.thresholds), "top_k": self.top_k,
                "class_id": self.class_id}

    def _per_output_rows(self, y_true, y_pred):
        if self.top_k is None:
            return super()._per_output_rows(y_true, y_pred)
        # top_k needs whole rows: output j of sample i becomes a row holding only it (the
        # others predicted NEG_INF with label 0, which Precision and Recall never count), its
        # row already filtered to the top k so the state's own filter keeps it.
        y_true, y_pred = np.broadcast_arrays(*_same_rank(y_true, filter_top_k(y_pred, self.top_k)))
        k = y_pred.shape[-1]
        eye = np.eye(k, dtype=bool)
        pred = np.where(eye, y_pred.reshape(-1, 1, k), np.float32(NEG_INF)).reshape(-1, k)
        true = np.where(eye, y_true.reshape(-1, 1, k), np.float32(0.0)).reshape(-1, k)
        return np.ascontiguousarray(true, np.float32), np.ascontiguousarray(pred, np.float32)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """true_positives / (true_positives + false_positives), at each threshold; `top_k` counts
    only each row's k highest predictions, `class_id` only one column."""

    _kind = "precision"


class Recall(_PrecisionRecall):
    """true_positives / (true_positives + false_negatives), at each threshold."""

    _kind = "recall"


class _AtConstraint(_Confusion):
    """Keras's SensitivitySpecificityBase: counts at num_thresholds evenly spaced thresholds in
    [0, 1]; the result is the best value of one rate where another meets `value`."""

    _constraint = None  # the name of Keras's constraint argument

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        if not 0 <= value <= 1:
            raise ValueError(f"Argument `{self._constraint}` must be in the range [0, 1]. "
                             f"Received: {self._constraint}={value}")
        if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, (int, np.integer)) \
                or num_thresholds <= 0:
            raise ValueError(f"Argument `num_thresholds` must be an integer > 0. Received: "
                             f"num_thresholds={num_thresholds}")
        self.value = value
        setattr(self, self._constraint, value)
        self.num_thresholds = int(num_thresholds)
        self.class_id = _optional_int(class_id, "class_id", 0)
        if num_thresholds == 1:
            self.thresholds, self._evenly = [0.5], False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds, self._evenly = [0.0] + inner + [1.0], True
        super().__init__(name=name, dtype=dtype)

    def _spec(self):
        return {"kind": self._kind, "thresholds": [float(t) for t in self.thresholds],
                "evenly_spaced": self._evenly, "class_id": self.class_id,
                "value": float(self.value)}

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id,
                "num_thresholds": self.num_thresholds, self._constraint: self.value}


class SensitivityAtSpecificity(_AtConstraint):
    """The best sensitivity (recall) at thresholds where specificity >= `specificity`."""

    _kind = "sensitivity_at_specificity"
    _constraint = "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


class SpecificityAtSensitivity(_AtConstraint):
    """The best specificity at thresholds where sensitivity >= `sensitivity`."""

    _kind = "specificity_at_sensitivity"
    _constraint = "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)


class PrecisionAtRecall(_AtConstraint):
    """The best precision at thresholds where recall >= `recall`."""

    _kind = "precision_at_recall"
    _constraint = "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)


class RecallAtPrecision(_AtConstraint):
    """The best recall at thresholds where precision >= `precision`."""

    _kind = "recall_at_precision"
    _constraint = "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)


_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


class AUC(_Confusion):
    """Area under the ROC or PR curve, from counts at `num_thresholds` thresholds (Riemann
    sums; for PR with interpolation, Davis & Goadrich's interpolation)."""

    _kind = "auc"

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        curve_key = str(getattr(curve, "value", curve))
        if curve_key not in ("ROC", "PR", "PRGAIN", "roc", "pr", "prgain"):
            raise ValueError(f'Invalid AUC curve value: "{curve}". Expected values are '
                             f'["PR", "ROC", "PRGAIN"]')
        summation = str(getattr(summation_method, "value", summation_method))
        if summation.lower() not in _SUMMATIONS or summation not in (
                summation.lower(), summation.capitalize()):
            raise ValueError(f'Invalid AUC summation method value: "{summation_method}". '
                             f'Expected values are ["interpolation", "majoring", "minoring"]')
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            thresholds = sorted(parse_thresholds(thresholds, 0.5))
            self.num_thresholds = len(thresholds) + 2
            self._evenly = evenly_spaced(np.array([0.0] + thresholds + [1.0]))
        else:
            if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, (int, np.integer)) \
                    or num_thresholds <= 1:
                raise ValueError(f"Argument `num_thresholds` must be an integer > 1. Received: "
                                 f"num_thresholds={num_thresholds}")
            self.num_thresholds = int(num_thresholds)
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        self._thresholds = np.array([0.0 - EPSILON] + thresholds + [1.0 + EPSILON])
        self.curve = _CURVES[curve_key.lower()]
        self.summation_method = summation.lower()
        self.multi_label = bool(multi_label)
        if num_labels is not None and not self.multi_label:
            raise ValueError("`num_labels` is needed only when `multi_label` is True.")
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else \
            np.asarray(label_weights, dtype=np.float32).reshape(-1)
        self._from_logits = bool(from_logits)
        super().__init__(name=name, dtype=dtype)

    @property
    def thresholds(self):
        return list(self._thresholds)

    def _outputs_independent(self):
        return not self.multi_label and self.label_weights is None

    def _spec(self):
        return {"kind": self._kind, "thresholds": self._thresholds.astype(np.float32).tolist(),
                "evenly_spaced": self._evenly, "curve": self.curve,
                "summation_method": self.summation_method, "multi_label": self.multi_label,
                "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
                "from_logits": self._from_logits}

    def get_config(self):
        config = {**super().get_config(), "num_thresholds": self.num_thresholds,
                  "curve": self.curve, "summation_method": self.summation_method,
                  "multi_label": self.multi_label, "num_labels": self.num_labels,
                  "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
                  "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
