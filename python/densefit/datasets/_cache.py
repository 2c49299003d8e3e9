"""Where the datasets come from and where they are kept: Keras's origins and Keras's cache
(`$KERAS_HOME/datasets`, default `~/.keras/datasets`), through `utils.get_file`, so that a file
Keras downloaded is used here as is."""

from densefit.utils.file_utils import get_file  # noqa: F401  (the loaders call it from here)

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
