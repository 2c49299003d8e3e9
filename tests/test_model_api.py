"""Keras's model API on densefit: building, weights, compile/fit/evaluate/predict semantics and
the errors the user's documents ask for."""

import numpy as np
import pytest

import densefit
from densefit import layers


def _binary_model(**compile_kwargs):
    model = densefit.Sequential([layers.Dense(10, activation="relu", input_shape=(100,)),
                                 layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", **compile_kwargs)
    return model


def _binary_data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 100)).astype(np.float32), rng.integers(0, 2, size=(n, 1))


def test_weights_have_keras_layout_and_round_trip():
    model = _binary_model()
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(100, 10), (10,), (10, 1), (1,)]
    assert model.count_params() == 100 * 10 + 10 + 10 + 1
    new = [np.full(s, i, np.float32) for i, s in enumerate(shapes)]
    model.set_weights(new)
    for got, want in zip(model.get_weights(), new):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="weights"):
        model.set_weights(new[:2])


def test_glorot_uniform_default_bounds_and_zero_bias():
    densefit.utils.set_random_seed(0)
    kernel, bias = densefit.Sequential([layers.Dense(50, input_shape=(30,))]).get_weights()
    limit = np.sqrt(6 / (30 + 50))
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.9 * limit
    assert abs(kernel.mean()) < 0.02
    np.testing.assert_array_equal(bias, 0)


def test_same_seed_same_initial_weights_and_history():
    x, y = _binary_data()

    def run():
        densefit.utils.set_random_seed(42)
        model = _binary_model()
        return model.get_weights()[0], model.fit(x, y, epochs=2, verbose=0).history["loss"]

    (w1, h1), (w2, h2) = run(), run()
    np.testing.assert_array_equal(w1, w2)
    assert h1 == h2


def test_fit_returns_history_with_one_entry_per_epoch_and_loss_decreases():
    x, y = _binary_data(500)
    model = _binary_model(metrics=["accuracy"])
    history = model.fit(x, y, epochs=5, verbose=0)
    assert history is model.history
    assert list(history.history) == ["accuracy", "loss"]  # sorted, as Keras 3 logs
    assert len(history.history["loss"]) == 5 and history.epoch == [0, 1, 2, 3, 4]
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_initial_epoch_counts_toward_epochs():
    x, y = _binary_data()
    history = _binary_model().fit(x, y, epochs=5, initial_epoch=3, verbose=0)
    assert history.epoch == [3, 4]


def test_validation_split_and_validation_data_add_val_entries():
    x, y = _binary_data(100)
    model = _binary_model(metrics=["accuracy"])
    h = model.fit(x, y, epochs=2, validation_split=0.2, verbose=0).history
    assert set(h) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    # The validation split is the last 20% before shuffling: evaluating on it gives val_loss.
    val = model.evaluate(x[80:], y[80:], verbose=0, return_dict=True)
    h2 = model.fit(x[:80], y[:80], validation_data=(x[80:], y[80:]), epochs=1, verbose=0,
                   shuffle=False).history
    assert h2["val_loss"][0] != val["loss"]  # one more epoch of training happened
    assert len(h2["val_loss"]) == 1


def test_validation_freq_int_and_container():
    x, y = _binary_data(100)
    model = _binary_model()
    h = model.fit(x, y, epochs=4, validation_split=0.2, validation_freq=2, verbose=0).history
    assert len(h["val_loss"]) == 2
    h = model.fit(x, y, epochs=4, validation_split=0.2, validation_freq=[1, 4], verbose=0).history
    assert len(h["val_loss"]) == 2


def test_evaluate_and_batch_methods_return_keras_shapes():
    x, y = _binary_data()
    plain = _binary_model()
    assert isinstance(plain.evaluate(x, y, verbose=0), float)
    with_metric = _binary_model(metrics=["accuracy"])
    res = with_metric.evaluate(x, y, verbose=0)
    assert isinstance(res, list) and len(res) == 2
    assert set(with_metric.evaluate(x, y, verbose=0, return_dict=True)) == {"loss", "accuracy"}
    assert with_metric.metrics_names == ["loss", "accuracy"]
    assert len(with_metric.train_on_batch(x[:32], y[:32])) == 2
    assert len(with_metric.test_on_batch(x[:32], y[:32])) == 2
    assert with_metric.predict_on_batch(x[:7]).shape == (7, 1)
    assert with_metric.predict(x, verbose=0).shape == (200, 1)
    np.testing.assert_allclose(with_metric(x[:5]), with_metric.predict(x[:5], verbose=0))


def test_accuracy_resolves_by_loss_and_output_shape():
    rng = np.random.default_rng(0)
    model = densefit.Sequential([layers.Dense(3, activation="softmax", input_shape=(4,))])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = rng.normal(size=(60, 4)), rng.integers(0, 3, size=(60,))
    acc = model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"]
    pred = model.predict(x, verbose=0).argmax(-1)
    assert acc == pytest.approx(np.mean(pred == y))
    onehot = densefit.utils.to_categorical(y, 3)
    model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
    assert model.evaluate(x, onehot, verbose=0, return_dict=True)["accuracy"] == pytest.approx(acc)


def test_int_and_float64_inputs_are_accepted():
    x, y = _binary_data()
    model = _binary_model()
    a = model.evaluate(x.astype(np.float64), y.astype(np.int64), verbose=0)
    b = model.evaluate(x, y.astype(np.float32), verbose=0)
    assert a == pytest.approx(b)


