// Keras 3 losses with the JAX backend's numerics: the same float32 formulas, the same clipping
// epsilons, and gradients that are the derivative JAX's autodiff takes of those formulas --
// including its conventions where the formula is not differentiable:
//   d max(x, c)/dx = 1/2 where x == c (so a clip bound hit exactly passes half the gradient),
//   d|x|/dx = 1 at x == 0, a reduce-max splits the gradient evenly among tied maxima,
//   d softplus(y)/dy = exp(y - softplus(y)), d sigmoid(x)/dx = sigmoid(x) * sigmoid(-x).
// Element math is float (as Keras computes in float32); sums over a row accumulate in double.
#include "densefit/losses.h"

#include <cmath>
#include <stdexcept>

namespace densefit {
namespace {

// backend.epsilon() and the clip bound derived from it, rounded to float32 as JAX rounds them.
constexpr float kEps = 1e-7f;
const float kOneMinusEps = static_cast<float>(1.0 - 1e-7);
constexpr float kLog2 = 0.693147180559945309f;
// ops.normalize clips the inverse L2 norm at 1 / epsilon.
constexpr float kMaxInvNorm = 1e7f;

inline float max_grad(float x, float c) { return x > c ? 1.f : (x == c ? 0.5f : 0.f); }
inline float min_grad(float x, float c) { return x < c ? 1.f : (x == c ? 0.5f : 0.f); }
// Written with comparisons (not std::min/max) so NaN propagates as in jnp.clip.
inline float clip(float x, float lo, float hi) { return x < lo ? lo : (x > hi ? hi : x); }
// jnp.clip is minimum(hi, maximum(lo, x)).
inline float clip_grad(float x, float lo, float hi) {
  return max_grad(x, lo) * min_grad(x < lo ? lo : x, hi);
}
inline float abs_grad(float x) { return x >= 0.f ? 1.f : -1.f; }

// jax.nn.softplus = logaddexp(y, 0).
inline float softplus(float y) { return (y > 0.f ? y : 0.f) + std::log1p(std::exp(-std::fabs(y))); }
inline float softplus_grad(float y) { return std::exp(y - softplus(y)); }
inline float sigmoid(float x) { return 1.f / (1.f + std::exp(-x)); }

// Binary crossentropy on probabilities, after Keras's clip to [eps, 1 - eps].
inline float bce_prob(float t, float p) {
  const float pc = clip(p, kEps, kOneMinusEps);
  return -(t * std::log(pc) + (1.f - t) * std::log(1.f - pc));
}
inline float bce_prob_grad(float t, float p) {
  const float pc = clip(p, kEps, kOneMinusEps);
  return clip_grad(p, kEps, kOneMinusEps) * (-(t / pc) + (1.f - t) / (1.f - pc));
}

// Keras only converts {0,1} labels to {-1,1} when every label in the batch is 0 or 1.
bool all_binary(const float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (y[i] != 0.f && y[i] != 1.f) return false;
  return true;
}

// Loss = factor * sum_c value(t, p) / divisor, one row at a time.
template <class Value>
void elementwise_forward(const float* yt, const float* yp, int64_t rows, int64_t cols,
                         double divisor, float factor, float* out, Value value) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* t = yt + r * cols;
    const float* p = yp + r * cols;
    double acc = 0.0;
    for (int64_t c = 0; c < cols; ++c) acc += value(t[c], p[c]);
    out[r] = factor * static_cast<float>(acc / divisor);
  }
}

template <class Grad>
void elementwise_backward(const float* yt, const float* yp, const float* scale, int64_t rows,
                          int64_t cols, double divisor, float factor, float* d, Grad grad) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* t = yt + r * cols;
    const float* p = yp + r * cols;
    float* g = d + r * cols;
    const float k = static_cast<float>(scale[r] * factor / divisor);
    for (int64_t c = 0; c < cols; ++c) g[c] = k * grad(t[c], p[c]);
  }
}

