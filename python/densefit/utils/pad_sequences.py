"""keras.utils.pad_sequences: a list of sequences as one (num_samples, maxlen, ...) array."""

import numbers

import numpy as np

_SIDES = ("pre", "post")


def _check_arguments(sequences, maxlen, padding, truncating):
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    if maxlen is not None and (isinstance(maxlen, bool) or not isinstance(maxlen, numbers.Integral)
                               or maxlen < 0):
        raise ValueError("`maxlen` must be None or a non-negative int. "
                         f"Received: maxlen={maxlen!r}")
    # Keras checks these only when it meets a non-empty sequence; checking first means a
    # misspelled side fails on every input, not just on some.
    if padding not in _SIDES:
        raise ValueError(f'Padding type "{padding}" not understood')
    if truncating not in _SIDES:
        raise ValueError(f'Truncating type "{truncating}" not understood')


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    """Pads (with `value`) and truncates each sequence to `maxlen` (default: the longest),
    at the front ("pre", the default) or the back ("post"); returns a `dtype` array of shape
    `(len(sequences), maxlen) + sample_shape`, where sample_shape is that of the first
    non-empty sequence's elements. Strings need `dtype=object` (or a string dtype)."""
    _check_arguments(sequences, maxlen, padding, truncating)
    num_samples = len(sequences)
    lengths = []
    sample_shape = ()
    found_first = False
    for x in sequences:
        try:
            lengths.append(len(x))
        except TypeError as e:
            raise ValueError("`sequences` must be a list of iterables. "
                             f"Found non-iterable: {str(x)}") from e
        if not found_first and len(x):
            sample_shape = np.asarray(x).shape[1:]
            found_first = True

    if maxlen is None:
        if not lengths:
            raise ValueError("`sequences` is empty and `maxlen` is None: there is no length to "
                             "pad to. Pass `maxlen`.")
        maxlen = np.max(lengths)

    is_dtype_str = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not is_dtype_str:
        raise ValueError(f"`dtype` {dtype} is not compatible with `value`'s type: {type(value)}\n"
                         "You should set `dtype=object` for variable length strings.")

    x = np.full((num_samples, maxlen) + sample_shape, value, dtype=dtype)
    if maxlen == 0:
        # s[-0:] is the whole sequence, not none of it.
        return x
    for idx, s in enumerate(sequences):
        if not len(s):
            continue
        trunc = s[-maxlen:] if truncating == "pre" else s[:maxlen]
        trunc = np.asarray(trunc, dtype=dtype)
        if trunc.shape[1:] != sample_shape:
            raise ValueError(f"Shape of sample {trunc.shape[1:]} of sequence at position {idx} "
                             f"is different from expected shape {sample_shape}")
        if padding == "post":
            x[idx, : len(trunc)] = trunc
        else:
            x[idx, -len(trunc):] = trunc
    return x
