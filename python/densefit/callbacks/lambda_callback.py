from densefit.callbacks.callback import Callback, document

_HOOKS = ("on_epoch_begin", "on_epoch_end", "on_train_begin", "on_train_end",
          "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
          "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
          "on_predict_batch_begin", "on_predict_batch_end")


@document()
class LambdaCallback(Callback):
    """Callback for creating simple, custom callbacks on-the-fly.

    This callback is constructed with anonymous functions that will be called at the
    appropriate time (during `Model.{{fit | evaluate | predict}}`). Note that the callbacks
    expect positional arguments, as:

    - `on_epoch_begin` and `on_epoch_end` expect two positional arguments: `epoch`, `logs`
    - `on_train_begin` and `on_train_end` expect one positional argument: `logs`
    - `on_train_batch_begin` and `on_train_batch_end` expect a positional argument `batch`
      and a keyword argument `logs`
    - See `Callback` class definition for the full list of functions and their expected
      arguments.

    Only the hooks given run. The native training loop returns to Python after every batch
    only when a batch hook is given.

    Args:
        on_epoch_begin: called at the beginning of every epoch. Defaults to `None`.
        on_epoch_end: called at the end of every epoch. Defaults to `None`.
        on_train_begin: called at the beginning of model training. Defaults to `None`.
        on_train_end: called at the end of model training. Defaults to `None`.
        on_train_batch_begin: called at the beginning of every train batch. Defaults to
            `None`.
        on_train_batch_end: called at the end of every train batch. Defaults to `None`.
        **kwargs: Any other hook of `Callback` that you want to override by passing
            `function_name=function`, e.g. `on_test_end=test_end_fn`; the custom function
            needs to have the same arguments as the ones defined in `Callback`. Another
            name raises a `ValueError`.

    Example:

    >>> import numpy as np
    >>> import densefit as keras
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", loss="mse")
    >>> epoch_printer = keras.callbacks.LambdaCallback(
    ...     on_epoch_begin=lambda epoch, logs: print("starting epoch", epoch))
    >>> history = model.fit(np.zeros((8, 4)), np.zeros((8, 1)), epochs=2,
    ...                     callbacks=[epoch_printer], verbose=0)
    starting epoch 0
    starting epoch 1
    """

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
