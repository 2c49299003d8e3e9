"""Metric identifiers as Keras resolves them: `metrics.get` (class names, their snake_case
forms, aliases, config dicts, classes, functions) and compile()'s `get_metric` ("accuracy" and
"acc" picked by the loss and the output shape)."""

import inspect

from densefit import losses as _losses
from densefit.metrics import accuracy, confusion, correlation, f_score, iou, loss_metrics, r2
from densefit.metrics.base import Metric
from densefit.naming import to_snake_case
from densefit.metrics.confusion_matrix import ConfusionMatrix
from densefit.metrics.reduction import Mean, MeanMetricWrapper, Sum

ALL_OBJECTS = [
    Metric, Mean, Sum, MeanMetricWrapper,
    loss_metrics.MeanSquaredError, loss_metrics.RootMeanSquaredError,
    loss_metrics.MeanAbsoluteError, loss_metrics.MeanAbsolutePercentageError,
    loss_metrics.MeanSquaredLogarithmicError, correlation.CosineSimilarity,
    loss_metrics.LogCoshError, r2.R2Score,
    confusion.AUC, confusion.FalseNegatives, confusion.FalsePositives, confusion.Precision,
    confusion.PrecisionAtRecall, confusion.Recall, confusion.RecallAtPrecision,
    confusion.SensitivityAtSpecificity, confusion.SpecificityAtSensitivity,
    confusion.TrueNegatives, confusion.TruePositives,
    correlation.ConcordanceCorrelation, correlation.PearsonCorrelation,
    loss_metrics.Hinge, loss_metrics.SquaredHinge, loss_metrics.CategoricalHinge,
    loss_metrics.KLDivergence, loss_metrics.Poisson, loss_metrics.BinaryCrossentropy,
    loss_metrics.CategoricalCrossentropy, loss_metrics.SparseCategoricalCrossentropy,
    accuracy.Accuracy, accuracy.BinaryAccuracy, accuracy.CategoricalAccuracy,
    accuracy.SparseCategoricalAccuracy, accuracy.TopKCategoricalAccuracy,
    accuracy.SparseTopKCategoricalAccuracy, f_score.F1Score, f_score.FBetaScore,
    iou.IoU, iou.BinaryIoU, iou.MeanIoU, iou.OneHotIoU, iou.OneHotMeanIoU,
]
# Keras's keras.metrics.ALL_OBJECTS_DICT: class names, their snake_case forms, aliases.
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update({
    "bce": loss_metrics.BinaryCrossentropy, "BCE": loss_metrics.BinaryCrossentropy,
    "mse": loss_metrics.MeanSquaredError, "MSE": loss_metrics.MeanSquaredError,
    "mae": loss_metrics.MeanAbsoluteError, "MAE": loss_metrics.MeanAbsoluteError,
    "mape": loss_metrics.MeanAbsolutePercentageError,
    "MAPE": loss_metrics.MeanAbsolutePercentageError,
    "msle": loss_metrics.MeanSquaredLogarithmicError,
    "MSLE": loss_metrics.MeanSquaredLogarithmicError,
})
# densefit's own metric, resolvable by name as well (Keras has no ConfusionMatrix).
_DENSEFIT_ONLY = {"ConfusionMatrix": ConfusionMatrix, "confusion_matrix": ConfusionMatrix}
# They take values rather than (y_true, y_pred) (or, Metric itself, nothing): not compile()
# metrics. Subclasses (MeanMetricWrapper's) are.
_NOT_FOR_COMPILE = (Metric, Mean, Sum)


def serialize(metric):
    """{"class_name", "config"} of a metric (Keras's serialize, without module details)."""
    return {"class_name": type(metric).__name__, "config": metric.get_config()}


def deserialize(config, custom_objects=None):
    table = {**ALL_OBJECTS_DICT, **_DENSEFIT_ONLY, **(custom_objects or {})}
    name = config.get("class_name")
    if name not in table:
        raise ValueError(f"Unknown metric: {name!r}")
    return table[name].from_config(config.get("config") or {})


def get(identifier):
    """keras.metrics.get: a metric instance from a name in Keras's registry, a config dict or
    a class; an instance or a function as it is."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
        if obj is None:
            valid = sorted(k for k in ALL_OBJECTS_DICT if k[0].islower())
            raise ValueError(f"Could not interpret metric identifier: {identifier!r}. Valid "
                             f"names: {', '.join(valid)}")
    else:
        obj = identifier
    if callable(obj):
        return obj() if inspect.isclass(obj) else obj
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")


def resolve(identifier, loss, y_true_shape, y_pred_shape):
    """A Metric for a compile() entry, named as Keras names it (the string given, or the
    metric's own name). "accuracy"/"acc" (any case) become Binary/Sparse/Categorical accuracy
    by the shapes, as Keras's compile_utils.get_metric; "crossentropy"/"ce" likewise pick a
    crossentropy (Keras 2's convenience, kept)."""
    if identifier is None:
        raise ValueError("Expected metric, received `None`")
    text = str(identifier).lower() if isinstance(identifier, str) else None
    if text in ("accuracy", "acc", "crossentropy", "ce"):
        is_binary = y_pred_shape[-1] == 1
        is_sparse = len(y_true_shape) < len(y_pred_shape) or (
            y_true_shape[-1] == 1 and y_pred_shape[-1] > 1)
        if text in ("accuracy", "acc"):
            cls = (accuracy.BinaryAccuracy if is_binary else
                   accuracy.SparseCategoricalAccuracy if is_sparse else
                   accuracy.CategoricalAccuracy)
        else:
            cls = (loss_metrics.BinaryCrossentropy if is_binary else
                   loss_metrics.SparseCategoricalCrossentropy if is_sparse else
                   loss_metrics.CategoricalCrossentropy)
        return cls(name=identifier)
    obj = (_DENSEFIT_ONLY[identifier]() if isinstance(identifier, str) and
           identifier in _DENSEFIT_ONLY else get(identifier))
    if type(obj) in _NOT_FOR_COMPILE:
        raise TypeError(f"{type(obj).__name__} ({identifier!r}) takes values rather than "
                        f"(y_true, y_pred); use it standalone, not in compile()")
    if isinstance(obj, Metric):
        metric = obj
    elif callable(obj):
        metric = MeanMetricWrapper(obj, name=getattr(obj, "__name__", None))
    else:
        raise TypeError(f"Could not interpret metric identifier: {identifier!r}")
    if isinstance(identifier, str):
        metric.name = identifier
    if isinstance(metric, MeanMetricWrapper):
        metric._shapes = (tuple(y_true_shape), tuple(y_pred_shape))
    return metric


# keras.metrics exports these loss functions too (keras.metrics.mean_squared_error ...).
LOSS_FUNCTIONS = {name: getattr(_losses, name) for name in (
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "binary_crossentropy", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "kl_divergence", "poisson", "hinge", "squared_hinge",
    "categorical_hinge", "log_cosh", "binary_focal_crossentropy", "huber",
    "categorical_focal_crossentropy")}
