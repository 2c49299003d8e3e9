// Bindings for densefit/activations.h. Glue only: check arrays, release the GIL, call.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "densefit/activations.h"

namespace py = pybind11;

namespace {

using densefit::Activation;

// None means "linear", as keras.activations.get(None).
Activation lookup(const std::optional<std::string>& name) {
  return densefit::activation_from_name(name.value_or("linear"));
}

void check_matrix(const py::array& x, const char* what) {
  if (!py::isinstance<py::array_t<float>>(x)) {
    throw py::type_error(std::string(what) + " must be a float32 array, got dtype " +
                         py::str(x.dtype()).cast<std::string>());
  }
  if (x.ndim() != 2) {
    throw py::value_error(std::string(what) + " must be 2-D, got " +
                          std::to_string(x.ndim()) + "-D");
  }
  if (!(x.flags() & py::array::c_style)) {
    throw py::value_error(std::string(what) + " must be C-contiguous");
  }
}

void check_same_shape(const py::array& x, const py::array& ref, const char* what) {
  check_matrix(x, what);
  if (x.shape(0) != ref.shape(0) || x.shape(1) != ref.shape(1)) {
    throw py::value_error(std::string(what) + " has shape (" + std::to_string(x.shape(0)) +
                          ", " + std::to_string(x.shape(1)) + "), expected (" +
                          std::to_string(ref.shape(0)) + ", " + std::to_string(ref.shape(1)) +
                          ")");
  }
}

// `out` if given (it may be an input: in-place), else a fresh array shaped like `like`.
py::array output_for(const std::optional<py::array>& out, const py::array& like) {
  if (!out) return py::array_t<float>({like.shape(0), like.shape(1)});
  check_same_shape(*out, like, "out");
  if (!out->writeable()) throw py::value_error("out must be writeable");
  return *out;
}

py::array forward(const std::optional<std::string>& name, const py::array& z, float alpha,
                  const std::optional<py::array>& out) {
  const Activation f = lookup(name);
  check_matrix(z, "z");
  py::array a = output_for(out, z);
  const float* zp = static_cast<const float*>(z.data());
  float* ap = static_cast<float*>(a.mutable_data());
  const int64_t rows = z.shape(0), cols = z.shape(1);
  {
    py::gil_scoped_release release;
    densefit::activation_forward(f, alpha, zp, ap, rows, cols);
  }
  return a;
}

py::array backward(const std::optional<std::string>& name, const py::array& z,
                   const py::array& a, const py::array& da, float alpha,
                   const std::optional<py::array>& out) {
  const Activation f = lookup(name);
  check_matrix(z, "z");
  check_same_shape(a, z, "a");
  check_same_shape(da, z, "da");
  py::array dz = output_for(out, z);
  const float* zp = static_cast<const float*>(z.data());
  const float* ap = static_cast<const float*>(a.data());
  const float* dap = static_cast<const float*>(da.data());
  float* dzp = static_cast<float*>(dz.mutable_data());
  const int64_t rows = z.shape(0), cols = z.shape(1);
  {
    py::gil_scoped_release release;
    densefit::activation_backward(f, alpha, zp, ap, dap, dzp, rows, cols);
  }
  return dz;
}

}  // namespace

void init_activations(py::module_& m) {
  const float keras_default = std::numeric_limits<float>::quiet_NaN();

  m.def("activation_forward", &forward, py::arg("name"), py::arg("z"),
        py::arg("alpha") = keras_default, py::arg("out") = py::none(),
        R"doc(a = f(z) for a 2-D float32 C-contiguous array.

name: a Keras 3 activation name ("relu", "swish", "gelu", ...; "gelu_tanh" is
gelu(approximate=True); None is linear). alpha: leaky_relu's negative_slope or elu's alpha,
NaN for Keras's default. out: optional float32 array of z's shape to write into; it may be z
itself. Raises ValueError for an unknown name.)doc");

  m.def("activation_backward", &backward, py::arg("name"), py::arg("z"), py::arg("a"),
        py::arg("da"), py::arg("alpha") = keras_default, py::arg("out") = py::none(),
        R"doc(dz = da * f'(z), given z and a = f(z) (all 2-D float32 C-contiguous, same shape).

out: optional array to write dz into; it may be da itself.)doc");

  m.def("activation_names", [] {
    // Canonical names in enum order (Mish is the last value), for tests and docs.
    py::list names;
    for (int i = 0; i <= static_cast<int>(Activation::Mish); ++i) {
      names.append(densefit::activation_name(static_cast<Activation>(i)));
    }
    return names;
  }, "Canonical names of the supported activations (aliases such as 'swish' not listed).");
}