// SparseCategoricalCrossentropy's label -> class index, or -1 for "no class" (loss and gradient
// 0): an ignored label, or one outside [0, cols) after the int32 cast, which one_hot turns
// into an all-zero row. The cast truncates toward zero and XLA on CPU maps NaN to 0.
int64_t sparse_index(const LossConfig& cfg, float label, int64_t cols) {
  if (cfg.has_ignore_class && label == static_cast<float>(cfg.ignore_class)) return -1;
  if (std::isnan(label)) return 0;
  if (!(label > -1.f && label < static_cast<float>(cols))) return -1;
  return static_cast<int64_t>(label);
}

// Row statistics of the JAX backend's crossentropy on probabilities: the row is divided by
// its sum and then clipped.
inline float row_sum(const float* p, int64_t cols) {
  double s = 0.0;
  for (int64_t c = 0; c < cols; ++c) s += p[c];
  return static_cast<float>(s);
}

// log_softmax's shift (the row max) and sum of exp(x - max).
inline void softmax_stats(const float* x, int64_t cols, float* max_out, float* sum_out) {
  float m = -INFINITY;
  for (int64_t c = 0; c < cols; ++c) m = x[c] > m ? x[c] : m;
  double s = 0.0;
  for (int64_t c = 0; c < cols; ++c) s += std::exp(x[c] - m);
  *max_out = m;
  *sum_out = static_cast<float>(s);
}

// CategoricalCrossentropy (dense targets, already smoothed through keep/add) for one row.
float cce_row(const float* t, const float* p, int64_t cols, bool from_logits, float keep,
              float add) {
  double acc = 0.0;
  if (from_logits) {
    float m, s;
    softmax_stats(p, cols, &m, &s);
    const float lse = std::log(s);
    for (int64_t c = 0; c < cols; ++c) acc += (t[c] * keep + add) * ((p[c] - m) - lse);
  } else {
    const float s = row_sum(p, cols);
    for (int64_t c = 0; c < cols; ++c)
      acc += (t[c] * keep + add) * std::log(clip(p[c] / s, kEps, kOneMinusEps));
  }
  return static_cast<float>(-acc);
}

void cce_row_grad(const float* t, const float* p, int64_t cols, bool from_logits, float keep,
                  float add, float k, float* g) {
  if (from_logits) {
    // d/dx_k = softmax_k * sum(t) - t_k.
    float m, s;
    softmax_stats(p, cols, &m, &s);
    double tsum = 0.0;
    for (int64_t c = 0; c < cols; ++c) tsum += t[c] * keep + add;
    const float ratio = static_cast<float>(tsum) / s;
    for (int64_t c = 0; c < cols; ++c)
      g[c] = k * (std::exp(p[c] - m) * ratio - (t[c] * keep + add));
  } else {
    // q = p / s, loss = -sum t log clip(q): with a_j = dloss/dq_j,
    // dloss/dp_k = a_k / s - sum_j a_j p_j / s^2.
    const float s = row_sum(p, cols);
    double ap = 0.0;
    for (int64_t c = 0; c < cols; ++c) {
      const float q = p[c] / s;
      const float a = clip_grad(q, kEps, kOneMinusEps) *
                      (-(t[c] * keep + add) / clip(q, kEps, kOneMinusEps));
      ap += static_cast<double>(a) * p[c];
    }
    const float shared = static_cast<float>(ap) / (s * s);
    for (int64_t c = 0; c < cols; ++c) {
      const float q = p[c] / s;
      const float a = clip_grad(q, kEps, kOneMinusEps) *
                      (-(t[c] * keep + add) / clip(q, kEps, kOneMinusEps));
      g[c] = k * (a / s - shared);
    }
  }
}

float scce_row(int64_t idx, const float* p, int64_t cols, bool from_logits) {
  if (idx < 0) return 0.f;
  if (from_logits) {
    float m, s;
    softmax_stats(p, cols, &m, &s);
    return -((p[idx] - m) - std::log(s));
  }
  const float s = row_sum(p, cols);
  return -std::log(clip(p[idx] / s, kEps, kOneMinusEps));
}

