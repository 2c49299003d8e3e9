"""keras.utils.PyDataset: a map-style dataset of batches (`__len__`, `__getitem__`)."""


class PyDataset:
    """Subclass and implement `__len__` (number of batches) and `__getitem__(index)` returning
    `(x,)`, `(x, y)` or `(x, y, sample_weight)` for batch `index`. `on_epoch_end` runs after
    each epoch. `workers`, `use_multiprocessing` and `max_queue_size` are accepted for Keras
    compatibility; densefit reads batches in the calling thread."""

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def __len__(self):
        raise NotImplementedError

    def __getitem__(self, index):
        raise NotImplementedError

    def on_epoch_end(self):
        pass

    @property
    def num_batches(self):
        return len(self)
