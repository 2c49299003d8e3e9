"""Keras's legacy HDF5 model format (`model.save("m.h5")`): files move both ways between
densefit and real Keras 3 (JAX backend, imported in this process) and predict the same; the
compile state (loss, metrics, optimizer, its state) comes back; `load_weights("w.h5")` reads
the legacy weights layouts; hostile files are refused with a ValueError before anything is
allocated for them; a failed save leaves the previous file."""

import json
import logging
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
# One XLA thread keeps the oracle's sums in one order (tests/parity/keras_oracle.py).
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false "
                                   "intra_op_parallelism_threads=1")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import densefit  # noqa: E402
from densefit import config  # noqa: E402
from densefit.layers import Dense, Dropout  # noqa: E402
from densefit.saving import MalformedFileError  # noqa: E402

RNG = np.random.default_rng(3)
X = RNG.random((64, 6), dtype=np.float32)
Y = (X.sum(axis=1, keepdims=True) > 3).astype(np.float32)
TOL = dict(rtol=1e-5, atol=1e-6)
SAVE_WARNING = ("You are saving your model as an HDF5 file via `model.save()` or "
                "`keras.saving.save_model(model)`. This file format is considered legacy. "
                "We recommend using instead the native Keras format, e.g. "
                "`model.save('my_model.keras')` or "
                "`keras.saving.save_model(model, 'my_model.keras')`. ")


@pytest.fixture
def keras():
    mod = pytest.importorskip("keras")
    if mod.backend.backend() != "jax":
        pytest.skip("parity tests compare against Keras on its JAX backend")
    return mod


def densefit_sequential(optimizer=None):
    densefit.utils.set_random_seed(5)
    model = densefit.Sequential([densefit.layers.InputLayer(shape=(6,)),
                                 Dense(8, activation="relu"), Dropout(0.25),
                                 Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizer or densefit.optimizers.Adam(0.01),
                  loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(X, Y, epochs=2, batch_size=16, verbose=0)
    return model


def densefit_functional():
    densefit.utils.set_random_seed(6)
    inputs = densefit.Input((6,), name="features")
    hidden = Dense(5, activation="tanh", name="hidden")(inputs)
    outputs = Dense(2, name="scores")(hidden)
    model = densefit.Model(inputs, outputs, name="chain")
    model.compile(optimizer=densefit.optimizers.SGD(0.05, momentum=0.9), loss="mse",
                  metrics=["mae"])
    model.fit(X, np.hstack([Y, 1 - Y]), epochs=1, batch_size=16, verbose=0)
    return model


def keras_sequential(keras):
    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dropout(0.25),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.003), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(X, Y, epochs=2, batch_size=16, verbose=0)
    return model


def keras_functional(keras):
    keras.utils.set_random_seed(8)
    inputs = keras.Input((6,), name="features")
    hidden = keras.layers.Dense(4, activation="gelu")(inputs)
    outputs = keras.layers.Dense(2, activation="softmax")(hidden)
    model = keras.Model(inputs, outputs, name="chain")
    model.compile(optimizer=keras.optimizers.RMSprop(0.02), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(X, np.hstack([Y, 1 - Y]), epochs=1, batch_size=16, verbose=0)
    return model


def _metric_names(model, y):
    return sorted(model.evaluate(X, y, verbose=0, return_dict=True))


def _optimizer_state(model):
    """Keras's optimizer variable list, of a Keras model or (as its files list it) densefit's."""
    if isinstance(model, densefit.Model):
        from densefit.saving.optimizer_state import Layout

        return Layout(model).variables(model._network)
    return [np.asarray(v) for v in model.optimizer.variables]


# ---- densefit -> Keras ----------------------------------------------------------------------
@pytest.mark.parity
def test_densefit_sequential_loads_in_keras(tmp_path, keras):
    model = densefit_sequential()
    model.save(tmp_path / "d.h5")
    with h5py.File(tmp_path / "d.h5", "r") as f:  # Keras's legacy layout
        assert {"keras_version", "backend", "model_config", "training_config"} <= set(f.attrs)
        assert json.loads(f.attrs["model_config"])["class_name"] == "Sequential"
        assert list(f["model_weights"].attrs["layer_names"]) == [l.name for l in model.layers]
        assert "optimizer_weights" in f
    loaded = keras.models.load_model(tmp_path / "d.h5")
    assert type(loaded).__name__ == "Sequential"
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), **TOL)
    assert type(loaded.optimizer).__name__ == "Adam"
    assert float(loaded.optimizer.learning_rate) == pytest.approx(0.01)
    assert int(loaded.optimizer.iterations) == model.optimizer.iterations
    for a, b in zip(_optimizer_state(loaded), _optimizer_state(model)):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert _metric_names(loaded, Y) == _metric_names(model, Y) == ["accuracy", "loss"]
    np.testing.assert_allclose(loaded.evaluate(X, Y, verbose=0),
                               model.evaluate(X, Y, verbose=0), rtol=1e-5)


