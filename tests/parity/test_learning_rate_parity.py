"""`optimizer.learning_rate` as a variable and schedules over arrays of steps, against Keras."""

import numpy as np
import pytest

import densefit
from keras_oracle import keras

pytestmark = pytest.mark.parity


def test_learning_rate_reads_like_a_keras_variable():
    k = keras()
    ours, theirs = densefit.optimizers.Adam(0.001).learning_rate, k.optimizers.Adam(0.001).learning_rate
    assert float(ours) == float(theirs)
    assert ours.numpy().dtype == theirs.numpy().dtype and ours.numpy().shape == ()
    assert np.array(ours).dtype == np.array(theirs).dtype
    assert np.asarray(densefit.ops.convert_to_tensor(ours)) == np.asarray(
        k.ops.convert_to_tensor(theirs))
    for value in (ours * 2, 2 * ours, ours / 10, ours + 1e-4, -ours):
        assert np.asarray(value).dtype == np.float32
    assert float(ours * 2) == float(theirs * 2)
    assert (ours < 0.01) == bool(theirs < 0.01)
    # Keras numbers optimizer names per session ("adam_13"); the path is <name>/learning_rate.
    assert ours.path == "adam/learning_rate" and theirs.path.endswith("/learning_rate")
    assert (ours.name, ours.trainable, ours.dtype, ours.shape) == (
        theirs.name, theirs.trainable, theirs.dtype, theirs.shape)


def _one_step_after_assign(mod, assign):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(16, 3)).astype(np.float32)
    y = rng.normal(size=(16, 1)).astype(np.float32)
    model = mod.Sequential([mod.Input((3,)), mod.layers.Dense(1)])
    model.set_weights([np.full((3, 1), 0.5, np.float32), np.zeros(1, np.float32)])
    model.compile(optimizer=mod.optimizers.SGD(0.1), loss="mse")
    model.train_on_batch(x, y)  # compiled and stepped: the rate lives in the step now
    assign(model.optimizer.learning_rate)
    model.train_on_batch(x, y)
    return float(model.optimizer.learning_rate), model.get_weights()


@pytest.mark.parametrize("assign", [lambda lr: lr.assign(0.01), lambda lr: lr.assign_sub(0.05),
                                    lambda lr: lr.assign_add(0.2)],
                         ids=["assign", "assign_sub", "assign_add"])
def test_assign_changes_the_rate_the_next_step_uses(assign):
    k = keras()
    lr_ours, w_ours = _one_step_after_assign(densefit, assign)
    lr_theirs, w_theirs = _one_step_after_assign(k, assign)
    assert lr_ours == pytest.approx(lr_theirs, rel=1e-7)
    for a, b in zip(w_ours, w_theirs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name, args", [
    ("ExponentialDecay", (0.1, 10, 0.5)), ("PiecewiseConstantDecay", ([3, 6], [0.1, 0.05, 0.01])),
    ("PolynomialDecay", (0.1, 10, 0.001)), ("InverseTimeDecay", (0.1, 5, 0.5)),
    ("CosineDecay", (0.1, 20)), ("CosineDecayRestarts", (0.1, 5)),
])
def test_schedule_is_callable_on_an_array_of_steps(name, args):
    k = keras()
    steps = np.arange(0, 24).reshape(4, 6)
    ours = getattr(densefit.optimizers.schedules, name)(*args)(steps)
    theirs = np.asarray(getattr(k.optimizers.schedules, name)(*args)(steps))
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-8)