def test_sample_weight_and_class_weight_change_the_loss_as_keras():
    x, y = _binary_data()
    model = _binary_model()
    base = model.evaluate(x, y, verbose=0)
    sw = np.full(len(x), 2.0)
    assert model.evaluate(x, y, sample_weight=sw, verbose=0) == pytest.approx(2 * base, rel=1e-5)
    # class_weight {0: 1, 1: 1} is the identity.
    w0 = model.get_weights()
    h1 = model.fit(x, y, epochs=1, shuffle=False, class_weight={0: 1.0, 1: 1.0}, verbose=0)
    model.set_weights(w0)
    model.compile(optimizer="adam", loss="binary_crossentropy")  # fresh optimizer state
    h2 = model.fit(x, y, epochs=1, shuffle=False, verbose=0)
    assert h1.history["loss"] == pytest.approx(h2.history["loss"], rel=1e-6)


def test_frozen_layer_keeps_its_weights():
    x, y = _binary_data()
    model = _binary_model()
    model.layers[0].trainable = False
    before = model.get_weights()
    model.fit(x, y, epochs=1, verbose=0)
    after = model.get_weights()
    np.testing.assert_array_equal(before[0], after[0])
    assert not np.array_equal(before[2], after[2])
    assert len(model.trainable_weights) == 2


def test_flatten_then_dense_and_summary(capsys):
    model = densefit.Sequential([layers.Flatten(input_shape=(4, 4, 3)), layers.Dense(5)])
    assert model.output_shape == (None, 5)
    model.summary()
    out = capsys.readouterr().out
    assert "Total params: 245" in out and "flatten" in out


def test_functional_chain_model():
    inputs = densefit.Input(shape=(8,))
    hidden = layers.Dense(4, activation="relu")(inputs)
    outputs = layers.Dense(1)(hidden)
    model = densefit.Model(inputs, outputs)
    assert [w.shape for w in model.get_weights()] == [(8, 4), (4,), (4, 1), (1,)]


def test_sequential_add_after_build_keeps_weights():
    model = densefit.Sequential([layers.Dense(3, input_shape=(2,))])
    w = model.get_weights()
    model.add(layers.Dense(1))
    np.testing.assert_array_equal(model.get_weights()[0], w[0])
    assert model.output_shape == (None, 1)


# ---- errors ---------------------------------------------------------------------------------

def test_batch_size_zero_is_an_error():
    x, y = _binary_data()
    with pytest.raises(ValueError, match="batch_size"):
        _binary_model().fit(x, y, batch_size=0, verbose=0)


def test_empty_data_is_an_error():
    with pytest.raises(ValueError, match="non-empty"):
        _binary_model().fit(np.zeros((0, 100)), np.zeros((0, 1)), verbose=0)


def test_fit_before_compile_is_both_runtime_and_value_error():
    model = densefit.Sequential([layers.Dense(1, input_shape=(3,))])
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(np.zeros((4, 3)), np.zeros((4, 1)), verbose=0)
    with pytest.raises(ValueError, match="compile"):
        model.evaluate(np.zeros((4, 3)), np.zeros((4, 1)), verbose=0)


def test_length_mismatch_and_wrong_feature_dimension():
    model = _binary_model()
    with pytest.raises(ValueError, match="cardinality"):
        model.fit(np.zeros((10, 100)), np.zeros((9, 1)), verbose=0)
    with pytest.raises(ValueError, match="incompatible"):
        model.fit(np.zeros((10, 99)), np.zeros((10, 1)), verbose=0)


def test_unknown_names_list_valid_ones():
    model = densefit.Sequential([layers.Dense(1, input_shape=(3,))])
    with pytest.raises(ValueError, match="Valid names: .*adam"):
        model.compile(optimizer="adamm", loss="mse")
    with pytest.raises(ValueError, match="Valid names: .*mse"):
        model.compile(optimizer="adam", loss="msee")
    with pytest.raises(ValueError, match="Valid names"):
        layers.Dense(3, activation="relux")
    model.compile(optimizer="adam", loss="mse", metrics=["accuracyy"])
    with pytest.raises(ValueError, match="Valid names"):
        model.fit(np.zeros((4, 3)), np.zeros((4, 1)), verbose=0)


def test_bad_layer_arguments():
    with pytest.raises(ValueError, match="units"):
        layers.Dense(0)
    with pytest.raises(ValueError, match="rate"):
        layers.Dropout(1.5)
    with pytest.raises(TypeError, match="Unrecognized keyword"):
        layers.Dense(3, bogus=1)


def test_shuffle_batch_permutes_whole_chunks_and_keeps_the_last_partial_one():
    from densefit.trainers.trainer import _batch_chunk_order

    order = _batch_chunk_order(10, 3, seed=1, stream=5)
    assert sorted(order.tolist()) == list(range(10)) and order[-1] == 9
    chunks = [order[i:i + 3].tolist() for i in range(0, 9, 3)]
    assert all(c == list(range(c[0], c[0] + 3)) and c[0] % 3 == 0 for c in chunks)
    x, y = _binary_data(100)
    assert len(_binary_model().fit(x, y, shuffle="batch", epochs=2, verbose=0).epoch) == 2
    with pytest.raises(ValueError, match="shuffle"):
        _binary_model().fit(x, y, shuffle="yes", verbose=0)


def test_evaluate_verbose_prints_one_summary_line(capsys):
    x, y = _binary_data(64)
    _binary_model(metrics=["accuracy"]).evaluate(x, y, verbose=2)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("2/2") and "loss:" in out[0] and "accuracy:" in out[0]
