"""A layer used by several models has one set of weights, as in Keras: training one model is
seen by every other model's predict, evaluate and saving (an encoder made from an
autoencoder's layers, two models alternating train_on_batch as in a GAN)."""

import numpy as np
import pytest

import densefit

keras = pytest.importorskip("keras")

X = np.random.default_rng(0).normal(size=(64, 8)).astype(np.float32)
Y = X[:, :2] * 0.5


def autoencoders(lib, weights=None):
    """(autoencoder, encoder, decoder-input model) sharing the encoder layer."""
    inputs = lib.Input((8,))
    encode = lib.layers.Dense(3, activation="tanh", name="encode")
    decode = lib.layers.Dense(8, name="decode")
    code = encode(inputs)
    autoencoder = lib.Model(inputs, decode(code))
    encoder = lib.Model(inputs, code)
    if weights is not None:
        autoencoder.set_weights(weights)
    return autoencoder, encoder, encode


def test_training_the_autoencoder_is_seen_by_the_encoder():
    ours_ae, ours_enc, ours_layer = autoencoders(densefit)
    theirs_ae, theirs_enc, _ = autoencoders(keras, ours_ae.get_weights())
    np.testing.assert_allclose(ours_enc.predict(X, verbose=0), theirs_enc.predict(X, verbose=0),
                               rtol=1e-5, atol=1e-6)
    for model in (ours_ae, theirs_ae):
        model.compile(keras.optimizers.SGD(0.1) if model is theirs_ae else
                      densefit.optimizers.SGD(0.1), "mse")
        model.fit(X, X, epochs=3, batch_size=16, shuffle=False, verbose=0)
    # One set of weights: the layer, both models and Keras agree.
    kernel = ours_layer.get_weights()[0]
    np.testing.assert_array_equal(ours_ae.get_weights()[0], kernel)
    np.testing.assert_array_equal(ours_enc.get_weights()[0], kernel)
    np.testing.assert_allclose(kernel, theirs_ae.get_weights()[0], rtol=1e-4, atol=1e-6)
    for ours, theirs in ((ours_enc, theirs_enc), (ours_ae, theirs_ae)):
        np.testing.assert_allclose(ours.predict(X, verbose=0), theirs.predict(X, verbose=0),
                                   rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(ours.predict_on_batch(X), ours(X), rtol=0, atol=0)
    np.testing.assert_allclose(ours_enc(X), np.tanh(X @ kernel + ours_layer.get_weights()[1]),
                               rtol=1e-5, atol=1e-6)


def test_models_alternating_train_on_batch_train_one_layer():
    def pair(lib, weights=None):
        shared = lib.layers.Dense(4, activation="relu", name="shared")
        a = lib.Sequential([lib.Input((8,)), shared, lib.layers.Dense(2, name="head_a")])
        b = lib.Sequential([lib.Input((8,)), shared, lib.layers.Dense(2, name="head_b")])
        if weights is not None:
            a.set_weights(weights[0])
            b.set_weights(weights[1])
        opt = lib.optimizers.SGD
        a.compile(opt(0.05), "mse")
        b.compile(opt(0.05), "mse")
        return a, b

    ours = pair(densefit)
    theirs = pair(keras, [m.get_weights() for m in ours])
    for step in range(6):
        batch = slice(step * 8, step * 8 + 8)
        for model_index in (0, 1):
            target = Y[batch] if model_index == 0 else -Y[batch]
            got = ours[model_index].train_on_batch(X[batch], target)
            want = theirs[model_index].train_on_batch(X[batch], target)
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
    for a, b in zip(ours, theirs):
        for w_ours, w_theirs in zip(a.get_weights(), b.get_weights()):
            np.testing.assert_allclose(w_ours, w_theirs, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(a.predict(X, verbose=0), b.predict(X, verbose=0),
                                   rtol=1e-4, atol=1e-5)


def test_a_callback_predicting_with_the_encoder_sees_the_current_weights():
    autoencoder, encoder, layer = autoencoders(densefit)
    autoencoder.compile("adam", "mse")
    seen = []

    class Probe(densefit.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            kernel, bias = layer.get_weights()
            seen.append(np.abs(encoder.predict(X, verbose=0) - np.tanh(X @ kernel + bias)).max())

    before = encoder.predict(X, verbose=0)
    autoencoder.fit(X, X, epochs=3, batch_size=16, verbose=0, callbacks=[Probe()])
    assert max(seen) < 1e-5
    assert np.abs(encoder.predict(X, verbose=0) - before).max() > 1e-3  # it did train
    # The callback's predictions did not take the layer away from the training model.
    np.testing.assert_array_equal(autoencoder.get_weights()[0], layer.get_weights()[0])


def test_set_weights_and_assign_through_one_model_reach_the_others():
    autoencoder, encoder, layer = autoencoders(densefit)
    kernel_variable = layer.weights[0]
    autoencoder.compile("sgd", "mse")
    autoencoder.train_on_batch(X, X)
    encoder.compile("sgd", "mse")
    encoder.train_on_batch(X, X[:, :3])  # the encoder becomes the layer's home
    new_kernel = np.full((8, 3), 0.25, np.float32)
    kernel_variable.assign(new_kernel)  # a reference taken before the move still works
    np.testing.assert_array_equal(autoencoder.get_weights()[0], new_kernel)
    bias = layer.get_weights()[1]
    np.testing.assert_allclose(encoder.predict(X, verbose=0), np.tanh(X @ new_kernel + bias),
                               rtol=1e-5, atol=1e-6)
    weights = encoder.get_weights()
    weights[0] = -new_kernel
    encoder.set_weights(weights)
    hidden = np.tanh(X @ -new_kernel + bias)
    decode_kernel, decode_bias = autoencoder.get_weights()[2:]
    np.testing.assert_allclose(autoencoder.predict(X, verbose=0),
                               hidden @ decode_kernel + decode_bias, rtol=1e-5, atol=1e-5)


def test_saving_the_model_that_did_not_train_saves_the_trained_weights(tmp_path):
    autoencoder, encoder, layer = autoencoders(densefit)
    autoencoder.compile("adam", "mse")
    autoencoder.fit(X, X, epochs=2, verbose=0)
    encoder.save(tmp_path / "encoder.keras")
    for loaded in (densefit.models.load_model(tmp_path / "encoder.keras"),
                   keras.models.load_model(tmp_path / "encoder.keras")):
        np.testing.assert_allclose(loaded.get_weights()[0], layer.get_weights()[0])
        np.testing.assert_allclose(np.asarray(loaded.predict(X, verbose=0)),
                                   encoder.predict(X, verbose=0), rtol=1e-5, atol=1e-6)
    # And the autoencoder, trained by fit, saves its optimizer state with its weights.
    autoencoder.save(tmp_path / "ae.keras")
    reloaded = densefit.models.load_model(tmp_path / "ae.keras")
    np.testing.assert_array_equal(reloaded.get_weights()[0], layer.get_weights()[0])


def test_a_popped_layer_keeps_its_weights_as_in_keras():
    def popped(lib, weights=None):
        model = lib.Sequential([lib.Input((8,)), lib.layers.Dense(4, name="a"),
                                lib.layers.Dense(2, name="b")])
        if weights is not None:
            model.set_weights(weights)
        return model, model.pop()

    ours, ours_layer = popped(densefit)
    theirs, theirs_layer = popped(keras, ours.get_weights() + ours_layer.get_weights())
    for a, b in zip(ours_layer.get_weights(), theirs_layer.get_weights()):
        np.testing.assert_array_equal(a, b)
    # Added to a new model it brings them along.
    again = densefit.Sequential([densefit.Input((4,)), ours_layer])
    kernel, bias = ours_layer.get_weights()
    np.testing.assert_allclose(again.predict(X[:, :4], verbose=0), X[:, :4] @ kernel + bias,
                               rtol=1e-5, atol=1e-6)


def test_training_another_sharing_model_inside_an_epoch_is_refused():
    autoencoder, encoder, _ = autoencoders(densefit)
    autoencoder.compile("sgd", "mse")
    encoder.compile("sgd", "mse")

    class TrainTheEncoder(densefit.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                encoder.train_on_batch(X[:8], X[:8, :3])

    with pytest.raises(RuntimeError, match="shared by"):
        autoencoder.fit(X, X, epochs=2, batch_size=16, verbose=0,
                        callbacks=[TrainTheEncoder()])

    class BetweenEpochs(densefit.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            encoder.train_on_batch(X[:8], X[:8, :3])

    autoencoder.fit(X, X, epochs=2, batch_size=16, verbose=0, callbacks=[BetweenEpochs()])
