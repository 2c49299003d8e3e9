import warnings

from densefit.callbacks.callback import document
from densefit.callbacks.monitor import MIN_DELTA_DOC, MONITOR_DOCS, MonitorCallback


@document(**MONITOR_DOCS, min_delta=MIN_DELTA_DOC.format("`0`"))
class EarlyStopping(MonitorCallback):
    """Stop training when a monitored metric has stopped improving.

    Assuming the goal of a training is to minimize the loss. With this, the metric to be
    monitored would be `"loss"`, and mode would be `"min"`. A `model.fit()` training loop
    will check at end of every epoch whether the loss is no longer decreasing, considering
    the `min_delta` and `patience` if applicable. Once it's found no longer decreasing,
    `model.stop_training` is marked True and the training terminates (never after the
    first epoch).

    The quantity to be monitored needs to be available in `logs` dict. To make it so, pass
    the loss or metrics at `model.compile()`; an epoch whose logs lack it only warns.

    Args:
        {monitor}
        {min_delta}
        patience: Number of epochs with no improvement after which training will be
            stopped. Defaults to `0`.
        verbose: Verbosity mode, 0 or 1. Mode 0 is silent, and mode 1 displays messages
            when the callback takes an action (stops, restores weights). Defaults to `0`.
        {mode}
        baseline: Baseline value for the monitored quantity. If not `None`, training will
            stop if the model doesn't show improvement over the baseline: epochs that
            improve on the best value but not on `baseline` still count towards
            `patience`. Defaults to `None`.
        restore_best_weights: Whether to restore model weights from the epoch with the best
            value of the monitored quantity when training ends (whether or not it was
            stopped early). If `False`, the model weights obtained at the last step of
            training are used. An epoch will be restored regardless of the performance
            relative to the `baseline`. Defaults to `False`.
        start_from_epoch: Number of epochs to wait before starting to monitor improvement.
            This allows for a warm-up period in which no improvement is expected and thus
            training will not be stopped. Defaults to `0`.

    Example:

    {example_model}
    >>> # The loss stays 0, so it stops improving after the first epoch; training stops
    >>> # once it has not improved for `patience` epochs.
    >>> callback = keras.callbacks.EarlyStopping(monitor="loss", patience=2)
    >>> history = model.fit(x, y, epochs=10, callbacks=[callback], verbose=0)
    >>> len(history.history["loss"])  # Only 3 epochs are run.
    3
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best_epoch = 0

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(f"Early stopping conditioned on metric `{self.monitor}` which is not "
                          f"available. Available metrics are: {','.join(logs or {})}",
                          stacklevel=2)
            return
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
