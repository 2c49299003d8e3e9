"""keras.datasets.imdb: 25,000 + 25,000 movie reviews labelled by sentiment, each a list of word
indexes (by frequency rank), from Keras's `imdb.npz` and `imdb_word_index.json`."""

import json

import numpy as np

from densefit.datasets._cache import ORIGIN_FOLDER, get_file
from densefit.datasets._npz import load_npz
from densefit.datasets._sequences import limit_vocabulary, remove_long_seq, warn_ignored


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3, **kwargs):
    """`(x_train, y_train), (x_test, y_test)`: object arrays of word-index lists and int labels
    (1 positive, 0 negative), each split shuffled with `np.random.RandomState(seed)`.

    Word `w` of the file becomes `w + index_from`, after `start_char` (when not None). With
    `maxlen`, only sequences shorter than `maxlen` are kept. Indexes outside
    `[skip_top, num_words)` become `oov_char`, or are dropped when `oov_char` is None.
    """
    warn_ignored(kwargs, "imdb.load_data")
    path = get_file(fname=path, origin=f"{ORIGIN_FOLDER}imdb.npz",
                    file_hash="69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f")
    f = load_npz(path)
    x_train, labels_train = f["x_train"], f["y_train"]
    x_test, labels_test = f["x_test"], f["y_test"]

    # One generator for both splits, in this order: the same rows as Keras for a seed.
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x_train))
    rng.shuffle(indices)
    x_train, labels_train = x_train[indices], labels_train[indices]
    indices = np.arange(len(x_test))
    rng.shuffle(indices)
    x_test, labels_test = x_test[indices], labels_test[indices]

    if start_char is not None:
        x_train = [[start_char] + [w + index_from for w in x] for x in x_train]
        x_test = [[start_char] + [w + index_from for w in x] for x in x_test]
    elif index_from:
        x_train = [[w + index_from for w in x] for x in x_train]
        x_test = [[w + index_from for w in x] for x in x_test]
    else:
        x_train = [list(x) for x in x_train]
        x_test = [list(x) for x in x_test]

    if maxlen:
        x_train, labels_train = remove_long_seq(maxlen, x_train, labels_train)
        x_test, labels_test = remove_long_seq(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no "
                             "sequence was kept. Increase maxlen.")

    xs = x_train + x_test
    labels = np.concatenate([labels_train, labels_test])
    xs = limit_vocabulary(xs, num_words, skip_top, oov_char)

    idx = len(x_train)
    x_train, y_train = np.array(xs[:idx], dtype="object"), labels[:idx]
    x_test, y_test = np.array(xs[idx:], dtype="object"), labels[idx:]
    return (x_train, y_train), (x_test, y_test)


def get_word_index(path="imdb_word_index.json"):
    """{word: index} of the IMDB sequences (add `index_from` to match `load_data`'s)."""
    path = get_file(fname=path, origin=f"{ORIGIN_FOLDER}imdb_word_index.json",
                    file_hash="bfafd718b763782e994055a2d397834f")
    with open(path) as f:
        return json.load(f)
