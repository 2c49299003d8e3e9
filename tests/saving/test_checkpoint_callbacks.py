"""ModelCheckpoint and BackupAndRestore: each documented option."""

import json
import os

import h5py
import numpy as np
import pytest

import densefit as keras
from densefit.callbacks import BackupAndRestore, Callback, ModelCheckpoint
from densefit.callbacks.callback import overrides_batch_hooks
from saving_helpers import max_diff, small_model


def _fit(model, data, callbacks, epochs=3, **kwargs):
    x, y = data
    kwargs.setdefault("validation_split", 0.25)
    return model.fit(x, y, epochs=epochs, batch_size=8, verbose=0, callbacks=callbacks, **kwargs)


# ---- ModelCheckpoint -------------------------------------------------------------------------
def test_checkpoint_every_epoch_with_template(tmp_path, data):
    template = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.keras")
    model = small_model()
    history = _fit(model, data, [ModelCheckpoint(template, monitor="val_loss")])
    names = sorted(os.listdir(tmp_path))
    expected = sorted(f"ckpt-{e + 1:02d}-{v:.2f}.keras"
                      for e, v in enumerate(history.history["val_loss"]))
    assert names == expected
    last = keras.models.load_model(tmp_path / expected[-1])
    np.testing.assert_array_equal(last.predict(data[0], verbose=0),
                                  model.predict(data[0], verbose=0))


def test_checkpoint_save_best_only_min_and_max(tmp_path, data):
    path = tmp_path / "best.keras"
    seen = []

    class Spy(Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append((logs["val_loss"], os.path.getmtime(path) if path.exists() else None))

    ckpt = ModelCheckpoint(str(path), monitor="val_loss", save_best_only=True, mode="min")
    model = small_model()
    _fit(model, data, [ckpt, Spy()], epochs=5)
    assert ckpt.best == min(v for v, _ in seen)
    # mode="max" on the loss: the checkpoint follows the largest loss
    path2 = tmp_path / "max.weights.h5"
    ckpt2 = ModelCheckpoint(str(path2), monitor="loss", save_best_only=True, mode="max",
                            save_weights_only=True)
    history = _fit(small_model(), data, [ckpt2], epochs=4)
    assert ckpt2.best == max(history.history["loss"])


def test_checkpoint_initial_value_threshold(tmp_path, data):
    path = tmp_path / "never.keras"
    ckpt = ModelCheckpoint(str(path), monitor="val_loss", save_best_only=True,
                           initial_value_threshold=1e-9)
    _fit(small_model(), data, [ckpt])
    assert not path.exists()
    ckpt = ModelCheckpoint(str(path), monitor="val_loss", save_best_only=True,
                           initial_value_threshold=1e9)
    _fit(small_model(), data, [ckpt], epochs=1)
    assert path.exists()


def test_checkpoint_save_weights_only(tmp_path, data):
    path = tmp_path / "w-{epoch}.weights.h5"
    model = small_model()
    _fit(model, data, [ModelCheckpoint(str(path), save_weights_only=True)], epochs=2)
    assert sorted(os.listdir(tmp_path)) == ["w-1.weights.h5", "w-2.weights.h5"]
    other = small_model(seed=5)
    other.load_weights(tmp_path / "w-2.weights.h5")
    assert max_diff(other.get_weights(), model.get_weights()) == 0
    with pytest.raises(ValueError, match="must end in `.weights.h5`"):
        ModelCheckpoint(str(tmp_path / "w.keras"), save_weights_only=True)
    with pytest.raises(ValueError, match="must end in `.keras`"):
        ModelCheckpoint(str(tmp_path / "m.weights.h5"))


def test_checkpoint_save_freq_batches(tmp_path, data):
    path = tmp_path / "e{epoch}-b{batch}.keras"
    ckpt = ModelCheckpoint(str(path), save_freq=5)
    assert overrides_batch_hooks(ckpt, "train")
    _fit(small_model(), data, [ckpt], epochs=2, validation_split=0.0)  # 12 batches an epoch
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["e1-b5.keras", "e1-b10.keras", "e2-b3.keras", "e2-b8.keras"])
    with pytest.raises(ValueError, match="Unrecognized save_freq"):
        ModelCheckpoint(str(path), save_freq="batch")