@pytest.mark.parity
def test_densefit_functional_loads_in_keras(tmp_path, keras):
    model = densefit_functional()
    model.save(tmp_path / "f.hdf5")
    loaded = keras.models.load_model(tmp_path / "f.hdf5")
    assert type(loaded).__name__ == "Functional" and loaded.name == "chain"
    assert [l.name for l in loaded.layers] == ["features", "hidden", "scores"]
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), **TOL)
    assert type(loaded.optimizer).__name__ == "SGD"
    assert float(loaded.optimizer.learning_rate) == pytest.approx(0.05)
    assert loaded.optimizer.get_config()["momentum"] == pytest.approx(0.9)
    for a, b in zip(_optimizer_state(loaded), _optimizer_state(model)):
        np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parity
def test_save_logs_keras_warning(tmp_path, keras, caplog):
    with caplog.at_level(logging.WARNING):
        keras_sequential(keras).save(tmp_path / "k.h5")
    theirs = [r.getMessage() for r in caplog.records if "HDF5" in r.getMessage()]
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        densefit_sequential().save(tmp_path / "d.h5")
    ours = [(r.name, r.levelno, r.getMessage()) for r in caplog.records
            if "HDF5" in r.getMessage()]
    assert theirs == [SAVE_WARNING]
    assert ours == [("absl", logging.WARNING, SAVE_WARNING)]


# ---- Keras -> densefit ----------------------------------------------------------------------
@pytest.mark.parity
@pytest.mark.parametrize("make", [keras_sequential, keras_functional])
def test_keras_h5_loads_in_densefit(tmp_path, keras, make):
    model = make(keras)
    y = Y if make is keras_sequential else np.hstack([Y, 1 - Y])
    model.save(tmp_path / "k.h5")
    loaded = densefit.models.load_model(tmp_path / "k.h5")
    assert type(loaded).__name__ == type(model).__name__  # Sequential or Functional, as Keras
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), **TOL)
    assert type(loaded.optimizer).__name__ == type(model.optimizer).__name__
    assert float(loaded.optimizer.learning_rate) == pytest.approx(
        float(model.optimizer.learning_rate))
    assert loaded.optimizer.iterations == int(model.optimizer.iterations)
    assert type(loaded.loss).__name__ == type(model.loss).__name__ or \
        loaded.loss.name == model.loss
    assert _metric_names(loaded, y) == _metric_names(model, y)
    np.testing.assert_allclose(loaded.evaluate(X, y, verbose=0), model.evaluate(X, y, verbose=0),
                               rtol=1e-5)
    # The optimizer state came over: back through densefit's writer, Keras sees its own.
    loaded.save(tmp_path / "d.h5")
    again = keras.models.load_model(tmp_path / "d.h5")
    for a, b in zip(_optimizer_state(again), _optimizer_state(model)):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert not densefit.models.load_model(tmp_path / "k.h5", compile=False).compiled


@pytest.mark.parity
def test_keras_optimizer_never_built_loads_quietly(tmp_path, keras, caplog):
    """Keras saves only `iteration` and `learning_rate` for an optimizer it has not built."""
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    model.save(tmp_path / "k.h5")
    with caplog.at_level(logging.WARNING):
        loaded = densefit.models.load_model(tmp_path / "k.h5")
    assert not [r for r in caplog.records if "optimizer" in r.getMessage()]
    assert float(loaded.optimizer.learning_rate) == pytest.approx(0.02)
    loaded.fit(X, np.ones((64, 2), np.float32), epochs=1, batch_size=64, verbose=0)
    assert loaded.optimizer.iterations == 1


