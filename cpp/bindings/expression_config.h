// Python description of a traced expression -> densefit::Expression. Shared by the expression,
// loss and network bindings.
#pragma once
#include <pybind11/pybind11.h>

#include <memory>

#include "densefit/expression.h"

// Reads {"nodes": [{"op": name, "inputs": [...], "axis": "rows"|"cols"|"all",
// "values": [...], "start": int, "step": int, "cols": int}, ...], "output": int,
// "y_true_cols": int, "y_pred_cols": int} (what densefit.ops writes). Raises ValueError for a
// malformed graph.
std::shared_ptr<const densefit::Expression> expression_from_dict(const pybind11::dict& desc);
