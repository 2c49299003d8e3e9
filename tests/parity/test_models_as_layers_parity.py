"""A model used as a layer, against real Keras: in a Sequential (the TensorFlow tutorial's
`Sequential([model, Softmax()])`) and called on a symbolic tensor, sharing its weights with
the outer model both ways, frozen or not; what densefit cannot save yet is refused."""

import numpy as np
import pytest

import densefit
from keras_oracle import keras as keras_module

RNG = np.random.default_rng(31)
X = RNG.standard_normal((64, 6)).astype(np.float32)
LABELS = RNG.integers(0, 3, 64)
Y = RNG.standard_normal((64, 2)).astype(np.float32)


def classifier(lib):
    return lib.Sequential([lib.Input((6,)), lib.layers.Dense(8, activation="relu"),
                           lib.layers.Dense(3)], name="classifier")


def pair(make):
    keras = keras_module()
    keras.utils.set_random_seed(2)
    theirs = make(keras)
    ours = make(densefit)
    ours.set_weights(theirs.get_weights())
    return ours, theirs


def test_softmax_appended_to_a_trained_model_as_in_the_tensorflow_tutorial():
    ours, theirs = pair(classifier)
    for lib, model in ((densefit, ours), (keras_module(), theirs)):
        model.compile(optimizer="adam", metrics=["accuracy"],
                      loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(X, LABELS, epochs=2, batch_size=16, shuffle=False, verbose=0)
    probability_ours = densefit.Sequential([ours, densefit.layers.Softmax()])
    probability_theirs = keras_module().Sequential([theirs, keras_module().layers.Softmax()])
    expected = np.asarray(probability_theirs.predict(X, verbose=0))
    np.testing.assert_allclose(probability_ours.predict(X, verbose=0), expected, rtol=1e-4,
                               atol=1e-6)
    np.testing.assert_allclose(probability_ours(X[:2]), expected[:2], rtol=1e-4, atol=1e-6)
    assert [type(l).__name__ for l in probability_ours.layers] == \
        [type(l).__name__ for l in probability_theirs.layers] == ["Sequential", "Softmax"]
    assert probability_ours.layers[0] is ours
    assert probability_ours.count_params() == probability_theirs.count_params()


def _outer(lib, inner, frozen):
    inner.trainable = not frozen
    inputs = lib.Input((6,))
    return lib.Model(inputs, lib.layers.Dense(2)(inner(inputs)))


@pytest.mark.parametrize("frozen", [False, True], ids=["trainable", "frozen"])
def test_training_the_outer_model_trains_the_inner_one_unless_frozen(frozen):
    ours, theirs = pair(classifier)
    before = ours.get_weights()
    keras = keras_module()
    outer_ours = _outer(densefit, ours, frozen)
    keras.utils.set_random_seed(4)
    outer_theirs = _outer(keras, theirs, frozen)
    outer_ours.set_weights(outer_theirs.get_weights())
    assert len(outer_ours.trainable_weights) == len(outer_theirs.trainable_weights)
    assert len(outer_ours.non_trainable_weights) == len(outer_theirs.non_trainable_weights)
    for model in (outer_ours, outer_theirs):
        model.compile(optimizer="sgd", loss="mse")
    h_ours = outer_ours.fit(X, Y, epochs=3, batch_size=16, shuffle=False, verbose=0).history
    h_theirs = outer_theirs.fit(X, Y, epochs=3, batch_size=16, shuffle=False, verbose=0).history
    np.testing.assert_allclose(h_ours["loss"], h_theirs["loss"], rtol=1e-4)
    # One set of weights: the inner model sees what the outer one trained.
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(ours.predict(X, verbose=0), theirs.predict(X, verbose=0),
                               rtol=1e-4, atol=1e-5)
    unchanged = all(np.array_equal(a, b) for a, b in zip(before, ours.get_weights()))
    assert unchanged == frozen
    assert [type(l).__name__ for l in outer_ours.layers] == \
        [type(l).__name__ for l in outer_theirs.layers]


def test_training_the_inner_model_is_seen_by_the_outer_one():
    ours, theirs = pair(classifier)
    outer_ours = densefit.Sequential([ours, densefit.layers.Softmax()])
    outer_theirs = keras_module().Sequential([theirs, keras_module().layers.Softmax()])
    outer_ours.predict(X, verbose=0)  # built and served before the inner model trains
    for model in (ours, theirs):
        model.compile(optimizer="sgd", loss="mse")
        model.fit(X, RNG.standard_normal((64, 3)).astype(np.float32) * 0 + 1, epochs=1,
                  batch_size=16, shuffle=False, verbose=0)
    np.testing.assert_allclose(outer_ours.predict(X, verbose=0),
                               np.asarray(outer_theirs.predict(X, verbose=0)), rtol=1e-4,
                               atol=1e-6)


def test_pop_removes_the_inner_model_whole():
    ours, _ = pair(classifier)
    outer = densefit.Sequential([ours, densefit.layers.Softmax()])
    assert type(outer.pop()).__name__ == "Softmax"
    assert outer.layers == [ours]
    assert outer.pop() is ours
    assert outer.layers == []
    np.testing.assert_allclose(ours.predict(X[:3], verbose=0).shape, (3, 3))


def test_a_mismatched_input_and_saving_are_refused_clearly(tmp_path):
    ours, _ = pair(classifier)
    with pytest.raises(ValueError, match="incompatible"):
        densefit.Sequential([densefit.Input((5,)), ours])
    with pytest.raises(ValueError, match="incompatible"):
        ours(densefit.Input((5,)))
    outer = densefit.Sequential([ours, densefit.layers.Softmax()])
    for call in (lambda: outer.save(tmp_path / "m.keras"), outer.get_config,
                 lambda: outer.save_weights(tmp_path / "m.weights.h5")):
        with pytest.raises(NotImplementedError, match="uses model 'classifier' as a layer"):
            call()
    assert not list(tmp_path.iterdir())  # nothing half-written