void scce_row_grad(int64_t idx, const float* p, int64_t cols, bool from_logits, float k,
                   float* g) {
  if (idx < 0) {
    for (int64_t c = 0; c < cols; ++c) g[c] = 0.f;
    return;
  }
  if (from_logits) {
    float m, s;
    softmax_stats(p, cols, &m, &s);
    const float ratio = 1.f / s;
    for (int64_t c = 0; c < cols; ++c)
      g[c] = k * (std::exp(p[c] - m) * ratio - (c == idx ? 1.f : 0.f));
  } else {
    const float s = row_sum(p, cols);
    const float q = p[idx] / s;
    const float a = clip_grad(q, kEps, kOneMinusEps) * (-1.f / clip(q, kEps, kOneMinusEps));
    const float shared = (a * p[idx]) / (s * s);
    for (int64_t c = 0; c < cols; ++c) g[c] = k * ((c == idx ? a / s : 0.f) - shared);
  }
}

// CategoricalHinge: max(max_j (1 - t_j) p_j - sum_j t_j p_j + 1, 0).
struct CategoricalHingeRow {
  float neg, margin;
  int64_t ties;  // how many j attain neg; the max's gradient is split among them
};
CategoricalHingeRow categorical_hinge_row(const float* t, const float* p, int64_t cols) {
  double pos = 0.0;
  float neg = -INFINITY;
  for (int64_t c = 0; c < cols; ++c) {
    pos += t[c] * p[c];
    const float v = (1.f - t[c]) * p[c];
    neg = v > neg ? v : neg;
  }
  int64_t ties = 0;
  for (int64_t c = 0; c < cols; ++c) ties += ((1.f - t[c]) * p[c] == neg);
  return {neg, neg - static_cast<float>(pos) + 1.f, ties};
}

// ops.normalize's inverse L2 norm: min(rsqrt(sum x^2), 1 / eps).
struct InvNorm {
  float sq_sum, rsqrt, inv;
};
InvNorm inv_norm(const float* x, int64_t cols) {
  double ss = 0.0;
  for (int64_t c = 0; c < cols; ++c) ss += static_cast<double>(x[c]) * x[c];
  const float sq = static_cast<float>(ss);
  const float r = 1.f / std::sqrt(sq);
  return {sq, r, r < kMaxInvNorm ? r : kMaxInvNorm};
}

// -sum(normalize(t) * normalize(p)).
float cosine_row(const float* t, const float* p, int64_t cols) {
  const float it = inv_norm(t, cols).inv, ip = inv_norm(p, cols).inv;
  double acc = 0.0;
  for (int64_t c = 0; c < cols; ++c) acc += (t[c] * it) * (p[c] * ip);
  return static_cast<float>(-acc);
}

void cosine_row_grad(const float* t, const float* p, int64_t cols, float k, float* g) {
  const float it = inv_norm(t, cols).inv;
  const InvNorm np = inv_norm(p, cols);
  double dot = 0.0;  // sum_j normalize(t)_j * p_j
  for (int64_t c = 0; c < cols; ++c) dot += (t[c] * it) * p[c];
  // Through inv = min(rsqrt(ss), 1/eps): d inv/d p_j = -rsqrt(ss) / ss * p_j where unclipped.
  const float mg = min_grad(np.rsqrt, kMaxInvNorm);
  const float through_norm =
      mg == 0.f ? 0.f : static_cast<float>(dot) * mg * (np.rsqrt / np.sq_sum);
  for (int64_t c = 0; c < cols; ++c) g[c] = k * (-(t[c] * it) * np.inv + through_norm * p[c]);
}

}  // namespace

