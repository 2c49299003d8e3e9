// Expression graphs: op names and the validation that lets the evaluator trust its input.
#include <stdexcept>
#include <string>

#include "densefit/expression.h"

namespace densefit {
namespace {

struct OpInfo {
  ExprOp op;
  const char* name;
  int arity;
};

const OpInfo kOps[] = {
    {ExprOp::YTrue, "y_true", 0},       {ExprOp::YPred, "y_pred", 0},
    {ExprOp::SampleWeight, "sample_weight", 0}, {ExprOp::Constant, "constant", 0},
    {ExprOp::Neg, "negative", 1},       {ExprOp::Abs, "abs", 1},
    {ExprOp::Square, "square", 1},      {ExprOp::Sqrt, "sqrt", 1},
    {ExprOp::Exp, "exp", 1},            {ExprOp::Log, "log", 1},
    {ExprOp::Log1p, "log1p", 1},        {ExprOp::Expm1, "expm1", 1},
    {ExprOp::Sin, "sin", 1},            {ExprOp::Cos, "cos", 1},
    {ExprOp::Tanh, "tanh", 1},          {ExprOp::Sigmoid, "sigmoid", 1},
    {ExprOp::Softplus, "softplus", 1},  {ExprOp::Relu, "relu", 1},
    {ExprOp::Sign, "sign", 1},          {ExprOp::Floor, "floor", 1},
    {ExprOp::Ceil, "ceil", 1},          {ExprOp::Round, "round", 1},
    {ExprOp::Trunc, "trunc", 1},        {ExprOp::Reciprocal, "reciprocal", 1},
    {ExprOp::LogicalNot, "logical_not", 1}, {ExprOp::IsNan, "isnan", 1},
    {ExprOp::Add, "add", 2},            {ExprOp::Sub, "subtract", 2},
    {ExprOp::Mul, "multiply", 2},       {ExprOp::Div, "divide", 2},
    {ExprOp::Pow, "power", 2},          {ExprOp::Maximum, "maximum", 2},
    {ExprOp::Minimum, "minimum", 2},    {ExprOp::Less, "less", 2},
    {ExprOp::LessEqual, "less_equal", 2}, {ExprOp::Greater, "greater", 2},
    {ExprOp::GreaterEqual, "greater_equal", 2}, {ExprOp::Equal, "equal", 2},
    {ExprOp::NotEqual, "not_equal", 2}, {ExprOp::LogicalAnd, "logical_and", 2},
    {ExprOp::LogicalOr, "logical_or", 2}, {ExprOp::Where, "where", 3},
    {ExprOp::Sum, "sum", 1},            {ExprOp::Mean, "mean", 1},
    {ExprOp::Max, "max", 1},            {ExprOp::Min, "min", 1},
    {ExprOp::SliceCols, "slice_cols", 1},
};

const OpInfo& info(ExprOp op) {
  for (const OpInfo& i : kOps)
    if (i.op == op) return i;
  throw std::invalid_argument("unknown expression op");
}

bool is_reduction(ExprOp op) {
  return op == ExprOp::Sum || op == ExprOp::Mean || op == ExprOp::Max || op == ExprOp::Min;
}

}  // namespace

const char* expr_op_name(ExprOp op) { return info(op).name; }
int expr_op_arity(ExprOp op) { return info(op).arity; }

ExprOp expr_op_from_name(const std::string& name) {
  for (const OpInfo& i : kOps)
    if (name == i.name) return i.op;
  std::string valid;
  for (const OpInfo& i : kOps) valid += (valid.empty() ? "" : ", ") + std::string(i.name);
  throw std::invalid_argument("unknown expression op '" + name + "'; valid ops: " + valid);
}

Expression::Expression(std::vector<ExprNode> nodes, int32_t output, int64_t y_true_cols,
                       int64_t y_pred_cols)
    : nodes_(std::move(nodes)), output_(output), y_true_cols_(y_true_cols),
      y_pred_cols_(y_pred_cols) {
  if (y_true_cols < 1 || y_pred_cols < 1)
    throw std::invalid_argument("expression: y_true and y_pred need at least one column");
  on_pred_.assign(nodes_.size(), false);
  for (size_t k = 0; k < nodes_.size(); ++k) {
    ExprNode& n = nodes_[k];
    const std::string where = "expression node " + std::to_string(k) + " (" +
                              expr_op_name(n.op) + "): ";
    const int arity = expr_op_arity(n.op);
    for (int i = 0; i < 3; ++i) {
      const bool used = i < arity;
      if (used && (n.inputs[i] < 0 || size_t(n.inputs[i]) >= k))
        throw std::invalid_argument(where + "input " + std::to_string(i) +
                                    " must name an earlier node");
      if (!used) n.inputs[i] = -1;
      else if (on_pred_[size_t(n.inputs[i])]) on_pred_[k] = true;
    }
    switch (n.op) {
      case ExprOp::YTrue: n.batch_rows = true; n.cols = y_true_cols; continue;
      case ExprOp::YPred: n.batch_rows = true; n.cols = y_pred_cols; on_pred_[k] = true; continue;
      case ExprOp::SampleWeight: n.batch_rows = true; n.cols = 1; continue;
      case ExprOp::Constant:
        if (n.values.empty()) throw std::invalid_argument(where + "a constant needs values");
        n.batch_rows = false;
        n.cols = int64_t(n.values.size());
        continue;
      default: break;
    }
    const ExprNode& a = nodes_[size_t(n.inputs[0])];
    if (is_reduction(n.op)) {
      n.batch_rows = n.axis == ExprAxis::Cols && a.batch_rows;
      n.cols = n.axis == ExprAxis::Rows ? a.cols : 1;
    } else if (n.op == ExprOp::SliceCols) {
      const int64_t last = n.start + (n.cols - 1) * n.step;
      if (n.cols < 1 || n.step == 0 || n.start < 0 || n.start >= a.cols || last < 0 ||
          last >= a.cols)
        throw std::invalid_argument(where + "column slice out of range");
      n.batch_rows = a.batch_rows;
    } else {
      // Element-wise: rows and columns of extent 1 broadcast.
      n.batch_rows = false;
      n.cols = 1;
      for (int i = 0; i < arity; ++i) {
        const ExprNode& in = nodes_[size_t(n.inputs[i])];
        n.batch_rows = n.batch_rows || in.batch_rows;
        if (in.cols != 1) {
          if (n.cols != 1 && n.cols != in.cols)
            throw std::invalid_argument(where + "inputs with " + std::to_string(n.cols) +
                                        " and " + std::to_string(in.cols) +
                                        " columns do not broadcast");
          n.cols = in.cols;
        }
      }
    }
  }
  if (output_ < 0 || size_t(output_) >= nodes_.size())
    throw std::invalid_argument("expression: output must name a node");
  if (nodes_[size_t(output_)].cols != 1)
    throw std::invalid_argument("expression: the output must be a scalar or one value per sample");
}

}  // namespace densefit