@pytest.mark.parity
def test_keras_legacy_weights_files_load_in_densefit(tmp_path, keras):
    from keras.src.legacy.saving import legacy_h5_format

    model = keras_sequential(keras)
    model.save(tmp_path / "k.h5")
    with h5py.File(tmp_path / "w.h5", "w") as f:  # Keras 2's save_weights("w.h5") layout
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    expected = model.predict(X, verbose=0)
    for name in ("k.h5", "w.h5"):
        fresh = densefit_sequential()
        fresh.load_weights(tmp_path / name)
        np.testing.assert_allclose(fresh.predict(X, verbose=0), expected, **TOL)
    first, last = model.layers[0].name, model.layers[2].name
    densefit.utils.set_random_seed(9)
    wider = densefit.Sequential([densefit.layers.InputLayer(shape=(6,)), Dense(8, name=first),
                                 Dense(8, name="extra"), Dense(1, name=last)])
    extra = wider.get_layer("extra").get_weights()
    with pytest.raises(ValueError, match="Layer count mismatch"):  # by position
        wider.load_weights(tmp_path / "w.h5")
    wider.load_weights(tmp_path / "w.h5", by_name=True)  # by layer name: "extra" is left alone
    for layer in (first, last):
        for a, b in zip(wider.get_layer(layer).get_weights(), model.get_layer(layer).get_weights()):
            np.testing.assert_array_equal(a, np.asarray(b))
    for a, b in zip(wider.get_layer("extra").get_weights(), extra):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="`by_name` only supports loading legacy"):
        wider.load_weights(tmp_path / "x.weights.h5", by_name=True)
    # Keras 3 writes weights-only files as `.weights.h5` only; densefit refuses "w.h5" alike.
    for m in (model, densefit_sequential()):
        with pytest.raises(ValueError, match=r"The filename must end in `\.weights\.h5`"):
            m.save_weights(tmp_path / "out.h5")


@pytest.mark.parity
def test_keras2_file_loads_in_both(tmp_path, keras):
    """A file as tf.keras 2 wrote it: `batch_input_shape`, weight names with `:0`."""
    def dense(name, units, activation):
        return {"class_name": "Dense", "config": {
            "name": name, "trainable": True, "dtype": "float32", "units": units,
            "activation": activation, "use_bias": True,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}}}}
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 6],
                                                "dtype": "float32", "name": "dense_input"}},
        dense("dense", 4, "relu"), dense("dense_1", 1, "sigmoid")]}}
    weights = [RNG.random(s, dtype=np.float32) - 0.5 for s in [(6, 4), (4,), (4, 1), (1,)]]
    with h5py.File(tmp_path / "k2.h5", "w") as f:
        f.attrs["keras_version"], f.attrs["backend"] = "2.13.1", "tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode()
        group = f.create_group("model_weights")
        group.attrs["layer_names"] = [b"dense", b"dense_1"]
        for i, layer in enumerate(["dense", "dense_1"]):
            names = [f"{layer}/kernel:0".encode(), f"{layer}/bias:0".encode()]
            group.create_group(layer).attrs["weight_names"] = names
            for name, value in zip(names, weights[2 * i:2 * i + 2]):
                group[layer].create_dataset(name, data=value)
    theirs = keras.models.load_model(tmp_path / "k2.h5", compile=False)
    ours = densefit.models.load_model(tmp_path / "k2.h5", compile=False)
    np.testing.assert_allclose(ours.predict(X, verbose=0), theirs.predict(X, verbose=0), **TOL)


