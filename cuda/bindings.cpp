// densefit._cuda: the CUDA backend's Network, with _core.Network's methods and argument
// conventions (the trainer picks the class by device; nothing else changes). Glue only.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>

#include "loss_config.h"
#include "network.h"
#include "network_specs.h"
#include "optimizer_config.h"

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

using BatchRunMethod = void (CudaNetwork::*)(const RunData&, int64_t, int64_t, int64_t);
auto batch_run(BatchRunMethod method, const char* what) {
  return [method, what](CudaNetwork& n, py::object x, py::object y, py::object sw,
                        py::object order, int64_t start, int64_t batch_size,
                        int64_t num_batches, int64_t target_dim) {
    RunData d = run_data(n.input_dim(), target_dim, x, y, sw, order);
    if (!d.y) throw py::value_error(std::string("y is required for ") + what);
    py::gil_scoped_release release;
    (n.*method)(d, start, batch_size, num_batches);
  };
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

  py::class_<CudaNetwork>(m, "Network")
      .def(py::init([](int64_t input_dim, const py::list& layers, uint64_t seed, int device) {
             std::vector<LayerSpec> specs;
             for (auto item : layers) specs.push_back(layer_from(item.cast<py::dict>()));
             return std::make_unique<CudaNetwork>(input_dim, std::move(specs), seed, device);
           }),
           py::arg("input_dim"), py::arg("layers"), py::arg("seed"), py::arg("device") = 0)
      .def_property_readonly("input_dim", &CudaNetwork::input_dim)
      .def_property_readonly("output_dim", &CudaNetwork::output_dim)
      .def_property_readonly("num_params", &CudaNetwork::num_params)
      .def_property_readonly("device", &CudaNetwork::device)
      .def_property_readonly("params", [](py::object self) {
        CudaNetwork& n = self.cast<CudaNetwork&>();
        return py::array_t<float>({n.num_params()}, {sizeof(float)}, n.params(), self);
      }, "The host copy of the parameter arena (writable, no copy); runs sync it both ways.")
      .def_property_readonly("segments", [](CudaNetwork& n) {
        py::list out;
        for (auto& s : n.segments()) out.append(py::make_tuple(s.offset, s.size, s.trainable));
        return out;
      })
      .def("set_trainable", &CudaNetwork::set_trainable)
      .def("compile",
           [](CudaNetwork& n, const py::dict& loss, const py::dict& optimizer,
              const py::list& metrics, float loss_weight) {
             std::vector<CompiledMetric> compiled;
             for (auto item : metrics) compiled.push_back(compiled_metric(item));
             n.compile(loss_config_from_dict(loss), optimizer_config_from_dict(optimizer),
                       std::move(compiled), loss_weight);
           },
           py::arg("loss"), py::arg("optimizer"), py::arg("metrics"), py::arg("loss_weight") = 1.0f)
      .def_property_readonly("compiled", &CudaNetwork::compiled)
      .def("train_run", batch_run(&CudaNetwork::train_run, "training"), py::arg("x"), py::arg("y"),
           py::arg("sample_weight"), py::arg("order"), py::arg("start"), py::arg("batch_size"),
           py::arg("num_batches"), py::arg("target_dim"))
      .def("evaluate_run", batch_run(&CudaNetwork::evaluate_run, "evaluation"), py::arg("x"),
           py::arg("y"), py::arg("sample_weight"), py::arg("order"), py::arg("start"),
           py::arg("batch_size"), py::arg("num_batches"), py::arg("target_dim"))
      .def("predict_run",
           [](CudaNetwork& n, py::object x, py::object order, int64_t start, int64_t count,
              int64_t batch_size, py::array_t<float, py::array::c_style> out) {
             RunData d = run_data(n.input_dim(), 0, x, py::none(), py::none(), order);
             if (start < 0 || count < 0 || start + count > d.num_samples)
               throw py::index_error("predict range out of bounds");
             if (out.ndim() != 2 || out.shape(0) < count || out.shape(1) != n.output_dim())
               throw py::value_error("out has the wrong shape");
             float* dst = out.mutable_data();
             py::gil_scoped_release release;
             n.predict_run(d, start, count, batch_size, dst);
           },
           py::arg("x"), py::arg("order"), py::arg("start"), py::arg("count"),
           py::arg("batch_size"), py::arg("out"))
      .def("reset_results", &CudaNetwork::reset_results)
      .def("results", &CudaNetwork::results)
      .def("finalize_optimizer", &CudaNetwork::finalize_optimizer)
      .def_property("learning_rate",
                    [](CudaNetwork& n) { return n.optimizer().current_learning_rate(); },
                    [](CudaNetwork& n, double lr) { n.optimizer().set_learning_rate(lr); })
      .def_property("iterations", [](CudaNetwork& n) { return n.optimizer().iterations(); },
                    [](CudaNetwork& n, int64_t it) { n.optimizer().set_iterations(it); })
      .def_property("steps_taken", &CudaNetwork::steps_taken, &CudaNetwork::set_steps_taken)
      .def_property("seed", &CudaNetwork::seed, &CudaNetwork::set_seed)
      .def_property_readonly("optimizer_slots", [](py::object self) {
        CudaNetwork& n = self.cast<CudaNetwork&>();
        return py::array_t<float>({n.optimizer_slot_size()}, {sizeof(float)}, n.optimizer_slots(), self);
      })
      .def_property("use_graphs", &CudaNetwork::use_graphs, &CudaNetwork::set_use_graphs,
                    "Replay captured CUDA graphs (True) or launch kernels eagerly.")
      .def("release_data", &CudaNetwork::release_data,
           "Drop the device copies of the arrays of earlier runs.");
}
