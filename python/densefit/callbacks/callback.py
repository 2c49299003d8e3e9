"""Keras's Callback protocol and the CallbackList that drives it."""

_BATCH_HOOKS = ("on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin",
                "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end",
                "on_batch_begin", "on_batch_end")

# The first lines of the doctest examples of the callbacks that watch the loss: a tiny model
# whose loss stays 0 on these arrays (zero inputs and targets), so it never improves.
EXAMPLE_MODEL = """>>> import numpy as np
    >>> import densefit as keras
    >>> x, y = np.zeros((8, 4)), np.zeros((8, 1))
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    >>> model.compile(keras.optimizers.SGD(learning_rate=0.1), loss="mse")"""


def document(**texts):
    """Class decorator that formats shared texts (Args entries, example lines) into the
    class's docstring, where it names them `{key}`; literal braces are written `{{` `}}`."""
    def apply(cls):
        cls.__doc__ = cls.__doc__.format(example_model=EXAMPLE_MODEL, **texts)
        return cls
    return apply


class Callback:
    """Base class of the callbacks: hooks that `fit`, `evaluate` and `predict` call.

    Subclass it and override the hooks you need: `on_{train,test,predict}_begin/end`,
    `on_epoch_begin/end` and `on_{train,test,predict}_batch_begin/end`
    (`on_batch_begin/end` are the legacy names of the train-batch hooks). Each receives a `logs` dict: the epoch's loss and metrics (plus
    `val_*` entries) at `on_epoch_end`, the running values at batch ends. The hooks left
    alone cost nothing: the native loop returns to Python per batch only if some callback
    overrides a batch hook. Inside a hook, `self.model` is the model being run and
    `self.params` holds the run's settings (`epochs`, `steps`, `verbose`).

    Takes no arguments.

    Example:

    >>> import densefit as keras
    >>> class LossPrinter(keras.callbacks.Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         print(f"epoch {epoch}: loss={logs['loss']:.4f}")
    """

    def __init__(self):
        self.params = {}
        self._model = None
        self.validation_data = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        return self._model

    def on_batch_begin(self, batch, logs=None):
        """Legacy alias of on_train_batch_begin."""

    def on_batch_end(self, batch, logs=None):
        """Legacy alias of on_train_batch_end."""

    def on_epoch_begin(self, epoch, logs=None): pass
    def on_epoch_end(self, epoch, logs=None): pass
    def on_train_batch_begin(self, batch, logs=None): self.on_batch_begin(batch, logs=logs)
    def on_train_batch_end(self, batch, logs=None): self.on_batch_end(batch, logs=logs)
    def on_test_batch_begin(self, batch, logs=None): pass
    def on_test_batch_end(self, batch, logs=None): pass
    def on_predict_batch_begin(self, batch, logs=None): pass
    def on_predict_batch_end(self, batch, logs=None): pass
    def on_train_begin(self, logs=None): pass
    def on_train_end(self, logs=None): pass
    def on_test_begin(self, logs=None): pass
    def on_test_end(self, logs=None): pass
    def on_predict_begin(self, logs=None): pass
    def on_predict_end(self, logs=None): pass


def overrides_batch_hooks(callback, mode):
    """Whether `callback` overrides a batch hook of `mode` ("train", "test", "predict"): only
    then does the native loop return to Python per batch."""
    names = [f"on_{mode}_batch_begin", f"on_{mode}_batch_end"]
    if mode == "train":
        names += ["on_batch_begin", "on_batch_end"]
    if hasattr(callback, "wants_batches"):
        return callback.wants_batches(mode)
    return any(getattr(type(callback), n, None) is not getattr(Callback, n) for n in names)
