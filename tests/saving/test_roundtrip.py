"""Round trips: every layer, optimizer, loss and metric config; models through .keras files,
.weights.h5 files, JSON and clone_model."""

import json
import zipfile

import numpy as np
import pytest

import densefit as keras
from densefit import constraints, initializers, losses, metrics, optimizers, regularizers
from densefit.layers import Activation, Dense, Dropout, Flatten, InputLayer
from densefit.optimizers import schedules
from densefit.saving import deserialize_keras_object, serialize_keras_object
from saving_helpers import max_diff, small_model


def _roundtrip(obj):
    config = json.loads(json.dumps(serialize_keras_object(obj)))
    return config, deserialize_keras_object(config)


LAYERS = [
    Dense(3),
    Dense(4, activation="tanh", use_bias=False, kernel_initializer="he_normal",
          bias_initializer=initializers.Constant(0.5),
          kernel_regularizer=regularizers.L1L2(0.1, 0.2),
          bias_regularizer="l2", activity_regularizer=regularizers.L1(0.3),
          kernel_constraint=constraints.MaxNorm(3.0), bias_constraint=constraints.NonNeg(),
          name="custom_dense", trainable=False),
    Dense(2, kernel_initializer=initializers.VarianceScaling(2.0, "fan_out", "uniform", seed=4),
          kernel_constraint=constraints.MinMaxNorm(0.1, 2.0, 0.5), bias_constraint="unit_norm"),
    Dropout(0.4, seed=3),
    Activation("softmax"),
    Activation("leaky_relu"),
    Flatten(),
    InputLayer(shape=(3, 4)),
]


@pytest.mark.parametrize("layer", LAYERS, ids=lambda l: l.name)
def test_layer_config_round_trip(layer):
    config, clone = _roundtrip(layer)
    assert config["module"] == "keras.layers" and config["class_name"] == type(layer).__name__
    assert type(clone) is type(layer)
    assert clone.get_config() == layer.get_config()


OPTIMIZERS = [
    optimizers.SGD(0.1, momentum=0.9, nesterov=True), optimizers.SGD(),
    optimizers.Adam(amsgrad=True, clipnorm=1.0), optimizers.AdamW(weight_decay=0.01),
    optimizers.RMSprop(momentum=0.5, centered=True), optimizers.Adagrad(),
    optimizers.Adadelta(), optimizers.Adamax(), optimizers.Nadam(), optimizers.Lion(),
    optimizers.Ftrl(l1_regularization_strength=0.1),
    optimizers.Adam(use_ema=True, gradient_accumulation_steps=2, global_clipnorm=2.0),
    optimizers.Adam(schedules.ExponentialDecay(0.1, 10, 0.9)),
]


@pytest.mark.parametrize("opt", OPTIMIZERS, ids=lambda o: type(o).__name__)
def test_optimizer_config_round_trip(opt):
    config, clone = _roundtrip(opt)
    assert config["module"] == "keras.optimizers"
    assert type(clone) is type(opt) and clone.get_config() == opt.get_config()


@pytest.mark.parametrize("schedule_cls", sorted(schedules.ALL))
def test_schedule_config_round_trip(schedule_cls):
    examples = {"ExponentialDecay": (0.1, 10, 0.5), "PiecewiseConstantDecay": ([5], [0.1, 0.01]),
                "PolynomialDecay": (0.1, 10), "InverseTimeDecay": (0.1, 10, 0.5),
                "CosineDecay": (0.1, 10), "CosineDecayRestarts": (0.1, 10)}
    schedule = schedules.ALL[schedule_cls](*examples[schedule_cls])
    config, clone = _roundtrip(schedule)
    assert config["module"] == "keras.optimizers.schedules"
    assert clone.get_config() == schedule.get_config()


@pytest.mark.parametrize("name", sorted(losses.ALL))
def test_loss_config_round_trip(name):
    loss = losses.ALL[name](name="my_" + name.lower())
    config, clone = _roundtrip(loss)
    assert config["module"] == "keras.losses" and config["class_name"] == name
    assert type(clone) is type(loss) and clone.get_config() == loss.get_config()


METRIC_CLASSES = sorted(name for name in dir(metrics)
                        if isinstance(getattr(metrics, name), type)
                        and issubclass(getattr(metrics, name), metrics.Metric)
                        and getattr(metrics, name) is not metrics.Metric)


@pytest.mark.parametrize("name", METRIC_CLASSES)
def test_metric_config_round_trip(name):
    try:
        metric = getattr(metrics, name)(name="m_" + name.lower())
    except TypeError:
        pytest.skip(f"{name} needs constructor arguments")
    config, clone = _roundtrip(metric)
    assert config["module"] == "keras.metrics" and config["class_name"] == name
    assert type(clone) is type(metric) and clone.get_config() == metric.get_config()


