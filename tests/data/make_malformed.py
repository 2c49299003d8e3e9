"""Writes tests/data/malformed/: broken, hostile or foreign files that densefit's loaders must
refuse with a clear exception (never a crash, never a half-loaded model), and expected.json:
for each file, the loader to call and a regex its error message must match.

    python tests/data/make_malformed.py

Every file derives from one small valid model (Dense(2) on 3 features, compiled with Adam), so
each isolates one defect. The files are committed; rerun this after changing the layout."""

import io
import json
import os
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
        return {name: zf.read(name) for name in zf.namelist()}


def zip_of(entries, compression=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buffer.getvalue()


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
            "Could not locate class 'MyCustomLayer'"),
        "lambda_layer.keras": (with_config(lambda c: dense(c).update(
            class_name="Lambda", config={"function": {"class_name": "__lambda__", "config": {
                "value": "4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMIAAAAfABkARQAUwApAk7pAgAAAKkA"}}})),
            "load_model", "Lambda"),
        "lambda_activation.keras": (with_config(lambda c: dense(c)["config"].update(
            activation={"class_name": "__lambda__", "config": {"value": "4wEAAAAA"}})),
            "load_model", "lambda"),
        "unknown_optimizer.keras": (with_config(lambda c: c["compile_config"]["optimizer"].update(
            class_name="SuperOptimizer")), "load_model", "Could not locate class 'SuperOptimizer'"),
        "float64_layer.keras": (with_config(lambda c: dense(c)["config"].update(dtype="float64")),
                                "load_model", "float32"),
        "wrong_units.keras": (with_config(lambda c: dense(c)["config"].update(units=5)),
                              "load_model",
                              r"shape \(3, 2\) in the file, the model expects \(3, 5\)"),
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
            "load_weights", r"shape \(4, 2\) in the file"),
        "optimizer_wrong_shape.weights.h5": (h5_edit(weights, lambda f: (
            f.__delitem__("optimizer/vars/2"),
            f["optimizer/vars"].create_dataset("2", data=np.zeros((9, 9), np.float32)))),
            "load_weights", r"shape \(9, 9\) in the file"),
    }
    os.makedirs(HERE, exist_ok=True)
    for name in os.listdir(HERE):
        os.remove(os.path.join(HERE, name))
    expected = {}
    for name, (data, loader, pattern) in sorted(cases.items()):
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        expected[name] = {"loader": loader, "match": pattern}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(cases)} files to {HERE}")


if __name__ == "__main__":
    main()
