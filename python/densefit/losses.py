"""Keras losses: the functions (loss_functions.py, written with densefit.ops), the classes
around them and the names Keras resolves.

A class called on arrays computes its function with NumPy and reduces the values as Keras's
Loss.__call__ does (sample weights broadcast, masks, every reduction). Compiled into a model,
a class the native core knows runs its native formula and gradient; any other (a user's
`call`, a LossFunctionWrapper, Dice, Tversky, ...) is traced into a native expression.
"""

import inspect

import numpy as np

from densefit import loss_functions as _fns
from densefit.loss_functions import (binary_crossentropy, binary_focal_crossentropy,  # noqa: F401
                                     categorical_crossentropy, categorical_focal_crossentropy,
                                     categorical_generalized_cross_entropy, categorical_hinge,
                                     circle, cosine_similarity, ctc, dice, hinge, huber,
                                     kl_divergence, log_cosh, mean_absolute_error,
                                     mean_absolute_percentage_error, mean_squared_error,
                                     mean_squared_logarithmic_error, poisson,
                                     sparse_categorical_crossentropy, squared_hinge, tversky)
from densefit.naming import to_snake_case
from densefit.ops import keras_semantics

_REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"Invalid value for argument `reduction`. Expected one of "
                         f"{_REDUCTIONS}. Received: reduction={reduction!r}")
    return reduction


