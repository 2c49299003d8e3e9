"""Metrics that average a loss function's per-sample values (Keras's regression,
probabilistic and hinge metrics built on MeanMetricWrapper), computed natively by the same
code as the losses."""

import inspect

from densefit import losses as _losses
from densefit.metrics.base import NativeMetric, document
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


# Argument texts and paragraphs these docstrings share (see base.ARG_DOCS); `{loss}`, in
# "mean", is the loss class a metric averages.
_ARGS = {
    "mean": """The metric is the (weighted) mean over samples of the per-sample values of
    `keras.losses.{loss}`, computed natively by the same code as the loss.""",
    "example": """Example:

    >>> import densefit as keras""",
    "signed": """`y_true` values are expected to be -1 or 1. If binary (0 or 1) labels are
    provided we will convert them to -1 or 1.""",
    "from_logits": """from_logits: (Optional) Whether `y_pred` is expected to be a logits tensor. By
            default, we consider that `y_pred` encodes a probability distribution.
            Defaults to `False`.""",
    "axis": """axis: (Optional) The dimension along which the entropy is computed. Defaults to
            `-1`.""",
}
_EXAMPLE = """
    >>> m = keras.metrics.{cls}()
    >>> m.update_state({y_true}, {y_pred})
    >>> {show}
    {r1}
    >>> m.reset_state()
    >>> m.update_state({y_true}, {y_pred},
    ...                sample_weight={weights})
    >>> {show}
    {r2}
    """
_REGRESSION = ("[[0, 1], [0, 0]]", "[[1, 1], [0, 0]]", "[1, 0]")
_PROBABILITIES = ("[[0, 1], [0, 0]]", "[[0.6, 0.4], [0.4, 0.6]]", "[1, 0]")
_CATEGORICAL = ("[[0, 1, 0], [0, 0, 1]]", "[[0.05, 0.95, 0], [0.1, 0.8, 0.1]]", "[0.3, 0.7]")
_SPARSE = ("np.array([1, 2])", "np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])", "[0.3, 0.7]")
_FLOATS = ("[[0., 1.], [0., 0.]]", "[[1., 1.], [0., 0.]]", "[1, 0]")


def _example(cls, inputs, r1, r2, exact=False):
    """The Example section's doctest: the metric on `inputs` (y_true, y_pred, weights), then
    weighted; `exact` prints float(result) rather than rounding it to 4 decimals."""
    show = "float(m.result())" if exact else "round(float(m.result()), 4)"
    y_true, y_pred, weights = inputs
    return _EXAMPLE.format(cls=cls, y_true=y_true, y_pred=y_pred, weights=weights, show=show,
                           r1=r1, r2=r2)


