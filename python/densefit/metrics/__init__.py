"""Keras metrics that compile into the native step (accumulated as the batch is computed).

This is the subset the engine needs; the full stateful family is its own issue."""

import numpy as np

from densefit import losses as _losses


class Metric:
    """A mean over samples of a per-sample value, weighted by sample weight (Keras's
    MeanMetricWrapper). Standalone use (update_state/result) runs the same native formula."""

    _kind = None
    _loss_cls = None

    def __init__(self, name=None, dtype=None, **options):
        self.name = name or self._default_name
        self.dtype = dtype or "float32"
        self.options = options
        self.reset_state()

    def native(self, weighted=False):
        spec = {"kind": self._kind, "weighted": weighted, **self.options}
        if self._loss_cls is not None:
            spec["loss"] = self._loss_cls(**self.options).native()
        return spec

    def reset_state(self):
        self._total = 0.0
        self._count = 0.0

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = _metric_values(self, y_true, y_pred)
        w = np.ones_like(values) if sample_weight is None else np.broadcast_to(
            np.asarray(sample_weight, dtype=np.float64).reshape(-1), values.shape)
        self._total += float(np.sum(values * w))
        self._count += float(np.sum(w))

    def result(self):
        return np.float32(self._total / self._count if self._count else 0.0)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, **self.options}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _metric_values(metric, y_true, y_pred):
    """Per-sample values through a one-layer-free native evaluation (exact same code path)."""
    y_pred = np.ascontiguousarray(np.asarray(y_pred, dtype=np.float32).reshape(len(y_pred), -1))
    y_true = np.asarray(y_true, dtype=np.float32).reshape(len(y_pred), -1)
    if metric._loss_cls is not None:
        return _losses._per_sample(metric.native()["loss"], y_true, y_pred).astype(np.float64)
    if metric._kind == "binary_accuracy":
        hits = (y_pred > metric.options.get("threshold", 0.5)).astype(np.float32) == y_true
    elif metric._kind == "categorical_accuracy":
        hits = np.argmax(y_true, -1) == np.argmax(y_pred, -1)
    elif metric._kind == "sparse_categorical_accuracy":
        hits = y_true[:, 0] == np.argmax(y_pred, -1)
    else:
        hits = y_true == y_pred
    return hits.reshape(len(y_pred), -1).mean(axis=-1).astype(np.float64)


def _define(class_name, default_name, kind, loss_cls=None, defaults=None):
    def __init__(self, name=None, dtype=None, **options):
        Metric.__init__(self, name=name, dtype=dtype, **{**(defaults or {}), **options})

    cls = type(class_name, (Metric,), {"_kind": kind, "_loss_cls": loss_cls,
                                       "_default_name": default_name, "__init__": __init__,
                                       "__module__": __name__})
    return cls


Accuracy = _define("Accuracy", "accuracy", "accuracy")
BinaryAccuracy = _define("BinaryAccuracy", "binary_accuracy", "binary_accuracy",
                         defaults={"threshold": 0.5})
CategoricalAccuracy = _define("CategoricalAccuracy", "categorical_accuracy",
                              "categorical_accuracy")
SparseCategoricalAccuracy = _define("SparseCategoricalAccuracy", "sparse_categorical_accuracy",
                                    "sparse_categorical_accuracy")
# Metrics that average a loss function's per-sample values.
MeanSquaredError = _define("MeanSquaredError", "mean_squared_error", "loss",
                           _losses.MeanSquaredError)
MeanAbsoluteError = _define("MeanAbsoluteError", "mean_absolute_error", "loss",
                            _losses.MeanAbsoluteError)
MeanAbsolutePercentageError = _define("MeanAbsolutePercentageError",
                                      "mean_absolute_percentage_error", "loss",
                                      _losses.MeanAbsolutePercentageError)
MeanSquaredLogarithmicError = _define("MeanSquaredLogarithmicError",
                                      "mean_squared_logarithmic_error", "loss",
                                      _losses.MeanSquaredLogarithmicError)
BinaryCrossentropy = _define("BinaryCrossentropy", "binary_crossentropy", "loss",
                             _losses.BinaryCrossentropy)
CategoricalCrossentropy = _define("CategoricalCrossentropy", "categorical_crossentropy", "loss",
                                  _losses.CategoricalCrossentropy)
SparseCategoricalCrossentropy = _define("SparseCategoricalCrossentropy",
                                        "sparse_categorical_crossentropy", "loss",
                                        _losses.SparseCategoricalCrossentropy)
KLDivergence = _define("KLDivergence", "kl_divergence", "loss", _losses.KLDivergence)
Poisson = _define("Poisson", "poisson", "loss", _losses.Poisson)
LogCoshError = _define("LogCoshError", "logcosh", "loss", _losses.LogCosh)
Hinge = _define("Hinge", "hinge", "loss", _losses.Hinge)
SquaredHinge = _define("SquaredHinge", "squared_hinge", "loss", _losses.SquaredHinge)
CategoricalHinge = _define("CategoricalHinge", "categorical_hinge", "loss",
                           _losses.CategoricalHinge)

_STRING_METRICS = {
    "binary_accuracy": BinaryAccuracy, "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "mse": MeanSquaredError, "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError, "mean_absolute_error": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "mean_absolute_percentage_error": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "mean_squared_logarithmic_error": MeanSquaredLogarithmicError,
    "binary_crossentropy": BinaryCrossentropy, "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "kld": KLDivergence, "kl_divergence": KLDivergence, "poisson": Poisson,
    "logcosh": LogCoshError, "hinge": Hinge, "squared_hinge": SquaredHinge,
    "categorical_hinge": CategoricalHinge,
}


def resolve(identifier, loss, y_true_shape, y_pred_shape):
    """A Metric for a compile() entry. "accuracy"/"acc" and "crossentropy"/"ce" are resolved
    from the loss and the shapes exactly as Keras's compile_utils.get_metric does."""
    if isinstance(identifier, Metric):
        return identifier
    if not isinstance(identifier, str):
        raise TypeError(f"Could not interpret metric identifier: {identifier!r} (expected a name "
                        f"or a densefit.metrics.Metric)")
    if identifier in ("accuracy", "acc", "crossentropy", "ce"):
        is_binary = y_pred_shape[-1] == 1
        is_sparse = len(y_true_shape) < len(y_pred_shape) or (
            y_true_shape[-1] == 1 and y_pred_shape[-1] > 1)
        if identifier in ("accuracy", "acc"):
            cls = (BinaryAccuracy if is_binary else
                   SparseCategoricalAccuracy if is_sparse else CategoricalAccuracy)
        else:
            cls = (BinaryCrossentropy if is_binary else
                   SparseCategoricalCrossentropy if is_sparse else CategoricalCrossentropy)
        return cls(name=identifier)
    if identifier in _STRING_METRICS:
        return _STRING_METRICS[identifier](name=identifier)
    valid = sorted(set(_STRING_METRICS) | {"accuracy", "acc", "crossentropy", "ce"})
    raise ValueError(f"Unknown metric: {identifier!r}. Valid names: {', '.join(valid)}")
