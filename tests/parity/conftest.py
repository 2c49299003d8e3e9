import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import keras_oracle  # noqa: E402,F401  (sets the backend and XLA flags before keras loads)
