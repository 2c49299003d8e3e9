"""Metrics that average a loss function's per-sample values (Keras's regression,
probabilistic and hinge metrics built on MeanMetricWrapper), computed natively by the same
code as the losses."""

from densefit import losses as _losses
from densefit.metrics.base import NativeMetric
from densefit.metrics.reduction import native_function


class LossMetric(NativeMetric):
    """The weighted mean over samples of `_loss_cls(**options)`'s per-sample value."""

    _kind = "loss"
    _loss_cls = None
    _options = {}  # the loss options this metric takes, with Keras's defaults

    def __init__(self, name=None, dtype=None, **options):
        unknown = set(options) - set(self._options)
        if unknown:
            raise TypeError(f"{type(self).__name__} got unexpected arguments {sorted(unknown)}")
        self.options = {**self._options, **options}
        self._sparse_labels = self._loss_cls is _losses.SparseCategoricalCrossentropy
        super().__init__(name=name or self._default_name, dtype=dtype)

    def _spec(self):
        return {"kind": "loss", "loss": self._loss_cls(**self.options).native()}

    def get_config(self):
        return {**super().get_config(), **self.options}


def _loss_metric(class_name, default_name, loss_cls, options=None):
    """A LossMetric subclass with Keras's constructor: (name, dtype, **options)."""
    return type(class_name, (LossMetric,), {
        "_loss_cls": loss_cls, "_default_name": default_name, "_options": dict(options or {}),
        "__module__": __name__,
        "__doc__": f"The mean over samples of {loss_cls.__name__}'s per-sample loss."})


MeanSquaredError = _loss_metric("MeanSquaredError", "mean_squared_error",
                                _losses.MeanSquaredError)
MeanAbsoluteError = _loss_metric("MeanAbsoluteError", "mean_absolute_error",
                                 _losses.MeanAbsoluteError)
MeanAbsolutePercentageError = _loss_metric("MeanAbsolutePercentageError",
                                           "mean_absolute_percentage_error",
                                           _losses.MeanAbsolutePercentageError)
MeanSquaredLogarithmicError = _loss_metric("MeanSquaredLogarithmicError",
                                           "mean_squared_logarithmic_error",
                                           _losses.MeanSquaredLogarithmicError)
LogCoshError = _loss_metric("LogCoshError", "logcosh", _losses.LogCosh)
BinaryCrossentropy = _loss_metric("BinaryCrossentropy", "binary_crossentropy",
                                  _losses.BinaryCrossentropy,
                                  {"from_logits": False, "label_smoothing": 0})
CategoricalCrossentropy = _loss_metric("CategoricalCrossentropy", "categorical_crossentropy",
                                       _losses.CategoricalCrossentropy,
                                       {"from_logits": False, "label_smoothing": 0, "axis": -1})
SparseCategoricalCrossentropy = _loss_metric("SparseCategoricalCrossentropy",
                                             "sparse_categorical_crossentropy",
                                             _losses.SparseCategoricalCrossentropy,
                                             {"from_logits": False, "ignore_class": None,
                                              "axis": -1})
KLDivergence = _loss_metric("KLDivergence", "kl_divergence", _losses.KLDivergence)
Poisson = _loss_metric("Poisson", "poisson", _losses.Poisson)
Hinge = _loss_metric("Hinge", "hinge", _losses.Hinge)
SquaredHinge = _loss_metric("SquaredHinge", "squared_hinge", _losses.SquaredHinge)
CategoricalHinge = _loss_metric("CategoricalHinge", "categorical_hinge",
                                _losses.CategoricalHinge)


class RootMeanSquaredError(NativeMetric):
    """The square root of the weighted mean squared error."""

    _kind = "root_mean_squared_error"
    _values = "elementwise"  # Keras averages the squared error of every output

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


# The loss functions as metric functions: MeanMetricWrapper(losses.mse) runs natively.
for _cls in (_losses.MeanSquaredError, _losses.MeanAbsoluteError,
             _losses.MeanAbsolutePercentageError, _losses.MeanSquaredLogarithmicError,
             _losses.LogCosh, _losses.BinaryCrossentropy, _losses.CategoricalCrossentropy,
             _losses.SparseCategoricalCrossentropy, _losses.KLDivergence, _losses.Poisson,
             _losses.Hinge, _losses.SquaredHinge, _losses.CategoricalHinge,
             _losses.BinaryFocalCrossentropy, _losses.Huber):
    native_function(_cls._fn,
                    lambda _cls=_cls, **options: {"kind": "loss", "loss": _cls(**options).native()},
                    sparse_labels=_cls is _losses.SparseCategoricalCrossentropy)
