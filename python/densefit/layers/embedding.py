"""Embedding: integer features as rows of a learned table (a native layer op,
cpp/src/ops/embedding.cpp)."""

from densefit import initializers
from densefit.layers.core import _MAX_WEIGHTS, _positive_int
from densefit.layers.layer import Layer
from densefit.layers.normalization import _only_none

# Indices travel as float32 in the native network: exact integers up to 2**24.
_MAX_VOCABULARY = 2 ** 24


class Embedding(Layer):
    """Turns non-negative integers (indices) into dense vectors of fixed size: the rows of a
    learned `(input_dim, output_dim)` table.

    A sample of shape `(d0, ...)` becomes one of shape `(d0, ..., output_dim)`. As Keras on
    JAX computes it: each value is truncated to an integer, a negative index counts from the
    end of the table, and an index outside the table gives a row of NaN. A `Dense` right
    after it acts per index; a `Flatten` before the `Dense` joins them.

    Args:
        input_dim: Integer, the size of the vocabulary: the largest index plus 1. At most
            `2**24` (the native inputs are float32).
        output_dim: Integer, the dimension of each embedding vector.
        embeddings_initializer: Initializer of the table. Defaults to `"uniform"`
            (`RandomUniform(-0.05, 0.05)`).
        embeddings_regularizer: Regularizer of the table; densefit supports only `None`
            (the default) and raises `ValueError` otherwise.
        embeddings_constraint: Constraint on the table; only `None` (the default).
        mask_zero: Whether index 0 is a padding value to mask in later layers. densefit has
            no masking, so only `False` (the default) is supported.
        weights: Optional initial table, a list holding one `(input_dim, output_dim)` array;
            only `None` (the default) for now: use `set_weights` after building.
        lora_rank: Accepted for signature compatibility; only `None` (the default).
        lora_alpha: Accepted for signature compatibility; only `None` (the default).
        quantization_config: Accepted for signature compatibility; only `None` (the
            default).
        **kwargs: Base layer keyword arguments, such as `name` and `input_shape`
            (`activity_regularizer` only as `None`).

    Example:

    >>> import numpy as np
    >>> import densefit as keras
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Embedding(10, 3),
    ...                           keras.layers.Flatten(), keras.layers.Dense(1)])
    >>> model.predict(np.array([[1, 2, 3, 9]]), verbose=0).shape
    (1, 1)
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, lora_alpha=None, quantization_config=None,
                 **kwargs):
        activity_regularizer = kwargs.pop("activity_regularizer", None)  # Keras's base Layer's
        super().__init__(**kwargs)
        self.input_dim = _positive_int(input_dim)
        self.output_dim = _positive_int(output_dim)
        if self.input_dim is None or self.output_dim is None:
            raise ValueError(f"Both `input_dim` and `output_dim` should be positive, Received "
                             f"input_dim = {input_dim} and output_dim = {output_dim}")
        if self.input_dim > _MAX_VOCABULARY:
            raise ValueError(f"Embedding {self.name!r}: input_dim={self.input_dim} is more "
                             f"than densefit's float32 inputs index exactly (2**24)")
        if mask_zero:
            raise ValueError("Embedding(mask_zero=True) is not supported by densefit (it has "
                             "no masking)")
        _only_none("Embedding", embeddings_regularizer=embeddings_regularizer,
                   embeddings_constraint=embeddings_constraint, weights=weights,
                   activity_regularizer=activity_regularizer,
                   lora_rank=lora_rank, lora_alpha=lora_alpha,
                   quantization_config=quantization_config)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = self.embeddings_constraint = None
        self.mask_zero = False

    def compute_output_shape(self, input_shape):
        if self.input_dim * self.output_dim > _MAX_WEIGHTS:
            raise ValueError(f"Embedding {self.name!r} of {self.input_dim} x "
                             f"{self.output_dim} would hold more weights than this machine's "
                             f"memory holds")
        return tuple(input_shape) + (self.output_dim,)

    def weight_shapes(self, input_shape):
        return [("embeddings", (self.input_dim, self.output_dim))]

    def initial_value_into(self, name, array):
        self.embeddings_initializer.fill(array)

    def native_spec(self, input_shape):
        return {"kind": "embedding", "units": self.output_dim, "vocabulary": self.input_dim}

    @property
    def embeddings(self):
        return self._variables[0] if self._variables else None

    def get_config(self):
        config = super().get_config()
        config.update({
            "input_dim": self.input_dim, "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": None, "activity_regularizer": None,
            "embeddings_constraint": None, "mask_zero": False, "quantization_config": None,
        })
        return config