class Loss:
    """Loss base class (Keras's `keras.losses.Loss`), the one to subclass for a custom loss.

    A subclass implements `call(y_true, y_pred)`, returning one value per sample (or per
    element), written with NumPy or `densefit.ops`. Calling the loss on arrays runs `call`
    and then weights and reduces the values as Keras's `Loss.__call__` does; compiled into a
    model, `call` is traced once into the native training step.

    Args:
        name: Optional name for the loss instance. Defaults to `None`, i.e. the snake-case
            class name.
        reduction: Type of reduction to apply to the loss. `"sum_over_batch_size"` and
            `"mean"` sum the (weighted) values and divide by their number, `"sum"` sums
            them, `"mean_with_sample_weight"` divides the sum by the sum of the sample
            weights, and `"none"` or `None` return the values unreduced. Defaults to
            `"sum_over_batch_size"`.
        dtype: The dtype of the loss's computations. densefit computes in float32, so only
            `None` and `"float32"` are accepted. Defaults to `None`.

    Example:

    >>> import densefit as keras
    >>> class MeanSquaredError(keras.losses.Loss):
    ...     def call(self, y_true, y_pred):
    ...         return keras.ops.mean(keras.ops.square(y_pred - y_true), axis=-1)
    >>> float(MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or to_snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        if dtype not in (None, "float32", np.float32):
            raise ValueError(f"densefit's losses compute in float32; `dtype` must be None or "
                             f"'float32', got {dtype!r}")
        self._dtype = "float32"

    @property
    def dtype(self):
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_true = np.asarray(y_true, dtype=np.float32)
        y_pred = np.asarray(y_pred, dtype=np.float32)
        values, mask = self._values_and_mask(y_true, y_pred)
        return keras_semantics.reduce_weighted_values_exact(values, sample_weight, mask,
                                                            self.reduction)

    def _values_and_mask(self, y_true, y_pred):
        """The values `call` gives and the mask Keras would attach to them (or None)."""
        return np.asarray(self.call(y_true, y_pred), dtype=np.float32), None

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def native_for(self, y_true_cols, y_pred_cols):
        """The native config for batches of y_true / y_pred with these widths: the core's
        own formula for a built-in loss it knows, else `call` traced into an expression."""
        native = self._native_config()
        if native is not None:
            return native
        from densefit.ops.trace import trace_loss
        return {"expression": trace_loss(self.call, y_true_cols, y_pred_cols, self.reduction,
                                         name=self.name)}

    def _native_config(self):
        return None

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class LossFunctionWrapper(Loss):
    """Wraps a loss function `fn(y_true, y_pred, **kwargs)` into a `Loss` class.

    As Keras's `LossFunctionWrapper`: `y_true` and `y_pred` are first brought to the same
    rank, then `fn` gives per-sample (or per-element, or scalar) values, which are weighted by
    `sample_weight` and reduced by `reduction`. Called on arrays it runs `fn` with NumPy; in
    `compile()` it is traced into the native training step.

    Args:
        fn: The loss function to wrap, with signature `fn(y_true, y_pred, **kwargs)`.
        reduction: Type of reduction to apply to the loss. `"sum_over_batch_size"` and
            `"mean"` sum the (weighted) values and divide by their number, `"sum"` sums
            them, `"mean_with_sample_weight"` divides the sum by the sum of the sample
            weights, and `"none"` or `None` return the values unreduced. Defaults to
            `"sum_over_batch_size"`.
        name: Optional name for the loss instance. Defaults to `None`, i.e. the name of
            `fn`.
        dtype: The dtype of the loss's computations. densefit computes in float32, so only
            `None` and `"float32"` are accepted. Defaults to `None`.
        **kwargs: Keyword arguments passed on to `fn`.

    Example:

    >>> import densefit as keras
    >>> def scaled_mse(y_true, y_pred, scale=1.0):
    ...     return scale * keras.ops.mean(keras.ops.square(y_pred - y_true), axis=-1)
    >>> loss = keras.losses.LossFunctionWrapper(scaled_mse, scale=2.0)
    >>> float(loss([[0.0, 1.0]], [[1.0, 1.0]]))
    1.0
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"LossFunctionWrapper needs a callable `fn`, got {fn!r}")
        from densefit.ops.trace import function_name
        super().__init__(name=name or function_name(fn), reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = keras_semantics.squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        from densefit.ops.trace import function_name
        return {"name": self.name, "reduction": self.reduction, "fn": function_name(self.fn),
                **self._fn_kwargs}

    def __repr__(self):
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


class _BuiltinLoss(LossFunctionWrapper):
    """A Keras loss class: its function, its constructor's arguments (the `options`, in
    Keras's order) and, where the native core has it, the core's name for it."""

    _fn = None
    _native_name = None
    _native_options = ()  # the options the core reads

    # The function is the class's (`_fn`), not an attribute `fn` of the instance: saving
    # stores a loss with an `fn` as that function, which would drop reduction and name.
    def call(self, y_true, y_pred):
        y_true, y_pred = keras_semantics.squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self._fn(y_true, y_pred, **self._fn_kwargs)

    @property
    def options(self):
        return dict(self._fn_kwargs)

    def _is_builtin_call(self):
        """False for a user's subclass with its own `call` (traced like any user loss)."""
        return type(self).call is _BuiltinLoss.call

    def _native_config(self):
        if self._native_name is None or not self._is_builtin_call():
            return None
        if self._fn_kwargs.get("axis", -1) not in (-1, 1):
            return None  # the core reduces over the last axis only; the trace says why not
        return self.native()

    def native(self):
        """The config the native core takes."""
        if self._native_name is None:
            raise TypeError(f"densefit's native core has no {type(self).__name__} formula")
        cfg = {"name": self._native_name, "reduction": self.reduction or "none"}
        cfg.update({k: self._fn_kwargs[k] for k in self._native_options if k in self._fn_kwargs})
        return cfg

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction, **self._fn_kwargs}

    def __repr__(self):
        return f"<{type(self).__name__}(kwargs={self._fn_kwargs})>"


# Each built-in loss class's docstring; `_class_doc` fills in the arguments every loss shares
# (`{reduction}`, `{dtype}`) and `{name}` with the class's default name.
_SHARED_DOC = {
    "reduction": """reduction: Type of reduction to apply to the loss. `"sum_over_batch_size"` and
            `"mean"` sum the (weighted) values and divide by their number, `"sum"` sums
            them, `"mean_with_sample_weight"` divides the sum by the sum of the sample
            weights, and `"none"` or `None` return the values unreduced. Defaults to
            `"sum_over_batch_size"`.""",
    "dtype": """dtype: The dtype of the loss's computations. densefit computes in float32, so only
            `None` and `"float32"` are accepted. Defaults to `None`.""",
}
_NAME_DOC = 'name: Optional name for the loss instance. Defaults to `"{}"`.'
_LOGITS_DOC = {
    "binary": """from_logits: Whether `y_pred` holds logits (any real value) rather than
            probabilities in `[0, 1]`. Defaults to `False`.
        label_smoothing: Float in `[0, 1]`. When > 0, the labels are smoothed towards 0.5:
            `y_true * (1 - label_smoothing) + 0.5 * label_smoothing`. Defaults to `0.0`.
        axis: The axis along which the mean is taken (the features axis). Defaults to
            `-1`.""",
    "categorical": """from_logits: Whether `y_pred` holds logits rather than a probability
            distribution. Defaults to `False`.
        label_smoothing: Float in `[0, 1]`. When > 0, the one-hot labels are smoothed:
            `y_true * (1 - label_smoothing) + label_smoothing / num_classes`. Defaults to
            `0.0`.
        axis: The axis along which the crossentropy is computed (the features axis).
            Defaults to `-1`.""",
}

