"""Keras losses. Each is a descriptor whose formula and gradient run natively; calling one on
NumPy arrays goes through the same native code."""

import numpy as np

from densefit._native import core

_REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


class Loss:
    """Base of densefit's losses (Keras's `keras.losses.Loss`)."""

    _fn_name = None
    _defaults = {}

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None, **options):
        if reduction not in _REDUCTIONS:
            raise ValueError(f"Invalid value for argument `reduction`. Expected one of "
                             f"{_REDUCTIONS}. Received: reduction={reduction!r}")
        unknown = set(options) - set(self._defaults)
        if unknown:
            raise TypeError(f"{type(self).__name__} got unexpected arguments {sorted(unknown)}")
        self.name = name or self._fn_name
        self.reduction = reduction
        self.dtype = dtype
        self.options = {**self._defaults, **options}
        for key, value in self.options.items():
            setattr(self, key, value)

    def native(self):
        """The config the native core takes."""
        cfg = {"name": type(self).__name__, "reduction": self.reduction or "none"}
        cfg.update({k: v for k, v in self.options.items() if k in _NATIVE_KEYS})
        return cfg

    def __call__(self, y_true, y_pred, sample_weight=None):
        if self._user_call():
            return _custom_call(self, y_true, y_pred, sample_weight)
        values = _per_sample(self.native(), y_true, y_pred)
        if sample_weight is not None:
            values = values * np.asarray(sample_weight, dtype=np.float32).reshape(values.shape)
        if self.reduction in (None, "none"):
            return values
        total = values.sum(dtype=np.float64)
        if self.reduction == "sum":
            return np.float32(total)
        if self.reduction == "mean_with_sample_weight" and sample_weight is not None:
            return np.float32(total / np.sum(sample_weight))
        return np.float32(total / max(values.size, 1))

    def call(self, y_true, y_pred):
        """Per-sample values (Keras's Loss.call); subclasses may override it with NumPy or
        densefit.ops code, which compile() traces into the native step."""
        return _per_sample(self.native(), y_true, y_pred)

    def _user_call(self):
        return type(self).call is not Loss.call

    def native_for(self, y_true_cols, y_pred_cols):
        """The native config for batches of y_true / y_pred with these widths: a graph traced
        from a user-written `call`, else native()."""
        if not self._user_call():
            return self.native()
        from densefit.ops.trace import trace_loss
        return {"expression": trace_loss(self.call, y_true_cols, y_pred_cols, self.reduction,
                                         name=self.name)}

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction, "dtype": self.dtype,
                **self.options}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


_NATIVE_KEYS = {"from_logits", "label_smoothing", "delta", "gamma", "alpha", "ignore_class",
                "apply_class_balancing"}


def _per_sample(native_cfg, y_true, y_pred):
    y_pred = np.asarray(y_pred, dtype=np.float32)
    y_true = np.asarray(y_true, dtype=np.float32)
    lead = y_pred.shape[:-1] if y_pred.ndim > 1 else y_pred.shape
    pred2d = np.ascontiguousarray(y_pred.reshape(-1, y_pred.shape[-1] if y_pred.ndim > 1 else 1))
    if native_cfg["name"] == "SparseCategoricalCrossentropy":
        true2d = np.ascontiguousarray(y_true.reshape(-1, 1))
    else:
        true2d = np.ascontiguousarray(y_true.reshape(pred2d.shape))
    return core.loss_per_sample(native_cfg, true2d, pred2d).reshape(lead)


_LOGITS = {"from_logits": False}
_TABLE = [
    # class name, function name, options with Keras's defaults, extra function aliases
    ("BinaryCrossentropy", "binary_crossentropy", {**_LOGITS, "label_smoothing": 0.0, "axis": -1}, ()),
    ("CategoricalCrossentropy", "categorical_crossentropy",
     {**_LOGITS, "label_smoothing": 0.0, "axis": -1}, ()),
    ("SparseCategoricalCrossentropy", "sparse_categorical_crossentropy",
     {**_LOGITS, "ignore_class": None, "axis": -1}, ()),
    ("BinaryFocalCrossentropy", "binary_focal_crossentropy",
     {"apply_class_balancing": False, "alpha": 0.25, "gamma": 2.0, **_LOGITS,
      "label_smoothing": 0.0, "axis": -1}, ()),
    ("MeanSquaredError", "mean_squared_error", {}, ("mse",)),
    ("MeanAbsoluteError", "mean_absolute_error", {}, ("mae",)),
    ("MeanAbsolutePercentageError", "mean_absolute_percentage_error", {}, ("mape",)),
    ("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", {}, ("msle",)),
    ("Huber", "huber_loss", {"delta": 1.0}, ("huber",)),
    ("LogCosh", "log_cosh", {}, ("logcosh",)),
    ("Hinge", "hinge", {}, ()),
    ("SquaredHinge", "squared_hinge", {}, ()),
    ("CategoricalHinge", "categorical_hinge", {}, ()),
    ("KLDivergence", "kl_divergence", {}, ("kld", "kullback_leibler_divergence", "KLD")),
    ("Poisson", "poisson", {}, ()),
    ("CosineSimilarity", "cosine_similarity", {"axis": -1}, ()),
]

