"""model.export(): files that run a trained model without densefit's Python.

- "densefit" (.dfm, the default): the native model file that C++ programs load with
  densefit::Model::load (cpp/include/densefit/cpp_api.h); no Python, no HDF5.
- "onnx": an ONNX graph (Gemm + activations) for ONNX Runtime and other ONNX tools; needs the
  `onnx` package (pip install densefit[onnx]).

Both are written from the same description of the network the native forward pass runs
(Dropout omitted, as at inference), and written atomically: a temporary file, then a rename.
"""

import os

from densefit.serving import fast_path

FORMATS = ("densefit", "onnx")


def export_model(model, filepath, format=None, verbose=None):
    """Writes `model` to `filepath` in `format` ("densefit" or "onnx"; None: "onnx" for a
    .onnx path, else "densefit"). Returns the path written."""
    filepath = os.fspath(filepath)
    if format is None:
        format = "onnx" if filepath.lower().endswith(".onnx") else "densefit"
    if format not in FORMATS:
        raise ValueError(f"Unrecognized format={format!r}: densefit exports {list(FORMATS)} "
                         f"(TensorFlow's SavedModel and OpenVINO need TensorFlow / OpenVINO, "
                         f"which densefit does not use)")
    inference = fast_path.inference_of(model)
    if inference is None:
        raise ValueError("The model is not built yet: call it on data, `build(input_shape)` it "
                         "or start it with `Input(shape)` before exporting")
    if format == "onnx":
        from densefit.export.onnx_graph import onnx_model

        data = onnx_model(model, inference).SerializeToString()
        _write_atomically(filepath, lambda tmp: _write_bytes(tmp, data))
    else:
        _write_atomically(filepath, inference.save)
    if verbose:
        print(f"Saved artifact at '{filepath}' (format {format!r}).")
    return filepath


def _write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)


def _write_atomically(filepath, write):
    tmp = f"{filepath}.tmp-{os.getpid()}"
    try:
        write(tmp)
        os.replace(tmp, filepath)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
