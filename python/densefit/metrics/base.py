"""Keras's stateful metric API (`update_state`, `result`, `reset_state`, `name`, `dtype`,
`get_config`) and the bases every densefit metric builds on.

A `NativeMetric` keeps its state in a native `MetricState` (densefit/metrics.h). Standalone
calls update it from NumPy arrays; compiling the metric into a model hands the same state to
the native training step, which updates it as each batch is computed, so after `fit` or
`evaluate` the object holds the counts of the last run, as Keras's metric variables do.
"""

import inspect

import numpy as np

from densefit._native import core
from densefit.metrics import weights
from densefit.naming import to_snake_case
from densefit.ops.keras_semantics import squeeze_or_expand_to_same_rank


# Argument texts that metric docstrings share, written once. A docstring names them in its
# Args section (`{name}`, `{dtype}`, or a family's own table's, such as `{thresholds}`) and
# `document` formats them in; `{name}` states the class's own default name. Each text is
# indented for an Args entry of a class docstring (continuation lines at 12 spaces).
ARG_DOCS = {
    "dtype": """dtype: (Optional) Data type of the metric result: `None` (i.e. `"float32"`),
            `"float32"` or `"float64"`. The result (and `variables`) are cast to it.
            Defaults to `None`.""",
    "sample_weight": """If `sample_weight` is `None`, weights default to 1. Use `sample_weight` of 0
    to mask values.""",
}
_NAME_DOC = "name: (Optional) String name of the metric instance. Defaults to\n            {}."


def _name_doc(cls):
    default = inspect.signature(cls.__init__).parameters["name"].default
    if default is not None:
        return _NAME_DOC.format(f'`"{default}"`')
    name = getattr(cls, "_default_name", None) or to_snake_case(cls.__name__)
    return _NAME_DOC.format(f'`None`, which names it `"{name}"`')


def document(*tables):
    """Class decorator (or a call on a class a factory made) that formats the shared
    argument texts into the class's docstring: `{name}`, those of `ARG_DOCS` and those of
    `tables` (dicts of a family's own texts). Literal braces are written `{{` and `}}`."""
    def apply(cls):
        texts = {"name": _name_doc(cls), **ARG_DOCS}
        for table in tables:
            texts.update(table)
        cls.__doc__ = cls.__doc__.format(**texts)
        return cls
    return apply


@document()
class Metric:
    """Encapsulates metric logic and state (Keras's `keras.metrics.Metric`).

    A metric accumulates state over batches: `update_state(...)` adds a batch, `result()`
    computes the metric from the state so far and `reset_state()` clears it; calling the
    metric updates it and returns the result. A subclass implements those three methods and
    keeps its state in Python (or NumPy) attributes. densefit's built-in metrics keep theirs
    in native state instead, which `compile()` hands to the native training step; a metric
    written in Python is used standalone (its `native()` raises `TypeError` in `compile()`):
    wrap a per-sample function in `MeanMetricWrapper` to compile it.

    Args:
        name: (Optional) String name of the metric instance. Defaults to `None`, i.e. the
            snake-case class name.
        {dtype}

    Example:

    >>> import densefit as keras
    >>> class Total(keras.metrics.Metric):
    ...     def __init__(self, name="total", dtype=None):
    ...         super().__init__(name=name, dtype=dtype)
    ...         self.total = 0.0
    ...     def update_state(self, values):
    ...         self.total += float(sum(values))
    ...     def result(self):
    ...         return self.total
    ...     def reset_state(self):
    ...         self.total = 0.0
    >>> m = Total()
    >>> m.update_state([1.0, 2.0])
    >>> m.update_state([3.5])
    >>> m.result()
    6.5
    >>> m.name
    'total'
    """

    _direction = None  # "up" or "down" where Keras gives one (directions.py)

    def __init__(self, dtype=None, name=None):  # Keras's order: dtype first
        if name is not None and not isinstance(name, str):
            raise TypeError(f"`name` must be a string, got {name!r}")
        self.name = name or to_snake_case(type(self).__name__)
        if dtype not in (None, "float32", "float64", np.float32, np.float64):
            raise ValueError(f"densefit metrics compute in float32; `dtype` must be None, "
                             f"'float32' or 'float64', got {dtype!r}")
        self._dtype = "float32" if dtype is None else np.dtype(dtype).name

    @property
    def dtype(self):
        return self._dtype

    def update_state(self, *args, **kwargs):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self):
        raise NotImplementedError

    @property
    def variables(self):
        return []

    def native(self, weighted=False):
        """How compile() hands this metric to the native step: a dict the network binding
        reads (`{"state": MetricState, "weighted": ...}` or a spec dict)."""
        raise TypeError(f"{type(self).__name__} updates its state in Python and cannot be "
                        f"compiled into densefit's native step; use a built-in metric or a "
                        f"MeanMetricWrapper around a function")

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


