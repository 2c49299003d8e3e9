#include "metric_config.h"

#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "config_dict.h"
#include "expression_config.h"
#include "loss_config.h"

namespace py = pybind11;
using densefit::MetricSpec;
using Kind = MetricSpec::Kind;

namespace {

using densefit::bindings::config::present;

template <typename T>
T get(const py::dict& d, const char* key, T fallback) {
  return densefit::bindings::config::get<T>(d, key, std::move(fallback), "metric: ");
}

template <typename E>
E choice(const py::dict& d, const char* key, E fallback, const std::map<std::string, E>& names) {
  if (!present(d, key)) return fallback;
  auto name = py::str(d[key]).cast<std::string>();
  auto it = names.find(name);
  if (it != names.end()) return it->second;
  std::string valid;
  for (const auto& n : names) valid += (valid.empty() ? "" : ", ") + n.first;
  throw py::value_error("metric: invalid `" + std::string(key) + "` '" + name + "' (expected " +
                        valid + ")");
}

const std::map<std::string, Kind>& kinds() {
  static const std::map<std::string, Kind> k = {
      {"loss", Kind::LossFunction},
      {"custom", Kind::Custom},
      {"accuracy", Kind::Accuracy},
      {"binary_accuracy", Kind::BinaryAccuracy},
      {"categorical_accuracy", Kind::CategoricalAccuracy},
      {"sparse_categorical_accuracy", Kind::SparseCategoricalAccuracy},
      {"top_k_categorical_accuracy", Kind::TopKCategoricalAccuracy},
      {"sparse_top_k_categorical_accuracy", Kind::SparseTopKCategoricalAccuracy},
      {"root_mean_squared_error", Kind::RootMeanSquaredError},
      {"true_positives", Kind::TruePositives},
      {"false_positives", Kind::FalsePositives},
      {"true_negatives", Kind::TrueNegatives},
      {"false_negatives", Kind::FalseNegatives},
      {"precision", Kind::Precision},
      {"recall", Kind::Recall},
      {"auc", Kind::AUC},
      {"sensitivity_at_specificity", Kind::SensitivityAtSpecificity},
      {"specificity_at_sensitivity", Kind::SpecificityAtSensitivity},
      {"precision_at_recall", Kind::PrecisionAtRecall},
      {"recall_at_precision", Kind::RecallAtPrecision},
      {"fbeta_score", Kind::FBetaScore},
      {"r2_score", Kind::R2Score},
      {"confusion_matrix", Kind::ConfusionMatrix},
  };
  return k;
}

}  // namespace

MetricSpec metric_spec_from_dict(const py::dict& d) {
  MetricSpec m;
  if (!present(d, "kind")) throw py::value_error("metric: a metric description needs a `kind`");
  m.kind = choice(d, "kind", Kind::LossFunction, kinds());
  if (m.kind == Kind::LossFunction) {
    if (!present(d, "loss")) throw py::value_error("metric: kind 'loss' needs a `loss` config");
    m.loss = loss_config_from_dict(d["loss"].cast<py::dict>());
  }
  if (m.kind == Kind::Custom) {  // a traced user function (densefit.ops)
    if (!present(d, "expression")) throw py::value_error("metric: kind 'custom' needs an `expression`");
    m.expression = expression_from_dict(d["expression"].cast<py::dict>());
  }
  m.threshold = get<float>(d, "threshold", m.kind == Kind::FBetaScore ? std::nanf("") : 0.5f);
  m.k = get<int64_t>(d, "k", 5);
  m.from_sorted_ids = get<bool>(d, "from_sorted_ids", false);
  m.thresholds = get<std::vector<float>>(d, "thresholds", m.thresholds);
  m.evenly_spaced = get<bool>(d, "evenly_spaced", false);
  m.top_k = get<int64_t>(d, "top_k", 0);
  m.class_id = get<int64_t>(d, "class_id", -1);
  m.value = get<float>(d, "value", 0.0f);
  m.curve = choice(d, "curve", MetricSpec::Curve::ROC,
                   {{"ROC", MetricSpec::Curve::ROC}, {"PR", MetricSpec::Curve::PR},
                    {"PRGAIN", MetricSpec::Curve::PRGain}});
  m.summation = choice(d, "summation_method", MetricSpec::Summation::Interpolation,
                       {{"interpolation", MetricSpec::Summation::Interpolation},
                        {"minoring", MetricSpec::Summation::Minoring},
                        {"majoring", MetricSpec::Summation::Majoring}});
  m.multi_label = get<bool>(d, "multi_label", false);
  m.label_weights = get<std::vector<float>>(d, "label_weights", {});
  m.from_logits = get<bool>(d, "from_logits", false);
  m.average = choice(d, "average", MetricSpec::Average::None,
                     {{"micro", MetricSpec::Average::Micro}, {"macro", MetricSpec::Average::Macro},
                      {"weighted", MetricSpec::Average::Weighted}});
  m.beta = get<float>(d, "beta", 1.0f);
  // R2Score: class_aggregation=None is a real choice (per-column scores), not "absent".
  if (m.kind == Kind::R2Score && d.contains("class_aggregation") && d["class_aggregation"].is_none())
    m.aggregation = MetricSpec::Aggregation::None;
  else
    m.aggregation = choice(d, "class_aggregation", MetricSpec::Aggregation::UniformAverage,
                           {{"uniform_average", MetricSpec::Aggregation::UniformAverage},
                            {"variance_weighted_average",
                             MetricSpec::Aggregation::VarianceWeightedAverage}});
  m.num_regressors = get<int64_t>(d, "num_regressors", 0);
  m.num_classes = get<int64_t>(d, "num_classes", 0);
  m.weighted = get<bool>(d, "weighted", false);
  try {
    densefit::validate(m);
  } catch (const std::invalid_argument& e) {
    throw py::value_error(e.what());
  }
  return m;
}

densefit::CompiledMetric compiled_metric_from(const py::handle& entry) {
  if (!py::isinstance<py::dict>(entry))
    throw py::type_error("compile: each metric must be a dict (a spec, or {'state': ...})");
  py::dict d = py::reinterpret_borrow<py::dict>(entry);
  if (d.contains("state")) {
    auto state = d["state"].cast<std::shared_ptr<densefit::MetricState>>();
    return {state, get<bool>(d, "weighted", false)};
  }
  MetricSpec spec = metric_spec_from_dict(d);
  bool weighted = spec.weighted;
  return {std::make_shared<densefit::MetricState>(std::move(spec)), weighted};
}
