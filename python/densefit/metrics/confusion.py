"""Confusion-count metrics (Keras's confusion_metrics): TruePositives ... FalseNegatives,
Precision, Recall, AUC and the "...At..." metrics. Thresholds are built exactly as Keras builds
them; the native state counts predictions per threshold bucket (cpp/src/metrics/)."""

import numpy as np

from densefit.metrics import weights
from densefit.metrics.base import NativeMetric, _row_count, document
from densefit.ops.keras_semantics import squeeze_or_expand_to_same_rank as _same_rank

NEG_INF = -1e10  # Keras's threshold when only top_k decides
EPSILON = 1e-7   # Keras's backend.epsilon(): AUC's end thresholds sit just outside [0, 1]


# Argument texts and paragraphs this family's docstrings share (see base.ARG_DOCS).
_THRESHOLDS = """thresholds: (Optional) A float value, or a Python list/tuple of float threshold
            values in `[0, 1]`. A threshold is compared with prediction values to determine
            the truth value of predictions (i.e., above the threshold is `True`, below or
            equal is `False`). If used with a loss function that sets `from_logits=True`
            (i.e. no sigmoid applied to predictions), `thresholds` should be set to 0. One
            metric value is generated for each threshold value: a list gives an array."""
_ARGS = {
    "thresholds": _THRESHOLDS + "\n            Defaults to `None`, i.e. `0.5`.",
    "pr_thresholds": _THRESHOLDS + """
            Defaults to `None`, i.e. `0.5`, or no threshold when `top_k` is set (every
            top-k prediction counts as positive).""",
    "top_k": """top_k: (Optional) An int value specifying the top-k predictions to consider:
            the other predictions of each row count as negative. Defaults to `None`
            (unset).""",
    "class_id": """class_id: (Optional) Integer class ID for which we want binary metrics. This must
            be in the half-open interval `[0, num_classes)`, where `num_classes` is the
            last dimension of predictions. Defaults to `None` (every prediction counts).""",
    "num_thresholds": """num_thresholds: (Optional) The number of thresholds, evenly spaced
            in `[0, 1]`, at which the rates are computed (`1` means the single threshold
            0.5). Defaults to `200`.""",
    "counts": """This metric accumulates the (weighted) true positives, true negatives, false
    positives and false negatives at each threshold; the result is read from those counts.""",
    "rates": """`Sensitivity` measures the proportion of actual positives that are correctly
    identified as such `(tp / (tp + fn))`. `Specificity` measures the proportion of actual
    negatives that are correctly identified as such `(tn / (tn + fp))`.""",
    "at_class_id": """If `class_id` is specified, only the predictions and labels of that
    column (the last axis of `y_pred`) are counted.""",
}


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


@document(_ARGS)
class TruePositives(_ConfusionCount):
    """Calculates the number of true positives.

    True positives are positive labels predicted positive (`y_pred > threshold`). If
    `sample_weight` is given, calculates the sum of the weights of true positives. Every output
    of every sample counts on its own.

    {sample_weight}

    Args:
        {thresholds}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.TruePositives()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> float(m.result())
    2.0
    >>> m.reset_state()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    >>> float(m.result())
    1.0
    """

    _kind = "true_positives"


@document(_ARGS)
class FalsePositives(_ConfusionCount):
    """Calculates the number of false positives.

    False positives are negative labels predicted positive (`y_pred > threshold`). If
    `sample_weight` is given, calculates the sum of the weights of false positives. Every output
    of every sample counts on its own.

    {sample_weight}

    Args:
        {thresholds}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.FalsePositives()
    >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1])
    >>> float(m.result())
    2.0
    >>> m.reset_state()
    >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    >>> float(m.result())
    1.0
    """

    _kind = "false_positives"


@document(_ARGS)
class TrueNegatives(_ConfusionCount):
    """Calculates the number of true negatives.

    True negatives are negative labels predicted negative (`y_pred <= threshold`). If
    `sample_weight` is given, calculates the sum of the weights of true negatives. Every output
    of every sample counts on its own.

    {sample_weight}

    Args:
        {thresholds}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.TrueNegatives()
    >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0])
    >>> float(m.result())
    2.0
    >>> m.reset_state()
    >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0], sample_weight=[0, 0, 1, 0])
    >>> float(m.result())
    1.0
    """

    _kind = "true_negatives"


@document(_ARGS)
class FalseNegatives(_ConfusionCount):
    """Calculates the number of false negatives.

    False negatives are positive labels predicted negative (`y_pred <= threshold`). If
    `sample_weight` is given, calculates the sum of the weights of false negatives. Every output
    of every sample counts on its own.

    {sample_weight}

    Args:
        {thresholds}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.FalseNegatives()
    >>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
    >>> float(m.result())
    2.0
    >>> m.reset_state()
    >>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0], sample_weight=[0, 0, 1, 0])
    >>> float(m.result())
    1.0
    """

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

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = np.asarray(y_pred, dtype=np.float32)
        if self.top_k is not None and y_pred.ndim == 1:
            # Keras's top_k runs along the last axis: a 1-D input is one row of predictions.
            y_true, y_pred = np.reshape(y_true, (1, -1)), y_pred.reshape(1, -1)
            if sample_weight is not None and np.ndim(sample_weight) == 1:
                sample_weight = np.reshape(sample_weight, (1, -1))
        return super().update_state(y_true, y_pred, sample_weight)

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


