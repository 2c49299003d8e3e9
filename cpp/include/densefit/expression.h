// Expressions: a user's loss or metric function, traced once in Python into a small graph of
// element-wise ops and reductions over (y_true, y_pred, sample_weight), evaluated natively for
// every batch with a reverse-mode gradient with respect to y_pred.
//
// Shapes are 2-D per batch: a node holds `rows x cols` floats where rows is the batch size
// (`batch_rows`) or 1, and cols is fixed at trace time. Element-wise ops broadcast rows and
// columns of extent 1 (NumPy's rule on these layouts); reductions fold the rows, the columns or
// both. Values are float32 as Keras computes them; reductions accumulate in double.
// Gradients follow JAX's conventions where a formula is not differentiable (Keras's oracle):
// d|x| = 1 at 0, maximum/minimum and clip bounds split ties 1/2-1/2, a reduce-max splits the
// gradient evenly among tied maxima, comparisons, sign, floor, ceil, round have zero gradient.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace densefit {

enum class ExprOp : uint8_t {
  // Leaves.
  YTrue, YPred, SampleWeight, Constant,
  // Unary element-wise.
  Neg, Abs, Square, Sqrt, Exp, Log, Log1p, Expm1, Sin, Cos, Tanh, Sigmoid, Softplus, Relu,
  Sign, Floor, Ceil, Round, Trunc, Reciprocal, LogicalNot, IsNan,
  // Binary element-wise (comparisons and logic give 0/1).
  Add, Sub, Mul, Div, Pow, Maximum, Minimum, Less, LessEqual, Greater, GreaterEqual, Equal,
  NotEqual, LogicalAnd, LogicalOr,
  // where(cond, a, b).
  Where,
  // Reductions over `axis`.
  Sum, Mean, Max, Min,
  // Columns [start, start + cols * step) of the input, `step` apart.
  SliceCols,
};

enum class ExprAxis : uint8_t { Rows, Cols, All };

struct ExprNode {
  ExprOp op = ExprOp::Constant;
  int32_t inputs[3] = {-1, -1, -1};  // earlier nodes
  bool batch_rows = false;           // rows = batch size, else 1
  int64_t cols = 1;
  ExprAxis axis = ExprAxis::All;     // reductions
  int64_t start = 0, step = 1;       // SliceCols
  std::vector<float> values;         // Constant: `cols` values (one row)
};

// Name of an op as the Python tracer spells it ("add", "softplus", ...), and back. The second
// throws std::invalid_argument listing the valid names.
const char* expr_op_name(ExprOp op);
ExprOp expr_op_from_name(const std::string& name);
int expr_op_arity(ExprOp op);

// An immutable, validated graph in topological order with one output node, which is a scalar
// (1 x 1) or one value per sample (batch x 1).
class Expression {
 public:
  // Throws std::invalid_argument naming the node when the graph is malformed (bad input
  // index, shapes that do not broadcast, an output that is not a scalar or a column...).
  Expression(std::vector<ExprNode> nodes, int32_t output, int64_t y_true_cols,
             int64_t y_pred_cols);

  const std::vector<ExprNode>& nodes() const { return nodes_; }
  int32_t output() const { return output_; }
  bool scalar_output() const { return !nodes_[size_t(output_)].batch_rows; }
  int64_t y_true_cols() const { return y_true_cols_; }
  int64_t y_pred_cols() const { return y_pred_cols_; }
  // Node k's value depends on y_pred (it needs a gradient buffer in backward).
  bool depends_on_pred(size_t k) const { return on_pred_[k]; }

 private:
  std::vector<ExprNode> nodes_;
  std::vector<bool> on_pred_;
  int32_t output_;
  int64_t y_true_cols_, y_pred_cols_;
};

// Evaluates one Expression over batches; owns its scratch, which grows with the largest batch
// seen and is reused afterwards (nothing is allocated per batch once warm). Not thread-safe:
// one evaluator per concurrent user.
class ExpressionEvaluator {
 public:
  explicit ExpressionEvaluator(std::shared_ptr<const Expression> expr);

  // y_true is rows x y_true_cols, y_pred rows x y_pred_cols, sample_weight rows values or
  // null (all ones). Returns the output node: 1 value (scalar) or `rows` values.
  const float* forward(const float* y_true, const float* y_pred, const float* sample_weight,
                       int64_t rows);
  // After forward on the same batch: d_pred = seed * d(output) / d(y_pred) (rows x
  // y_pred_cols). The output must be a scalar.
  void backward(float seed, float* d_pred);

  const Expression& expression() const { return *expr_; }

 private:
  std::shared_ptr<const Expression> expr_;
  std::vector<std::vector<float>> value_, grad_;
  std::vector<const float*> data_;  // node values (leaves point at the caller's arrays)
  std::vector<float> ones_;
  int64_t rows_ = 0;
};

}  // namespace densefit
