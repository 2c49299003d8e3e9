// Python dicts -> core specs (LayerSpec; metrics: metric_config.h) and checked run arrays (RunData):
// shared by densefit._core and the CUDA module densefit._cuda, so both parse the shell's
// descriptions the same way.
#include "network_specs.h"

#include <pybind11/numpy.h>

#include <cmath>
#include <string>

#include "../src/ops/layer_op.h"


namespace py = pybind11;

namespace densefit {
namespace bindings {
namespace {

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

}  // namespace

// One layer as the Python shell describes it: {"kind": "dense"|"dropout"|"activation" or a
// layer op's kind ("layer_normalization", "relu", ...: ops/layer_ops.cpp), ...}.
LayerSpec layer_from(const py::dict& d) {
  LayerSpec s;
  auto kind = d["kind"].cast<std::string>();
  if (kind == "dense") s.kind = LayerSpec::Kind::Dense;
  else if (kind == "dropout") s.kind = LayerSpec::Kind::Dropout;
  else if (kind == "activation") s.kind = LayerSpec::Kind::Activation;
  else if (const LayerOp* op = layer_op_named(kind)) s.kind = op->spec_kind();
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
  s.epsilon = get<float>(d, "epsilon", 1e-3f);
  s.center = get<bool>(d, "center", true);
  s.scale = get<bool>(d, "scale", true);
  s.momentum = get<double>(d, "momentum", 0.99);
  s.negative_slope = get<float>(d, "negative_slope", 0.0f);
  s.max_value = get<float>(d, "max_value", INFINITY);
  s.threshold = get<float>(d, "threshold", 0.0f);
  s.factor = get<float>(d, "factor", 1.0f);
  s.offset = get<float>(d, "offset", 0.0f);
  s.invert = get<bool>(d, "invert", false);
  s.scalar = get<bool>(d, "scalar", false);
  s.stddev = get<float>(d, "stddev", 0.0f);
  s.vocabulary = get<int64_t>(d, "vocabulary", 0);
  s.trainable = get<bool>(d, "trainable", true);
  return s;
}

std::vector<LayerSpec> layers_from(const py::list& layers) {
  std::vector<LayerSpec> specs;
  for (auto item : layers) specs.push_back(layer_from(item.cast<py::dict>()));
  return specs;
}

// Checks a 2-D aligned float32 C-contiguous array of `cols` columns (what the shell passes).
const float* rows_of(const py::object& obj, int64_t cols, int64_t& rows, const char* what) {
  if (obj.is_none()) return nullptr;
  auto a = obj.cast<py::array>();
  // Aligned too: the kernels read floats through float pointers (NumPy can make views
  // that start at any byte).
  if (!a.dtype().is(py::dtype::of<float>()) || !(a.flags() & py::array::c_style) ||
      !(a.flags() & py::detail::npy_api::NPY_ARRAY_ALIGNED_))
    throw py::type_error(std::string(what) + " must be an aligned C-contiguous float32 array");
  int64_t width = 1;
  for (py::ssize_t k = 1; k < a.ndim(); ++k) width *= a.shape(k);
  if (a.ndim() == 0 || width != cols)
    throw py::value_error(std::string(what) + " must have " + std::to_string(cols) +
                          " values per row, got " + std::to_string(width));
  rows = a.ndim() ? a.shape(0) : 0;
  return static_cast<const float*>(a.data());
}

// Builds the RunData for a run and validates every index before native work starts.
RunData run_data(int64_t input_dim, int64_t target_dim, const py::object& x, const py::object& y,
                 const py::object& sw, const py::object& order) {
  RunData d;
  int64_t rows = 0, rows_y = 0, rows_w = 0;
  d.x = rows_of(x, input_dim, rows, "x");
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
    if (!idx.dtype().is(py::dtype::of<int64_t>()) || !(idx.flags() & py::array::c_style) ||
        !(idx.flags() & py::detail::npy_api::NPY_ARRAY_ALIGNED_) || idx.ndim() != 1)
      throw py::type_error("order must be a 1-D aligned C-contiguous int64 array");
    d.order = static_cast<const int64_t*>(idx.data());
    d.num_samples = idx.shape(0);
    for (int64_t k = 0; k < d.num_samples; ++k)
      if (d.order[k] < 0 || d.order[k] >= rows) throw py::index_error("order holds a row out of range");
  }
  return d;
}

}  // namespace bindings
}  // namespace densefit
