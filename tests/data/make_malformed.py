"""Writes tests/data/malformed/: broken, hostile or foreign files that densefit's loaders must
refuse with a clear exception (never a crash, never a half-loaded model), and expected.json:
for each file, the loader to call (load_model, load_weights, or a fit resuming with
BackupAndRestore from the file as its latest.weights.h5), the exact class of the error (a
MalformedFileError unless the case names another) and a regex its message must match.

    python tests/data/make_malformed.py

Every file derives from one small valid model (Dense(2) on 3 features, compiled with Adam), so
each isolates one defect. The files are committed; rerun this after changing the layout."""

import io
import json
import os
import struct
import zipfile

import h5py
import numpy as np

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "malformed")


def base_model():
    import densefit as keras
    from densefit.layers import Dense

    keras.utils.set_random_seed(0)
    model = keras.Sequential([Dense(2, activation="relu", input_shape=(3,))])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 3), np.float32), np.ones((4, 2), np.float32), epochs=1, verbose=0)
    return model


def members(model):
    from densefit.saving import keras_zip

    with zipfile.ZipFile(io.BytesIO(keras_zip.model_bytes(model))) as zf:
        out = {name: zf.read(name) for name in zf.namelist()}
    metadata = json.loads(out["metadata.json"])
    metadata["date_saved"] = "2026-01-01@00:00:00"  # a rerun rewrites identical files
    out["metadata.json"] = json.dumps(metadata).encode()
    return out


def zip_of(entries, compression=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, data in entries:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data,
                        compress_type=compression)
    return buffer.getvalue()


def declared_size(archive, name, size):
    """`archive` with the uncompressed size its central directory gives `name` replaced."""
    out = bytearray(archive)
    entry = out.index(b"PK\x01\x02")
    while out[entry + 46:entry + 46 + len(name)] != name.encode():
        entry = out.index(b"PK\x01\x02", entry + 4)
    struct.pack_into("<I", out, entry + 24, size)
    return bytes(out)


def h5_edit(data, edit):
    buffer = io.BytesIO(data)
    with h5py.File(buffer, "a") as f:
        edit(f)
    return buffer.getvalue()


