"""model(x), predict_on_batch(x) and predict(x, verbose=0) take the native serving path
(densefit.serving.fast_path) and give exactly what the batched predict gives."""

import numpy as np
import pytest

import densefit as keras
from serving_models import inputs, network_predict, w4_like


def test_single_rows_equal_batched_predict_bitwise():
    model = w4_like()
    x = inputs(40, 48)
    batched = network_predict(model, x, 16)  # the general path
    for i in range(x.shape[0]):
        row = x[i:i + 1]
        np.testing.assert_array_equal(model.predict_on_batch(row), batched[i:i + 1])
        np.testing.assert_array_equal(model(row), batched[i:i + 1])
        np.testing.assert_array_equal(model.predict(row, verbose=0), batched[i:i + 1])


@pytest.mark.parametrize("inputs_, hidden, outputs", [
    (784, (256, 256), 10),  # W4: whole 256-column register panels
    (37, (300, 7), 1),      # panels of every width, then scalar columns; odd input width
    (5, (1, 520), 3),
])
def test_single_rows_equal_batched_predict_for_any_widths(inputs_, hidden, outputs):
    model = w4_like(hidden=hidden, inputs=inputs_, outputs=outputs)
    x = inputs(12, inputs_)
    batched = network_predict(model, x, 12)
    for i in range(x.shape[0]):
        np.testing.assert_array_equal(model.predict_on_batch(x[i:i + 1]), batched[i:i + 1])
    for rows in (2, 3, 4, 5):  # the few-row kernel groups rows by 4, 2 and 1
        np.testing.assert_array_equal(model.predict_on_batch(x[:rows]), batched[:rows])


@pytest.mark.parametrize("rows", [0, 1, 2, 3, 4, 5, 6, 7, 300, 1100])
def test_every_batch_size_matches_the_general_path(rows):
    model = w4_like()
    x = inputs(rows, 48)
    expected = network_predict(model, x, 32)
    assert model.predict_on_batch(x).shape == (rows, 10)
    np.testing.assert_array_equal(model.predict_on_batch(x), expected)
    np.testing.assert_array_equal(model.predict(x, verbose=0), expected)


def test_other_dtypes_and_layouts_fall_back_to_conversion():
    model = w4_like()
    x = inputs(9, 48)
    expected = model.predict_on_batch(x)
    np.testing.assert_allclose(model.predict_on_batch(x.astype(np.float64)), expected, rtol=1e-6)
    np.testing.assert_array_equal(model.predict_on_batch(np.asfortranarray(x)), expected)
    np.testing.assert_array_equal(model(x.tolist()), expected)
    np.testing.assert_array_equal(model.predict_on_batch(x[:, None, :].copy()), expected)


def test_wrong_width_raises_keras_error():
    model = w4_like()
    with pytest.raises(ValueError, match="incompatible"):
        model.predict_on_batch(inputs(3, 47))
    with pytest.raises(ValueError, match="incompatible"):
        model(inputs(3, 47))


def test_sees_weight_changes_without_rebinding():
    model = w4_like()
    x = inputs(4, 48)
    before = model.predict_on_batch(x)
    weights = model.get_weights()
    weights[-1] = weights[-1] + 1.0  # the softmax bias: shifts every logit equally...
    weights[-2][:, 0] += 0.5          # ...and this changes the first class's logit
    model.set_weights(weights)
    after = model.predict_on_batch(x)
    assert not np.allclose(before, after)
    np.testing.assert_array_equal(after, network_predict(model, x, 2))


def test_sees_training_updates():
    model = w4_like()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x, y = inputs(64, 48), np.arange(64) % 10
    before = model.predict_on_batch(x[:3])
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    after = model.predict_on_batch(x[:3])
    assert not np.array_equal(before, after)
    np.testing.assert_array_equal(after, network_predict(model, x[:3], 1))


def test_rebuilt_model_gets_a_fresh_forward_pass():
    model = w4_like()
    x = inputs(2, 48)
    assert model.predict_on_batch(x).shape == (2, 10)
    model.add(keras.layers.Dense(3))
    assert model.predict_on_batch(x).shape == (2, 3)
    model.pop()
    assert model(x).shape == (2, 10)


def test_dropout_is_the_identity_and_unbuilt_models_build_on_first_call():
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dropout(0.5), keras.layers.Dense(2)])
    x = inputs(5, 6)
    out = model.predict_on_batch(x)  # builds the model
    assert out.shape == (5, 2)
    w1, b1, w2, b2 = model.get_weights()
    np.testing.assert_allclose(out, np.tanh(x @ w1 + b1) @ w2 + b2, rtol=1e-5, atol=1e-6)


def test_multi_axis_inputs_and_outputs_keep_their_shapes():
    keras.utils.set_random_seed(4)
    model = keras.Sequential([keras.Input((4, 3)), keras.layers.Flatten(),
                              keras.layers.Dense(6, activation="relu"), keras.layers.Dense(2)])
    x = inputs(7, 12).reshape(7, 4, 3)
    np.testing.assert_array_equal(model(x), network_predict(model, x, 3))


def test_dense_over_time_steps_keeps_the_sequence_axis():
    keras.utils.set_random_seed(6)
    model = keras.Sequential([keras.Input((5, 3)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(2)])
    x = inputs(30, 3).reshape(6, 5, 3)
    out = model.predict_on_batch(x)
    assert out.shape == (6, 5, 2)
    np.testing.assert_array_equal(out, network_predict(model, x, 4))
    np.testing.assert_array_equal(model(x[:1]), out[:1])


def test_training_call_runs_the_training_mode_pass():
    # Not the serving path: model(x, training=True) runs dropout (here there is none, so it
    # equals inference; tests/parity/test_training_call_parity.py has the dropout cases).
    model = w4_like()
    x = inputs(3, 48)
    np.testing.assert_allclose(model(x, training=True), model(x), rtol=1e-6, atol=1e-6)