@document(_ARGS)
class Precision(_PrecisionRecall):
    """Computes the precision of the predictions with respect to the labels.

    The metric accumulates the (weighted) true positives and false positives; the result is
    `true_positives / (true_positives + false_positives)` (0 when both are 0).

    {sample_weight}

    If `top_k` is set, precision is computed as how often on average a class among the top-k
    classes with the highest predicted values of a batch entry is correct and can be found in
    the label for that entry.

    If `class_id` is specified, precision considers only the entries in the batch for which
    `class_id` is above the threshold and/or in the top-k highest predictions, and computes
    the fraction of them for which `class_id` is indeed a correct label.

    Args:
        {pr_thresholds}
        {top_k}
        {class_id}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.Precision()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> round(float(m.result()), 4)
    0.6667
    >>> m.reset_state()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    >>> float(m.result())
    1.0
    >>> # With top_k=2, only each row's two highest predictions count (the first ones
    >>> # among ties): here y_true[0][:2] and y_pred[0][:2]
    >>> m = keras.metrics.Precision(top_k=2)
    >>> m.update_state([[0, 0, 1, 1]], [[1, 1, 1, 1]])
    >>> float(m.result())
    0.0
    >>> m = keras.metrics.Precision(top_k=4)
    >>> m.update_state([[0, 0, 1, 1]], [[1, 1, 1, 1]])
    >>> float(m.result())
    0.5
    """

    _kind = "precision"


@document(_ARGS)
class Recall(_PrecisionRecall):
    """Computes the recall of the predictions with respect to the labels.

    The metric accumulates the (weighted) true positives and false negatives; the result is
    `true_positives / (true_positives + false_negatives)` (0 when both are 0).

    {sample_weight}

    If `top_k` is set, recall is computed as how often on average a class among the labels
    of a batch entry is in the top-k predictions.

    If `class_id` is specified, recall considers only the entries in the batch for which
    `class_id` is in the label, and computes the fraction of them for which `class_id` is
    above the threshold and/or in the top-k predictions.

    Args:
        {pr_thresholds}
        {top_k}
        {class_id}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.Recall()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 0])
    >>> round(float(m.result()), 4)
    0.3333
    >>> m.reset_state()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 0], sample_weight=[0, 0, 1, 0])
    >>> float(m.result())
    1.0
    """

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


@document(_ARGS)
class SensitivityAtSpecificity(_AtConstraint):
    """Computes best sensitivity where specificity is >= specified value.

    {rates}

    {counts}

    The sensitivity is computed at every threshold where the specificity is at least
    `specificity`, and the best of those values is returned.

    {sample_weight}

    {at_class_id}

    Args:
        specificity: A scalar value in range `[0, 1]`.
        {num_thresholds}
        {class_id}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.SensitivityAtSpecificity(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    >>> round(float(m.result()), 4)
    0.5
    >>> m.reset_state()
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8],
    ...                sample_weight=[1, 1, 2, 2, 1])
    >>> round(float(m.result()), 4)
    0.3333
    """

    _kind = "sensitivity_at_specificity"
    _constraint = "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


@document(_ARGS)
class SpecificityAtSensitivity(_AtConstraint):
    """Computes best specificity where sensitivity is >= specified value.

    {rates}

    {counts}

    The specificity is computed at every threshold where the sensitivity is at least
    `sensitivity`, and the best of those values is returned.

    {sample_weight}

    {at_class_id}

    Args:
        sensitivity: A scalar value in range `[0, 1]`.
        {num_thresholds}
        {class_id}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.SpecificityAtSensitivity(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    >>> round(float(m.result()), 4)
    0.6667
    >>> m.reset_state()
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8],
    ...                sample_weight=[1, 1, 2, 2, 2])
    >>> round(float(m.result()), 4)
    0.5
    """

    _kind = "specificity_at_sensitivity"
    _constraint = "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)


@document(_ARGS)
class PrecisionAtRecall(_AtConstraint):
    """Computes best precision where recall is >= specified value.

    {counts}

    The precision is computed at every threshold where the recall is at least `recall`, and the
    best of those values is returned.

    {sample_weight}

    {at_class_id}

    Args:
        recall: A scalar value in range `[0, 1]`.
        {num_thresholds}
        {class_id}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.PrecisionAtRecall(0.8)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> round(float(m.result()), 4)
    0.6667
    >>> m.reset_state()
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9],
    ...                sample_weight=[1, 3, 1, 1])
    >>> round(float(m.result()), 4)
    0.4
    """

    _kind = "precision_at_recall"
    _constraint = "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)


