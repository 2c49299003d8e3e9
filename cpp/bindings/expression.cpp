// Python glue for densefit/expression.h.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <stdexcept>
#include <string>

#include "expression_config.h"

namespace py = pybind11;
using namespace densefit;

namespace {

using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;

ExprAxis axis_from_name(const std::string& name) {
  if (name == "rows") return ExprAxis::Rows;
  if (name == "cols") return ExprAxis::Cols;
  if (name == "all") return ExprAxis::All;
  throw py::value_error("expression: unknown axis '" + name + "' (rows, cols or all)");
}

ExprNode node_from(const py::dict& d) {
  ExprNode n;
  n.op = expr_op_from_name(d["op"].cast<std::string>());
  if (d.contains("inputs")) {
    auto inputs = d["inputs"].cast<std::vector<int32_t>>();
    if (inputs.size() != size_t(expr_op_arity(n.op)))
      throw py::value_error(std::string("expression: op '") + expr_op_name(n.op) + "' takes " +
                            std::to_string(expr_op_arity(n.op)) + " inputs");
    for (size_t i = 0; i < inputs.size(); ++i) n.inputs[i] = inputs[i];
  }
  if (d.contains("axis")) n.axis = axis_from_name(d["axis"].cast<std::string>());
  if (d.contains("values")) n.values = d["values"].cast<std::vector<float>>();
  if (d.contains("start")) n.start = d["start"].cast<int64_t>();
  if (d.contains("step")) n.step = d["step"].cast<int64_t>();
  if (d.contains("cols")) n.cols = d["cols"].cast<int64_t>();
  return n;
}

const float* checked(const FloatArray& a, int64_t rows, int64_t cols, const char* what) {
  if (a.ndim() != 2 || a.shape(0) != rows || a.shape(1) != cols)
    throw py::value_error(std::string(what) + " must have shape (" + std::to_string(rows) + ", " +
                          std::to_string(cols) + ")");
  return a.data();
}

}  // namespace

std::shared_ptr<const Expression> expression_from_dict(const py::dict& desc) {
  std::vector<ExprNode> nodes;
  for (const auto& item : desc["nodes"].cast<py::list>()) nodes.push_back(node_from(item.cast<py::dict>()));
  try {
    return std::make_shared<const Expression>(std::move(nodes), desc["output"].cast<int32_t>(),
                                              desc["y_true_cols"].cast<int64_t>(),
                                              desc["y_pred_cols"].cast<int64_t>());
  } catch (const std::invalid_argument& e) {
    throw py::value_error(e.what());
  }
}

void init_expression(py::module_& m) {
  m.def(
      "expression_eval",
      [](const py::dict& desc, const FloatArray& y_true, const FloatArray& y_pred,
         const py::object& sample_weight, bool want_grad) {
        auto expr = expression_from_dict(desc);
        if (y_pred.ndim() != 2) throw py::value_error("y_pred must be 2-D");
        const int64_t rows = y_pred.shape(0);
        const float* t = checked(y_true, rows, expr->y_true_cols(), "y_true");
        const float* p = checked(y_pred, rows, expr->y_pred_cols(), "y_pred");
        FloatArray sw;
        const float* w = nullptr;
        if (!sample_weight.is_none()) {
          sw = sample_weight.cast<FloatArray>();
          if (sw.ndim() != 1 || sw.shape(0) != rows)
            throw py::value_error("sample_weight must have shape (" + std::to_string(rows) + ",)");
          w = sw.data();
        }
        if (want_grad && !expr->scalar_output())
          throw py::value_error("a gradient needs an expression with a scalar output");
        ExpressionEvaluator eval(expr);
        const int64_t n_out = expr->scalar_output() ? 1 : rows;
        py::array_t<float> value(n_out);
        py::object grad = py::none();
        {
          const float* v = eval.forward(t, p, w, rows);
          std::copy(v, v + n_out, value.mutable_data());
        }
        if (want_grad) {
          py::array_t<float> d({rows, expr->y_pred_cols()});
          eval.backward(1.f, d.mutable_data());
          grad = d;
        }
        return py::make_tuple(value, grad);
      },
      py::arg("desc"), py::arg("y_true"), py::arg("y_pred"), py::arg("sample_weight") = py::none(),
      py::arg("grad") = false,
      "Evaluates a traced expression on one batch: (values, d value / d y_pred or None). "
      "values has one element for a scalar output, else one per row.");
}
