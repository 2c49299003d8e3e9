"""keras.datasets.reuters: 11,228 Reuters newswires labelled over 46 topics, each a list of word
indexes (by frequency rank), from Keras's `reuters.npz` and `reuters_word_index.json`."""

import json
import numbers

import numpy as np

from densefit.datasets._cache import ORIGIN_FOLDER, get_file
from densefit.datasets._npz import load_npz
from densefit.datasets._sequences import limit_vocabulary, remove_long_seq

_LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3):
    """`(x_train, y_train), (x_test, y_test)`: object arrays of word-index lists and topic
    labels 0-45, shuffled with `np.random.RandomState(seed)`, the last `test_split` fraction
    as test.

    Word `w` of the file becomes `w + index_from`, after `start_char` (when not None). With
    `maxlen`, only sequences shorter than `maxlen` are kept. Indexes outside
    `[skip_top, num_words)` become `oov_char`, or are dropped when `oov_char` is None.
    """
    if isinstance(test_split, bool) or not isinstance(test_split, numbers.Real) or not (
            0 <= test_split <= 1):
        raise ValueError(f"Invalid `test_split` argument: {test_split!r}. It must be a number "
                         "between 0 and 1.")
    path = get_file(fname=path, origin=f"{ORIGIN_FOLDER}reuters.npz",
                    file_hash="d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916")
    f = load_npz(path)
    xs, labels = f["x"], f["y"]
    rng = np.random.RandomState(seed)
    indices = np.arange(len(xs))
    rng.shuffle(indices)
    xs, labels = xs[indices], labels[indices]

    if start_char is not None:
        xs = [[start_char] + [w + index_from for w in x] for x in xs]
    elif index_from:
        xs = [[w + index_from for w in x] for x in xs]
    if maxlen:
        xs, labels = remove_long_seq(maxlen, xs, labels)
    xs = limit_vocabulary(xs, num_words, skip_top, oov_char)

    idx = int(len(xs) * (1 - test_split))
    x_train, y_train = np.array(xs[:idx], dtype="object"), np.array(labels[:idx])
    x_test, y_test = np.array(xs[idx:], dtype="object"), np.array(labels[idx:])
    return (x_train, y_train), (x_test, y_test)


def get_word_index(path="reuters_word_index.json"):
    """{word: index} of the Reuters sequences (add `index_from` to match `load_data`'s)."""
    path = get_file(fname=path, origin=f"{ORIGIN_FOLDER}reuters_word_index.json",
                    file_hash="4d44cc38712099c9e383dc6e5f11a921")
    with open(path) as f:
        return json.load(f)


def get_label_names():
    """The 46 topic names, indexed as the labels."""
    return _LABEL_NAMES