def test_checkpoint_epoch_freq_keeps_the_native_epoch_loop():
    assert not overrides_batch_hooks(ModelCheckpoint("m.keras"), "train")
    assert not overrides_batch_hooks(BackupAndRestore("dir"), "train")
    assert overrides_batch_hooks(BackupAndRestore("dir", save_freq=3), "train")


def test_checkpoint_verbose_messages(tmp_path, data, capsys):
    path = str(tmp_path / "m.keras")
    _fit(small_model(), data, [ModelCheckpoint(path, verbose=1)], epochs=1)
    assert f"Epoch 1: saving model to {path}" in capsys.readouterr().out
    ckpt = ModelCheckpoint(path, verbose=1, save_best_only=True, monitor="loss", mode="max")
    _fit(small_model(), data, [ckpt], epochs=2)
    out = capsys.readouterr().out
    assert "Epoch 1: loss improved from None to" in out
    ckpt = ModelCheckpoint(path, verbose=1, save_best_only=True, monitor="loss", mode="min",
                           initial_value_threshold=1e-9)
    _fit(small_model(), data, [ckpt], epochs=1)
    assert "Epoch 1: loss did not improve from 0.00000" in capsys.readouterr().out


def test_checkpoint_missing_monitor_warns_and_saves(tmp_path, data):
    path = tmp_path / "m.keras"
    with pytest.warns(UserWarning, match="Can save best model only with val_auc available"):
        _fit(small_model(), data, [ModelCheckpoint(str(path), monitor="val_auc",
                                                   save_best_only=True, mode="max")], epochs=1)
    assert path.exists()


def test_checkpoint_bad_template_key(tmp_path, data):
    with pytest.raises(KeyError, match="Failed to format this callback filepath"):
        _fit(small_model(), data, [ModelCheckpoint(str(tmp_path / "{nope}.keras"))], epochs=1)


def test_checkpoint_directory_path_is_an_error(tmp_path, data):
    (tmp_path / "d.keras").mkdir()
    with pytest.raises(IOError, match="non-directory filepath"):
        _fit(small_model(), data, [ModelCheckpoint(str(tmp_path / "d.keras"))], epochs=1)


# ---- BackupAndRestore ------------------------------------------------------------------------
class CrashAfter(Callback):
    def __init__(self, batches):
        super().__init__()
        self.batches, self.seen = batches, 0

    def on_train_batch_end(self, batch, logs=None):
        self.seen += 1
        if self.seen == self.batches:
            raise RuntimeError("simulated crash")


@pytest.mark.parametrize("save_freq", ["epoch", 4])
@pytest.mark.parametrize("crash_after", [7, 30])
def test_backup_resumes_to_the_uninterrupted_weights(tmp_path, data, save_freq, crash_after):
    backup = str(tmp_path / "backup")
    reference = small_model()
    _fit(reference, data, [], epochs=4)

    model = small_model()
    with pytest.raises(RuntimeError, match="simulated crash"):
        _fit(model, data, [BackupAndRestore(backup, save_freq=save_freq), CrashAfter(crash_after)],
             epochs=4)
    # 9 batches an epoch: a crash in the first epoch finds no epoch backup yet
    backed_up = save_freq != "epoch" or crash_after > 9
    assert os.path.exists(os.path.join(backup, "latest.weights.h5")) == backed_up
    resumed = small_model()  # a fresh process would rebuild the same model
    history = _fit(resumed, data, [BackupAndRestore(backup, save_freq=save_freq)], epochs=4)
    assert max_diff(resumed.get_weights(), reference.get_weights()) == 0
    assert resumed.optimizer.iterations == reference.optimizer.iterations
    done_epochs = (crash_after - 1) // 9 if save_freq == "epoch" else None
    if done_epochs is not None:
        assert len(history.history["loss"]) == 4 - done_epochs
    assert not os.path.exists(backup)  # delete_checkpoint=True