# Each loss metric's docstring, up to its example (`_example` adds that): `document` fills in
# the shared texts, `{name}` with the metric's default name.
_DOCS = {
    "MeanSquaredError": ("""Computes the mean squared error between `y_true` and `y_pred`.

    Formula:

    ```python
    loss = mean(square(y_true - y_pred), axis=-1)
    ```

    {mean}

    Args:
        {name}
        {dtype}

    {example}""", _REGRESSION, "0.25", "0.5", True),
    "MeanAbsoluteError": ("""Computes the mean absolute error between the labels and predictions.

    Formula:

    ```python
    loss = mean(abs(y_true - y_pred), axis=-1)
    ```

    {mean}

    Args:
        {name}
        {dtype}

    {example}""", _REGRESSION, "0.25", "0.5", True),
    "MeanAbsolutePercentageError": (
        """Computes mean absolute percentage error between `y_true` and `y_pred`.

    Formula:

    ```python
    loss = 100 * mean(abs((y_true - y_pred) / y_true), axis=-1)
    ```

    A zero label is replaced by a tiny epsilon (1e-7) in the division, as in Keras.

    {mean}

    Args:
        {name}
        {dtype}

    {example}""", ("[[1, 2], [2, 4]]", "[[1, 1], [2, 3]]", "[1, 0]"), "18.75", "25.0", True),
    "MeanSquaredLogarithmicError": (
        """Computes mean squared logarithmic error between `y_true` and `y_pred`.

    Formula:

    ```python
    loss = mean(square(log(y_true + 1) - log(y_pred + 1)), axis=-1)
    ```

    {mean}

    Args:
        {name}
        {dtype}

    {example}""", _REGRESSION, "0.1201", "0.2402"),
    "LogCoshError": ("""Computes the logarithm of the hyperbolic cosine of the prediction error.

    Formula:

    ```python
    error = y_pred - y_true
    logcosh = mean(log((exp(error) + exp(-error)) / 2), axis=-1)
    ```

    {mean}

    Args:
        {name}
        {dtype}

    {example}""", _FLOATS, "0.1084", "0.2169"),
    "BinaryCrossentropy": ("""Computes the crossentropy metric between the labels and predictions.

    This is the crossentropy metric class to be used when there are only two label classes
    (0 and 1). Probabilities are clipped to `[1e-7, 1 - 1e-7]` first, as in Keras.

    {mean}

    Args:
        {name}
        {dtype}
        {from_logits}
        label_smoothing: (Optional) Float in `[0, 1]`. When > 0, label values are smoothed,
            meaning the confidence on label values are relaxed: `label_smoothing=0.2` means
            that we will use a value of 0.1 for label "0" and 0.9 for label "1". Defaults
            to `0`.

    {example}""", _PROBABILITIES, "0.8149", "0.9163"),
    "CategoricalCrossentropy": (
        """Computes the crossentropy metric between the labels and predictions.

    This is the crossentropy metric class to be used when there are multiple label classes
    (2 or more). It assumes that labels are one-hot encoded, e.g., when labels values are
    `[2, 0, 1]`, then `y_true` is `[[0, 0, 1], [1, 0, 0], [0, 1, 0]]`.

    {mean}

    Args:
        {name}
        {dtype}
        {from_logits}
        label_smoothing: (Optional) Float in `[0, 1]`. When > 0, the one-hot labels are
            smoothed: `y_true * (1 - label_smoothing) + label_smoothing / num_classes`.
            Defaults to `0`.
        {axis}

    {example}""", _CATEGORICAL, "1.1769", "1.6272"),
    "SparseCategoricalCrossentropy": (
        """Computes the crossentropy metric between the labels and predictions.

    Use this crossentropy metric when there are two or more label classes. It expects
    labels to be provided as integers (one class id per sample). If you want to provide
    labels that are one-hot encoded, please use the `CategoricalCrossentropy` metric
    instead.

    {mean}

    Args:
        {name}
        {dtype}
        {from_logits}
        ignore_class: (Optional) Integer. The class to ignore: samples labelled with it
            are left out of the mean. If `None`, no class is ignored. Defaults to `None`.
        {axis}

    {example}
    >>> import numpy as np""", _SPARSE, "1.1769", "1.6272"),
    "KLDivergence": ("""Computes Kullback-Leibler divergence metric between `y_true` and `y_pred`.

    Formula:

    ```python
    metric = sum(y_true * log(y_true / y_pred), axis=-1)
    ```

    `y_true` and `y_pred` are expected to be probability distributions, with values between
    0 and 1. They will get clipped to the `[1e-7, 1]` range.

    {mean}

    Args:
        {name}
        {dtype}

    {example}""", _PROBABILITIES, "0.4581", "0.9163"),
    "Poisson": ("""Computes the Poisson metric between `y_true` and `y_pred`.

    Formula:

    ```python
    metric = mean(y_pred - y_true * log(y_pred + 1e-7), axis=-1)
    ```

    {mean}

    Args:
        {name}
        {dtype}

    {example}""", _FLOATS, "0.5", "1.0"),
    "Hinge": ("""Computes the hinge metric between `y_true` and `y_pred`.

    Formula: `mean(maximum(1 - y_true * y_pred, 0), axis=-1)`.
    {signed}

    {mean}

    Args:
        {name}
        {dtype}

    {example}""", _PROBABILITIES, "1.3", "1.1"),
    "SquaredHinge": ("""Computes the squared hinge metric between `y_true` and `y_pred`.

    Formula: `mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`.
    {signed}

    {mean}

    Args:
        {name}
        {dtype}

    {example}""", _PROBABILITIES, "1.86", "1.46"),
    "CategoricalHinge": ("""Computes the categorical hinge metric between `y_true` and `y_pred`.

    Formula: `maximum(neg - pos + 1, 0)` where `pos = sum(y_true * y_pred, axis=-1)` and
    `neg = max((1 - y_true) * y_pred, axis=-1)`.

    {mean}

    Args:
        {name}
        {dtype}

    {example}""", _PROBABILITIES, "1.4", "1.2"),
}


def _keras_constructor(default_name, options):
    """__init__(self, name=default_name, dtype=None, <options with Keras's defaults>), Keras's
    signature, positional arguments included (`BinaryCrossentropy("bce", None, True)`)."""
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    signature = inspect.Signature(
        [inspect.Parameter("self", kind), inspect.Parameter("name", kind, default=default_name),
         inspect.Parameter("dtype", kind, default=None)] +
        [inspect.Parameter(key, kind, default=value) for key, value in options.items()])

    def __init__(self, *args, **kwargs):
        arguments = signature.bind(self, *args, **kwargs).arguments  # Python's TypeError
        arguments.pop("self")
        LossMetric.__init__(self, arguments.pop("name", None), arguments.pop("dtype", None),
                            **arguments)

    __init__.__signature__ = signature
    return __init__


def _loss_metric(class_name, default_name, loss_cls, options=None):
    """A LossMetric subclass with Keras's constructor (_keras_constructor), and its
    docstring from `_DOCS`."""
    text, inputs, r1, r2, *exact = _DOCS[class_name]
    options = dict(options or {})
    cls = type(class_name, (LossMetric,), {
        "_loss_cls": loss_cls, "_default_name": default_name, "_options": options,
        "__init__": _keras_constructor(default_name, options), "__module__": __name__,
        "__doc__": text + _example(class_name, inputs, r1, r2, *exact)})
    return document(_ARGS, {"mean": _ARGS["mean"].format(loss=loss_cls.__name__)})(cls)


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


@document(_ARGS)
class RootMeanSquaredError(NativeMetric):
    """Computes root mean squared error metric between `y_true` and `y_pred`.

    Formula:

    ```python
    loss = sqrt(mean((y_pred - y_true) ** 2))
    ```

    Unlike `MeanSquaredError`, the mean is taken over every output of every sample (each
    output weighted by its sample's weight) before the square root.

    Args:
        {name}
        {dtype}

    {example}
    >>> m = keras.metrics.RootMeanSquaredError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> float(m.result())
    0.5
    >>> m.reset_state()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]], sample_weight=[1, 0])
    >>> round(float(m.result()), 4)
    0.7071
    """

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
