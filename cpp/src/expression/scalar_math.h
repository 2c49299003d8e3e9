// Element formulas of the expression ops and their derivatives, shared by forward and
// backward. Float math as Keras's float32 computation; derivatives as JAX takes them.
#pragma once
#include <cmath>

#include "densefit/expression.h"

namespace densefit {
namespace expr {

// jax.nn.softplus = logaddexp(x, 0); its derivative exp(x - softplus(x)) is 1/2 at 0.
inline float softplus(float x) { return (x > 0.f ? x : 0.f) + std::log1p(std::exp(-std::fabs(x))); }
inline float sigmoid(float x) { return 1.f / (1.f + std::exp(-x)); }
inline float truth(bool b) { return b ? 1.f : 0.f; }

inline float unary(ExprOp op, float x) {
  switch (op) {
    case ExprOp::Neg: return -x;
    case ExprOp::Abs: return std::fabs(x);
    case ExprOp::Square: return x * x;
    case ExprOp::Sqrt: return std::sqrt(x);
    case ExprOp::Exp: return std::exp(x);
    case ExprOp::Log: return std::log(x);
    case ExprOp::Log1p: return std::log1p(x);
    case ExprOp::Expm1: return std::expm1(x);
    case ExprOp::Sin: return std::sin(x);
    case ExprOp::Cos: return std::cos(x);
    case ExprOp::Tanh: return std::tanh(x);
    case ExprOp::Sigmoid: return sigmoid(x);
    case ExprOp::Softplus: return softplus(x);
    case ExprOp::Relu: return x > 0.f ? x : 0.f;
    case ExprOp::Sign: return x > 0.f ? 1.f : (x < 0.f ? -1.f : x);  // sign(nan) = nan
    case ExprOp::Floor: return std::floor(x);
    case ExprOp::Ceil: return std::ceil(x);
    case ExprOp::Round: return std::nearbyint(x);  // half to even, as np.round
    case ExprOp::Trunc: return std::trunc(x);
    case ExprOp::Reciprocal: return 1.f / x;
    case ExprOp::LogicalNot: return truth(x == 0.f);
    case ExprOp::IsNan: return truth(std::isnan(x));
    default: return NAN;
  }
}

// d unary(x) / dx, given y = unary(x).
inline float unary_grad(ExprOp op, float x, float y) {
  switch (op) {
    case ExprOp::Neg: return -1.f;
    case ExprOp::Abs: return x >= 0.f ? 1.f : -1.f;
    case ExprOp::Square: return 2.f * x;
    case ExprOp::Sqrt: return 0.5f / y;
    case ExprOp::Exp: return y;
    case ExprOp::Log: return 1.f / x;
    case ExprOp::Log1p: return 1.f / (1.f + x);
    case ExprOp::Expm1: return y + 1.f;
    case ExprOp::Sin: return std::cos(x);
    case ExprOp::Cos: return -std::sin(x);
    case ExprOp::Tanh: return 1.f - y * y;
    case ExprOp::Sigmoid: return y * (1.f - y);
    case ExprOp::Softplus: return std::exp(x - y);
    case ExprOp::Relu: return x > 0.f ? 1.f : 0.f;
    case ExprOp::Reciprocal: return -(y * y);
    default: return 0.f;  // piecewise constant
  }
}

inline float binary(ExprOp op, float a, float b) {
  switch (op) {
    case ExprOp::Add: return a + b;
    case ExprOp::Sub: return a - b;
    case ExprOp::Mul: return a * b;
    case ExprOp::Div: return a / b;
    case ExprOp::Pow: return std::pow(a, b);
    // NaN wins, as np.maximum / np.minimum.
    case ExprOp::Maximum: return (a > b || std::isnan(a)) ? a : b;
    case ExprOp::Minimum: return (a < b || std::isnan(a)) ? a : b;
    case ExprOp::Less: return truth(a < b);
    case ExprOp::LessEqual: return truth(a <= b);
    case ExprOp::Greater: return truth(a > b);
    case ExprOp::GreaterEqual: return truth(a >= b);
    case ExprOp::Equal: return truth(a == b);
    case ExprOp::NotEqual: return truth(a != b);
    case ExprOp::LogicalAnd: return truth(a != 0.f && b != 0.f);
    case ExprOp::LogicalOr: return truth(a != 0.f || b != 0.f);
    default: return NAN;
  }
}

// d binary(a, b) / da and / db, given y = binary(a, b).
inline void binary_grad(ExprOp op, float a, float b, float y, float* da, float* db) {
  switch (op) {
    case ExprOp::Add: *da = 1.f; *db = 1.f; return;
    case ExprOp::Sub: *da = 1.f; *db = -1.f; return;
    case ExprOp::Mul: *da = b; *db = a; return;
    case ExprOp::Div: *da = 1.f / b; *db = -(a / (b * b)); return;
    case ExprOp::Pow:
      // JAX: an exponent of 0 has zero slope in the base; a base of 0 zero slope in the exponent.
      *da = b == 0.f ? 0.f : b * std::pow(a, b - 1.f);
      *db = a == 0.f ? 0.f : std::log(a) * y;
      return;
    case ExprOp::Maximum:
      *da = a > b ? 1.f : (a == b ? 0.5f : 0.f);
      *db = 1.f - *da;
      if (std::isnan(a) || std::isnan(b)) *db = 0.f;
      return;
    case ExprOp::Minimum:
      *da = a < b ? 1.f : (a == b ? 0.5f : 0.f);
      *db = 1.f - *da;
      if (std::isnan(a) || std::isnan(b)) *db = 0.f;
      return;
    default: *da = 0.f; *db = 0.f; return;
  }
}

}  // namespace expr
}  // namespace densefit
