// Keras loss get_config() dict -> densefit::LossConfig. Shared by the loss and network bindings.
#pragma once
#include <pybind11/pybind11.h>

#include "densefit/losses.h"

// Reads `name` (required: a Keras class name, function name or alias), `from_logits`,
// `label_smoothing`, `delta`, `gamma`, `alpha`, `apply_class_balancing`, `ignore_class` and
// `reduction` ("sum_over_batch_size", "sum", "mean", "none" or None). Absent keys and None
// values keep Keras's defaults; other keys (dtype, fn, ...) are ignored, except `axis`, which
// must be the last axis. Raises ValueError for unknown names or values.
densefit::LossConfig loss_config_from_dict(const pybind11::dict& config);
