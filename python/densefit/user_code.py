"""Refuses user code the native engine would skip.

densefit runs a model as native ops chosen from its built-in layer classes, and runs the
training, test and predict steps natively. A Layer subclass's own `call`/`build`, or a model
subclass's `train_step`/`call`, would never run: the model would compute something else and
say nothing (the antirectifier example trained the rest of the net around an identity). Until
user code is traced into the native graph, such classes raise here, naming the class, the
method and where it is defined.
"""

import inspect

# Layer methods whose override changes what the layer computes.
_LAYER_METHODS = ("call", "build", "__call__", "compute_output_spec", "add_loss")
# Model methods densefit never calls: it runs these steps natively.
_MODEL_METHODS = ("train_step", "test_step", "predict_step", "call", "compute_loss",
                  "compute_metrics", "make_train_function", "make_test_function",
                  "make_predict_function")

_checked = set()  # classes already found runnable: the check runs once per class


class UnsupportedUserCodeError(NotImplementedError):
    """A user subclass overrides something densefit's native engine does not run."""


def _is_densefit_class(cls):
    return cls.__module__ == "densefit" or cls.__module__.startswith("densefit.")


def _where(cls, method):
    """'file:line' of cls.method's definition, or the class's module when unknown."""
    try:
        function = inspect.unwrap(cls.__dict__[method])
        return f"{inspect.getsourcefile(function)}:{inspect.getsourcelines(function)[1]}"
    except (TypeError, OSError, KeyError):
        return cls.__module__


def _user_override(obj, methods):
    """(user class, method) for the first of `methods` that a non-densefit class in obj's
    MRO defines, or None. Only classes before the first densefit class count: those are
    the user's."""
    for cls in type(obj).__mro__:
        if _is_densefit_class(cls):
            return None
        for method in methods:
            if method in cls.__dict__:
                return cls, method
    return None


def check_layer(layer):
    """Raises UnsupportedUserCodeError for a layer densefit cannot run exactly: a direct
    subclass of `Layer` (it has no native op), or a subclass of a built-in layer that
    overrides how it computes."""
    from densefit.layers.layer import Layer

    cls = type(layer)
    if cls in _checked:
        return
    builtin = next(c for c in cls.__mro__ if _is_densefit_class(c))
    if builtin is Layer:
        method = next((m for m in ("call", "build") if hasattr(cls, m)), None)
        what = (f"its `{method}` (defined at {_where(_definer(cls, method), method)})"
                if method else "it defines no computation densefit knows")
        raise UnsupportedUserCodeError(
            f"Layer {layer.name!r} is an instance of the custom layer class {cls.__name__}: "
            f"densefit cannot run custom Layer subclasses natively yet, so {what} would never "
            f"run. Build the computation from densefit's built-in layers (Dense, Activation, "
            f"Dropout, Flatten), or run this model with Keras.")
    found = _user_override(layer, _LAYER_METHODS)
    if found is not None:
        user_cls, method = found
        hint = (" (for Monte-Carlo dropout, call the model with training=True)"
                if builtin.__name__ == "Dropout" else "")
        raise UnsupportedUserCodeError(
            f"Layer {layer.name!r} ({user_cls.__name__}, a subclass of densefit's "
            f"{builtin.__name__}) overrides `{method}` at {_where(user_cls, method)}: densefit "
            f"runs the built-in {builtin.__name__} natively and would never call it. Use "
            f"{builtin.__name__} itself{hint}, or run this model with Keras.")
    _checked.add(cls)


def check_model(model):
    """Raises UnsupportedUserCodeError for a Sequential/Model subclass that overrides a
    step or `call`, which densefit's native loops would skip."""
    cls = type(model)
    if cls in _checked:
        return
    found = _user_override(model, _MODEL_METHODS)
    if found is not None:
        user_cls, method = found
        raise UnsupportedUserCodeError(
            f"{user_cls.__name__} overrides `{method}` at {_where(user_cls, method)}: densefit "
            f"runs the training, test and predict steps natively and would never call it. "
            f"Custom steps are not supported yet; use compile() with a loss, metrics and "
            f"callbacks for what the override did, or run this model with Keras.")
    _checked.add(cls)


def _definer(cls, method):
    return next(c for c in cls.__mro__ if method in c.__dict__)
