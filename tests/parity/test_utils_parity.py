"""utils.normalize, utils.pad_sequences and utils.split_dataset against real Keras."""

import random
import types

import numpy as np
import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity


@pytest.fixture
def k():
    return keras()


# ---- normalize ----------------------------------------------------------------------------------
def _arrays():
    rng = np.random.default_rng(0)
    x3 = rng.normal(size=(3, 4, 5))
    x3[1, 2] = 0.0  # a zero row: its norm counts as 1
    return {
        "2d_f64": rng.normal(size=(6, 4)),
        "2d_f32": rng.normal(size=(6, 4)).astype(np.float32),
        "2d_int": rng.integers(-5, 6, size=(5, 3)),
        "3d": x3,
        "1d": rng.normal(size=7),
    }


@pytest.mark.parametrize("name", sorted(_arrays()))
@pytest.mark.parametrize("axis,order", [(-1, 2), (-1, 1), (-1, 3), (-1, np.inf), (1, 2),
                                        (None, 2), (None, 1), (-2, 2), ((0, 1), 2)])
def test_normalize_arrays(k, name, axis, order):
    x = _arrays()[name]
    try:
        theirs = k.utils.normalize(x.copy(), axis=axis, order=order)
    except Exception as e:  # e.g. a matrix norm over a 3-D array
        with pytest.raises(type(e)):
            densefit.utils.normalize(x.copy(), axis=axis, order=order)
        return
    ours = densefit.utils.normalize(x.copy(), axis=axis, order=order)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("x", [[3.0, 4.0], [[1, 2], [0, 0], [3, -4]], [[0.5, 0.0, -1.5]], 2.5,
                               [[1e-9, 0.0]]])
@pytest.mark.parametrize("axis,order", [(-1, 2), (0, 2), (-1, 1), (-1, 3), (None, 2)])
def test_normalize_array_likes(k, x, axis, order):
    if np.asarray(x).dtype.kind == "i":
        x = np.asarray(x, dtype=np.float32).tolist()  # Keras's tensor path refuses int lists
    theirs = np.asarray(k.utils.normalize(x, axis=axis, order=order))
    ours = densefit.utils.normalize(x, axis=axis, order=order)
    assert ours.dtype == theirs.dtype == np.float32 and ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=2e-7, atol=1e-30)


@pytest.mark.parametrize("order", [0, 1.5, "fro"])
def test_normalize_array_like_order_refused(k, order):
    with pytest.raises(ValueError) as theirs:
        k.utils.normalize([1.0, 2.0], order=order)
    with pytest.raises(ValueError) as ours:
        densefit.utils.normalize([1.0, 2.0], order=order)
    assert str(ours.value) == str(theirs.value)


def test_normalize_axis_0_divides_by_the_columns_norms(k):
    # Keras's NumPy path writes `axis or -1` and divides a square matrix by the row norms laid
    # along the columns; densefit normalizes the columns, as `axis=0` asks.
    x = np.arange(1.0, 10.0).reshape(3, 3)
    expected = x / np.linalg.norm(x, axis=0, keepdims=True)
    np.testing.assert_allclose(densefit.utils.normalize(x, axis=0), expected, rtol=1e-15)
    assert not np.allclose(k.utils.normalize(x, axis=0), expected)
    np.testing.assert_allclose(densefit.utils.normalize(np.ones((3, 4)), axis=0),
                               np.full((3, 4), 1 / np.sqrt(3)))


# ---- pad_sequences -------------------------------------------------------------------------------
SEQUENCES = {
    "ints": [[1], [2, 3], [4, 5, 6], [], [7, 8, 9, 10, 11]],
    "floats": [[0.5, 1.5], [2.25], [3.0, 4.0, 5.0]],
    "arrays": [np.arange(4), np.arange(1), np.arange(6)],
    "vectors": [[[1, 2], [3, 4]], [[5, 6]], [], [[7, 8], [9, 10], [11, 12]]],
    "strings": [["a", "bb"], ["ccc"], ["d", "e", "f"]],
}