def test_backup_metadata_and_delete_checkpoint_false(tmp_path, data):
    backup = tmp_path / "backup"
    _fit(small_model(), data, [BackupAndRestore(str(backup), delete_checkpoint=False)], epochs=2)
    assert json.loads((backup / "training_metadata.json").read_text()) == {"epoch": 2, "batch": -1}
    # A finished run found again starts past its last epoch: nothing more to train.
    model = small_model()
    history = _fit(model, data, [BackupAndRestore(str(backup), delete_checkpoint=False)],
                   epochs=2)
    assert history.history == {}


def test_backup_double_checkpoint_falls_back(tmp_path, data):
    backup = tmp_path / "backup"
    model = small_model()
    with pytest.raises(RuntimeError):
        _fit(model, data, [BackupAndRestore(str(backup), double_checkpoint=True),
                           CrashAfter(25)], epochs=4)
    assert (backup / "latest.weights.h5.bkp").exists()
    (backup / "latest.weights.h5").write_bytes(b"corrupted")
    resumed = small_model()
    history = _fit(resumed, data, [BackupAndRestore(str(backup), double_checkpoint=True)],
                   epochs=4)
    assert len(history.history["loss"]) == 3  # back to the end of epoch 1 (the .bkp)


@pytest.mark.parametrize("position", ["{epoch: 2", '{"epoch": 2}', '{"epoch": -5, "batch": -1}',
                                      '{"epoch": 1e308, "batch": -1}', '["epoch", 2]'])
def test_backup_with_a_malformed_position_falls_back_to_the_bkp(tmp_path, data, position):
    backup = tmp_path / "backup"
    model = small_model()
    with pytest.raises(RuntimeError):
        _fit(model, data, [BackupAndRestore(str(backup), double_checkpoint=True),
                           CrashAfter(25)], epochs=4)
    with h5py.File(backup / "latest.weights.h5", "a") as f:
        f.attrs["densefit_backup_position"] = position
    resumed = small_model()
    history = _fit(resumed, data, [BackupAndRestore(str(backup), double_checkpoint=True)],
                   epochs=4)
    assert len(history.history["loss"]) == 3  # back to the end of epoch 1 (the .bkp)


def test_backup_with_a_malformed_position_and_no_bkp_refuses_to_resume(tmp_path, data):
    backup = tmp_path / "backup"
    with pytest.raises(RuntimeError):
        _fit(small_model(), data, [BackupAndRestore(str(backup)), CrashAfter(25)], epochs=4)
    with h5py.File(backup / "latest.weights.h5", "a") as f:
        f.attrs["densefit_backup_position"] = '{"epoch": -5, "batch": -1}'
    resumed = small_model()
    before = resumed.get_weights()
    with pytest.raises(keras.saving.MalformedFileError, match="epoch.*-5"):
        _fit(resumed, data, [BackupAndRestore(str(backup))], epochs=4)
    assert max_diff(resumed.get_weights(), before) == 0  # nothing of the backup was loaded


def test_backup_needs_a_built_model_and_valid_arguments(tmp_path, data):
    with pytest.raises(ValueError, match="Empty `backup_dir`"):
        BackupAndRestore("")
    with pytest.raises(ValueError, match="save_freq"):
        BackupAndRestore("d", save_freq="batch")
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = data

    def batches():  # a generator builds the model on its first batch, after on_train_begin
        while True:
            yield x[:8], y[:8]

    with pytest.raises(ValueError, match="must be built"):
        model.fit(batches(), steps_per_epoch=2, epochs=1, verbose=0,
                  callbacks=[BackupAndRestore(str(tmp_path / "b"))])
