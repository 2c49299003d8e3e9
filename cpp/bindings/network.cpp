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
#include "loss_config.h"
#include "metric_config.h"
#include "network_specs.h"
#include "optimizer_config.h"

namespace py = pybind11;
using namespace densefit;
using namespace densefit::bindings;

namespace {

using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;
using IndexArray = py::array_t<int64_t, py::array::c_style | py::array::forcecast>;

// train_run and evaluate_run: the same arguments, checked the same way, GIL released.
using BatchRunMethod = void (Network::*)(const RunData&, int64_t, int64_t, int64_t);
auto batch_run(BatchRunMethod method, const char* what) {
  return [method, what](Network& n, py::object x, py::object y, py::object sw, py::object order,
                        int64_t start, int64_t batch_size, int64_t num_batches, int64_t target_dim) {
    RunData d = run_data(n.input_dim(), target_dim, x, y, sw, order);
    if (!d.y) throw py::value_error(std::string("y is required for ") + what);
    py::gil_scoped_release release;
    (n.*method)(d, start, batch_size, num_batches);
  };
}

Optimizer& compiled_optimizer(Network& n) {
  if (!n.compiled()) throw py::value_error("the network has no optimizer yet (not compiled)");
  return n.optimizer();
}

py::array_t<float> params_view(Network& net, py::object owner) {
  return py::array_t<float>({net.num_params()}, {sizeof(float)}, net.params(), owner);
}

}  // namespace

void init_network(py::module_& m) {
  py::class_<Network>(m, "Network")
      .def(py::init([](int64_t input_dim, const py::list& layers, uint64_t seed) {
             std::vector<LayerSpec> specs;
             for (auto item : layers) specs.push_back(layer_from(item.cast<py::dict>()));
             return std::make_unique<Network>(input_dim, std::move(specs), seed);
           }),
           py::arg("input_dim"), py::arg("layers"), py::arg("seed"))
      .def_property_readonly("input_dim", &Network::input_dim)
      .def_property_readonly("output_dim", &Network::output_dim)
      .def_property_readonly("num_params", &Network::num_params)
      .def_property_readonly("params", [](py::object self) { return params_view(self.cast<Network&>(), self); },
                             "The parameter arena as a writable float32 view (no copy).")
      .def_property_readonly("segments", [](Network& n) {
        py::list out;
        for (auto& s : n.segments()) out.append(py::make_tuple(s.offset, s.size, s.trainable));
        return out;
      })
      .def("set_trainable", &Network::set_trainable)
      .def("compile",
           [](Network& n, const py::dict& loss, const py::dict& optimizer, const py::list& metrics,
              float loss_weight) {
             std::vector<CompiledMetric> compiled;
             for (auto item : metrics) compiled.push_back(compiled_metric_from(item));
             n.compile(loss_config_from_dict(loss), optimizer_config_from_dict(optimizer),
                       std::move(compiled), loss_weight);
           },
           py::arg("loss"), py::arg("optimizer"), py::arg("metrics"), py::arg("loss_weight") = 1.0f)
      .def_property_readonly("compiled", &Network::compiled)
      .def("train_run", batch_run(&Network::train_run, "training"), py::arg("x"), py::arg("y"), py::arg("sample_weight"), py::arg("order"),
           py::arg("start"), py::arg("batch_size"), py::arg("num_batches"), py::arg("target_dim"))
      .def("evaluate_run", batch_run(&Network::evaluate_run, "evaluation"), py::arg("x"), py::arg("y"), py::arg("sample_weight"), py::arg("order"),
           py::arg("start"), py::arg("batch_size"), py::arg("num_batches"), py::arg("target_dim"))
      .def("predict_run",
           [](Network& n, py::object x, py::object order, int64_t start, int64_t count,
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
      .def("reset_results", &Network::reset_results)
      .def("results", &Network::results)
      .def("result_values", [](Network& n) {
        py::list out;
        out.append(n.loss_result());
        for (const auto& m : n.metrics()) {
          std::vector<double> r = m.state->result();
          std::vector<int64_t> shape = m.state->result_shape();
          if (shape.empty()) {
            out.append(r.empty() ? 0.0 : r[0]);
          } else {
            py::array_t<float> a(std::vector<py::ssize_t>(shape.begin(), shape.end()));
            std::copy(r.begin(), r.end(), a.mutable_data());
            out.append(a);
          }
        }
        return out;
      }, "The loss then each compiled metric's result: a float, or a float32 array for a "
         "metric with several values (per threshold, per class).")
      .def_property_readonly("metric_states", [](Network& n) {
        std::vector<std::shared_ptr<MetricState>> out;
        for (const auto& m : n.metrics()) out.push_back(m.state);
        return out;
      }, "The compiled metrics' states, in compile order (shared, not copies).")
      .def("finalize_optimizer", &Network::finalize_optimizer)
      .def_property("learning_rate",
                    [](Network& n) { return n.optimizer().current_learning_rate(); },
                    [](Network& n, double lr) { n.optimizer().set_learning_rate(lr); })
      .def_property("iterations", [](Network& n) { return n.optimizer().iterations(); },
                    [](Network& n, int64_t it) { n.optimizer().set_iterations(it); })
      .def_property("steps_taken", &Network::steps_taken, &Network::set_steps_taken)
      .def_property("seed", &Network::seed, &Network::set_seed)
      .def_property("apply_count", [](Network& n) { return compiled_optimizer(n).apply_count(); },
                    [](Network& n, int64_t c) { compiled_optimizer(n).set_apply_count(c); },
                    "Calls to the optimizer's apply so far (Keras's optimizer._iterations, "
                    "the counter a checkpoint stores).")
      .def_property_readonly("optimizer_slot_count",
                             [](Network& n) { return compiled_optimizer(n).slot_count(); })
      .def_property_readonly("optimizer_slots", [](py::object self) {
        Network& n = self.cast<Network&>();
        return py::array_t<float>({n.optimizer_slot_size()}, {sizeof(float)}, n.optimizer_slots(), self);
      });

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