@document(_ARGS)
class RecallAtPrecision(_AtConstraint):
    """Computes best recall where precision is >= specified value.

    For a given score-label distribution the required precision might not be achievable;
    in this case 0.0 is returned as recall.

    {counts}

    The recall is computed at every threshold where the precision is at least `precision`, and the
    best of those values is returned.

    {sample_weight}

    {at_class_id}

    Args:
        precision: A scalar value in range `[0, 1]`.
        {num_thresholds}
        {class_id}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.RecallAtPrecision(0.8)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> round(float(m.result()), 4)
    0.5
    >>> m.reset_state()
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9],
    ...                sample_weight=[1, 0, 0, 1])
    >>> round(float(m.result()), 4)
    1.0
    """

    _kind = "recall_at_precision"
    _constraint = "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)


_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


@document(_ARGS)
class AUC(_Confusion):
    """Approximates the AUC (Area under the curve) of the ROC or PR curves.

    The AUC (Area under the curve) of the ROC (Receiver operating characteristic; default) or
    PR (Precision Recall) curves are quality measures of binary classifiers. Unlike the
    accuracy, and like cross-entropy losses, ROC-AUC and PR-AUC evaluate all the operational
    points of a model.

    This class approximates AUCs using a Riemann sum over thresholds in `[0, 1]` (linearly
    spaced unless `thresholds` is given), which define the evaluated operational points.
    {counts}
    The area under the ROC curve is computed from the recall (true positive rate) against
    the false positive rate, the area under the PR curve from the precision against the
    recall. The more thresholds, the closer the approximation; for a best approximation,
    predictions should be distributed approximately uniformly in `[0, 1]` (if
    `from_logits=False`). Setting `summation_method` to `"minoring"` or `"majoring"` gives a
    lower or upper bound of the approximation.

    {sample_weight}

    Args:
        num_thresholds: (Optional) The number of thresholds to use when discretizing the
            curve. Values must be > 1. Ignored when `thresholds` is given. Defaults to
            `200`.
        curve: (Optional) Specifies the name of the curve to be computed: `"ROC"` for the
            ROC curve, `"PR"` for the Precision-Recall curve or `"PRGAIN"` for the
            Precision-Recall-Gain curve (lower case accepted). Defaults to `"ROC"`.
        summation_method: (Optional) Specifies the Riemann summation method used:
            `"interpolation"` applies the mid-point summation scheme for `ROC` and, for
            PR-AUC, interpolates (true/false) positives but not the ratio that is precision
            (see Davis & Goadrich 2006); `"minoring"` applies left summation for increasing
            intervals and right summation for decreasing intervals; `"majoring"` does the
            opposite. Defaults to `"interpolation"`.
        {name}
        {dtype}
        thresholds: (Optional) A list of floating point values in `[0, 1]` to use as the
            thresholds for discretizing the curve (sorted first). If set, `num_thresholds`
            is ignored (it becomes `len(thresholds) + 2`). Endpoint thresholds `-epsilon`
            and `1 + epsilon` (epsilon = 1e-7) are always added, so that predictions of
            exactly 0 or 1 are counted. Defaults to `None`.
        multi_label: Boolean indicating whether multilabel data should be treated as such,
            wherein AUC is computed separately for each label and then averaged across
            labels, or (when `False`) if the data should be flattened into a single label
            before AUC computation, each label-prediction pair being an individual data
            point. Should be set to `False` for multi-class data. Defaults to `False`.
        num_labels: (Optional) The number of labels, allowed only when `multi_label` is
            `True`; the state is sized by the first batch either way. Defaults to `None`.
        label_weights: (Optional) List or array of non-negative weights, one per label.
            With `multi_label=True` they weigh the individual label AUCs when they are
            averaged; otherwise they weigh each label's predictions in the counts of the
            flattened data (so they should not be used for multi-class data). Defaults to
            `None` (equal weights).
        from_logits: Boolean indicating whether the predictions (`y_pred` in
            `update_state`) are sigmoid logits rather than probabilities; as a rule of
            thumb, it should match the `from_logits` argument of the model's loss.
            Defaults to `False`.

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.AUC(num_thresholds=3)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> # threshold values are [0 - 1e-7, 0.5, 1 + 1e-7]
    >>> # tp = [2, 1, 0], fp = [2, 0, 0], fn = [0, 1, 2], tn = [0, 2, 2]
    >>> # tp_rate = recall = [1, 0.5, 0], fp_rate = [1, 0, 0]
    >>> # auc = ((((1 + 0.5) / 2) * (1 - 0)) + (((0.5 + 0) / 2) * (0 - 0))) = 0.75
    >>> float(m.result())
    0.75
    >>> m.reset_state()
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], sample_weight=[1, 0, 0, 1])
    >>> float(m.result())
    1.0
    """

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