# ---- densefit -> densefit -------------------------------------------------------------------
def test_compile_state_round_trips(tmp_path, caplog):
    model = densefit_sequential(densefit.optimizers.Nadam(0.004))
    model.save(tmp_path / "m.h5")
    loaded = densefit.models.load_model(tmp_path / "m.h5")
    assert type(loaded.optimizer) is densefit.optimizers.Nadam
    assert float(loaded.optimizer.learning_rate) == pytest.approx(0.004)
    assert type(loaded.loss).__name__ == "BinaryCrossentropy"
    assert _metric_names(loaded, Y) == ["accuracy", "loss"]
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    # the optimizer state and the training position: training goes on as if never saved
    model.fit(X, Y, epochs=1, batch_size=16, verbose=0)
    loaded.fit(X, Y, epochs=1, batch_size=16, verbose=0)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    model.save(tmp_path / "bare.h5", include_optimizer=False)
    with h5py.File(tmp_path / "bare.h5", "r") as f:
        assert "training_config" not in f.attrs and "optimizer_weights" not in f
    with caplog.at_level(logging.WARNING):
        assert not densefit.models.load_model(tmp_path / "bare.h5").compiled
    assert [r.getMessage() for r in caplog.records if r.name == "absl"][-1] == (
        "No training configuration found in the save file, so the model was *not* compiled. "
        "Compile it manually.")


def test_custom_objects(tmp_path):
    class Scaled(Dense):
        pass

    def my_loss(y_true, y_pred):
        return densefit.ops.mean(densefit.ops.square(y_true - y_pred))

    densefit.utils.set_random_seed(2)
    model = densefit.Sequential([densefit.layers.InputLayer(shape=(6,)), Scaled(3), Dense(1)])
    model.compile(optimizer="adam", loss=my_loss)
    model.save(tmp_path / "c.h5")
    with pytest.raises(TypeError, match="Scaled"):
        densefit.models.load_model(tmp_path / "c.h5")
    loaded = densefit.models.load_model(tmp_path / "c.h5",
                                        custom_objects={"Scaled": Scaled, "my_loss": my_loss})
    assert type(loaded.layers[0]) is Scaled
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


# ---- hostile files ---------------------------------------------------------------------------
def _small(tmp_path):
    densefit.utils.set_random_seed(1)
    model = densefit.Sequential([densefit.layers.InputLayer(shape=(3,)),
                                 Dense(2, name="dense")], name="sequential")
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 3), np.float32), np.ones((4, 2), np.float32), verbose=0)
    path = tmp_path / "good.h5"
    model.save(path)
    return path


def _edit_config(f, edit):
    cfg = json.loads(f.attrs["model_config"])
    edit(cfg)
    f.attrs["model_config"] = json.dumps(cfg).encode()


def _replace(f, path, **kwargs):
    del f[path]
    f.create_dataset(path, **kwargs)


