"""CallbackList: dispatches Keras's hooks to the user's callbacks plus History and ProgbarLogger,
and tells the loop whether anyone listens to batches."""

from densefit.callbacks.callback import Callback, overrides_batch_hooks
from densefit.callbacks.history import History
from densefit.callbacks.progbar import ProgbarLogger
from densefit.trainers import arguments


class CallbackList(Callback):
    """A list of callbacks that acts as one: every hook call is passed on to each of them.

    `fit`, `evaluate` and `predict` wrap the user's callbacks in one; it is rarely built by
    hand. It can add the `History` and `ProgbarLogger` callbacks that Keras's loops use, and
    it only calls the callbacks that override a hook (a `logs` of `None` arrives as `{}`).

    Args:
        callbacks: A `Callback`, a (nested) list or tuple of them, or `None`. Defaults to
            `None` (no callbacks).
        add_history: Boolean; if `True`, appends a `History` callback unless one is in the
            list already. Defaults to `False`.
        add_progbar: Boolean; if `True`, appends a `ProgbarLogger` unless one is in the
            list already. Defaults to `False`.
        model: Optional model handed to every callback through `set_model`. Defaults to
            `None`.
        **params: Run settings (`epochs`, `steps`, `verbose`, ...) handed to every callback
            through `set_params`.

    Example:

    >>> import densefit as keras
    >>> callbacks = keras.callbacks.CallbackList([keras.callbacks.TerminateOnNaN()],
    ...                                          add_history=True, epochs=10)
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        self.callbacks = arguments.callbacks(callbacks)  # a new list: History etc. join it
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if add_history:
            self._history = next((cb for cb in self.callbacks if isinstance(cb, History)), None)
            if self._history is None:
                self._history = History()
                self.callbacks.append(self._history)
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def set_model(self, model):
        super().set_model(model)
        for cb in self.callbacks:
            cb.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        for cb in self.callbacks:
            cb.set_params(params)

    def wants_batches(self, mode):
        # Asked every epoch; the callbacks don't change during a fit, so answer once per mode.
        cache = self.__dict__.setdefault("_wants_batches", {})
        if mode not in cache:
            cache[mode] = any(overrides_batch_hooks(cb, mode) for cb in self.callbacks)
        return cache[mode]

    def progress(self):
        """The ProgbarLogger, which the loop feeds throttled updates when no one else needs
        batches."""
        return next((cb for cb in self.callbacks if isinstance(cb, ProgbarLogger)), None)


# Keras 2's names, which the base class's train-batch hooks forward to.
_LEGACY_ALIAS = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


def _overrides(callback, name):
    """Whether calling `callback.<name>` can do anything: a hook of its own (class or
    instance attribute), or, for the train-batch hooks, an override of the legacy alias."""
    names = (name, _LEGACY_ALIAS[name]) if name in _LEGACY_ALIAS else (name,)
    return any(n in vars(callback) or getattr(type(callback), n) is not getattr(Callback, n)
               for n in names)


def _listeners(self, name):
    """The bound `name` hooks of the callbacks that override it: a no-op base hook would
    cost a call per batch otherwise. Answered once per CallbackList (callbacks don't change
    during a fit)."""
    cache = self.__dict__.setdefault("_listeners", {})
    if name not in cache:
        cache[name] = [getattr(cb, name) for cb in self.callbacks if _overrides(cb, name)]
    return cache[name]


CallbackList.listeners = _listeners


def _dispatch(name):
    # Arguments passed as Keras's CallbackList passes them (logs by keyword to batch hooks,
    # by position to the others), so hooks declared without defaults work alike; a hook
    # given no logs gets an empty dict, as Keras's pythonify_logs makes one (the keras.io
    # callbacks guide calls `logs.keys()` in every hook).
    if "_batch_" in name:
        def hook(self, batch, logs=None):
            logs = {} if logs is None else logs
            for method in self.listeners(name):
                method(batch, logs=logs)
    elif name.startswith("on_epoch_"):
        def hook(self, epoch, logs=None):
            logs = {} if logs is None else logs
            for method in self.listeners(name):
                method(epoch, logs)
    else:
        def hook(self, logs=None):
            logs = {} if logs is None else logs
            for method in self.listeners(name):
                method(logs)

    hook.__name__ = name
    return hook


for _name in ("on_epoch_begin", "on_epoch_end", "on_train_batch_begin", "on_train_batch_end",
              "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin",
              "on_predict_batch_end", "on_train_begin", "on_train_end", "on_test_begin",
              "on_test_end", "on_predict_begin", "on_predict_end"):
    setattr(CallbackList, _name, _dispatch(_name))