LossKind loss_from_name(const std::string& name) {
  struct Entry {
    const char* name;
    LossKind kind;
  };
  // Keras class names, function names and keras.losses.get's aliases. "huber_loss" is the
  // default `name` in Huber's get_config; "logcosh" is Keras 2's spelling.
  static const Entry kNames[] = {
      {"BinaryCrossentropy", LossKind::BinaryCrossentropy},
      {"binary_crossentropy", LossKind::BinaryCrossentropy},
      {"bce", LossKind::BinaryCrossentropy},
      {"BCE", LossKind::BinaryCrossentropy},
      {"CategoricalCrossentropy", LossKind::CategoricalCrossentropy},
      {"categorical_crossentropy", LossKind::CategoricalCrossentropy},
      {"SparseCategoricalCrossentropy", LossKind::SparseCategoricalCrossentropy},
      {"sparse_categorical_crossentropy", LossKind::SparseCategoricalCrossentropy},
      {"BinaryFocalCrossentropy", LossKind::BinaryFocalCrossentropy},
      {"binary_focal_crossentropy", LossKind::BinaryFocalCrossentropy},
      {"MeanSquaredError", LossKind::MeanSquaredError},
      {"mean_squared_error", LossKind::MeanSquaredError},
      {"mse", LossKind::MeanSquaredError},
      {"MSE", LossKind::MeanSquaredError},
      {"MeanAbsoluteError", LossKind::MeanAbsoluteError},
      {"mean_absolute_error", LossKind::MeanAbsoluteError},
      {"mae", LossKind::MeanAbsoluteError},
      {"MAE", LossKind::MeanAbsoluteError},
      {"MeanAbsolutePercentageError", LossKind::MeanAbsolutePercentageError},
      {"mean_absolute_percentage_error", LossKind::MeanAbsolutePercentageError},
      {"mape", LossKind::MeanAbsolutePercentageError},
      {"MAPE", LossKind::MeanAbsolutePercentageError},
      {"MeanSquaredLogarithmicError", LossKind::MeanSquaredLogarithmicError},
      {"mean_squared_logarithmic_error", LossKind::MeanSquaredLogarithmicError},
      {"msle", LossKind::MeanSquaredLogarithmicError},
      {"MSLE", LossKind::MeanSquaredLogarithmicError},
      {"Huber", LossKind::Huber},
      {"huber", LossKind::Huber},
      {"huber_loss", LossKind::Huber},
      {"LogCosh", LossKind::LogCosh},
      {"log_cosh", LossKind::LogCosh},
      {"logcosh", LossKind::LogCosh},
      {"Hinge", LossKind::Hinge},
      {"hinge", LossKind::Hinge},
      {"SquaredHinge", LossKind::SquaredHinge},
      {"squared_hinge", LossKind::SquaredHinge},
      {"CategoricalHinge", LossKind::CategoricalHinge},
      {"categorical_hinge", LossKind::CategoricalHinge},
      {"KLDivergence", LossKind::KLDivergence},
      {"kl_divergence", LossKind::KLDivergence},
      {"kld", LossKind::KLDivergence},
      {"KLD", LossKind::KLDivergence},
      {"Poisson", LossKind::Poisson},
      {"poisson", LossKind::Poisson},
      {"CosineSimilarity", LossKind::CosineSimilarity},
      {"cosine_similarity", LossKind::CosineSimilarity},
  };
  for (const Entry& e : kNames)
    if (name == e.name) return e.kind;
  std::string valid;
  for (const Entry& e : kNames) {
    if (!valid.empty()) valid += ", ";
    valid += e.name;
  }
  throw std::invalid_argument("Unknown loss '" + name + "'. Valid names: " + valid);
}

