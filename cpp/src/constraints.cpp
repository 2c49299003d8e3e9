#include <algorithm>
#include <cmath>
#include <vector>

#include "network_layer.h"

namespace densefit {

// Keras's norm constraints divide by (epsilon + norm); epsilon = backend epsilon.
void apply_constraint(const Constraint& c, float* w, int64_t rows, int64_t cols) {
  constexpr double kEps = 1e-7;
  switch (c.kind) {
    case Constraint::Kind::None:
      return;
    case Constraint::Kind::NonNeg:
      for (int64_t k = 0; k < rows * cols; ++k) w[k] = w[k] < 0.0f ? 0.0f : w[k];
      return;
    default:
      break;
  }
  // Norm constraints: axis 0 = one norm per column (per output unit), axis 1 = per row.
  bool per_column = c.axis == 0 || cols == 1;
  int64_t groups = per_column ? cols : rows, len = per_column ? rows : cols;
  for (int64_t g = 0; g < groups; ++g) {
    auto at = [&](int64_t k) -> float& { return per_column ? w[k * cols + g] : w[g * cols + k]; };
    double sq = 0.0;
    for (int64_t k = 0; k < len; ++k) sq += double(at(k)) * at(k);
    double norm = std::sqrt(sq), desired;
    if (c.kind == Constraint::Kind::UnitNorm) {
      desired = 1.0;
    } else if (c.kind == Constraint::Kind::MaxNorm) {
      desired = std::clamp(norm, 0.0, double(c.max_value));
    } else {  // MinMaxNorm
      desired = c.rate * std::clamp(norm, double(c.min_value), double(c.max_value)) +
                (1.0 - c.rate) * norm;
    }
    float factor = float(desired / (kEps + norm));
    for (int64_t k = 0; k < len; ++k) at(k) *= factor;
  }
}

}  // namespace densefit
