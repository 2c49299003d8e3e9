// Python glue for densefit/losses.h.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>

#include "densefit/losses.h"
#include "expression_config.h"
#include "loss_config.h"

namespace py = pybind11;
using densefit::LossConfig;
using densefit::LossKind;
using densefit::Reduction;

namespace {

using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;

bool has_value(const py::dict& d, const char* key) {
  return d.contains(key) && !d[key].is_none();
}

Reduction reduction_from_name(const std::string& name) {
  if (name == "sum_over_batch_size") return Reduction::SumOverBatchSize;
  if (name == "sum") return Reduction::Sum;
  if (name == "mean") return Reduction::Mean;
  if (name == "none") return Reduction::None;
  if (name == "mean_with_sample_weight") return Reduction::MeanWithSampleWeight;
  throw py::value_error("Unknown loss reduction '" + name +
                        "'. Valid: 'sum_over_batch_size', 'sum', 'mean', 'none', None");
}

// Checks y_true / y_pred against the loss's expectations; returns (rows, cols).
std::pair<int64_t, int64_t> checked_shape(const LossConfig& cfg, const FloatArray& y_true,
                                          const FloatArray& y_pred) {
  if (y_pred.ndim() != 2 || y_true.ndim() != 2)
    throw py::value_error("y_true and y_pred must be 2-D");
  const int64_t rows = y_pred.shape(0), cols = y_pred.shape(1);
  if (cols < 1) throw py::value_error("y_pred must have at least one column");
  const int64_t true_cols = cfg.kind == LossKind::SparseCategoricalCrossentropy ? 1 : cols;
  if (y_true.shape(0) != rows || y_true.shape(1) != true_cols)
    throw py::value_error("y_true has shape (" + std::to_string(y_true.shape(0)) + ", " +
                          std::to_string(y_true.shape(1)) + "), expected (" +
                          std::to_string(rows) + ", " + std::to_string(true_cols) + ")");
  return {rows, cols};
}

}  // namespace

LossConfig loss_config_from_dict(const py::dict& config) {
  if (has_value(config, "expression")) {  // a traced user loss: reduction is in the graph
    LossConfig cfg;
    cfg.expression = expression_from_dict(config["expression"].cast<py::dict>());
    return cfg;
  }
  if (!has_value(config, "name")) throw py::value_error("loss config needs a 'name'");
  LossConfig cfg;
  cfg.kind = densefit::loss_from_name(py::cast<std::string>(config["name"]));
  if (has_value(config, "from_logits")) cfg.from_logits = py::cast<bool>(config["from_logits"]);
  if (has_value(config, "label_smoothing"))
    cfg.label_smoothing = py::cast<float>(config["label_smoothing"]);
  if (has_value(config, "delta")) cfg.delta = py::cast<float>(config["delta"]);
  if (has_value(config, "gamma")) cfg.gamma = py::cast<float>(config["gamma"]);
  if (has_value(config, "alpha")) cfg.alpha = py::cast<float>(config["alpha"]);
  if (has_value(config, "apply_class_balancing"))
    cfg.apply_class_balancing = py::cast<bool>(config["apply_class_balancing"]);
  if (has_value(config, "ignore_class")) {
    cfg.has_ignore_class = true;
    cfg.ignore_class = py::cast<int64_t>(config["ignore_class"]);
  }
  if (has_value(config, "axis")) {
    const int64_t axis = py::cast<int64_t>(config["axis"]);
    if (axis != -1 && axis != 1)
      throw py::value_error("loss axis must be the last axis (-1), got " + std::to_string(axis));
  }
  if (config.contains("reduction"))  // Keras's reduction=None means "none"
    cfg.reduction = config["reduction"].is_none()
                        ? Reduction::None
                        : reduction_from_name(py::cast<std::string>(config["reduction"]));
  return cfg;
}

void init_losses(py::module_& m) {
  m.def(
      "loss_per_sample",
      [](const py::dict& config, const FloatArray& y_true, const FloatArray& y_pred) {
        const LossConfig cfg = loss_config_from_dict(config);
        const auto [rows, cols] = checked_shape(cfg, y_true, y_pred);
        py::array_t<float> out(rows);
        const float* t = y_true.data();
        const float* p = y_pred.data();
        float* o = out.mutable_data();
        {
          py::gil_scoped_release release;
          densefit::loss_per_sample(cfg, t, p, rows, cols, o);
        }
        return out;
      },
      py::arg("config"), py::arg("y_true"), py::arg("y_pred"),
      "Per-sample Keras loss (rows,) for a Keras loss config dict. y_true is (rows, cols), or "
      "(rows, 1) class indices for sparse_categorical_crossentropy.");
  m.def(
      "loss_backward",
      [](const py::dict& config, const FloatArray& y_true, const FloatArray& y_pred,
         const FloatArray& scale) {
        const LossConfig cfg = loss_config_from_dict(config);
        const auto [rows, cols] = checked_shape(cfg, y_true, y_pred);
        if (scale.ndim() != 1 || scale.shape(0) != rows)
          throw py::value_error("scale must have shape (" + std::to_string(rows) + ",)");
        py::array_t<float> out({rows, cols});
        const float* t = y_true.data();
        const float* p = y_pred.data();
        const float* s = scale.data();
        float* o = out.mutable_data();
        {
          py::gil_scoped_release release;
          densefit::loss_backward(cfg, t, p, s, rows, cols, o);
        }
        return out;
      },
      py::arg("config"), py::arg("y_true"), py::arg("y_pred"), py::arg("scale"),
      "d_pred[r, c] = scale[r] * d loss_per_sample[r] / d y_pred[r, c].");
}