class NativeMetric(Metric):
    """A metric whose state and formulas are native (kind names a MetricSpec::Kind)."""

    _kind = None
    _sparse_labels = False  # y_true holds class ids (one value per sample)
    # Which values Keras weighs (metrics/weights.py): a mean metric's per-sample values, or
    # one value per output ("elementwise").
    _values = "per_sample"

    def __init__(self, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._state = core.MetricState(self._spec())

    def _spec(self):
        """The MetricSpec dict of this metric (see cpp/bindings/metric_config.h)."""
        return {"kind": self._kind}

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = np.asarray(y_true, dtype=np.float32)
        y_pred = np.asarray(y_pred, dtype=np.float32)
        if y_pred.ndim == 0:
            raise ValueError("`y_pred` must have a batch dimension, got a scalar")
        plan = self._rows(y_true, y_pred, sample_weight)
        if plan.per_output:
            y_true, y_pred = self._per_output_rows(y_true, y_pred)
        true, pred, _ = as_batch(y_true, y_pred, None, self._sparse_labels)
        self._state.update(true, pred, plan.weights)

    def _rows(self, y_true, y_pred, sample_weight):
        """The native row weights for this batch (metrics/weights.py): Keras's Mean rule by
        default."""
        shape = weights.values_shape(self._values, y_true.shape, y_pred.shape)
        return weights.mean_rows(self, shape, sample_weight, _row_count(y_pred),
                                 self._values == "elementwise")

    def _per_output_rows(self, y_true, y_pred):
        """The batch as rows of one output each, for per-output weights."""
        return per_output_rows(y_true, y_pred)

    def result(self):
        value = self._state.result().astype(self.dtype)
        return value[()] if value.ndim == 0 else value

    def reset_state(self):
        self._state.reset()

    @property
    def variables(self):
        return [v.astype(self.dtype) for v in self._state.variables().values()]

    def native(self, weighted=False):
        return {"state": self._state, "weighted": bool(weighted)}


def _row_count(y_pred):
    return y_pred.shape[0] if y_pred.ndim == 1 else int(np.prod(y_pred.shape[:-1]))


def per_output_rows(y_true, y_pred):
    """(y_true, y_pred) as one row per output of every sample ((n * k, 1) each), for native
    states that count outputs independently and per-output weights."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    shape = np.broadcast_shapes(y_true.shape, y_pred.shape)
    return (np.ascontiguousarray(np.broadcast_to(y_true, shape).reshape(-1, 1)),
            np.ascontiguousarray(np.broadcast_to(y_pred, shape).reshape(-1, 1)))


def as_batch(y_true, y_pred, sample_weight=None, sparse_labels=False):
    """(y_true, y_pred, sample_weight) as the native update takes them: float32 C-contiguous
    (rows, columns) arrays and one weight per row. Ranks are matched as Keras's
    squeeze_or_expand_to_same_rank does; leading axes beyond the first become rows (each
    sample's weight repeated over them)."""
    y_pred = np.asarray(y_pred, dtype=np.float32)
    y_true = np.asarray(y_true, dtype=np.float32)
    if y_pred.ndim == 0:
        raise ValueError("`y_pred` must have a batch dimension, got a scalar")
    samples = y_pred.shape[0]
    pred = y_pred.reshape(-1, 1) if y_pred.ndim == 1 else y_pred.reshape(-1, y_pred.shape[-1])
    rows = pred.shape[0]
    if sparse_labels:
        if y_true.size != rows:
            raise ValueError(f"`y_true` must hold one class id per sample ({rows}), got shape "
                             f"{y_true.shape}")
        true = y_true.reshape(rows, 1)
    elif y_true.size == pred.size:
        true = y_true.reshape(pred.shape)
    else:
        if y_true.ndim == 0 or y_true.shape[0] != samples:
            raise ValueError(f"`y_true` and `y_pred` have different numbers of samples: "
                             f"{y_true.shape} vs {y_pred.shape}")
        true = y_true.reshape(rows, -1)  # the native metric names what it needs
    row_weights = None
    if sample_weight is not None:
        sw = np.asarray(sample_weight, dtype=np.float32)
        if sw.ndim == 0:
            row_weights = np.full(rows, sw, dtype=np.float32)
        elif sw.size == samples:
            row_weights = np.repeat(sw.reshape(samples), rows // max(samples, 1))
        else:
            raise ValueError(f"`sample_weight` must hold one weight per sample ({samples}), got "
                             f"shape {sw.shape}")
    return (np.ascontiguousarray(true), np.ascontiguousarray(pred),
            None if row_weights is None else np.ascontiguousarray(row_weights))
