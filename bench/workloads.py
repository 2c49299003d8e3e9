"""The workloads every engine is timed on: the networks, their training settings, and the
synthetic float32 data (fixed NumPy seeds, so every engine trains on the same arrays).

A workload is described once, in engine-neutral terms (input shape, Dense sizes, task); the
runners translate it to Keras-API models (densefit, Keras), torch.nn.Sequential or
scikit-learn estimators.
"""

from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

DATA_SEED = 1234  # the data every engine sees
INIT_SEED = 42    # each engine's own weight initialisation / shuffling seed


@dataclass(frozen=True)
class Workload:
    name: str
    title: str
    input_shape: Tuple[int, ...]
    hidden: Tuple[int, ...]          # ReLU Dense layers, in order
    task: str                        # "binary" | "multiclass" | "regression"
    outputs: int                     # units of the last Dense layer
    samples: int
    batch_size: int
    quick_samples: int               # what --quick trains on
    flatten: bool = False            # the Keras model starts with Flatten
    metrics: Tuple[str, ...] = ()

    @property
    def input_dim(self):
        return int(np.prod(self.input_shape))

    @property
    def loss(self):
        return {"binary": "binary_crossentropy",
                "multiclass": "sparse_categorical_crossentropy",
                "regression": "mse"}[self.task]

    @property
    def output_activation(self) -> Optional[str]:
        return {"binary": "sigmoid", "multiclass": "softmax", "regression": None}[self.task]

    def dense_shapes(self):
        """(fan_in, fan_out) of every Dense layer, input to output."""
        sizes = (self.input_dim,) + self.hidden + (self.outputs,)
        return list(zip(sizes[:-1], sizes[1:]))

    def samples_for(self, quick):
        return self.quick_samples if quick else self.samples

    def train_flops_per_epoch(self, samples):
        """6 * samples * sum(fan_in * fan_out): a multiply-add is 2 FLOPs, forward is one
        product per layer, backward two (input and weight gradients). The first layer's input
        gradient is not needed, so this slightly overstates the work (the convention, kept so
        numbers compare with other reports)."""
        return 6 * samples * sum(i * o for i, o in self.dense_shapes())


WORKLOADS = {w.name: w for w in [
    Workload("W1", "seed binary: 100 -> 10 relu -> 1 sigmoid", (100,), (10,), "binary", 1,
             samples=1000, batch_size=32, quick_samples=256),
    Workload("W2", "seed multi-class: Flatten(32,32,3) -> 64 relu -> 4 softmax", (32, 32, 3),
             (64,), "multiclass", 4, samples=1000, batch_size=32, quick_samples=256,
             flatten=True),
    Workload("W3", "seed regression: 100 -> 10 relu -> 1", (100,), (10,), "regression", 1,
             samples=1000, batch_size=32, quick_samples=256),
    Workload("W4", "MNIST-size MLP: 784 -> 256 -> 256 -> 10", (784,), (256, 256), "multiclass",
             10, samples=60_000, batch_size=128, quick_samples=1024, metrics=("accuracy",)),
    Workload("W5", "wide: 1024 -> 3 x 1024 -> 10", (1024,), (1024, 1024, 1024), "multiclass",
             10, samples=16_384, batch_size=512, quick_samples=1024),
]}


def make_data(workload, quick=False):
    """(x, y) for `workload`: x float32 standard normal of shape (n, *input_shape); y from a
    fixed random linear teacher, so the loss has something to learn. y is float32 (n, 1) for
    binary and regression, int32 (n,) class ids for multi-class."""
    n = workload.samples_for(quick)
    rng = np.random.default_rng(DATA_SEED)
    x = rng.standard_normal((n,) + workload.input_shape, dtype=np.float32)
    flat = x.reshape(n, -1)
    if workload.task == "multiclass":
        teacher = rng.standard_normal((flat.shape[1], workload.outputs), dtype=np.float32)
        y = np.argmax(flat @ teacher, axis=1).astype(np.int32)
    else:
        teacher = rng.standard_normal((flat.shape[1], 1), dtype=np.float32)
        score = flat @ teacher / np.sqrt(flat.shape[1])
        if workload.task == "binary":
            y = (score > 0).astype(np.float32)
        else:
            y = (score + 0.1 * rng.standard_normal((n, 1), dtype=np.float32)).astype(np.float32)
    return x, y


def parse_names(text):
    """"W1,W4" -> ["W1", "W4"], checked against WORKLOADS; None or "all" -> all of them."""
    if text is None or text == "all":
        return list(WORKLOADS)
    names = [t.strip().upper() for t in text.split(",") if t.strip()]
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        raise ValueError(f"unknown workloads {unknown}; known: {', '.join(WORKLOADS)}")
    return names
