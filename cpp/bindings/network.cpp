// Bindings for densefit/network.h, gemm.h, initializers.h, rng.h and device.h.
#include "densefit/network.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <stdexcept>

#include "densefit/device.h"
#include "densefit/gemm.h"
#include "densefit/initializers.h"
#include "densefit/rng.h"
#include "metric_config.h"
#include "network_methods.h"

namespace py = pybind11;
using namespace densefit;
using namespace densefit::bindings;

namespace {

using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;
using IndexArray = py::array_t<int64_t, py::array::c_style | py::array::forcecast>;

Optimizer& compiled_optimizer(Network& n) {
  if (!n.compiled()) throw py::value_error("the network has no optimizer yet (not compiled)");
  return n.optimizer();
}

}  // namespace

void init_network(py::module_& m) {
  py::class_<Network> network(m, "Network");
  network.def(py::init([](int64_t input_dim, const py::list& layers, uint64_t seed) {
                return std::make_unique<Network>(input_dim, layers_from(layers), seed);
              }),
              py::arg("input_dim"), py::arg("layers"), py::arg("seed"));
  def_network_methods(network, compiled_metric_from,
                      "The parameter arena as a writable float32 view (no copy).");
  network
      .def_property_readonly("metric_states", [](Network& n) {
        std::vector<std::shared_ptr<MetricState>> out;
        for (const auto& m : n.metrics()) out.push_back(m.state);
        return out;
      }, "The compiled metrics' states, in compile order (shared, not copies).")
      .def_property("apply_count", [](Network& n) { return compiled_optimizer(n).apply_count(); },
                    [](Network& n, int64_t c) { compiled_optimizer(n).set_apply_count(c); },
                    "Calls to the optimizer's apply so far (Keras's optimizer._iterations, "
                    "the counter a checkpoint stores).")
      .def_property_readonly("optimizer_slot_count",
                             [](Network& n) { return compiled_optimizer(n).slot_count(); });

  m.def("fill_uniform", [](py::array_t<float, py::array::c_style> out, float lo, float hi, uint64_t seed, uint64_t stream) {
    fill_uniform(out.mutable_data(), out.size(), lo, hi, seed, stream);
  });
  m.def("fill_normal", [](py::array_t<float, py::array::c_style> out, float mean, float std, uint64_t seed, uint64_t stream) {
    fill_normal(out.mutable_data(), out.size(), mean, std, seed, stream);
  });
  m.def("fill_truncated_normal", [](py::array_t<float, py::array::c_style> out, float mean, float std, uint64_t seed, uint64_t stream) {
    fill_truncated_normal(out.mutable_data(), out.size(), mean, std, seed, stream);
  });
  m.def("random_permutation", [](int64_t n, uint64_t seed, uint64_t stream) {
    py::array_t<int64_t> out(n);
    random_permutation(seed, stream, out.mutable_data(), n);
    return out;
  });
  m.def("set_blas_library", &set_blas_library, py::arg("path"), py::arg("symbol_prefix") = "");
  m.def("blas_loaded", &blas_loaded);
  m.def("set_num_threads", &set_num_threads);
  m.def("num_threads", &num_threads);
  m.def("set_small_gemm_limit", &set_small_gemm_limit);
  m.def("small_gemm_limit", &small_gemm_limit);
  m.def("sgemm", [](bool ta, bool tb, FloatArray a, FloatArray b) {
    if (a.ndim() != 2 || b.ndim() != 2) throw py::value_error("sgemm takes 2-D arrays");
    int64_t M = ta ? a.shape(1) : a.shape(0), K = ta ? a.shape(0) : a.shape(1);
    int64_t Kb = tb ? b.shape(1) : b.shape(0), N = tb ? b.shape(0) : b.shape(1);
    if (K != Kb) throw py::value_error("sgemm: inner dimensions differ");
    py::array_t<float> c({M, N});
    {
      py::gil_scoped_release release;
      sgemm(ta, tb, M, N, K, a.data(), a.shape(1), b.data(), b.shape(1), 0.0f, c.mutable_data(), N);
    }
    return c;
  });
  m.def("cuda_available", &cuda_available);
  m.def("cuda_unavailable_reason", &cuda_unavailable_reason);
}
