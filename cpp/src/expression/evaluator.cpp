// Forward and reverse-mode evaluation of an Expression over one batch.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "densefit/expression.h"
#include "scalar_math.h"

namespace densefit {
namespace {

// A node's value laid out for broadcasting into an output of `cols` columns: element (r, c)
// of the output reads data[r * row_stride + c * col_stride].
struct View {
  const float* data;
  int64_t row_stride, col_stride;
  float at(int64_t r, int64_t c) const { return data[r * row_stride + c * col_stride]; }
};

View view_of(const ExprNode& n, const float* data) {
  return {data, n.batch_rows ? n.cols : 0, n.cols == 1 ? 0 : 1};
}

int64_t rows_of(const ExprNode& n, int64_t batch) { return n.batch_rows ? batch : 1; }

}  // namespace

ExpressionEvaluator::ExpressionEvaluator(std::shared_ptr<const Expression> expr)
    : expr_(std::move(expr)) {
  if (!expr_) throw std::invalid_argument("ExpressionEvaluator: null expression");
  const size_t n = expr_->nodes().size();
  value_.resize(n);
  grad_.resize(n);
  data_.assign(n, nullptr);
}

const float* ExpressionEvaluator::forward(const float* y_true, const float* y_pred,
                                          const float* sample_weight, int64_t rows) {
  if (rows < 1) throw std::invalid_argument("expression: a batch needs at least one row");
  rows_ = rows;
  const auto& nodes = expr_->nodes();
  if (!sample_weight) {
    if (int64_t(ones_.size()) < rows) ones_.assign(size_t(rows), 1.f);
    sample_weight = ones_.data();
  }
  for (size_t k = 0; k < nodes.size(); ++k) {
    const ExprNode& n = nodes[k];
    switch (n.op) {
      case ExprOp::YTrue: data_[k] = y_true; continue;
      case ExprOp::YPred: data_[k] = y_pred; continue;
      case ExprOp::SampleWeight: data_[k] = sample_weight; continue;
      case ExprOp::Constant: data_[k] = n.values.data(); continue;
      default: break;
    }
    const int64_t out_rows = rows_of(n, rows), cols = n.cols;
    std::vector<float>& buf = value_[k];
    if (int64_t(buf.size()) < out_rows * cols) buf.resize(size_t(out_rows * cols));
    float* out = buf.data();
    data_[k] = out;
    const ExprNode& a = nodes[size_t(n.inputs[0])];
    const float* ad = data_[size_t(n.inputs[0])];
    const int arity = expr_op_arity(n.op);
    switch (n.op) {
      case ExprOp::Sum: case ExprOp::Mean: case ExprOp::Max: case ExprOp::Min: {
        const int64_t in_rows = rows_of(a, rows);
        const bool fold_rows = n.axis != ExprAxis::Cols, fold_cols = n.axis != ExprAxis::Rows;
        const int64_t count = (fold_rows ? in_rows : 1) * (fold_cols ? a.cols : 1);
        for (int64_t o = 0; o < out_rows * cols; ++o) {
          // Output o covers input rows [r0, r1) x columns [c0, c1).
          const int64_t r0 = fold_rows ? 0 : o, r1 = fold_rows ? in_rows : o + 1;
          const int64_t c0 = fold_cols ? 0 : o, c1 = fold_cols ? a.cols : o + 1;
          if (n.op == ExprOp::Sum || n.op == ExprOp::Mean) {
            double acc = 0.0;
            for (int64_t r = r0; r < r1; ++r)
              for (int64_t c = c0; c < c1; ++c) acc += ad[r * a.cols + c];
            out[o] = static_cast<float>(n.op == ExprOp::Mean ? acc / double(count) : acc);
          } else {
            float best = ad[r0 * a.cols + c0];
            for (int64_t r = r0; r < r1; ++r)
              for (int64_t c = c0; c < c1; ++c)
                best = expr::binary(n.op == ExprOp::Max ? ExprOp::Maximum : ExprOp::Minimum, best,
                                    ad[r * a.cols + c]);
            out[o] = best;
          }
        }
        continue;
      }
      case ExprOp::SliceCols:
        for (int64_t r = 0; r < out_rows; ++r)
          for (int64_t c = 0; c < cols; ++c) out[r * cols + c] = ad[r * a.cols + n.start + c * n.step];
        continue;
      default: break;
    }
    const View va = view_of(a, ad);
    if (arity == 1) {
      for (int64_t r = 0; r < out_rows; ++r)
        for (int64_t c = 0; c < cols; ++c) out[r * cols + c] = expr::unary(n.op, va.at(r, c));
      continue;
    }
    const View vb = view_of(nodes[size_t(n.inputs[1])], data_[size_t(n.inputs[1])]);
    if (arity == 2) {
      for (int64_t r = 0; r < out_rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
          out[r * cols + c] = expr::binary(n.op, va.at(r, c), vb.at(r, c));
      continue;
    }
    const View vc = view_of(nodes[size_t(n.inputs[2])], data_[size_t(n.inputs[2])]);
    for (int64_t r = 0; r < out_rows; ++r)  // where(cond = a, b, c)
      for (int64_t c = 0; c < cols; ++c)
        out[r * cols + c] = va.at(r, c) != 0.f ? vb.at(r, c) : vc.at(r, c);
  }
  return data_[size_t(expr_->output())];
}

void ExpressionEvaluator::backward(float seed, float* d_pred) {
  const Expression& e = *expr_;
  const auto& nodes = e.nodes();
  if (!e.scalar_output())
    throw std::logic_error("expression: backward needs a scalar output");
  const int64_t rows = rows_;
  if (rows < 1) throw std::logic_error("expression: backward before forward");
  for (size_t k = 0; k < nodes.size(); ++k) {
    if (!e.depends_on_pred(k)) continue;
    const size_t len = size_t(rows_of(nodes[k], rows) * nodes[k].cols);
    if (grad_[k].size() < len) grad_[k].resize(len);
    std::fill(grad_[k].begin(), grad_[k].begin() + std::ptrdiff_t(len), 0.f);
  }
  const size_t out = size_t(e.output());
  if (e.depends_on_pred(out)) grad_[out][0] = seed;

  for (size_t k = nodes.size(); k-- > 0;) {
    const ExprNode& n = nodes[k];
    if (!e.depends_on_pred(k) || n.op == ExprOp::YPred) continue;
    const int arity = expr_op_arity(n.op);
    const int64_t out_rows = rows_of(n, rows), cols = n.cols;
    const float* g = grad_[k].data();
    const float* y = data_[k];
    const int32_t ia = n.inputs[0];
    const ExprNode& a = nodes[size_t(ia)];
    const float* ad = data_[size_t(ia)];
    // Gradient accumulators of the inputs (null where the input does not depend on y_pred),
    // with the same broadcasting strides as their values.
    auto grad_of = [&](int i) -> float* {
      const int32_t in = n.inputs[i];
      return e.depends_on_pred(size_t(in)) ? grad_[size_t(in)].data() : nullptr;
    };
    switch (n.op) {
      case ExprOp::Sum: case ExprOp::Mean: case ExprOp::Max: case ExprOp::Min: {
        float* ga = grad_of(0);
        const int64_t in_rows = rows_of(a, rows);
        const bool fold_rows = n.axis != ExprAxis::Cols, fold_cols = n.axis != ExprAxis::Rows;
        const int64_t count = (fold_rows ? in_rows : 1) * (fold_cols ? a.cols : 1);
        for (int64_t o = 0; o < out_rows * cols; ++o) {
          const int64_t r0 = fold_rows ? 0 : o, r1 = fold_rows ? in_rows : o + 1;
          const int64_t c0 = fold_cols ? 0 : o, c1 = fold_cols ? a.cols : o + 1;
          if (n.op == ExprOp::Sum || n.op == ExprOp::Mean) {
            const float share = n.op == ExprOp::Mean ? g[o] / float(count) : g[o];
            for (int64_t r = r0; r < r1; ++r)
              for (int64_t c = c0; c < c1; ++c) ga[r * a.cols + c] += share;
          } else {  // ties share the gradient evenly (JAX's reduce-max rule)
            int64_t ties = 0;
            for (int64_t r = r0; r < r1; ++r)
              for (int64_t c = c0; c < c1; ++c) ties += ad[r * a.cols + c] == y[o];
            if (ties == 0) continue;
            const float share = g[o] / float(ties);
            for (int64_t r = r0; r < r1; ++r)
              for (int64_t c = c0; c < c1; ++c)
                if (ad[r * a.cols + c] == y[o]) ga[r * a.cols + c] += share;
          }
        }
        continue;
      }
      case ExprOp::SliceCols: {
        float* ga = grad_of(0);
        for (int64_t r = 0; r < out_rows; ++r)
          for (int64_t c = 0; c < cols; ++c) ga[r * a.cols + n.start + c * n.step] += g[r * cols + c];
        continue;
      }
      default: break;
    }
    const View va = view_of(a, ad);
    if (arity == 1) {
      float* ga = grad_of(0);
      for (int64_t r = 0; r < out_rows; ++r)
        for (int64_t c = 0; c < cols; ++c) {
          const int64_t o = r * cols + c;
          ga[r * va.row_stride + c * va.col_stride] += g[o] * expr::unary_grad(n.op, va.at(r, c), y[o]);
        }
      continue;
    }
    const ExprNode& b = nodes[size_t(n.inputs[1])];
    const View vb = view_of(b, data_[size_t(n.inputs[1])]);
    if (arity == 2) {
      float* ga = grad_of(0);
      float* gb = grad_of(1);
      for (int64_t r = 0; r < out_rows; ++r)
        for (int64_t c = 0; c < cols; ++c) {
          const int64_t o = r * cols + c;
          float da, db;
          expr::binary_grad(n.op, va.at(r, c), vb.at(r, c), y[o], &da, &db);
          if (ga) ga[r * va.row_stride + c * va.col_stride] += g[o] * da;
          if (gb) gb[r * vb.row_stride + c * vb.col_stride] += g[o] * db;
        }
      continue;
    }
    // where(cond, b, c): the gradient goes to the chosen branch only.
    const View vc = view_of(nodes[size_t(n.inputs[2])], data_[size_t(n.inputs[2])]);
    float* gb = grad_of(1);
    float* gc = grad_of(2);
    for (int64_t r = 0; r < out_rows; ++r)
      for (int64_t c = 0; c < cols; ++c) {
        const int64_t o = r * cols + c;
        const bool take_b = va.at(r, c) != 0.f;
        if (gb) gb[r * vb.row_stride + c * vb.col_stride] += take_b ? g[o] : 0.f;
        if (gc) gc[r * vc.row_stride + c * vc.col_stride] += take_b ? 0.f : g[o];
      }
  }
  // The y_pred leaves (usually one) hold d output / d y_pred.
  const int64_t len = rows * e.y_pred_cols();
  std::fill(d_pred, d_pred + len, 0.f);
  for (size_t k = 0; k < nodes.size(); ++k)
    if (nodes[k].op == ExprOp::YPred)
      for (int64_t i = 0; i < len; ++i) d_pred[i] += grad_[k][size_t(i)];
}

}  // namespace densefit
