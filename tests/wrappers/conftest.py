import os
import sys

# keras_oracle (tests/parity) sets the JAX backend before any test here imports Keras.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "parity"))
import keras_oracle  # noqa: E402,F401
