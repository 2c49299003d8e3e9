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
#include "optimizer_config.h"

namespace py = pybind11;
using namespace densefit;

namespace {

using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;
using IndexArray = py::array_t<int64_t, py::array::c_style | py::array::forcecast>;

template <typename T>
T get(const py::dict& d, const char* key, T fallback) {
  if (!d.contains(key) || d[key].is_none()) return fallback;
  return d[key].cast<T>();
}

Regularizer regularizer_from(const py::dict& d, const char* key) {
  Regularizer r;
  if (!d.contains(key) || d[key].is_none()) return r;
  py::dict cfg = d[key].cast<py::dict>();
  r.l1 = get<float>(cfg, "l1", 0.0f);
  r.l2 = get<float>(cfg, "l2", 0.0f);
  return r;
}

Constraint constraint_from(const py::dict& d, const char* key) {
  Constraint c;
  if (!d.contains(key) || d[key].is_none()) return c;
  py::dict cfg = d[key].cast<py::dict>();
  auto kind = cfg["kind"].cast<std::string>();
  if (kind == "max_norm") c.kind = Constraint::Kind::MaxNorm;
  else if (kind == "non_neg") c.kind = Constraint::Kind::NonNeg;
  else if (kind == "unit_norm") c.kind = Constraint::Kind::UnitNorm;
  else if (kind == "min_max_norm") c.kind = Constraint::Kind::MinMaxNorm;
  else throw py::value_error("unknown constraint '" + kind + "'");
  c.min_value = get<float>(cfg, "min_value", 0.0f);
  c.max_value = get<float>(cfg, "max_value", c.kind == Constraint::Kind::MaxNorm ? 2.0f : 1.0f);
  c.rate = get<float>(cfg, "rate", 1.0f);
  c.axis = get<int>(cfg, "axis", 0);
  return c;
}

// One layer as the Python shell describes it: {"kind": "dense"|"dropout"|"activation", ...}.
LayerSpec layer_from(const py::dict& d) {
  LayerSpec s;
  auto kind = d["kind"].cast<std::string>();
  if (kind == "dense") s.kind = LayerSpec::Kind::Dense;
  else if (kind == "dropout") s.kind = LayerSpec::Kind::Dropout;
  else if (kind == "activation") s.kind = LayerSpec::Kind::Activation;
  else throw py::value_error("unknown layer kind '" + kind + "'");
  s.units = get<int64_t>(d, "units", 0);
  s.activation = activation_from_name(get<std::string>(d, "activation", "linear"));
  s.activation_alpha = get<float>(d, "activation_alpha", std::nanf(""));
  s.use_bias = get<bool>(d, "use_bias", true);
  s.kernel_regularizer = regularizer_from(d, "kernel_regularizer");
  s.bias_regularizer = regularizer_from(d, "bias_regularizer");
  s.activity_regularizer = regularizer_from(d, "activity_regularizer");
  s.kernel_constraint = constraint_from(d, "kernel_constraint");
  s.bias_constraint = constraint_from(d, "bias_constraint");
  s.rate = get<float>(d, "rate", 0.0f);
  s.trainable = get<bool>(d, "trainable", true);
  return s;
}

MetricSpec metric_from(const py::dict& d) {
  MetricSpec m;
  auto kind = d["kind"].cast<std::string>();
  if (kind == "loss") {
    m.kind = MetricSpec::Kind::LossFunction;
    m.loss = loss_config_from_dict(d["loss"].cast<py::dict>());
  } else if (kind == "accuracy") m.kind = MetricSpec::Kind::Accuracy;
  else if (kind == "binary_accuracy") m.kind = MetricSpec::Kind::BinaryAccuracy;
  else if (kind == "categorical_accuracy") m.kind = MetricSpec::Kind::CategoricalAccuracy;
  else if (kind == "sparse_categorical_accuracy") m.kind = MetricSpec::Kind::SparseCategoricalAccuracy;
  else throw py::value_error("unknown metric kind '" + kind + "'");
  m.threshold = get<float>(d, "threshold", 0.5f);
  m.weighted = get<bool>(d, "weighted", false);
  return m;
}

// Checks a 2-D float32 C-contiguous array of `cols` columns (what the shell passes).
const float* rows_of(const py::object& obj, int64_t cols, int64_t& rows, const char* what) {
  if (obj.is_none()) return nullptr;
  auto a = obj.cast<py::array>();
  if (!a.dtype().is(py::dtype::of<float>()) || !(a.flags() & py::array::c_style))
    throw py::type_error(std::string(what) + " must be a C-contiguous float32 array");
  int64_t width = 1;
  for (py::ssize_t k = 1; k < a.ndim(); ++k) width *= a.shape(k);
  if (a.ndim() == 0 || width != cols)
    throw py::value_error(std::string(what) + " must have " + std::to_string(cols) +
                          " values per row, got " + std::to_string(width));
  rows = a.ndim() ? a.shape(0) : 0;
  return static_cast<const float*>(a.data());
}

// Builds the RunData for a run and validates every index before native work starts.
RunData run_data(Network& net, int64_t target_dim, const py::object& x, const py::object& y,
                 const py::object& sw, const py::object& order) {
  RunData d;
  int64_t rows = 0, rows_y = 0, rows_w = 0;
  d.x = rows_of(x, net.input_dim(), rows, "x");
  if (!d.x) throw py::value_error("x is required");
  d.y = rows_of(y, target_dim, rows_y, "y");
  if (d.y && rows_y != rows) throw py::value_error("x and y have different numbers of rows");
  d.sample_weight = rows_of(sw, 1, rows_w, "sample_weight");
  if (d.sample_weight && rows_w != rows)
    throw py::value_error("sample_weight must have one value per row of x");
  d.num_samples = rows;
  d.target_dim = target_dim;
  if (!order.is_none()) {
    auto idx = order.cast<py::array>();
    if (!idx.dtype().is(py::dtype::of<int64_t>()) || !(idx.flags() & py::array::c_style) || idx.ndim() != 1)
      throw py::type_error("order must be a 1-D C-contiguous int64 array");
    d.order = static_cast<const int64_t*>(idx.data());
    d.num_samples = idx.shape(0);
    for (int64_t k = 0; k < d.num_samples; ++k)
      if (d.order[k] < 0 || d.order[k] >= rows) throw py::index_error("order holds a row out of range");
  }
  return d;
}

// train_run and evaluate_run: the same arguments, checked the same way, GIL released.
using BatchRunMethod = void (Network::*)(const RunData&, int64_t, int64_t, int64_t);
auto batch_run(BatchRunMethod method, const char* what) {
  return [method, what](Network& n, py::object x, py::object y, py::object sw, py::object order,
                        int64_t start, int64_t batch_size, int64_t num_batches, int64_t target_dim) {
    RunData d = run_data(n, target_dim, x, y, sw, order);
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
             std::vector<MetricSpec> specs;
             for (auto item : metrics) specs.push_back(metric_from(item.cast<py::dict>()));
             n.compile(loss_config_from_dict(loss), optimizer_config_from_dict(optimizer),
                       std::move(specs), loss_weight);
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
             RunData d = run_data(n, 0, x, py::none(), py::none(), order);
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