void loss_per_sample(const LossConfig& cfg, const float* y_true, const float* y_pred,
                     int64_t rows, int64_t cols, float* per_sample) {
  if (rows < 0 || cols < 1) throw std::invalid_argument("loss_per_sample: bad shape");
  if (cfg.expression)
    throw std::invalid_argument("a traced loss has no per-sample values (ExpressionEvaluator)");
  const double n = static_cast<double>(cols);
  const float ls = cfg.label_smoothing;
  switch (cfg.kind) {
    case LossKind::BinaryCrossentropy: {
      const float keep = static_cast<float>(1.0 - ls), add = static_cast<float>(0.5 * ls);
      if (cfg.from_logits)
        elementwise_forward(y_true, y_pred, rows, cols, n, 1.f, per_sample, [&](float t, float x) {
          t = t * keep + add;
          return t * softplus(-x) + (1.f - t) * softplus(x);
        });
      else
        elementwise_forward(y_true, y_pred, rows, cols, n, 1.f, per_sample,
                            [&](float t, float p) { return bce_prob(t * keep + add, p); });
      return;
    }
    case LossKind::BinaryFocalCrossentropy: {
      const float keep = static_cast<float>(1.0 - ls), add = static_cast<float>(0.5 * ls);
      elementwise_forward(y_true, y_pred, rows, cols, n, 1.f, per_sample, [&](float t, float p) {
        t = t * keep + add;
        if (cfg.from_logits) p = sigmoid(p);
        const float pt = t * p + (1.f - t) * (1.f - p);
        float v = std::pow(1.f - pt, cfg.gamma) * bce_prob(t, p);
        if (cfg.apply_class_balancing) v = (t * cfg.alpha + (1.f - t) * (1.f - cfg.alpha)) * v;
        return v;
      });
      return;
    }
    case LossKind::CategoricalCrossentropy: {
      const float keep = static_cast<float>(1.0 - ls);
      const float add = ls / static_cast<float>(cols);
      for (int64_t r = 0; r < rows; ++r)
        per_sample[r] =
            cce_row(y_true + r * cols, y_pred + r * cols, cols, cfg.from_logits, keep, add);
      return;
    }
    case LossKind::SparseCategoricalCrossentropy:
      for (int64_t r = 0; r < rows; ++r)
        per_sample[r] = scce_row(sparse_index(cfg, y_true[r], cols), y_pred + r * cols, cols,
                                 cfg.from_logits);
      return;
    case LossKind::MeanSquaredError:
      elementwise_forward(y_true, y_pred, rows, cols, n, 1.f, per_sample, [](float t, float p) {
        const float e = t - p;
        return e * e;
      });
      return;
    case LossKind::MeanAbsoluteError:
      elementwise_forward(y_true, y_pred, rows, cols, n, 1.f, per_sample,
                          [](float t, float p) { return std::fabs(t - p); });
      return;
    case LossKind::MeanAbsolutePercentageError:
      elementwise_forward(y_true, y_pred, rows, cols, n, 100.f, per_sample, [](float t, float p) {
        const float at = std::fabs(t);
        return std::fabs((t - p) / (at > kEps ? at : kEps));
      });
      return;
    case LossKind::MeanSquaredLogarithmicError:
      elementwise_forward(y_true, y_pred, rows, cols, n, 1.f, per_sample, [](float t, float p) {
        const float e =
            std::log((p > kEps ? p : kEps) + 1.f) - std::log((t > kEps ? t : kEps) + 1.f);
        return e * e;
      });
      return;
    case LossKind::Huber: {
      const float delta = cfg.delta, half_delta_sq = 0.5f * (delta * delta);
      elementwise_forward(y_true, y_pred, rows, cols, n, 1.f, per_sample, [&](float t, float p) {
        const float e = p - t, ae = std::fabs(e);
        return ae <= delta ? 0.5f * (e * e) : delta * ae - half_delta_sq;
      });
      return;
    }
    case LossKind::LogCosh:
      elementwise_forward(y_true, y_pred, rows, cols, n, 1.f, per_sample, [](float t, float p) {
        const float x = p - t;
        return x + softplus(x * -2.f) - kLog2;
      });
      return;
    case LossKind::Hinge:
    case LossKind::SquaredHinge: {
      const bool binary = all_binary(y_true, rows * cols);
      const bool squared = cfg.kind == LossKind::SquaredHinge;
      elementwise_forward(y_true, y_pred, rows, cols, n, 1.f, per_sample, [&](float t, float p) {
        if (binary) t = 2.f * t - 1.f;
        const float m = 1.f - t * p, h = m > 0.f ? m : 0.f;
        return squared ? h * h : h;
      });
      return;
    }
    case LossKind::CategoricalHinge:
      for (int64_t r = 0; r < rows; ++r) {
        const float m = categorical_hinge_row(y_true + r * cols, y_pred + r * cols, cols).margin;
        per_sample[r] = m > 0.f ? m : 0.f;
      }
      return;
    case LossKind::KLDivergence:  // a sum over the last axis, not a mean
      elementwise_forward(y_true, y_pred, rows, cols, 1.0, 1.f, per_sample, [](float t, float p) {
        const float tc = clip(t, kEps, 1.f);
        return tc * std::log(tc / clip(p, kEps, 1.f));
      });
      return;
    case LossKind::Poisson:
      elementwise_forward(y_true, y_pred, rows, cols, n, 1.f, per_sample,
                          [](float t, float p) { return p - t * std::log(p + kEps); });
      return;
    case LossKind::CosineSimilarity:
      for (int64_t r = 0; r < rows; ++r)
        per_sample[r] = cosine_row(y_true + r * cols, y_pred + r * cols, cols);
      return;
  }
  throw std::invalid_argument("loss_per_sample: unknown LossKind");
}