def _chunked_layer_names(f, count):
    # Keras splits a long list into layer_names0, layer_names1, ... (one attribute is < 64 KB)
    attrs = f["model_weights"].attrs
    del attrs["layer_names"]
    for i in range(5):
        attrs[f"layer_names{i}"] = [b"x%d" % j for j in range(i * count // 5,
                                                              (i + 1) * count // 5)]


KERNEL = "model_weights/dense/sequential/dense/kernel"
HOSTILE = {
    "bad_json": (lambda f: f.attrs.__setitem__("model_config", b"{not json"), "not valid JSON"),
    "config_not_a_model": (lambda f: f.attrs.__setitem__("model_config", b"[1, 2]"),
                           "not a model config"),
    "no_model_config": (lambda f: f.attrs.__delitem__("model_config"), "No model config found"),
    "config_not_a_string": (lambda f: f.attrs.__setitem__("model_config", np.zeros(3)),
                            "model_config"),
    "deep_json": (lambda f: f.attrs.__setitem__("model_config", b"[" * 100000 + b"]" * 100000),
                  "model_config"),
    "no_weights_group": (lambda f: f.__delitem__("model_weights"), "model_weights"),
    "huge_declared_dataset": (lambda f: _replace(f, KERNEL, shape=(1 << 20, 1 << 20), dtype="f4",
                                                 chunks=(64, 64), compression="gzip"),
                              r"shape \(1048576, 1048576\) in the file"),
    "wrong_shape": (lambda f: _replace(f, KERNEL, data=np.zeros((4, 2), np.float32)),
                    r"shape \(4, 2\) in the file"),
    "config_huge_units": (lambda f: _edit_config(f, lambda c: c["config"]["layers"][1][
        "config"].update(units=10 ** 12)), r"layer 'dense'.*\(3, 1000000000000\)"),
    "string_weights": (lambda f: _replace(f, KERNEL, data=np.array([[b"a"] * 2] * 3)), "dtype"),
    "soft_link": (lambda f: (f.__delitem__(KERNEL), f.__setitem__(
        KERNEL, h5py.SoftLink("/model_weights/dense/sequential/dense/bias"))), "SoftLink"),
    "external_link": (lambda f: (f.__delitem__(KERNEL), f.__setitem__(
        KERNEL, h5py.ExternalLink("/etc/passwd", "/x"))), "ExternalLink"),
    "climbing_weight_name": (lambda f: f["model_weights/dense"].attrs.__setitem__(
        "weight_names", [b"../dense/kernel", b"sequential/dense/bias"]), "not a path"),
    "missing_weight": (lambda f: f.__delitem__(KERNEL), "missing"),
    "too_many_layer_names": (lambda f: _chunked_layer_names(f, 5000), "5000 names"),
    "numeric_layer_names": (lambda f: f["model_weights"].attrs.__setitem__(
        "layer_names", np.arange(3)), "strings"),
    "bad_training_config": (lambda f: f.attrs.__setitem__("training_config", b"{oops"),
                            "training_config"),
    "hostile_iteration": (lambda f: _replace(f, "optimizer_weights/adam/iteration",
                                             data=np.int64(-5)), "iteration"),
}


@pytest.fixture
def networks_built(monkeypatch):
    """The native networks constructed since the test began (tests/saving/test_declared_sizes)."""
    built = []
    real = config.native_network_class

    def counting():
        make = real()

        def network(*args):
            built.append(args)
            return make(*args)
        return network

    monkeypatch.setattr(config, "native_network_class", counting)
    return built


# Hostile in what load_model reads beyond the weights: load_weights reads none of it.
CONFIG_ONLY = {"bad_json", "config_not_a_model", "no_model_config", "config_not_a_string",
               "deep_json", "config_huge_units", "bad_training_config", "hostile_iteration"}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_refused(tmp_path, name, networks_built):
    path = _small(tmp_path)
    edit, pattern = HOSTILE[name]
    with h5py.File(path, "a") as f:
        edit(f)
    del networks_built[:]
    with pytest.raises(ValueError, match=pattern) as info:
        densefit.models.load_model(path)
    assert str(path) in str(info.value)
    if name in ("huge_declared_dataset", "config_huge_units", "wrong_shape"):
        assert networks_built == [], "the config's network was built before its file was checked"
    if name not in CONFIG_ONLY:  # load_weights refuses the file too, and changes nothing
        model = densefit.Sequential([densefit.layers.InputLayer(shape=(3,)), Dense(2)])
        before = model.get_weights()
        with pytest.raises(ValueError):
            model.load_weights(path)
        for a, b in zip(model.get_weights(), before):
            np.testing.assert_array_equal(a, b)


def test_not_hdf5_and_truncated(tmp_path):
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 300)
    good = _small(tmp_path)
    cut = tmp_path / "cut.h5"
    cut.write_bytes(good.read_bytes()[:2000])
    for path in (junk, cut):
        with pytest.raises(MalformedFileError, match="not a readable HDF5"):
            densefit.models.load_model(path)
    assert densefit.models.load_model(good, compile=False).built


# ---- atomic writes ---------------------------------------------------------------------------
def test_failed_save_leaves_the_existing_file(tmp_path, monkeypatch):
    path = _small(tmp_path)
    before = path.read_bytes()
    model = densefit_sequential()
    model.compile(optimizer="adam", loss=lambda y_true, y_pred: y_pred)  # not serializable
    with pytest.raises(ValueError, match="lambda"):
        model.save(path)
    assert path.read_bytes() == before

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    model = densefit_sequential()
    monkeypatch.setattr(os, "fsync", full_disk)  # the temporary file is written, not synced
    with pytest.raises(OSError, match="No space left"):
        model.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["good.h5"], "no temporary file is left behind"
    assert densefit.models.load_model(path).predict(np.ones((1, 3), np.float32)).shape == (1, 2)
