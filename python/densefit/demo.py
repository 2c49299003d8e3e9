"""`python -m densefit demo`: trains the three seed examples of the user's tutorial (binary,
multi-class, regression) with their progress output, exactly as the Keras scripts would."""

import time

import numpy as np


def seed_examples():
    """(title, model factory, compile kwargs, data) for the tutorial's three examples."""
    from densefit.layers import Dense, Flatten
    from densefit.losses import SparseCategoricalCrossentropy
    from densefit.models import Sequential

    rng = np.random.default_rng(0)
    return [
        ("Binary classification (spam or not)",
         lambda: Sequential([Dense(10, activation="relu", input_shape=(100,)),
                             Dense(1, activation="sigmoid")]),
         {"optimizer": "adam", "loss": "binary_crossentropy"},
         (rng.normal(size=(1000, 100)).astype(np.float32),
          rng.integers(0, 2, size=(1000, 1)))),
        ("Multi-class classification (4 kinds of animals)",
         lambda: Sequential([Flatten(input_shape=(32, 32, 3)), Dense(64, activation="relu"),
                             Dense(4, activation="softmax")]),
         {"optimizer": "adam", "loss": SparseCategoricalCrossentropy()},
         (rng.normal(size=(1000, 32, 32, 3)).astype(np.float32),
          rng.integers(0, 4, size=(1000,)))),
        ("Regression (house prices)",
         lambda: Sequential([Dense(10, activation="relu", input_shape=(100,)), Dense(1)]),
         {"optimizer": "adam", "loss": "mean_squared_error"},
         (rng.normal(size=(1000, 100)).astype(np.float32),
          rng.normal(size=(1000, 1)).astype(np.float32))),
    ]


def main(epochs=10, verbose="auto"):
    from densefit.utils import set_random_seed

    set_random_seed(0)
    for title, make_model, compile_kwargs, (data, labels) in seed_examples():
        print(f"\n== {title} ==")
        model = make_model()
        model.compile(**compile_kwargs)
        start = time.perf_counter()
        history = model.fit(data, labels, epochs=epochs, verbose=verbose)
        elapsed = time.perf_counter() - start
        losses = history.history["loss"]
        print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f} in {epochs} epochs "
              f"({elapsed * 1e3 / epochs:.2f} ms per epoch)")