@pytest.mark.parametrize("name", sorted(SEQUENCES))
@pytest.mark.parametrize("maxlen", [None, 1, 2, 4, 8])
@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
def test_pad_sequences(k, name, maxlen, padding, truncating):
    seqs = SEQUENCES[name]
    extra = ({"dtype": object, "value": "<pad>"} if name == "strings"
             else {"dtype": "float32", "value": -1.0} if name == "floats" else {})
    kwargs = dict(maxlen=maxlen, padding=padding, truncating=truncating, **extra)
    theirs = k.utils.pad_sequences(seqs, **kwargs)
    ours = densefit.utils.pad_sequences(seqs, **kwargs)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("kwargs", [dict(dtype="int64", value=7), dict(dtype="float64", value=0.5),
                                    dict(dtype="U5", value="x"), dict(dtype="int8")])
def test_pad_sequences_dtypes_and_values(k, kwargs):
    seqs = [[1, 2, 3], [4], [5, 6]] if kwargs["dtype"] != "U5" else [["ab", "c"], ["d"]]
    theirs = k.utils.pad_sequences(seqs, **kwargs)
    ours = densefit.utils.pad_sequences(seqs, **kwargs)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_pad_sequences_empty_list_with_maxlen(k):
    ours, theirs = (m.utils.pad_sequences([], maxlen=3) for m in (densefit, k))
    assert ours.shape == theirs.shape == (0, 3) and ours.dtype == theirs.dtype


@pytest.mark.parametrize("args,kwargs", [
    (([[1], [2, 3]],), dict(padding="middle")),
    (([[1], [2, 3]],), dict(truncating="middle", maxlen=1)),
    (([[1], 5],), {}),
    ((5,), {}),
    (([["a"], ["b"]],), dict(value="x")),
    (([[[1, 2]], [[1, 2, 3]]],), {}),
])
def test_pad_sequences_same_refusals(k, args, kwargs):
    with pytest.raises(ValueError) as theirs:
        k.utils.pad_sequences(*args, **kwargs)
    with pytest.raises(ValueError) as ours:
        densefit.utils.pad_sequences(*args, **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_pad_sequences_checks_sides_even_without_a_sequence_to_pad():
    # Keras looks at `padding` only when it writes a non-empty sequence.
    with pytest.raises(ValueError, match="Padding type"):
        densefit.utils.pad_sequences([[], []], maxlen=2, padding="middle")


def test_pad_sequences_maxlen_zero():
    out = densefit.utils.pad_sequences([[1, 2], [3]], maxlen=0)
    assert out.shape == (2, 0) and out.dtype == np.int32


# ---- split_dataset -------------------------------------------------------------------------------
class _Slices:
    """Stands in for tf.data.Dataset (not installed here): keeps what Keras would slice."""

    def __init__(self, tensors):
        self.tensors = tensors

    @classmethod
    def from_tensor_slices(cls, tensors):
        return cls(tensors)

    def prefetch(self, buffer_size):
        return self


@pytest.fixture
def keras_split(k, monkeypatch):
    """Keras's split_dataset with tf.data replaced by `_Slices`; returns the arrays it would
    have put in its two datasets, in densefit's structure."""
    import keras.src.utils.module_utils as module_utils

    fake_tf = types.SimpleNamespace(data=types.SimpleNamespace(Dataset=_Slices, AUTOTUNE=-1))
    monkeypatch.setattr(module_utils, "tensorflow", fake_tf)

    def split(dataset, **kwargs):
        left, right = k.utils.split_dataset(dataset, **kwargs)
        if isinstance(dataset, np.ndarray):
            return np.array(left.tensors), np.array(right.tensors)
        return left.tensors, right.tensors

    return split


def _datasets():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20, 3)).astype(np.float32)
    y = rng.integers(0, 4, size=20)
    w = rng.uniform(size=(20, 2, 2))
    return {"array": x, "1d_array": y.copy(), "tuple": (x, y), "list": [x, y, w],
            "one_tuple": (x,)}


