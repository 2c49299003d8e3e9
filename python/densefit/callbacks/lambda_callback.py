from densefit.callbacks.callback import Callback

_HOOKS = ("on_epoch_begin", "on_epoch_end", "on_train_begin", "on_train_end",
          "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
          "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
          "on_predict_batch_begin", "on_predict_batch_end")


class LambdaCallback(Callback):
    """A callback made of plain functions, e.g. LambdaCallback(on_epoch_end=lambda e, logs: ...).
    Only the hooks given run; batch hooks make the loop return to Python per batch only if
    one was given."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs):
        super().__init__()
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end, **kwargs)
        unknown = set(given) - set(_HOOKS)
        if unknown:
            raise ValueError(f"Unrecognized hooks {sorted(unknown)}; LambdaCallback takes "
                             f"{', '.join(_HOOKS)}")
        self._given = {k: v for k, v in given.items() if v is not None}
        for name, fn in self._given.items():
            setattr(self, name, fn)

    def wants_batches(self, mode):
        return any(f"on_{mode}_batch_{when}" in self._given for when in ("begin", "end"))
