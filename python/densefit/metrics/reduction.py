"""Mean, Sum and MeanMetricWrapper (Keras's reduction_metrics)."""

import numpy as np

from densefit._native import core
from densefit.metrics import weights
from densefit.metrics.base import Metric, _row_count, as_batch, document, per_output_rows

# How compile() turns a Python function into a native per-sample expression. The expression
# module registers it (set_callable_compiler); until then, compiling a MeanMetricWrapper
# around an arbitrary function raises a clear error. Standalone use needs no compiler.
_callable_compiler = None


def set_callable_compiler(compiler):
    """Registers `compiler(fn, fn_kwargs, weighted, y_true_shape, y_pred_shape) -> dict`, the
    spec dict of a native metric that averages fn's per-sample values (the network binding
    reads it as it reads any metric spec)."""
    global _callable_compiler
    _callable_compiler = compiler


def _samplewise(values, sample_weight, reduce_fn):
    """Keras's reduce_to_samplewise_values: per-sample values (and weights) from values of
    any rank and weights of matching or lower rank."""
    values = np.asarray(values, dtype=np.float64)
    if sample_weight is not None:
        sw = np.asarray(sample_weight, dtype=np.float64)
        values, sw = _same_rank(values, sw)
        if values.ndim > sw.ndim:
            values = reduce_fn(values, axis=tuple(range(sw.ndim, values.ndim)))
        sw = np.broadcast_to(sw, values.shape)
        values = values * sw
        if sw.ndim > 1:
            sw = reduce_fn(sw, axis=tuple(range(1, sw.ndim)))
        sample_weight = sw
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


def _same_rank(x1, x2):
    # Keras's squeeze_or_expand_to_same_rank
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        if x2.ndim == 1:
            x2 = x2[..., None]
        else:
            x1 = x1[..., 0]
    elif x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        if x1.ndim == 1:
            x1 = x1[..., None]
        else:
            x2 = x2[..., 0]
    return x1, x2


@document()
class Sum(Metric):
    """Compute the (weighted) sum of the given values.

    For example, if `values` is `[1, 3, 5, 7]` then their sum is 16. If `sample_weight` was
    specified as `[1, 1, 0, 0]` then the sum would be 4. Values of higher rank are weighted
    by weights of matching or lower rank (broadcast over the remaining axes) and then summed.
    The state is one total, kept in Python; `Sum` takes values rather than
    `(y_true, y_pred)`, so it is used standalone, not in `compile()`.

    Args:
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.Sum()
    >>> m.update_state([1, 3, 5, 7])
    >>> float(m.result())
    16.0
    >>> m.reset_state()
    >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    >>> float(m.result())
    4.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def update_state(self, values, sample_weight=None):
        values, _ = _samplewise(values, sample_weight, np.sum)
        self._total += float(np.sum(values))

    def result(self):
        return np.asarray(self._total, dtype=self.dtype)[()]

    def reset_state(self):
        self._total = 0.0

    @property
    def variables(self):
        return [np.asarray(self._total, dtype=self.dtype)]


@document()
class Mean(Metric):
    """Compute the (weighted) mean of the given values.

    For example, if values is `[1, 3, 5, 7]` then the mean is 4. If `sample_weight` was
    specified as `[1, 1, 0, 0]` then the mean would be 2. As in Keras, the values of each
    sample (the axes after the first) are averaged first. The state is a total and a count,
    kept in Python; the result is `total / count` (0 before any update). `Mean` takes values
    rather than `(y_true, y_pred)`, so it is used standalone, not in `compile()`.

    Args:
        {name}
        {dtype}

    Example:

    >>> import densefit as keras
    >>> m = keras.metrics.Mean()
    >>> m.update_state([1, 3, 5, 7])
    >>> float(m.result())
    4.0
    >>> m.reset_state()
    >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    >>> float(m.result())
    2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def update_state(self, values, sample_weight=None):
        values, sample_weight = _samplewise(values, sample_weight, np.mean)
        self._total += float(np.sum(values))
        if sample_weight is not None:
            self._count += float(np.sum(sample_weight))
        else:
            self._count += values.shape[0] if values.ndim >= 1 else 1

    def result(self):
        value = self._total / self._count if self._count else 0.0  # Keras's divide_no_nan
        return np.asarray(value, dtype=self.dtype)[()]

    def reset_state(self):
        self._total = 0.0
        self._count = 0.0

    @property
    def variables(self):
        return [np.asarray(self._total, dtype=self.dtype), np.asarray(self._count, dtype=self.dtype)]