def _assert_same_split(ours, theirs):
    assert type(ours) is type(theirs)
    for o, t in zip(ours, theirs):
        if isinstance(o, tuple):
            assert len(o) == len(t)
            for a, b in zip(o, t):
                assert a.dtype == b.dtype and a.shape == b.shape
                np.testing.assert_array_equal(a, b)
        else:
            assert o.dtype == t.dtype and o.shape == t.shape
            np.testing.assert_array_equal(o, t)


@pytest.mark.parametrize("name", sorted(_datasets()))
@pytest.mark.parametrize("sizes", [dict(left_size=0.8), dict(right_size=0.25), dict(left_size=7),
                                   dict(right_size=3), dict(left_size=0.5, right_size=0.3),
                                   dict(left_size=5, right_size=6), dict(left_size=0.125),
                                   dict(left_size=0.5, right_size=4)])
@pytest.mark.parametrize("shuffle,seed", [(False, None), (True, 0), (True, 1234)])
def test_split_dataset(keras_split, name, sizes, shuffle, seed):
    random.seed("before")
    ours = densefit.utils.split_dataset(_datasets()[name], shuffle=shuffle, seed=seed, **sizes)
    state_ours = random.getstate()
    random.seed("before")
    theirs = keras_split(_datasets()[name], shuffle=shuffle, seed=seed, **sizes)
    assert random.getstate() == state_ours  # the same use of Python's global generator
    _assert_same_split(ours, theirs)


def test_split_dataset_unseeded_shuffle_follows_pythons_random(keras_split):
    # With seed=None both draw the seed from Python's generator, which set_random_seed seeds.
    x = np.arange(30).reshape(15, 2)
    random.seed(99)
    ours = densefit.utils.split_dataset(x, left_size=0.6, shuffle=True)
    random.seed(99)
    theirs = keras_split(x, left_size=0.6, shuffle=True)
    _assert_same_split(ours, theirs)
    assert not np.array_equal(ours[0], x[:9])


@pytest.mark.parametrize("dataset,kwargs", [
    (np.arange(10), {}),
    (np.arange(10), dict(left_size=0)),
    (np.arange(10), dict(left_size=0, right_size=0)),
    (np.arange(10), dict(left_size=1.0)),
    (np.arange(10), dict(left_size=10)),
    (np.arange(10), dict(right_size=-1)),
    (np.arange(10), dict(left_size=0.7, right_size=0.5)),
    (np.arange(10), dict(left_size=6, right_size=5)),
    (np.arange(10), dict(left_size=0.01)),
    (np.arange(10), dict(left_size="half")),
    ((np.arange(10), np.arange(9)), dict(left_size=0.5)),
    ([np.arange(10), [1, 2]], dict(left_size=0.5)),
    ((), dict(left_size=0.5)),
    ([], dict(left_size=0.5)),
])
def test_split_dataset_same_refusals(keras_split, dataset, kwargs):
    with pytest.raises(Exception) as theirs:
        keras_split(dataset, **kwargs)
    with pytest.raises(Exception) as ours:
        densefit.utils.split_dataset(dataset, **kwargs)
    assert type(ours.value) is type(theirs.value), (ours.value, theirs.value)


def test_split_dataset_refuses_other_types():
    with pytest.raises(TypeError, match="Unsupported dataset type"):
        densefit.utils.split_dataset({"x": np.arange(4)}, left_size=0.5)
    with pytest.raises(ValueError, match="torch"):
        densefit.utils.split_dataset(np.arange(4), left_size=0.5, preferred_backend="torch")


def test_split_dataset_accepts_numpy_sizes():
    # Keras checks `type(size) in [int, float]` and refuses NumPy scalars; their value is clear.
    left, right = densefit.utils.split_dataset(np.arange(10), left_size=np.int64(4),
                                               right_size=np.float32(0.5))
    np.testing.assert_array_equal(left, np.arange(4))
    np.testing.assert_array_equal(right, np.arange(5, 10))