_DOCS = {
    "MeanSquaredError": """Computes the mean of squares of errors between labels and predictions.

    Formula: `loss = mean(square(y_true - y_pred), axis=-1)`, one value per sample, then
    weighted and reduced.

    Args:
        {reduction}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.MeanSquaredError()
    >>> float(loss([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]))
    0.5
    """,
    "MeanAbsoluteError": """Computes the mean of absolute differences of labels and predictions.

    Formula: `loss = mean(abs(y_true - y_pred), axis=-1)`, one value per sample, then
    weighted and reduced.

    Args:
        {reduction}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.MeanAbsoluteError()
    >>> float(loss([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]))
    0.5
    """,
    "MeanAbsolutePercentageError": """Computes the mean absolute percentage error of predictions.

    Formula: `loss = 100 * mean(abs((y_true - y_pred) / y_true), axis=-1)`, where `abs(y_true)`
    is kept at or above a small epsilon (`1e-7`) so that zero labels do not divide by zero.

    Args:
        {reduction}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.MeanAbsolutePercentageError()
    >>> round(float(loss([100.0, 200.0, 300.0], [90.0, 210.0, 310.0])), 4)
    6.1111
    """,
    "MeanSquaredLogarithmicError": """Computes the mean squared logarithmic error of predictions.

    Formula: `loss = mean(square(log(y_true + 1) - log(y_pred + 1)), axis=-1)`, with `y_true`
    and `y_pred` kept at or above a small epsilon (`1e-7`) before the logarithm.

    Args:
        {reduction}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.MeanSquaredLogarithmicError()
    >>> round(float(loss([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]])), 4)
    0.2402
    """,
    "CosineSimilarity": """Computes the cosine similarity between `y_true` and `y_pred`, as a loss.

    Formula: `loss = -sum(l2_normalize(y_true) * l2_normalize(y_pred), axis=axis)`. The value
    lies between -1 and 1; minimizing it pushes predictions towards the direction of the
    labels (-1 is the best value, 0 means orthogonal). If either vector is zero, the loss is
    0 whatever the other one is.

    Args:
        axis: The axis along which the cosine similarity is computed (the features axis).
            Defaults to `-1`.
        {reduction}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.CosineSimilarity(reduction=None)
    >>> [round(float(v), 4) for v in loss([[0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]])]
    [-0.7071, -1.0]
    """,
    "Huber": """Computes the Huber loss between `y_true` and `y_pred`.

    For each `x = y_true - y_pred`, the loss is `0.5 * x**2` if `abs(x) <= delta` and
    `delta * abs(x) - 0.5 * delta**2` otherwise: quadratic for small errors, linear for
    large ones. The values are averaged over the last axis:
    `loss = mean(huber(x), axis=-1)`.

    Args:
        delta: A float, the point where the Huber loss changes from quadratic to linear.
            Defaults to `1.0`.
        {reduction}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.Huber(delta=1.0)
    >>> float(loss([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]))
    0.25
    """,
    "LogCosh": """Computes the logarithm of the hyperbolic cosine of the prediction error.

    Formula: `loss = mean(log(cosh(y_pred - y_true)), axis=-1)`. It is about `x**2 / 2` for
    small errors `x` and `abs(x) - log(2)` for large ones, so it behaves like the mean squared
    error but is less affected by an occasional wildly wrong prediction.

    Args:
        {reduction}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.LogCosh()
    >>> round(float(loss([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]])), 4)
    0.2169
    """,
    "Hinge": """Computes the hinge loss between `y_true` and `y_pred`.

    Formula: `loss = mean(maximum(1 - y_true * y_pred, 0), axis=-1)`. `y_true` should be -1
    or 1; labels given as 0 or 1 are converted to -1 or 1.

    Args:
        {reduction}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.Hinge()
    >>> float(loss([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]))
    1.25
    """,
    "SquaredHinge": """Computes the squared hinge loss between `y_true` and `y_pred`.

    Formula: `loss = mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`. `y_true` should
    be -1 or 1; labels given as 0 or 1 are converted to -1 or 1.

    Args:
        {reduction}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.SquaredHinge()
    >>> float(loss([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]))
    2.25
    """,
    "CategoricalHinge": """Computes the categorical hinge loss between `y_true` and `y_pred`.

    Formula: `loss = maximum(neg - pos + 1, 0)`, where `pos = sum(y_true * y_pred, axis=-1)`
    and `neg = max((1 - y_true) * y_pred, axis=-1)`; `y_true` holds one-hot labels.

    Args:
        {reduction}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.CategoricalHinge()
    >>> float(loss([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]))
    1.5
    """,
    "KLDivergence": """Computes the Kullback-Leibler divergence between `y_true` and `y_pred`.

    Formula: `loss = sum(y_true * log(y_true / y_pred), axis=-1)`. Both are expected to be
    probability distributions; they are clipped to `[epsilon, 1]` (`epsilon = 1e-7`) first.

    Args:
        {reduction}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.KLDivergence()
    >>> round(float(loss([[0.0, 1.0]], [[0.5, 0.5]])), 4)
    0.6931
    """,
    "Poisson": """Computes the Poisson loss between `y_true` and `y_pred`.

    Formula: `loss = mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`, with
    `epsilon = 1e-7`; suited to counts, `y_pred` being the predicted rate.

    Args:
        {reduction}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.Poisson()
    >>> float(loss([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]))
    0.75
    """,
    "BinaryCrossentropy": """Computes the cross-entropy loss between true and predicted labels.

    Use it for binary (0 or 1) classification, and for multi-label problems with one
    independent sigmoid output per label. `y_true` holds 0 or 1 per output, `y_pred` a
    probability (or, with `from_logits=True`, a logit) per output. Formula, per sample:
    `loss = -mean(y_true * log(y_pred) + (1 - y_true) * log(1 - y_pred), axis=axis)`, with
    probabilities clipped to `[epsilon, 1 - epsilon]` (`epsilon = 1e-7`).

    Args:
        {binary}
        {reduction}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.BinaryCrossentropy()
    >>> round(float(loss([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])), 4)
    0.8149
    """,
    "BinaryFocalCrossentropy": """Computes the focal cross-entropy loss of binary predictions.

    The binary cross-entropy of each output is scaled by a focal factor that down-weights
    well-classified examples ([Lin et al., 2018](https://arxiv.org/abs/1708.02002)):
    `(1 - p_t) ** gamma`, where `p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)` is the
    probability given to the true class. With `gamma=0` (and no class balancing) it is the
    binary crossentropy. The values are averaged over `axis`.

    Args:
        apply_class_balancing: A bool, whether to weight class 1 by `alpha` and class 0 by
            `1 - alpha`. Defaults to `False`.
        alpha: The weight of class 1 when `apply_class_balancing=True`; class 0 gets
            `1 - alpha`. Defaults to `0.25`.
        gamma: The focusing parameter of the focal factor. Defaults to `2.0`.
        {binary}
        {reduction}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.BinaryFocalCrossentropy(gamma=2.0)
    >>> round(float(loss([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])), 4)
    0.2678
    """,
    "CategoricalCrossentropy": """Computes the crossentropy loss between the labels and predictions.

    Use it for two or more classes with one-hot labels (for integer labels, use
    `SparseCategoricalCrossentropy`). `y_pred` holds one probability (or, with
    `from_logits=True`, one logit) per class. Formula, per sample:
    `loss = -sum(y_true * log(y_pred), axis=axis)`, where `y_pred` is first normalized to sum
    to 1 and clipped to `[epsilon, 1 - epsilon]` (`epsilon = 1e-7`).

    Args:
        {categorical}
        {reduction}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.CategoricalCrossentropy()
    >>> round(float(loss([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 4)
    1.1769
    """,
    "CategoricalFocalCrossentropy": """Computes the alpha-balanced focal crossentropy loss.

    The categorical crossentropy of each class is scaled by `alpha * (1 - y_pred) ** gamma`,
    which down-weights well-classified examples so that training focuses on hard ones
    ([Lin et al., 2018](https://arxiv.org/abs/1708.02002)). Formula, per sample:
    `loss = -sum(alpha * (1 - y_pred) ** gamma * y_true * log(y_pred), axis=axis)`, with
    `y_pred` normalized and clipped as in `CategoricalCrossentropy`. `y_true` holds one-hot
    labels.

    Args:
        alpha: A weight balancing factor for all classes. Defaults to `0.25`.
        gamma: The focusing parameter; `gamma=0` (with `alpha=1`) gives the categorical
            crossentropy. Defaults to `2.0`.
        {categorical}
        {reduction}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.CategoricalFocalCrossentropy()
    >>> round(float(loss([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 4)
    0.2332
    """,
    "SparseCategoricalCrossentropy": """Computes the crossentropy loss for integer class labels.

    Use it for two or more classes with the labels given as integer class ids (for one-hot
    labels, use `CategoricalCrossentropy`): `y_true` has shape `(batch_size,)` (or
    `(batch_size, 1)`) and `y_pred` one probability (or logit) per class,
    `(batch_size, num_classes)`. Formula, per sample: `loss = -log(y_pred[y_true])`.

    Args:
        from_logits: Whether `y_pred` holds logits rather than a probability distribution.
            Defaults to `False`.
        ignore_class: Optional integer, a class id whose samples are left out of the loss
            (e.g. a "void" class in segmentation maps); they also do not count in the
            reduction. Defaults to `None` (every class counts).
        {reduction}
        axis: The axis along which the crossentropy is computed (the class axis).
            Defaults to `-1`.
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.SparseCategoricalCrossentropy()
    >>> round(float(loss([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 4)
    1.1769
    """,
    "CTC": """CTC (Connectionist Temporal Classification) loss.

    CTC aligns a label sequence with a sequence of per-timestep class predictions of shape
    `(batch, time, classes)`. densefit's dense networks do not produce sequence outputs, so
    `compile()` refuses this loss with a `TypeError` (and the `ctc` function raises
    `NotImplementedError`); the class exists so that Keras code and configs naming it resolve.

    Args:
        {reduction}
        {name}
        {dtype}
    """,
    "Dice": """Computes the Dice loss value between `y_true` and `y_pred`.

    Formula: `loss = 1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred))`, the sums
    taken over `axis`. With `axis=None` they run over every axis, which gives one value for
    the whole batch; pass e.g. `axis=(1, 2, 3)` for one value per sample of image masks.

    Args:
        {reduction}
        {name}
        axis: The axis or tuple of axes over which the sums are computed. Defaults to `None`
            (all axes).
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.Dice()
    >>> float(loss([[1.0, 1.0], [0.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]))
    0.5
    """,
    "Tversky": """Computes the Tversky loss value between `y_true` and `y_pred`.

    A generalization of the Dice loss that weighs two kinds of error with `alpha` and `beta`
    ([Salehi et al., 2017](https://arxiv.org/abs/1706.05721)). Following Keras's formula, with
    the sums over `axis`:
    `loss = 1 - sum(y_true * y_pred) / (sum(y_true * y_pred)
    + alpha * sum(y_true * (1 - y_pred)) + beta * sum((1 - y_true) * y_pred))`.
    With `alpha=0.5` and `beta=0.5` it equals the Dice loss.

    Args:
        alpha: The weight of the first error term, `sum(y_true * (1 - y_pred))` (which Keras
            calls the false positives). Defaults to `0.5`.
        beta: The weight of the second error term, `sum((1 - y_true) * y_pred)` (which Keras
            calls the false negatives). Defaults to `0.5`.
        {reduction}
        {name}
        axis: The axis or tuple of axes over which the sums are computed. Defaults to `None`
            (all axes).
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.Tversky(alpha=0.5, beta=0.5)
    >>> float(loss([[1.0, 1.0], [0.0, 0.0]], [[0.0, 1.0], [0.0, 1.0]]))
    0.5
    """,
    "Circle": """Computes the Circle loss between integer labels and L2-normalized embeddings.

    A metric-learning loss ([Sun et al., 2020](https://arxiv.org/abs/2002.10857)): it pulls
    embeddings of the same class together and pushes those of different classes apart,
    weighting each pair's similarity by how far it is from its optimum. `y_true` holds one
    integer label per sample and `y_pred` unit-norm embeddings (e.g. a `Dense` layer with no
    activation, then L2 normalization). Every pair of samples of the batch is compared, so
    densefit computes it on arrays only: `compile()` refuses it with a `TypeError`, since its
    batch-by-batch matrix cannot be expressed in the per-sample native step.

    Args:
        gamma: Scaling factor that sets the largest scale of each similarity score.
            Defaults to `80.0`.
        margin: The relaxation factor: below this distance negatives are up-weighted and
            positives down-weighted, above it the reverse. Defaults to `0.4`.
        remove_diagonal: Boolean, whether to remove each sample's similarity with itself
            from the positive pairs. Defaults to `True`.
        {reduction}
        {name}
        {dtype}
    """,
    "CategoricalGeneralizedCrossEntropy": """Computes the Generalized Cross Entropy loss.

    Generalized Cross Entropy ([Zhang & Sabuncu, 2018](https://arxiv.org/abs/1805.07836)) is
    robust to noisy labels. Formula: `loss = (1 - p**q) / q`, where `p` is the predicted
    probability of the true class; `y_true` holds integer class ids and `y_pred` one
    probability per class. As `q` approaches 0 it behaves like the crossentropy, as it
    approaches 1 like the mean absolute error.

    Args:
        q: Float in the open interval `(0, 1)`, the noise parameter. Defaults to `0.5`.
        {reduction}
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> loss = keras.losses.CategoricalGeneralizedCrossEntropy()
    >>> y_pred = [[0.7, 0.3], [0.2, 0.8], [0.6, 0.4], [0.4, 0.6]]
    >>> round(float(loss([0, 1, 0, 1], y_pred)), 4)
    0.3599
    """,
}


