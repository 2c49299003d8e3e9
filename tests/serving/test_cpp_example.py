"""examples/cpp builds against densefit's CMake package (densefit.get_cmake_dir(): the
installed wheel's, or the build folder of this checkout) and predicts what Python predicts.
Skipped only where no C++ compiler or cmake is found."""

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import densefit as keras
from serving_models import inputs, w4_like

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cpp"


def _cmake():
    cmake = shutil.which("cmake")
    if cmake is None:
        try:  # the cmake wheel that scikit-build-core installs
            import cmake as cmake_module

            cmake = os.path.join(cmake_module.CMAKE_BIN_DIR, "cmake")
        except ImportError:
            pytest.skip("cmake not found")
    if not any(shutil.which(c) for c in (os.environ.get("CXX", "c++"), "g++", "clang++")):
        pytest.skip("no C++ compiler found")
    return cmake


@pytest.fixture(scope="module")
def example_build(tmp_path_factory):
    cmake = _cmake()
    build = tmp_path_factory.mktemp("examples_cpp")
    args = [cmake, "-S", str(EXAMPLES), "-B", str(build), f"-Ddensefit_DIR={keras.get_cmake_dir()}"]
    if shutil.which("ninja"):
        args += ["-G", "Ninja"]
    for step in (args, [cmake, "--build", str(build)]):
        done = subprocess.run(step, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    return build


def test_cpp_example_predicts_what_python_predicts(example_build, tmp_path):
    model = w4_like()
    model.export(tmp_path / "model.dfm")
    x = inputs(12, 48)
    x.tofile(tmp_path / "x.f32")
    done = subprocess.run([str(example_build / "predict"), str(tmp_path / "model.dfm"),
                           str(tmp_path / "x.f32")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    printed = np.array([[float(v) for v in line.split()] for line in done.stdout.splitlines()],
                       dtype=np.float32)  # %.9g round-trips float32 exactly
    expected = model.predict(x, verbose=0)
    if keras.config.cpu_capability().level in (None, "baseline"):
        np.testing.assert_array_equal(printed, expected)  # the same build of the core
    else:
        # The C++ API's library is the portable baseline (docs/build.md, "CPU levels"); Python
        # runs a higher level here, whose fused multiply-adds round differently.
        np.testing.assert_allclose(printed, expected, rtol=1e-5, atol=1e-6)


def test_cpp_example_reports_bad_files(example_build, tmp_path):
    (tmp_path / "bad.dfm").write_bytes(b"not a model")
    done = subprocess.run([str(example_build / "predict"), str(tmp_path / "bad.dfm"),
                           str(tmp_path / "bad.dfm")], capture_output=True, text=True)
    assert done.returncode == 1 and "densefit model file" in done.stderr