def main():
    model = base_model()
    good = members(model)
    config = json.loads(good["config.json"])
    weights = good["model.weights.h5"]
    meta = good["metadata.json"]

    def with_config(edit):
        c = json.loads(json.dumps(config))
        edit(c)
        return zip_of([("metadata.json", meta), ("config.json", json.dumps(c)),
                       ("model.weights.h5", weights)])

    def with_weights(edit):
        return zip_of([("metadata.json", meta), ("config.json", good["config.json"]),
                       ("model.weights.h5", h5_edit(weights, edit))])

    dense = lambda c: c["config"]["layers"][1]  # noqa: E731
    valid = zip_of(good.items())
    flipped = bytearray(valid)
    start = valid.index(weights[:64]) + len(weights) // 2
    flipped[start:start + 16] = bytes(b ^ 0xFF for b in flipped[start:start + 16])
    deep = "[" * 5000 + "]" * 5000
    many_layers = json.loads(json.dumps(config))
    many_layers["config"]["layers"][1:1] = [
        {"class_name": "Dropout", "config": {"rate": 0.1, "name": f"d{i}"}} for i in range(5000)]
    huge_nested = {"module": "keras", "class_name": "Sequential", "config": {
        "name": "inner", "layers": [
            {"class_name": "InputLayer", "config": {"batch_shape": [None, 3]}},
            {"class_name": "Dense", "config": {"units": 10 ** 12, "name": "huge"}}]}}

    def iteration(value):
        return h5_edit(weights, lambda f: (
            f.__delitem__("optimizer/vars/0"), f["optimizer/vars"].create_dataset("0", data=value)))

    def position(value):
        return h5_edit(weights, lambda f: f.attrs.__setitem__("densefit_backup_position", value))
    cases = {
        "empty.keras": (b"", "load_model", "not a readable zip"),
        "truncated.keras": (valid[: len(valid) // 2], "load_model", "not a readable zip"),
        "not_a_zip.keras": (b"this is not a model\n" * 20, "load_model", "not a readable zip"),
        "bit_flipped_weights.keras": (bytes(flipped), "load_model",
                                      "cannot be read|corrupted|Bad CRC"),
        "missing_config.keras": (zip_of([("metadata.json", meta), ("model.weights.h5", weights)]),
                                 "load_model", "no config.json"),
        "missing_weights.keras": (zip_of([("metadata.json", meta),
                                          ("config.json", good["config.json"])]),
                                  "load_model", "no model.weights.h5"),
        "config_not_json.keras": (zip_of([("config.json", b"{'python': dict}"),
                                          ("model.weights.h5", weights)]),
                                  "load_model", "not valid JSON"),
        "config_not_a_model.keras": (zip_of([("config.json", b"[1, 2, 3]"),
                                             ("model.weights.h5", weights)]),
                                     "load_model", "not a model config"),
        "config_is_an_optimizer.keras": (
            zip_of([("config.json", json.dumps(config["compile_config"]["optimizer"])),
                    ("model.weights.h5", weights)]), "load_model", "not a model"),
        "deeply_nested_config.keras": (zip_of([("config.json", deep),
                                               ("model.weights.h5", weights)]),
                                       "load_model", "not valid JSON|nested"),
        "unknown_layer.keras": (with_config(lambda c: dense(c).update(
            module="my_package.layers", class_name="MyCustomLayer")), "load_model",
            "Could not locate class 'MyCustomLayer'", "TypeError"),
        "config_module_not_a_string.keras": (with_config(lambda c: dense(c).update(
            module=[[]])), "load_model", "Could not locate class 'Dense'", "TypeError"),
        "lambda_layer.keras": (with_config(lambda c: dense(c).update(
            class_name="Lambda", config={"function": {"class_name": "__lambda__", "config": {
                "value": "4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMIAAAAfABkARQAUwApAk7pAgAAAKkA"}}})),
            "load_model", "Lambda", "ValueError"),
        "lambda_activation.keras": (with_config(lambda c: dense(c)["config"].update(
            activation={"class_name": "__lambda__", "config": {"value": "4wEAAAAA"}})),
            "load_model", "lambda", "TypeError"),
        "unknown_optimizer.keras": (with_config(lambda c: c["compile_config"]["optimizer"].update(
            class_name="SuperOptimizer")), "load_model", "Could not locate class 'SuperOptimizer'",
            "TypeError"),
        "float64_layer.keras": (with_config(lambda c: dense(c)["config"].update(dtype="float64")),
                                "load_model", "float32", "ValueError"),
        "wrong_units.keras": (with_config(lambda c: dense(c)["config"].update(units=5)),
                              "load_model",
                              r"layer 'dense'.*shape \(3, 2\) in the file, the config declares "
                              r"\(3, 5\)"),
        "path_traversal.keras": (zip_of(list(good.items()) + [("../../escaped.txt", b"x")]),
                                 "load_model", "unsafe member name"),
        "absolute_member.keras": (zip_of(list(good.items()) + [("/etc/cron.d/x", b"x")]),
                                  "load_model", "unsafe member name"),
        "duplicate_member.keras": (zip_of(list(good.items()) + [("config.json", b"{}")]),
                                   "load_model", "twice"),
        "zip_bomb.keras": (zip_of(list(good.items()) + [("assets/bomb.bin", bytes(65 << 20))],
                                  zipfile.ZIP_DEFLATED), "load_model", "decompression bomb"),
        "weights_not_hdf5.keras": (zip_of([("metadata.json", meta),
                                           ("config.json", good["config.json"]),
                                           ("model.weights.h5", b"\x89HDF\r\n" + b"\0" * 200)]),
                                   "load_model", "not a readable HDF5"),
        "h5_external_link.keras": (with_weights(lambda f: (
            f.__delitem__("layers/dense/vars"),
            f.__setitem__("layers/dense/vars", h5py.ExternalLink("/etc/passwd", "/x")))),
            "load_model", "ExternalLink"),
        "h5_soft_link.keras": (with_weights(lambda f: (
            f.__delitem__("layers/dense/vars/0"),
            f.__setitem__("layers/dense/vars/0", h5py.SoftLink("/layers/dense/vars/1")))),
            "load_model", "SoftLink"),
        "h5_string_weights.keras": (with_weights(lambda f: (
            f.__delitem__("layers/dense/vars/1"),
            f["layers/dense/vars"].create_dataset("1", data=np.array([b"a", b"b"])))),
            "load_model", "dtype"),
        "h5_extra_variable.keras": (with_weights(lambda f: f["layers/dense/vars"].create_dataset(
            "2", data=np.zeros(2, np.float32))), "load_model", "expects 2 variables"),
        "h5_huge_declared_shape.keras": (with_weights(lambda f: (
            f.__delitem__("layers/dense/vars/0"),
            f["layers/dense/vars"].create_dataset("0", shape=(1 << 20, 1 << 20), dtype="f4",
                                                  chunks=(64, 64), compression="gzip"))),
            "load_model", r"shape \(1048576, 1048576\) in the file"),
        "h5_bad_position.keras": (with_weights(lambda f: (
            f.__delitem__("densefit/vars/seed"),
            f["densefit/vars"].create_dataset("seed", data=np.zeros(3)))),
            "load_model", "densefit/vars/seed"),
        "truncated.weights.h5": (weights[: len(weights) // 3], "load_weights",
                                 "not a readable HDF5"),
        "legacy_keras2.weights.h5": (h5_edit(weights, lambda f: (
            f.attrs.__setitem__("layer_names", [b"dense"]), f.create_group("model_weights"))),
            "load_weights", "legacy Keras 2"),
        "no_layers_group.weights.h5": (h5_edit(weights, lambda f: f.__delitem__("layers")),
                                       "load_weights", "no 'layers' group"),
        "wrong_shape.weights.h5": (h5_edit(weights, lambda f: (
            f.__delitem__("layers/dense/vars/0"),
            f["layers/dense/vars"].create_dataset("0", data=np.zeros((4, 2), np.float32)))),
            "load_weights", r"shape \(4, 2\) in the file", "ValueError"),
        "optimizer_wrong_shape.weights.h5": (h5_edit(weights, lambda f: (
            f.__delitem__("optimizer/vars/2"),
            f["optimizer/vars"].create_dataset("2", data=np.zeros((9, 9), np.float32)))),
            "load_weights", r"shape \(9, 9\) in the file", "ValueError"),
        # ---- sizes a file declares, bounded before anything is allocated -------------------
        "weights_beyond_budget.keras": (zip_of(
            [("metadata.json", meta), ("config.json", good["config.json"]),
             ("model.weights.h5", h5_edit(weights, lambda f: f.create_dataset(
                 "junk", data=np.zeros(4 << 20, np.uint8))))], zipfile.ZIP_DEFLATED),
            "load_model", r"model.weights.h5 declares \d+ bytes, more than the \d+ "),
        "stored_size_mismatch.keras": (declared_size(valid, "model.weights.h5", 10 << 20),
                                       "load_model", r"stored uncompressed in \d+ bytes but "
                                       r"declares 10485760"),
        "config_huge_units.keras": (with_config(lambda c: dense(c)["config"].update(
            units=10 ** 12)), "load_model",
            r"layer 'dense'.*shape \(3, 2\) in the file, the config declares "
            r"\(3, 1000000000000\)"),
        "config_huge_batch_shape.keras": (with_config(lambda c: c["config"]["layers"][0][
            "config"].update(batch_shape=[None, 10 ** 12])), "load_model",
            r"layer 'dense'.*shape \(3, 2\) in the file, the config declares "
            r"\(1000000000000, 2\)"),
        "config_high_rank_input.keras": (with_config(lambda c: c["config"]["layers"][0][
            "config"].update(batch_shape=[None] + [1] * 100 + [3])), "load_model",
            r"101 axes"),
        "config_too_many_layers.keras": (zip_of(
            [("metadata.json", meta), ("config.json", json.dumps(many_layers)),
             ("model.weights.h5", weights)], zipfile.ZIP_DEFLATED),
            "load_model", r"5002 layers"),
        "config_huge_nested_model.keras": (with_config(lambda c: c["config"]["layers"].insert(
            1, huge_nested)), "load_model", r"layer 'huge' declares 4000000000000 parameters"),
        "h5_position_out_of_range.keras": (with_weights(lambda f: (
            f.__delitem__("densefit/vars/steps_taken"),
            f["densefit/vars"].create_dataset("steps_taken", data=np.int64(2 ** 63 - 1)))),
            "load_model", r"densefit/vars/steps_taken.*out of range"),
        "optimizer_negative_iteration.weights.h5": (iteration(np.int64(-5)), "load_weights",
                                                   r"iteration.*-5.*out of range"),
        "optimizer_huge_iteration.weights.h5": (iteration(np.int64(2 ** 63 - 1)),
                                                "load_weights", r"iteration.*out of range"),
        "optimizer_nan_iteration.weights.h5": (iteration(np.float32("nan")), "load_weights",
                                               r"iteration.*nan.*not a whole number"),
        "optimizer_fractional_iteration.weights.h5": (iteration(np.float64(2.5)),
                                                      "load_weights",
                                                      r"iteration.*2.5.*not a whole number"),
        "optimizer_nan_learning_rate.weights.h5": (h5_edit(weights, lambda f: (
            f.__delitem__("optimizer/vars/1"),
            f["optimizer/vars"].create_dataset("1", data=np.float32("nan")))),
            "load_weights", r"learning_rate.*nan"),
        # ---- BackupAndRestore's training position (an attribute of latest.weights.h5) ------
        "backup_position_not_json.weights.h5": (position("{epoch: 2"), "backup_and_restore",
                                                r"training position.*not valid JSON"),
        "backup_position_not_an_object.weights.h5": (position("[1, 2]"), "backup_and_restore",
                                                     r"training position.*object"),
        "backup_position_missing_batch.weights.h5": (position('{"epoch": 1}'),
                                                     "backup_and_restore",
                                                     r"training position.*'batch'"),
        "backup_position_negative_epoch.weights.h5": (position('{"epoch": -5, "batch": -1}'),
                                                      "backup_and_restore",
                                                      r"training position.*epoch.*-5"),
        "backup_position_huge_epoch.weights.h5": (position('{"epoch": 1e308, "batch": -1}'),
                                                  "backup_and_restore",
                                                  r"training position.*epoch.*1e\+308"),
        "backup_position_bad_batch.weights.h5": (position('{"epoch": 1, "batch": -7}'),
                                                 "backup_and_restore",
                                                 r"training position.*batch.*-7"),
        "backup_position_not_a_string.weights.h5": (position(np.arange(3)),
                                                    "backup_and_restore",
                                                    r"densefit_backup_position.*string"),
    }
    os.makedirs(HERE, exist_ok=True)
    for name in os.listdir(HERE):
        os.remove(os.path.join(HERE, name))
    expected = {}
    for name, (data, loader, pattern, *error) in sorted(cases.items()):
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        expected[name] = {"loader": loader, "match": pattern,
                          "error": error[0] if error else "MalformedFileError"}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(cases)} files to {HERE}")


if __name__ == "__main__":
    main()