def _class_doc(class_name, default_name):
    """A built-in loss class's docstring: its entry in `_DOCS`, the shared arguments filled
    in."""
    return _DOCS[class_name].format(name=_NAME_DOC.format(default_name), **_SHARED_DOC,
                                    **_LOGITS_DOC)


def _builtin(class_name, fn, options, default_name, native=None, native_options=(),
             order=("reduction", "name", "dtype"), check=None):
    """A Keras loss class with Keras's constructor: `options` (name, default) then the Loss
    arguments in `order`, with options placed among them as Keras places them."""
    params = [inspect.Parameter(key, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=value)
              for key, value in options]
    defaults = {"reduction": "sum_over_batch_size", "name": default_name, "dtype": None}
    for key in order:
        if key in defaults:
            params.append(inspect.Parameter(key, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                            default=defaults[key]))
        else:  # an option Keras lists after some Loss arguments
            params.append(next(p for p in params if p.name == key))
            params.remove(next(p for p in params[:-1] if p.name == key))
    signature = inspect.Signature([inspect.Parameter("self",
                                                     inspect.Parameter.POSITIONAL_ONLY)] + params)

    def __init__(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        values = bound.arguments
        opts = {key: values[key] for key, _ in options}
        if check is not None:
            check(**opts)
        Loss.__init__(self, name=values["name"], reduction=values["reduction"],
                      dtype=values["dtype"])
        self._fn_kwargs = opts
        for key, value in opts.items():
            setattr(self, key, value)

    __init__.__signature__ = signature
    return type(class_name, (_BuiltinLoss,), {
        "__init__": __init__, "_fn": staticmethod(fn), "_native_name": native,
        "_native_options": tuple(native_options), "__module__": __name__,
        "__doc__": _class_doc(class_name, default_name)})


def _check_q(q):
    if not 0 < q < 1:
        raise ValueError("q must be in the interval (0, 1)")


_LOGITS = ("from_logits", "label_smoothing")
_SCCE_ORDER = ("reduction", "axis", "name", "dtype")
_SEGMENTATION_ORDER = ("reduction", "name", "axis", "dtype")

MeanSquaredError = _builtin("MeanSquaredError", mean_squared_error, (), "mean_squared_error",
                            "MeanSquaredError")
MeanAbsoluteError = _builtin("MeanAbsoluteError", mean_absolute_error, (),
                             "mean_absolute_error", "MeanAbsoluteError")
MeanAbsolutePercentageError = _builtin("MeanAbsolutePercentageError",
                                       mean_absolute_percentage_error, (),
                                       "mean_absolute_percentage_error",
                                       "MeanAbsolutePercentageError")
MeanSquaredLogarithmicError = _builtin("MeanSquaredLogarithmicError",
                                       mean_squared_logarithmic_error, (),
                                       "mean_squared_logarithmic_error",
                                       "MeanSquaredLogarithmicError")
CosineSimilarity = _builtin("CosineSimilarity", cosine_similarity, (("axis", -1),),
                            "cosine_similarity", "CosineSimilarity")
Huber = _builtin("Huber", huber, (("delta", 1.0),), "huber_loss", "Huber", ("delta",))
LogCosh = _builtin("LogCosh", log_cosh, (), "log_cosh", "LogCosh")
Hinge = _builtin("Hinge", hinge, (), "hinge", "Hinge")
SquaredHinge = _builtin("SquaredHinge", squared_hinge, (), "squared_hinge", "SquaredHinge")
CategoricalHinge = _builtin("CategoricalHinge", categorical_hinge, (), "categorical_hinge",
                            "CategoricalHinge")
KLDivergence = _builtin("KLDivergence", kl_divergence, (), "kl_divergence", "KLDivergence")
Poisson = _builtin("Poisson", poisson, (), "poisson", "Poisson")
BinaryCrossentropy = _builtin(
    "BinaryCrossentropy", binary_crossentropy,
    (("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)), "binary_crossentropy",
    "BinaryCrossentropy", _LOGITS)
BinaryFocalCrossentropy = _builtin(
    "BinaryFocalCrossentropy", binary_focal_crossentropy,
    (("apply_class_balancing", False), ("alpha", 0.25), ("gamma", 2.0), ("from_logits", False),
     ("label_smoothing", 0.0), ("axis", -1)), "binary_focal_crossentropy",
    "BinaryFocalCrossentropy", ("apply_class_balancing", "alpha", "gamma") + _LOGITS)
CategoricalCrossentropy = _builtin(
    "CategoricalCrossentropy", categorical_crossentropy,
    (("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)),
    "categorical_crossentropy", "CategoricalCrossentropy", _LOGITS)
CategoricalFocalCrossentropy = _builtin(
    "CategoricalFocalCrossentropy", categorical_focal_crossentropy,
    (("alpha", 0.25), ("gamma", 2.0), ("from_logits", False), ("label_smoothing", 0.0),
     ("axis", -1)), "categorical_focal_crossentropy")
SparseCategoricalCrossentropy = _builtin(
    "SparseCategoricalCrossentropy", sparse_categorical_crossentropy,
    (("from_logits", False), ("ignore_class", None), ("axis", -1)),
    "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy",
    ("from_logits", "ignore_class"), order=_SCCE_ORDER)
CTC = _builtin("CTC", ctc, (), "ctc")
Dice = _builtin("Dice", dice, (("axis", None),), "dice", order=_SEGMENTATION_ORDER)
Tversky = _builtin("Tversky", tversky, (("alpha", 0.5), ("beta", 0.5), ("axis", None)),
                   "tversky", order=_SEGMENTATION_ORDER)
Circle = _builtin("Circle", circle,
                  (("gamma", 80.0), ("margin", 0.4), ("remove_diagonal", True)), "circle")
CategoricalGeneralizedCrossEntropy = _builtin(
    "CategoricalGeneralizedCrossEntropy", categorical_generalized_cross_entropy, (("q", 0.5),),
    "categorical_generalized_cross_entropy", check=_check_q)


def _scce_values_and_mask(self, y_true, y_pred):
    if not self._is_builtin_call():
        return Loss._values_and_mask(self, y_true, y_pred)
    y_true, y_pred = keras_semantics.squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _fns.sparse_categorical_crossentropy_and_mask(y_true, y_pred, **self._fn_kwargs)


def _circle_values_and_mask(self, y_true, y_pred):
    if not self._is_builtin_call():
        return Loss._values_and_mask(self, y_true, y_pred)
    y_true, y_pred = keras_semantics.squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _fns.circle_and_mask(y_true, y_pred, **self._fn_kwargs)


def _ctc_native_for(self, y_true_cols, y_pred_cols):
    raise TypeError(f"The loss {self.name!r} (keras.losses.CTC) cannot be compiled: CTC needs "
                    f"sequence outputs (batch, time, classes), which densefit's dense networks "
                    f"do not produce")


SparseCategoricalCrossentropy._values_and_mask = _scce_values_and_mask
Circle._values_and_mask = _circle_values_and_mask
CTC.native_for = _ctc_native_for

_CLASSES = [
    KLDivergence, Poisson, BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
    CategoricalFocalCrossentropy, SparseCategoricalCrossentropy, MeanSquaredError,
    MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    CosineSimilarity, LogCosh, Huber, Hinge, SquaredHinge, CategoricalHinge, Dice, Tversky,
    Circle, CTC,
]
# Each Keras function and the class that computes it with default options (compile() turns a
# function given as a loss into its class, so that it runs natively where the core has it).
FUNCTION_CLASSES = {cls._fn: cls for cls in _CLASSES}
FUNCTION_CLASSES[CategoricalGeneralizedCrossEntropy._fn] = CategoricalGeneralizedCrossEntropy

# Keras's keras.losses.ALL_OBJECTS_DICT: class and function names, and its aliases.
ALL_OBJECTS = [Loss, LossFunctionWrapper, *_CLASSES, *(cls._fn for cls in _CLASSES)]
ALL_OBJECTS_DICT = {obj.__name__: obj for obj in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({
    "bce": binary_crossentropy, "BCE": binary_crossentropy,
    "kld": kl_divergence, "KLD": kl_divergence,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
})
# Every class, by name (what saving looks classes up in).
ALL = {cls.__name__: cls for cls in (*_CLASSES, CategoricalGeneralizedCrossEntropy)}

# Keras 2 spellings densefit has always exported as functions (get() resolves only Keras 3's).
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
huber_loss = huber


def _valid_names():
    return ", ".join(sorted(ALL_OBJECTS_DICT))


def deserialize(config, custom_objects=None):
    """A loss from `{"class_name": ..., "config": ...}` (a function's config is its name)."""
    table = {**ALL_OBJECTS_DICT, **(custom_objects or {})}
    name = config.get("class_name")
    if name == "function":
        name, config = config.get("config"), {}
        if name in table and not inspect.isclass(table[name]):
            return table[name]
    if name not in table:
        raise ValueError(f"Unknown loss: {name!r}. Valid names: {_valid_names()}")
    obj = table[name]
    if not inspect.isclass(obj):
        return obj
    from densefit.saving.builtin_objects import normalize_config
    return obj.from_config(normalize_config(obj, config.get("config") or {}))


def get(identifier):
    """keras.losses.get: a Loss instance or a loss function from a name in Keras's registry
    ("mse" and "mean_squared_error" give the function, "MeanSquaredError" an instance), a
    config dict, a class, an instance or a function."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
        if obj is None:
            raise ValueError(f"Could not interpret loss identifier: {identifier!r}. Valid "
                             f"names: {_valid_names()}")
    else:
        obj = identifier
    if callable(obj):
        return obj() if inspect.isclass(obj) else obj
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")


def resolve(identifier):
    """The Loss compile() trains with (Keras's compile_utils.get_loss): get(identifier), with
    a function made a Loss -- densefit's own functions become their class, which runs
    natively where the core has it, any other a LossFunctionWrapper that is traced."""
    obj = get(identifier)
    if obj is None:
        raise ValueError("densefit needs a `loss` in compile() (add_loss is not supported)")
    if isinstance(obj, Loss):
        return obj
    if obj in FUNCTION_CLASSES:
        return FUNCTION_CLASSES[obj]()
    if callable(obj):
        return LossFunctionWrapper(obj)
    raise TypeError(f"Could not interpret loss identifier: {identifier!r} (expected a name, a "
                    f"config dict, a densefit.losses.Loss or a function)")


def serialize(loss):
    if not isinstance(loss, Loss):
        return {"module": "keras.losses", "class_name": "function",
                "config": getattr(loss, "__name__", repr(loss)), "registered_name": None}
    return {"module": "keras.losses", "class_name": type(loss).__name__,
            "config": loss.get_config(), "registered_name": None}
