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
from densefit.ops import keras_semantics

_REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"Invalid value for argument `reduction`. Expected one of "
                         f"{_REDUCTIONS}. Received: reduction={reduction!r}")
    return reduction


def _snake_case(name):
    from densefit.metrics.base import _snake_case as snake
    return snake(name)


class Loss:
    """Base of densefit's losses (Keras's `keras.losses.Loss`): subclasses implement
    `call(y_true, y_pred)` with NumPy or densefit.ops, which compile() traces."""

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or _snake_case(type(self).__name__)
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
        "__doc__": f"Keras's {class_name}: the `{fn.__name__}` function as a Loss."})


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
