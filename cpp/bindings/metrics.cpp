// Bindings for densefit/metrics.h: MetricState for standalone update_state()/result() and
// for reading a compiled metric's counts.
#include "densefit/metrics.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <stdexcept>

#include "metric_config.h"

namespace py = pybind11;
using densefit::MetricState;

namespace {

// A 2-D float32 C-contiguous array (what the shell passes); its rows and columns.
const float* matrix(const py::array& a, int64_t& rows, int64_t& cols, const char* what) {
  if (!a.dtype().is(py::dtype::of<float>()) || !(a.flags() & py::array::c_style) || a.ndim() != 2)
    throw py::type_error(std::string(what) + " must be a 2-D C-contiguous float32 array");
  rows = a.shape(0);
  cols = a.shape(1);
  return static_cast<const float*>(a.data());
}

py::array_t<double> as_array(const std::vector<int64_t>& shape, const std::vector<double>& v) {
  std::vector<py::ssize_t> dims(shape.begin(), shape.end());
  py::array_t<double> out(dims);
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

}  // namespace

void init_metrics(py::module_& m) {
  py::class_<MetricState, std::shared_ptr<MetricState>>(m, "MetricState")
      .def(py::init([](const py::dict& spec) {
             return std::make_shared<MetricState>(metric_spec_from_dict(spec));
           }),
           py::arg("spec"))
      .def("update",
           [](MetricState& s, py::array y_true, py::array y_pred, py::object sample_weight) {
             int64_t rows = 0, target_dim = 0, rows_pred = 0, cols = 0;
             const float* t = matrix(y_true, rows, target_dim, "y_true");
             const float* p = matrix(y_pred, rows_pred, cols, "y_pred");
             if (rows != rows_pred)
               throw py::value_error("y_true and y_pred have different numbers of samples (" +
                                     std::to_string(rows) + " vs " + std::to_string(rows_pred) + ")");
             const float* w = nullptr;
             py::array weights;
             if (!sample_weight.is_none()) {
               weights = sample_weight.cast<py::array>();
               if (!weights.dtype().is(py::dtype::of<float>()) || !(weights.flags() & py::array::c_style) ||
                   weights.ndim() != 1 || weights.shape(0) != rows)
                 throw py::value_error("sample_weight must be a float32 array of one weight per sample");
               w = static_cast<const float*>(weights.data());
             }
             py::gil_scoped_release release;
             s.update(t, target_dim, p, cols, w, rows);
           },
           py::arg("y_true"), py::arg("y_pred"), py::arg("sample_weight") = py::none(),
           "Adds a batch: y_true (rows, target_dim), y_pred (rows, cols), float32.")
      .def("result", [](const MetricState& s) { return as_array(s.result_shape(), s.result()); },
           "Keras's result() as float64 (a 0-d array for a scalar).")
      .def("reset", &MetricState::reset)
      .def("variables",
           [](const MetricState& s) {
             py::dict out;
             for (const auto& v : s.variables()) out[py::str(v.name)] = as_array(v.shape, v.values);
             return out;
           },
           "The accumulators under Keras's variable names.");
}