void loss_backward(const LossConfig& cfg, const float* y_true, const float* y_pred,
                   const float* scale, int64_t rows, int64_t cols, float* d_pred) {
  if (rows < 0 || cols < 1) throw std::invalid_argument("loss_backward: bad shape");
  const double n = static_cast<double>(cols);
  const float ls = cfg.label_smoothing;
  switch (cfg.kind) {
    case LossKind::BinaryCrossentropy: {
      const float keep = static_cast<float>(1.0 - ls), add = static_cast<float>(0.5 * ls);
      if (cfg.from_logits)
        // -t log_sigmoid(x) - (1-t) log_sigmoid(-x) with log_sigmoid(x) = -softplus(-x).
        elementwise_backward(y_true, y_pred, scale, rows, cols, n, 1.f, d_pred,
                             [&](float t, float x) {
                               t = t * keep + add;
                               return -t * softplus_grad(-x) + (1.f - t) * softplus_grad(x);
                             });
      else
        elementwise_backward(y_true, y_pred, scale, rows, cols, n, 1.f, d_pred,
                             [&](float t, float p) { return bce_prob_grad(t * keep + add, p); });
      return;
    }
    case LossKind::BinaryFocalCrossentropy: {
      const float keep = static_cast<float>(1.0 - ls), add = static_cast<float>(0.5 * ls);
      const float gamma = cfg.gamma;
      elementwise_backward(y_true, y_pred, scale, rows, cols, n, 1.f, d_pred,
                           [&](float t, float x) {
                             t = t * keep + add;
                             const float p = cfg.from_logits ? sigmoid(x) : x;
                             const float pt = t * p + (1.f - t) * (1.f - p);
                             const float base = 1.f - pt;
                             const float ff = std::pow(base, gamma);
                             // d(1 - pt)/dp = -(t - (1 - t)); JAX's pow rule: y * x^(y-1).
                             const float dff =
                                 gamma * std::pow(base, gamma - 1.f) * -(t - (1.f - t));
                             float g = dff * bce_prob(t, p) + ff * bce_prob_grad(t, p);
                             if (cfg.apply_class_balancing)
                               g *= t * cfg.alpha + (1.f - t) * (1.f - cfg.alpha);
                             if (cfg.from_logits) g *= p * sigmoid(-x);
                             return g;
                           });
      return;
    }
    case LossKind::CategoricalCrossentropy: {
      const float keep = static_cast<float>(1.0 - ls);
      const float add = ls / static_cast<float>(cols);
      for (int64_t r = 0; r < rows; ++r)
        cce_row_grad(y_true + r * cols, y_pred + r * cols, cols, cfg.from_logits, keep, add,
                     scale[r], d_pred + r * cols);
      return;
    }
    case LossKind::SparseCategoricalCrossentropy:
      for (int64_t r = 0; r < rows; ++r)
        scce_row_grad(sparse_index(cfg, y_true[r], cols), y_pred + r * cols, cols,
                      cfg.from_logits, scale[r], d_pred + r * cols);
      return;
    case LossKind::MeanSquaredError:
      elementwise_backward(y_true, y_pred, scale, rows, cols, n, 1.f, d_pred,
                           [](float t, float p) { return -2.f * (t - p); });
      return;
    case LossKind::MeanAbsoluteError:
      elementwise_backward(y_true, y_pred, scale, rows, cols, n, 1.f, d_pred,
                           [](float t, float p) { return -abs_grad(t - p); });
      return;
    case LossKind::MeanAbsolutePercentageError:
      elementwise_backward(y_true, y_pred, scale, rows, cols, n, 100.f, d_pred,
                           [](float t, float p) {
                             const float at = std::fabs(t), d = at > kEps ? at : kEps;
                             return -abs_grad((t - p) / d) / d;
                           });
      return;
    case LossKind::MeanSquaredLogarithmicError:
      elementwise_backward(y_true, y_pred, scale, rows, cols, n, 1.f, d_pred,
                           [](float t, float p) {
                             const float z = (p > kEps ? p : kEps) + 1.f;
                             const float e = std::log(z) - std::log((t > kEps ? t : kEps) + 1.f);
                             return 2.f * e * max_grad(p, kEps) / z;
                           });
      return;
    case LossKind::Huber: {
      const float delta = cfg.delta;
      elementwise_backward(y_true, y_pred, scale, rows, cols, n, 1.f, d_pred,
                           [&](float t, float p) {
                             const float e = p - t;
                             return std::fabs(e) <= delta ? e : delta * abs_grad(e);
                           });
      return;
    }
    case LossKind::LogCosh:
      elementwise_backward(y_true, y_pred, scale, rows, cols, n, 1.f, d_pred,
                           [](float t, float p) {
                             return 1.f - 2.f * softplus_grad((p - t) * -2.f);
                           });
      return;
    case LossKind::Hinge:
    case LossKind::SquaredHinge: {
      const bool binary = all_binary(y_true, rows * cols);
      const bool squared = cfg.kind == LossKind::SquaredHinge;
      elementwise_backward(y_true, y_pred, scale, rows, cols, n, 1.f, d_pred,
                           [&](float t, float p) {
                             if (binary) t = 2.f * t - 1.f;
                             const float m = 1.f - t * p;
                             const float dm = squared ? 2.f * (m > 0.f ? m : 0.f) * max_grad(m, 0.f)
                                                      : max_grad(m, 0.f);
                             return -t * dm;
                           });
      return;
    }
    case LossKind::CategoricalHinge:
      for (int64_t r = 0; r < rows; ++r) {
        const float* t = y_true + r * cols;
        const float* p = y_pred + r * cols;
        float* g = d_pred + r * cols;
        const CategoricalHingeRow h = categorical_hinge_row(t, p, cols);
        const float k = scale[r] * max_grad(h.margin, 0.f);
        const float share = 1.f / static_cast<float>(h.ties);
        for (int64_t c = 0; c < cols; ++c) {
          const float at_max = (1.f - t[c]) * p[c] == h.neg ? (1.f - t[c]) * share : 0.f;
          g[c] = k * (at_max - t[c]);
        }
      }
      return;
    case LossKind::KLDivergence:
      elementwise_backward(y_true, y_pred, scale, rows, cols, 1.0, 1.f, d_pred,
                           [](float t, float p) {
                             const float tc = clip(t, kEps, 1.f), pc = clip(p, kEps, 1.f);
                             return clip_grad(p, kEps, 1.f) * -(tc / pc);
                           });
      return;
    case LossKind::Poisson:
      elementwise_backward(y_true, y_pred, scale, rows, cols, n, 1.f, d_pred,
                           [](float t, float p) { return 1.f - t / (p + kEps); });
      return;
    case LossKind::CosineSimilarity:
      for (int64_t r = 0; r < rows; ++r)
        cosine_row_grad(y_true + r * cols, y_pred + r * cols, cols, scale[r], d_pred + r * cols);
      return;
  }
  throw std::invalid_argument("loss_backward: unknown LossKind");
}

}  // namespace densefit
