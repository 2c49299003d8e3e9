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


def limit_vocabulary(xs, num_words, skip_top, oov_char):
    """Keras's rule: word indices outside [skip_top, num_words) become `oov_char`, or are
    dropped when it is None; no `num_words` keeps the whole vocabulary."""
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


def warn_ignored(kwargs, where):
    # Keras 3 accepts and drops unknown keyword arguments here (Keras 2's `nb_words` and
    # the like); dropping them without a word would hide a typo.
    if kwargs:
        warnings.warn(f"{where} ignores the keyword arguments {sorted(kwargs)}, as Keras does.",
                      stacklevel=3)
