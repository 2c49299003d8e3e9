// densefit._cuda: the CUDA backend's Network, with _core.Network's methods and argument
// conventions (the trainer picks the class by device; nothing else changes). Glue only.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>

#include "network.h"
#include "network_methods.h"

namespace py = pybind11;
using namespace densefit;
using namespace densefit::bindings;
using densefit::cuda::CudaNetwork;

namespace {

// A compile() metric entry as _core takes it: {"state": MetricState, "weighted": bool} shares
// a Python metric's state; any other dict is a spec, turned into a state by _core's own
// MetricState(spec) (one parser for metric configs, which keeps this module small).
CompiledMetric compiled_metric(const py::handle& entry) {
  if (!py::isinstance<py::dict>(entry))
    throw py::type_error("compile: each metric must be a dict (a spec, or {'state': ...})");
  py::dict d = py::reinterpret_borrow<py::dict>(entry);
  const bool weighted = d.contains("weighted") && !d["weighted"].is_none() && d["weighted"].cast<bool>();
  py::object state = d.contains("state")
      ? py::object(d["state"])
      : py::module_::import("densefit._native").attr("core").attr("MetricState")(d);
  return {state.cast<std::shared_ptr<MetricState>>(), weighted};
}

}  // namespace

PYBIND11_MODULE(_cuda, m) {
  m.doc() = "densefit CUDA backend";
  m.def("device_count", &cuda::device_count, "CUDA devices this process can see (0 if none).");
  m.def("device_usable", [](int device) {
    std::string why;
    bool ok = cuda::device_usable(device, &why);
    return py::make_tuple(ok, why);
  }, py::arg("device") = 0, "(usable, reason) for CUDA device `device`.");

  py::class_<CudaNetwork> network(m, "Network");
  network.def(py::init([](int64_t input_dim, const py::list& layers, uint64_t seed, int device) {
                return std::make_unique<CudaNetwork>(input_dim, layers_from(layers), seed, device);
              }),
              py::arg("input_dim"), py::arg("layers"), py::arg("seed"), py::arg("device") = 0);
  def_network_methods(network, compiled_metric,
                      "The host copy of the parameter arena (writable, no copy); runs sync it both ways.");
  network
      .def_property_readonly("device", &CudaNetwork::device)
      .def_property("use_graphs", &CudaNetwork::use_graphs, &CudaNetwork::set_use_graphs,
                    "Replay captured CUDA graphs (True) or launch kernels eagerly.")
      .def("release_data", &CudaNetwork::release_data,
           "Drop the device copies of the arrays of earlier runs.");
}
