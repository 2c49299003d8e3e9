"""CallbackList: dispatches Keras's hooks to the user's callbacks plus History and ProgbarLogger,
and tells the loop whether anyone listens to batches."""

from densefit.callbacks.callback import Callback, overrides_batch_hooks
from densefit.callbacks.history import History
from densefit.callbacks.progbar import ProgbarLogger


class CallbackList(Callback):
    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        self.callbacks = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"callbacks must be densefit.callbacks.Callback instances, got {cb!r}")
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


def _dispatch(name):
    def hook(self, *args, **kwargs):
        for cb in self.callbacks:
            getattr(cb, name)(*args, **kwargs)

    hook.__name__ = name
    return hook


for _name in ("on_epoch_begin", "on_epoch_end", "on_train_batch_begin", "on_train_batch_end",
              "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin",
              "on_predict_batch_end", "on_train_begin", "on_train_end", "on_test_begin",
              "on_test_end", "on_predict_begin", "on_predict_end"):
    setattr(CallbackList, _name, _dispatch(_name))