ALL = {}
_BY_NAME = {}
for _cls_name, _fn, _defaults, _aliases in _TABLE:
    _cls = type(_cls_name, (Loss,), {"_fn_name": _fn, "_defaults": _defaults,
                                     "__module__": __name__})
    globals()[_cls_name] = ALL[_cls_name] = _cls
    for _alias in (_cls_name, _fn) + _aliases:
        _BY_NAME[_alias] = _cls

    def _function(y_true, y_pred, _cls=_cls, **options):
        return _per_sample(_cls(**options).native(), y_true, y_pred)

    _function.__name__ = _fn
    globals()[_fn] = _function
    for _alias in _aliases:
        globals()[_alias] = _function

VALID_NAMES = sorted({_fn for _, _fn, _, _ in _TABLE} | {a for *_, al in _TABLE for a in al})


def get(identifier):
    """A Loss from a Keras name ("mse", "binary_crossentropy", "BinaryCrossentropy"), a config
    dict or an instance."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict) and "class_name" in identifier:
        cls = _BY_NAME.get(identifier["class_name"])
        if cls is None:
            raise ValueError(f"Unknown loss: {identifier['class_name']!r}. "
                             f"Valid names: {', '.join(VALID_NAMES)}")
        return cls.from_config(identifier.get("config") or {})
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Unknown loss: {identifier!r}. Valid names: {', '.join(VALID_NAMES)}")
        return _BY_NAME[identifier]()
    fn_name = getattr(identifier, "__name__", None)
    if callable(identifier) and fn_name in _BY_NAME and getattr(identifier, "__module__", "") == __name__:
        return _BY_NAME[fn_name]()
    if callable(identifier) and not isinstance(identifier, type):
        return LossFunctionWrapper(identifier)
    raise TypeError(f"Could not interpret loss identifier: {identifier!r} (expected a name, a "
                    f"config dict a densefit.losses.Loss or a function)")


def serialize(loss):
    return {"module": "keras.losses", "class_name": type(loss).__name__,
            "config": loss.get_config(), "registered_name": None}


class LossFunctionWrapper(Loss):
    """A loss from a function `fn(y_true, y_pred, **kwargs)` returning per-sample (or
    per-element, or scalar) values, as Keras's LossFunctionWrapper: y_true and y_pred are made
    the same rank, the values weighted by sample_weight and reduced by `reduction`. Called on
    arrays it runs `fn` with NumPy; in compile() it is traced into the native step."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"LossFunctionWrapper needs a callable `fn`, got {fn!r}")
        from densefit.ops.trace import function_name
        super().__init__(name=name or function_name(fn), reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        from densefit.ops.keras_semantics import squeeze_or_expand_to_same_rank
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        from densefit.ops.trace import function_name
        return {"name": self.name, "reduction": self.reduction, "dtype": self.dtype,
                "fn": function_name(self.fn), **self._fn_kwargs}

    def __repr__(self):
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


def _custom_call(loss, y_true, y_pred, sample_weight):
    """A user `call` on arrays, with Keras's float32 inputs, weighting and reduction."""
    from densefit.ops.keras_semantics import (reduce_weighted_values,
                                              squeeze_or_expand_to_same_rank)
    y_true = np.asarray(y_true, dtype=np.float32)
    y_pred = np.asarray(y_pred, dtype=np.float32)
    values = np.asarray(loss.call(y_true, y_pred), dtype=np.float32)
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=np.float32)
    if loss.reduction in (None, "none"):
        if sample_weight is None:
            return values
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        return values * sample_weight
    return np.float32(reduce_weighted_values(values, sample_weight, loss.reduction))
