"""A callback that records what a call ran (worker side)."""

from densefit.callbacks import Callback


class Probe(Callback):
    """Records the hooks a call runs (an error must come before any of them) and the epochs
    it ran. Without batch hooks, so the native loop runs whole epochs as it does for users
    with no batch callbacks; BatchProbe counts the batches too."""

    def __init__(self):
        super().__init__()
        self.events = []
        self.epoch_batches = []  # [epoch, batches run] per epoch begun

    def on_train_begin(self, logs=None):
        self.events.append("on_train_begin")

    def on_test_begin(self, logs=None):
        self.events.append("on_test_begin")

    def on_predict_begin(self, logs=None):
        self.events.append("on_predict_begin")

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(f"on_epoch_begin({epoch})")
        self.epoch_batches.append([epoch, 0])


class BatchProbe(Probe):
    # A class-level hook: densefit (unlike Keras) ignores batch hooks set on an instance.
    def on_train_batch_end(self, batch, logs=None):
        if self.epoch_batches:
            self.epoch_batches[-1][1] += 1


def probe(batches):
    return BatchProbe() if batches else Probe()
