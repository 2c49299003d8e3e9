import warnings

import numpy as np

from densefit.callbacks.callback import document
from densefit.callbacks.monitor import MIN_DELTA_DOC, MONITOR_DOCS, MonitorCallback


@document(**MONITOR_DOCS, min_delta=MIN_DELTA_DOC.format("`1e-4`"))
class ReduceLROnPlateau(MonitorCallback):
    """Reduce learning rate when a metric has stopped improving.

    Models often benefit from reducing the learning rate by a factor of 2-10 once learning
    stagnates. This callback monitors a quantity and if no improvement is seen for a
    `patience` number of epochs, the learning rate is reduced: `new_lr = max(lr * factor,
    min_lr)`. It also logs the learning rate of each epoch as `learning_rate`.

    Args:
        {monitor}
        factor: Float. Factor by which the learning rate will be reduced, below 1.
            `new_lr = lr * factor`. Defaults to `0.1`.
        patience: Integer. Number of epochs with no improvement after which learning rate
            will be reduced. Defaults to `10`.
        verbose: Integer. 0: quiet, 1: update messages. Defaults to `0`.
        {mode}
        {min_delta}
        cooldown: Integer. Number of epochs to wait before resuming normal operation after
            the learning rate has been reduced. Defaults to `0`.
        min_lr: Float. Lower bound on the learning rate. Defaults to `0.0`.
        **kwargs: Accepted for compatibility with Keras and ignored.

    Example:

    {example_model}
    >>> reduce_lr = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1)
    >>> history = model.fit(x, y, epochs=3, callbacks=[reduce_lr], verbose=0)
    >>> # The loss does not improve after the first epoch: halved twice.
    >>> round(float(model.optimizer.learning_rate), 4)
    0.025
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0, **kwargs):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received "
                             f"factor={factor}")
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self):
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        logs["learning_rate"] = float(self.model.optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Learning rate reduction is conditioned on metric `{self.monitor}` "
                          f"which is not available. Available metrics are: {','.join(logs)}.",
                          stacklevel=2)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = float(self.model.optimizer.learning_rate)
                if old_lr > np.float32(self.min_lr):
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    self.model.optimizer.learning_rate = new_lr
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate "
                              f"to {new_lr}.")
                    self.cooldown_counter = self.cooldown
                    self.wait = 0
