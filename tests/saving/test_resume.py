"""Save mid-fit, load, continue: the same final weights as an uninterrupted run. That needs the
optimizer's iterations and slots and densefit's random position (network seed, shuffle counter,
dropout step counter) to come back with the weights."""

import numpy as np
import pytest

import densefit as keras
from densefit import optimizers
from densefit.optimizers import schedules
from saving_helpers import max_diff, small_model

OPTIMIZERS = {
    "adam": lambda: optimizers.Adam(0.01, amsgrad=True),
    "sgd_momentum": lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "rmsprop_centered": lambda: optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    "adagrad": lambda: optimizers.Adagrad(0.05),
    "adadelta": lambda: optimizers.Adadelta(1.0),
    "adamax": lambda: optimizers.Adamax(0.01),
    "nadam": lambda: optimizers.Nadam(0.01),
    "lion": lambda: optimizers.Lion(0.001),
    "ftrl": lambda: optimizers.Ftrl(0.05, l1_regularization_strength=0.01),
    "adamw_schedule": lambda: optimizers.AdamW(schedules.ExponentialDecay(0.02, 5, 0.5)),
    "ema_accumulation": lambda: optimizers.Adam(0.01, use_ema=True, ema_overwrite_frequency=4,
                                                gradient_accumulation_steps=3),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("via", ["keras", "weights"])
def test_resume_matches_uninterrupted(tmp_path, data, name, via):
    x, y = data
    uninterrupted = small_model(optimizer=OPTIMIZERS[name]())
    uninterrupted.fit(x, y, epochs=2, batch_size=10, verbose=0)
    uninterrupted.fit(x, y, epochs=4, initial_epoch=2, batch_size=10, verbose=0)

    first = small_model(optimizer=OPTIMIZERS[name]())
    first.fit(x, y, epochs=2, batch_size=10, verbose=0)
    if via == "keras":
        first.save(tmp_path / "mid.keras")
        del first
        resumed = keras.models.load_model(tmp_path / "mid.keras")
    else:
        first.save_weights(tmp_path / "mid.weights.h5")
        del first
        resumed = small_model(seed=123, optimizer=OPTIMIZERS[name]())  # other seed, same shape
        resumed.load_weights(tmp_path / "mid.weights.h5")
    assert resumed.optimizer.iterations == uninterrupted.optimizer.iterations // 2 or \
        name == "ema_accumulation"
    resumed.fit(x, y, epochs=4, initial_epoch=2, batch_size=10, verbose=0)
    assert max_diff(resumed.get_weights(), uninterrupted.get_weights()) == 0
    assert resumed.optimizer.iterations == uninterrupted.optimizer.iterations


def test_position_and_slots_restored_into_a_trained_model(tmp_path, data):
    x, y = data
    model = small_model()
    model.fit(x, y, epochs=1, verbose=0)
    model.save_weights(tmp_path / "a.weights.h5")
    slots = model._network.optimizer_slots.copy()
    position = (model._seed, model._shuffles, model._network.steps_taken)
    model.fit(x, y, epochs=2, verbose=0)  # moves everything on
    model.load_weights(tmp_path / "a.weights.h5")
    np.testing.assert_array_equal(model._network.optimizer_slots, slots)
    assert (model._seed, model._shuffles, model._network.steps_taken) == position
    assert model._network.seed == position[0]


def test_learning_rate_changed_during_training_round_trips(tmp_path, data):
    x, y = data
    model = small_model()
    model.fit(x, y, epochs=1, verbose=0)
    model.optimizer.learning_rate = 0.0005
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.optimizer.learning_rate == pytest.approx(0.0005)


def test_saved_before_training_loads_fresh_state(tmp_path, data):
    x, y = data
    model = small_model(optimizer=optimizers.Adagrad(0.05))
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.optimizer.iterations == 0
    loaded.fit(x, y, epochs=1, verbose=0)
    model.fit(x, y, epochs=1, verbose=0)
    assert max_diff(loaded.get_weights(), model.get_weights()) == 0
