"""A/B timing of P1 (single-sample predict_on_batch on W4's model) and W1 (the seed binary
fit, with a Dropout): run it once per tree, alternating trees, each with
PYTHONPATH=<tree>/python DENSEFIT_CORE_DIR=<that tree's build>. Prints one line:
"P1_us <p10> W1_ms <p10 per epoch>". See bench/results/2026-12-07-session-ab.md."""

import sys
import time

# An editable install redirects `import densefit` to its own checkout: drop its finder so
# the tree on PYTHONPATH is the one measured.
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__module__]

import numpy as np  # noqa: E402

import densefit as keras  # noqa: E402
from densefit.layers import Dense, Dropout  # noqa: E402


def p1_us(rng):
    model = keras.Sequential([keras.Input((784,)), Dense(256, activation="relu"),
                              Dense(256, activation="relu"), Dense(10, activation="softmax")])
    x = rng.normal(size=(1, 784)).astype(np.float32)
    for _ in range(2000):
        model.predict_on_batch(x)
    times = []
    for _ in range(30):
        t = time.perf_counter()
        for _ in range(1000):
            model.predict_on_batch(x)
        times.append((time.perf_counter() - t) / 1000 * 1e6)
    return np.percentile(times, 10)


def w1_ms(rng):
    model = keras.Sequential([keras.Input((100,)), Dense(10, activation="relu"), Dropout(0.2),
                              Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    x = rng.normal(size=(1000, 100)).astype(np.float32)
    y = rng.integers(0, 2, (1000, 1)).astype(np.float32)
    model.fit(x, y, epochs=20, verbose=0)
    times = []
    for _ in range(15):
        t = time.perf_counter()
        model.fit(x, y, epochs=20, verbose=0)
        times.append((time.perf_counter() - t) / 20 * 1e3)
    return np.percentile(times, 10)


if __name__ == "__main__":
    print(keras.__file__, keras._native.core.__file__, file=sys.stderr)
    rng = np.random.default_rng(0)
    print(f"P1_us {p1_us(rng):.3f} W1_ms {w1_ms(rng):.4f}")
