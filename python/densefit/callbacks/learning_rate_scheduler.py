from densefit.callbacks.callback import Callback, document


@document()
class LearningRateScheduler(Callback):
    """Learning rate scheduler.

    At the beginning of every epoch, this callback gets the updated learning rate value from
    the `schedule` function provided at `__init__`, with the current epoch and current
    learning rate, and applies the updated learning rate on the optimizer. It also logs the
    learning rate of each epoch as `learning_rate`.

    Args:
        schedule: A function that takes an epoch index (integer, indexed from 0) and current
            learning rate (float) as inputs and returns a new learning rate as output
            (float). A function that takes only the epoch index is called with it alone.
        verbose: Integer. 0: quiet, 1: log update messages. Defaults to `0`.

    Example:

    {example_model}
    >>> # Keep the initial learning rate for the first two epochs, then halve it.
    >>> def scheduler(epoch, lr):
    ...     return lr if epoch < 2 else lr * 0.5
    >>> callback = keras.callbacks.LearningRateScheduler(scheduler)
    >>> history = model.fit(x, y, epochs=4, callbacks=[callback], verbose=0)
    >>> round(float(model.optimizer.learning_rate), 4)
    0.025
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        try:  # new API: schedule(epoch, lr)
            lr = self.schedule(epoch, float(optimizer.learning_rate))
        except TypeError:  # old API: schedule(epoch)
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, int)) or isinstance(lr, bool):
            try:
                lr = float(lr)
            except (TypeError, ValueError):
                raise ValueError(f'The output of the "schedule" function should be a float. '
                                 f"Got: {lr}") from None
        optimizer.learning_rate = float(lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
