"""The word-index sequence handling shared by imdb and reuters."""

import warnings


def remove_long_seq(maxlen, seq, label):
    """The sequences shorter than `maxlen` (strictly, as Keras) and their labels, as lists."""
    new_seq, new_label = [], []
    for x, y in zip(seq, label):
        if len(x) < maxlen:
            new_seq.append(x)
            new_label.append(y)
    return new_seq, new_label


def warn_ignored(kwargs, where):
    # Keras 3 accepts and drops unknown keyword arguments here (Keras 2's `nb_words` and
    # the like); dropping them without a word would hide a typo.
    if kwargs:
        warnings.warn(f"{where} ignores the keyword arguments {sorted(kwargs)}, as Keras does.",
                      stacklevel=3)