@document()
class MeanMetricWrapper(Mean):
    """Wrap a stateless metric function with the `Mean` metric.

    You could use this class to quickly build a mean metric from a function. The function
    needs to have the signature `fn(y_true, y_pred, **kwargs)` and return per-sample values;
    `result()` returns their (weighted) mean over all samples seen so far.

    A densefit metric or loss function (`keras.metrics.binary_accuracy`,
    `keras.losses.mean_squared_error`, ...) runs natively, standalone and compiled. Any other
    function is evaluated on the NumPy arrays when used standalone; `compile()` traces it
    into the native training step, so it should be written with `keras.ops`.

    Args:
        fn: The metric function to wrap, with signature `fn(y_true, y_pred, **kwargs)`.
        name: (Optional) String name of the metric instance. Defaults to `None`, i.e.
            `"mean_metric_wrapper"` (`compile(metrics=[fn])` names it after `fn`).
        {dtype}
        **kwargs: Keyword arguments to pass on to `fn`.

    Example:

    >>> import densefit as keras
    >>> def absolute_error(y_true, y_pred):
    ...     return keras.ops.mean(keras.ops.abs(keras.ops.subtract(y_true, y_pred)), axis=-1)
    >>> m = keras.metrics.MeanMetricWrapper(fn=absolute_error)
    >>> m.update_state([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]])
    >>> float(m.result())
    0.25
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper needs a callable `fn`, got {fn!r}")
        spec, self._sparse_labels, self._values = _NATIVE_FUNCTIONS.get(fn, (None, False, None))
        self._state = None if spec is None else core.MetricState(spec(**kwargs))
        # Keras: the class's name unless given (compile() names a function's metric by it).
        super().__init__(name=name or "mean_metric_wrapper", dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        self._shapes = None  # (y_true shape, y_pred shape), set when compile() resolves it

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self._state is not None:
            y_true = np.asarray(y_true, dtype=np.float32)
            y_pred = np.asarray(y_pred, dtype=np.float32)
            if y_pred.ndim == 0:
                raise ValueError("`y_pred` must have a batch dimension, got a scalar")
            shape = weights.values_shape(self._values, y_true.shape, y_pred.shape)
            plan = weights.mean_rows(self, shape, sample_weight, _row_count(y_pred),
                                     self._values == "elementwise")
            if plan.per_output:
                y_true, y_pred = per_output_rows(y_true, y_pred)
            true, pred, _ = as_batch(y_true, y_pred, None, self._sparse_labels)
            self._state.update(true, pred, plan.weights)
            return
        values = np.asarray(self._fn(y_true, y_pred, **self._fn_kwargs))
        super().update_state(values, sample_weight=sample_weight)

    def result(self):
        if self._state is not None:
            return self._state.result().astype(self.dtype)[()]
        return super().result()

    def reset_state(self):
        super().reset_state()
        if self._state is not None:
            self._state.reset()

    @property
    def variables(self):
        if self._state is not None:
            return [v.astype(self.dtype) for v in self._state.variables().values()]
        return super().variables

    def native(self, weighted=False):
        if self._state is not None:
            return {"state": self._state, "weighted": bool(weighted)}
        if _callable_compiler is None:
            raise TypeError(f"Compiling the Python function {self.name!r} as a metric needs "
                            f"densefit's expression compiler, which is not available")
        y_true_shape, y_pred_shape = self._shapes or (None, None)
        return _callable_compiler(self._fn, self._fn_kwargs, bool(weighted), y_true_shape,
                                  y_pred_shape)

    def get_config(self):
        return {**super().get_config(), "fn": getattr(self._fn, "__name__", repr(self._fn)),
                **self._fn_kwargs}


# function -> (**kwargs -> MetricSpec dict, y_true holds class ids, which values Keras
# weighs: weights.values_shape's rule) for functions with a native kind.
_NATIVE_FUNCTIONS = {}


def native_function(fn, spec, sparse_labels=False, values="per_sample"):
    """Registers `spec(**fn_kwargs)`, the MetricSpec dict that computes `fn`'s mean natively
    (so MeanMetricWrapper(fn) and compile(metrics=[fn]) need no expression compiler)."""
    _NATIVE_FUNCTIONS[fn] = (spec, sparse_labels, values)
    return fn