@pytest.mark.parametrize("kind", ["initializer", "regularizer", "constraint"])
def test_nested_object_round_trip(kind):
    table = {"initializer": initializers.ALL, "regularizer": regularizers.ALL,
             "constraint": constraints.ALL}[kind]
    for name, cls in table.items():
        obj = cls() if name != "Constant" else cls(0.3)
        config, clone = _roundtrip(obj)
        assert config["module"] == f"keras.{kind}s" and type(clone) is cls
        assert clone.get_config() == obj.get_config()


def _full_model():
    keras.utils.set_random_seed(11)
    model = keras.Sequential([
        InputLayer(shape=(2, 3)), Flatten(),
        LAYERS[1].__class__.from_config(LAYERS[1].get_config()),
        Dropout(0.2), Activation("relu"), Dense(3, activation="softmax"),
    ])
    model.compile(optimizer=optimizers.RMSprop(0.01, momentum=0.3, centered=True),
                  loss=losses.CategoricalCrossentropy(label_smoothing=0.1),
                  metrics=["accuracy", metrics.MeanSquaredError(name="mse_metric")],
                  weighted_metrics=["categorical_crossentropy"], loss_weights=0.5)
    return model


def test_keras_file_round_trip_every_part(tmp_path):
    model = _full_model()
    rng = np.random.default_rng(1)
    x = rng.random((40, 2, 3), dtype=np.float32)
    y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 40)]
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
    loaded = keras.models.load_model(path)
    assert loaded.get_config() == model.get_config() or _same_layers(loaded, model)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert loaded.loss.get_config() == model.loss.get_config()
    assert loaded.loss_weights == 0.5
    assert loaded.optimizer.iterations == model.optimizer.iterations == 10
    assert loaded.evaluate(x, y, verbose=0, return_dict=True) == \
        model.evaluate(x, y, verbose=0, return_dict=True)
    assert not loaded.layers[1].trainable


def _same_layers(a, b):
    strip = lambda c: {k: v for k, v in c.items() if k != "batch_input_shape"}  # noqa: E731
    return [strip(l.get_config()) for l in a.layers] == [strip(l.get_config()) for l in b.layers]


def test_uncompiled_model_and_compile_false(tmp_path, data):
    x, _ = data
    keras.utils.set_random_seed(2)
    model = keras.Sequential([Dense(3, input_shape=(6,)), Dense(1)])
    model.save(tmp_path / "u.keras")
    loaded = keras.models.load_model(tmp_path / "u.keras")
    assert not loaded.compiled
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    compiled = small_model()
    compiled.save(tmp_path / "c.keras")
    assert not keras.models.load_model(tmp_path / "c.keras", compile=False).compiled
    assert keras.models.load_model(tmp_path / "c.keras").compiled


def test_functional_model_round_trip(tmp_path, data):
    x, y = data
    keras.utils.set_random_seed(5)
    inputs = keras.Input((6,), name="features")
    outputs = Dense(1, activation="sigmoid")(Dropout(0.1)(Dense(4, activation="relu")(inputs)))
    model = keras.Model(inputs, outputs, name="chain")
    model.compile("sgd", "binary_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "f.keras")
    config = json.loads(zipfile.ZipFile(tmp_path / "f.keras").read("config.json"))
    assert config["class_name"] == "Functional"
    assert config["config"]["input_layers"] == ["features", 0, 0]
    loaded = keras.models.load_model(tmp_path / "f.keras")
    assert type(loaded).__name__ == "Functional" and isinstance(loaded, keras.Model) and loaded.name == "chain"
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_weights_file_round_trip(tmp_path, data):
    x, y = data
    model = small_model()
    model.fit(x, y, epochs=1, verbose=0)
    model.save_weights(tmp_path / "w.weights.h5")
    other = small_model(seed=99)
    assert max_diff(other.get_weights(), model.get_weights()) > 0
    other.load_weights(tmp_path / "w.weights.h5")
    assert max_diff(other.get_weights(), model.get_weights()) == 0
    other.load_weights(_saved(model, tmp_path))  # weights straight out of a .keras file
    with pytest.raises(ValueError, match="must end in `.weights.h5`"):
        model.save_weights(tmp_path / "w.h5")
    with pytest.raises(ValueError, match="`.keras`"):
        model.save(tmp_path / "m.tf")
    model.save(tmp_path / "m.h5")  # Keras's legacy format (tests/saving/test_legacy_h5.py)
    other.load_weights(tmp_path / "m.h5")
    assert max_diff(other.get_weights(), model.get_weights()) == 0


def _saved(model, tmp_path):
    path = tmp_path / "m.keras"
    model.save(path)
    return path


def test_load_weights_mismatch_and_skip(tmp_path):
    small_model().save_weights(tmp_path / "w.weights.h5")
    keras.utils.set_random_seed(1)
    wider = keras.Sequential([Dense(9, activation="relu", input_shape=(6,)), Dropout(0.25),
                              Dense(1, activation="sigmoid")])
    before = wider.get_weights()
    with pytest.raises(ValueError, match=r"shape \(6, 8\) in the file, the model expects \(6, 9\)"):
        wider.load_weights(tmp_path / "w.weights.h5")
    assert max_diff(wider.get_weights(), before) == 0  # nothing half-loaded
    with pytest.warns(UserWarning, match="Skipping loading weights"):
        wider.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)


