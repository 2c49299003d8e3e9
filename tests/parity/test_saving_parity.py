"""Files move both ways between densefit and real Keras 3 (JAX backend): a model saved by one
loads in the other and predicts the same; a compiled model brings its optimizer, whose state
(iterations and slot variables) lines up so that the next training step agrees too."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

keras = pytest.importorskip("keras")

import densefit  # noqa: E402

pytestmark = pytest.mark.parity

RNG = np.random.default_rng(0)
X = RNG.random((32, 2, 3), dtype=np.float32)
Y = np.eye(3, dtype=np.float32)[RNG.integers(0, 3, 32)]


def keras_model():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([
        keras.Input((2, 3)), keras.layers.Flatten(),
        keras.layers.Dense(5, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01),
                           kernel_constraint=keras.constraints.MaxNorm(2.0),
                           bias_initializer=keras.initializers.Constant(0.1)),
        keras.layers.Dropout(0.3), keras.layers.Activation("tanh"),
        keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(X, Y, epochs=2, batch_size=8, verbose=0)
    return model


def densefit_model(optimizer="adam"):
    densefit.utils.set_random_seed(1)
    model = densefit.Sequential([
        densefit.layers.InputLayer(shape=(2, 3)), densefit.layers.Flatten(),
        densefit.layers.Dense(5, activation="relu", kernel_regularizer="l2",
                              kernel_constraint=densefit.constraints.MaxNorm(2.0)),
        densefit.layers.Dropout(0.3), densefit.layers.Activation("tanh"),
        densefit.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(X, Y, epochs=2, batch_size=8, verbose=0)
    return model


def test_keras_model_loads_in_densefit(tmp_path):
    model = keras_model()
    model.save(tmp_path / "k.keras")
    loaded = densefit.models.load_model(tmp_path / "k.keras")
    assert [type(l).__name__ for l in loaded.layers] == \
        ["Flatten", "Dense", "Dropout", "Activation", "Dense"]
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0),
                               rtol=1e-5, atol=1e-6)
    assert loaded.optimizer.iterations == int(model.optimizer.iterations)
    assert loaded.layers[1].kernel_regularizer.get_config() == {"l2": 0.01}
    np.testing.assert_allclose(loaded.evaluate(X, Y, verbose=0), model.evaluate(X, Y, verbose=0),
                               rtol=1e-5)
    # and weights-only files
    model.save_weights(tmp_path / "k.weights.h5")
    fresh = densefit_model()
    fresh.load_weights(tmp_path / "k.weights.h5")
    np.testing.assert_allclose(fresh.predict(X, verbose=0), model.predict(X, verbose=0),
                               rtol=1e-5, atol=1e-6)


def test_densefit_model_loads_in_keras(tmp_path):
    model = densefit_model()
    model.save(tmp_path / "d.keras")
    loaded = keras.models.load_model(tmp_path / "d.keras")
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0),
                               rtol=1e-5, atol=1e-6)
    assert int(loaded.optimizer.iterations) == model.optimizer.iterations
    assert loaded.optimizer.get_config()["learning_rate"] == pytest.approx(0.001)
    model.save_weights(tmp_path / "d.weights.h5")
    k = keras_model()
    k.load_weights(tmp_path / "d.weights.h5")
    np.testing.assert_allclose(k.predict(X, verbose=0), model.predict(X, verbose=0),
                               rtol=1e-5, atol=1e-6)


def test_functional_chain_both_ways(tmp_path):
    keras.utils.set_random_seed(2)
    inputs = keras.Input((2, 3), name="pixels")
    x = keras.layers.Flatten()(inputs)
    hidden = keras.layers.Dense(4, activation="gelu")(x)
    outputs = keras.layers.Dense(2, activation="sigmoid")(hidden)
    model = keras.Model(inputs, outputs)
    model.save(tmp_path / "k.keras")
    loaded = densefit.models.load_model(tmp_path / "k.keras")
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0),
                               rtol=1e-5, atol=1e-6)
    loaded.save(tmp_path / "d.keras")
    back = keras.models.load_model(tmp_path / "d.keras")
    assert [l.name for l in back.layers] == [l.name for l in model.layers]
    np.testing.assert_allclose(back.predict(X, verbose=0), model.predict(X, verbose=0),
                               rtol=1e-5, atol=1e-6)


OPTIMIZERS = {
    "adam": lambda m: m.optimizers.Adam(0.01, amsgrad=True),
    "sgd": lambda m: m.optimizers.SGD(0.05, momentum=0.9),
    "rmsprop": lambda m: m.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    "adagrad": lambda m: m.optimizers.Adagrad(0.05),
    "nadam": lambda m: m.optimizers.Nadam(0.01),
    "ftrl": lambda m: m.optimizers.Ftrl(0.05),
    "adamax": lambda m: m.optimizers.Adamax(0.01),
    "adadelta": lambda m: m.optimizers.Adadelta(1.0),
    "lion": lambda m: m.optimizers.Lion(0.001),
    "ema": lambda m: m.optimizers.Adam(0.01, use_ema=True),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_state_crosses_over_and_training_continues_alike(tmp_path, name):
    """densefit trains, saves; Keras loads and both take the same next step."""
    model = densefit_model(OPTIMIZERS[name](densefit))
    model.save(tmp_path / "d.keras")
    other = keras.models.load_model(tmp_path / "d.keras")
    saved = [np.asarray(v) for v in other.optimizer.variables]
    assert int(other.optimizer.iterations) == model.optimizer.iterations
    assert any(np.any(v != 0) for v in saved[2:]), "the slots came over"
    # One more step on the same batch, without dropout's randomness in the way.
    for m in (model, other):
        m.layers[2].rate = 0.0
    xb, yb = X[:8], Y[:8]
    densefit_next = densefit.models.load_model(tmp_path / "d.keras")
    densefit_next.layers[2].rate = 0.0
    densefit_next._maybe_rebuild()
    densefit_next.load_weights(tmp_path / "d.keras")
    densefit_next.train_on_batch(xb, yb)
    other.train_on_batch(xb, yb)
    for a, b in zip(densefit_next.get_weights(), other.get_weights()):
        np.testing.assert_allclose(a, np.asarray(b), rtol=1e-4, atol=1e-6)


def test_keras_optimizer_state_loads_into_densefit(tmp_path):
    model = keras_model()
    model.save(tmp_path / "k.keras")
    loaded = densefit.models.load_model(tmp_path / "k.keras")
    loaded.save(tmp_path / "d.keras")
    again = keras.models.load_model(tmp_path / "d.keras")
    for a, b in zip(model.optimizer.variables, again.optimizer.variables):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6)
