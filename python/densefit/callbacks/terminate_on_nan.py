import math

from densefit.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stops training as soon as a batch's running loss is NaN or infinite."""

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and (math.isnan(loss) or math.isinf(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