def test_json_and_from_config(data):
    x, _ = data
    model = small_model()
    text = model.to_json()
    assert json.loads(text)["class_name"] == "Sequential"
    clone = keras.models.model_from_json(text)
    assert [l.get_config() for l in clone.layers] == \
        [{k: v for k, v in l.get_config().items() if k != "batch_input_shape"}
         for l in model.layers]
    assert clone.compiled  # to_json carries the compile config, as Keras's does
    again = keras.Sequential.from_config(model.get_config())
    assert again.count_params() == model.count_params()
    assert again.predict(x, verbose=0).shape == (96, 1)


def test_clone_model(data):
    x, _ = data
    model = small_model()
    clone = keras.models.clone_model(model)
    assert [type(l) for l in clone.layers] == [type(l) for l in model.layers]
    assert clone.count_params() == model.count_params()
    assert max_diff(clone.get_weights(), model.get_weights()) > 0  # new weights
    calls = []
    keras.models.clone_model(model, clone_function=lambda l: calls.append(l.name) or
                             l.__class__.from_config(l.get_config()))
    assert calls == [l.name for l in model.layers]
    inputs = keras.Input((6,))
    functional = keras.Model(inputs, Dense(2)(inputs))
    assert type(keras.models.clone_model(functional)).__name__ == "Functional"


def test_custom_objects_and_registration(tmp_path, data):
    x, y = data

    class ScaledDense(Dense):
        def __init__(self, units, scale=1.0, **kwargs):
            super().__init__(units, **kwargs)
            self.scale = scale

        def get_config(self):
            return {**super().get_config(), "scale": self.scale}

    keras.utils.set_random_seed(4)
    model = keras.Sequential([ScaledDense(3, scale=2.0, input_shape=(6,)), Dense(1)])
    model.compile("adam", "mse")
    model.save(tmp_path / "c.keras")
    with pytest.raises(TypeError, match="Could not locate class 'ScaledDense'"):
        keras.models.load_model(tmp_path / "c.keras")
    loaded = keras.models.load_model(tmp_path / "c.keras",
                                     custom_objects={"ScaledDense": ScaledDense})
    assert loaded.layers[0].scale == 2.0
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    with keras.saving.custom_object_scope({"ScaledDense": ScaledDense}):
        assert keras.models.load_model(tmp_path / "c.keras").layers[0].scale == 2.0

    @keras.saving.register_keras_serializable(package="tests")
    class RegisteredDense(Dense):
        pass

    keras.utils.set_random_seed(4)
    registered = keras.Sequential([RegisteredDense(2, input_shape=(6,))])
    registered.save(tmp_path / "r.keras")
    config = json.loads(zipfile.ZipFile(tmp_path / "r.keras").read("config.json"))
    assert config["config"]["layers"][1]["registered_name"] == "tests>RegisteredDense"
    assert type(keras.models.load_model(tmp_path / "r.keras").layers[0]) is RegisteredDense


def test_overwrite_false_asks(tmp_path, monkeypatch):
    model = small_model()
    path = tmp_path / "m.keras"
    path.write_bytes(b"old")
    monkeypatch.setattr("builtins.input", lambda prompt="": "n")
    model.save(path, overwrite=False)
    assert path.read_bytes() == b"old"
    monkeypatch.setattr("builtins.input", lambda prompt="": "y")
    model.save(path, overwrite=False)
    assert keras.models.load_model(path).count_params() == model.count_params()


def my_squared_error(y_true, y_pred):
    from densefit import ops

    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def test_custom_loss_function_round_trip(tmp_path, data):
    x, y = data
    keras.utils.set_random_seed(3)
    model = keras.Sequential([Dense(2, input_shape=(6,)), Dense(1)])
    model.compile("adam", loss=my_squared_error)
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "f.keras")
    config = json.loads(zipfile.ZipFile(tmp_path / "f.keras").read("config.json"))
    assert config["compile_config"]["loss"]["class_name"] == "function"
    with pytest.raises(TypeError, match="Could not locate function 'my_squared_error'"):
        keras.models.load_model(tmp_path / "f.keras")
    loaded = keras.models.load_model(tmp_path / "f.keras",
                                     custom_objects={"my_squared_error": my_squared_error})
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))
