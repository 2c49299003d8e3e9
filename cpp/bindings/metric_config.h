// Metric descriptions from the Python shell -> densefit::MetricSpec / CompiledMetric.
// Shared by the network and metric bindings.
#pragma once
#include <pybind11/pybind11.h>

#include "densefit/network.h"

// {"kind": "precision", ...}: `kind` is a snake_case MetricSpec::Kind ("loss" for
// LossFunction, with the loss config under "loss"); the other keys are MetricSpec's fields
// under their Keras names (thresholds, evenly_spaced, top_k, class_id, value, curve,
// summation_method, multi_label, label_weights, from_logits, average, beta, threshold, k,
// from_sorted_ids, class_aggregation, num_regressors, num_classes, weighted). Absent keys and
// None keep the defaults. Raises ValueError for unknown kinds or values.
densefit::MetricSpec metric_spec_from_dict(const pybind11::dict& d);

// A compile() entry: {"state": MetricState, "weighted": bool} shares a Python metric object's
// state; any other dict is a spec and gets a fresh state.
densefit::CompiledMetric compiled_metric_from(const pybind11::handle& entry);
