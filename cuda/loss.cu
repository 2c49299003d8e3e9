// Keras 3 losses on the device: the CPU backend's formulas (cpp/src/losses.cpp) -- the same
// clipping epsilons, the same JAX autodiff conventions at the kinks, float element math and
// double row sums -- one thread per sample row. The batch reduction is one block in a fixed
// order, so the loss is bit-reproducible.
#include "cuda_check.h"
#include "device_math.cuh"
#include "kernels.h"

namespace densefit {
namespace cuda {
namespace {

constexpr float kEps = 1e-7f;
constexpr float kOneMinusEps = float(1.0 - 1e-7);
constexpr float kLog2 = 0.693147180559945309f;
constexpr float kMaxInvNorm = 1e7f;

__device__ __forceinline__ float max_grad(float x, float c) { return x > c ? 1.f : (x == c ? 0.5f : 0.f); }
__device__ __forceinline__ float min_grad(float x, float c) { return x < c ? 1.f : (x == c ? 0.5f : 0.f); }
__device__ __forceinline__ float clip(float x, float lo, float hi) { return x < lo ? lo : (x > hi ? hi : x); }
__device__ __forceinline__ float clip_grad(float x, float lo, float hi) {
  return max_grad(x, lo) * min_grad(x < lo ? lo : x, hi);
}
__device__ __forceinline__ float abs_grad(float x) { return x >= 0.f ? 1.f : -1.f; }
__device__ __forceinline__ float softplus(float y) { return (y > 0.f ? y : 0.f) + log1pf(expf(-fabsf(y))); }
__device__ __forceinline__ float softplus_grad(float y) { return expf(y - softplus(y)); }
__device__ __forceinline__ float sigmoid(float x) { return 1.f / (1.f + expf(-x)); }
__device__ __forceinline__ float bce_prob(float t, float p) {
  const float pc = clip(p, kEps, kOneMinusEps);
  return -(t * logf(pc) + (1.f - t) * logf(1.f - pc));
}
__device__ __forceinline__ float bce_prob_grad(float t, float p) {
  const float pc = clip(p, kEps, kOneMinusEps);
  return clip_grad(p, kEps, kOneMinusEps) * (-(t / pc) + (1.f - t) / (1.f - pc));
}

// The loss's per-element value and derivative for the element-wise kinds; `binary` is
// Hinge's batch-wide {0,1} test.
__device__ float elem_value(const LossConfig& c, float t, float p, bool binary) {
  const float ls = c.label_smoothing;
  switch (c.kind) {
    case LossKind::BinaryCrossentropy: {
      t = t * float(1.0 - ls) + float(0.5 * ls);
      return c.from_logits ? t * softplus(-p) + (1.f - t) * softplus(p) : bce_prob(t, p);
    }
    case LossKind::BinaryFocalCrossentropy: {
      t = t * float(1.0 - ls) + float(0.5 * ls);
      if (c.from_logits) p = sigmoid(p);
      const float pt = t * p + (1.f - t) * (1.f - p);
      float v = powf(1.f - pt, c.gamma) * bce_prob(t, p);
      if (c.apply_class_balancing) v = (t * c.alpha + (1.f - t) * (1.f - c.alpha)) * v;
      return v;
    }
    case LossKind::MeanSquaredError: { const float e = t - p; return e * e; }
    case LossKind::MeanAbsoluteError: return fabsf(t - p);
    case LossKind::MeanAbsolutePercentageError: {
      const float at = fabsf(t);
      return fabsf((t - p) / (at > kEps ? at : kEps));
    }
    case LossKind::MeanSquaredLogarithmicError: {
      const float e = logf((p > kEps ? p : kEps) + 1.f) - logf((t > kEps ? t : kEps) + 1.f);
      return e * e;
    }
    case LossKind::Huber: {
      const float e = p - t, ae = fabsf(e);
      return ae <= c.delta ? 0.5f * (e * e) : c.delta * ae - 0.5f * (c.delta * c.delta);
    }
    case LossKind::LogCosh: { const float x = p - t; return x + softplus(x * -2.f) - kLog2; }
    case LossKind::Hinge:
    case LossKind::SquaredHinge: {
      if (binary) t = 2.f * t - 1.f;
      const float m = 1.f - t * p, h = m > 0.f ? m : 0.f;
      return c.kind == LossKind::SquaredHinge ? h * h : h;
    }
    case LossKind::KLDivergence: {
      const float tc = clip(t, kEps, 1.f);
      return tc * logf(tc / clip(p, kEps, 1.f));
    }
    case LossKind::Poisson: return p - t * logf(p + kEps);
    default: return 0.f;
  }
}

__device__ float elem_grad(const LossConfig& c, float t, float p, bool binary) {
  const float ls = c.label_smoothing;
  switch (c.kind) {
    case LossKind::BinaryCrossentropy:
      t = t * float(1.0 - ls) + float(0.5 * ls);
      return c.from_logits ? -t * softplus_grad(-p) + (1.f - t) * softplus_grad(p)
                           : bce_prob_grad(t, p);
    case LossKind::BinaryFocalCrossentropy: {
      t = t * float(1.0 - ls) + float(0.5 * ls);
      const float x = p;
      const float q = c.from_logits ? sigmoid(x) : x;
      const float pt = t * q + (1.f - t) * (1.f - q);
      const float base = 1.f - pt;
      const float ff = powf(base, c.gamma);
      const float dff = c.gamma * powf(base, c.gamma - 1.f) * -(t - (1.f - t));
      float g = dff * bce_prob(t, q) + ff * bce_prob_grad(t, q);
      if (c.apply_class_balancing) g *= t * c.alpha + (1.f - t) * (1.f - c.alpha);
      if (c.from_logits) g *= q * sigmoid(-x);
      return g;
    }
    case LossKind::MeanSquaredError: return -2.f * (t - p);
    case LossKind::MeanAbsoluteError: return -abs_grad(t - p);
    case LossKind::MeanAbsolutePercentageError: {
      const float at = fabsf(t), d = at > kEps ? at : kEps;
      return -abs_grad((t - p) / d) / d;
    }
    case LossKind::MeanSquaredLogarithmicError: {
      const float z = (p > kEps ? p : kEps) + 1.f;
      const float e = logf(z) - logf((t > kEps ? t : kEps) + 1.f);
      return 2.f * e * max_grad(p, kEps) / z;
    }
    case LossKind::Huber: {
      const float e = p - t;
      return fabsf(e) <= c.delta ? e : c.delta * abs_grad(e);
    }
    case LossKind::LogCosh: return 1.f - 2.f * softplus_grad((p - t) * -2.f);
    case LossKind::Hinge:
    case LossKind::SquaredHinge: {
      if (binary) t = 2.f * t - 1.f;
      const float m = 1.f - t * p;
      const float dm = c.kind == LossKind::SquaredHinge ? 2.f * (m > 0.f ? m : 0.f) * max_grad(m, 0.f)
                                                         : max_grad(m, 0.f);
      return -t * dm;
    }
    case LossKind::KLDivergence: {
      const float tc = clip(t, kEps, 1.f), pc = clip(p, kEps, 1.f);
      return clip_grad(p, kEps, 1.f) * -(tc / pc);
    }
    case LossKind::Poisson: return 1.f - t / (p + kEps);
    default: return 0.f;
  }
}

// Divisor and factor of an element-wise loss's row mean (KLD sums; MAPE scales by 100).
__device__ __forceinline__ double elem_divisor(const LossConfig& c, int64_t cols) {
  return c.kind == LossKind::KLDivergence ? 1.0 : double(cols);
}
__device__ __forceinline__ float elem_factor(const LossConfig& c) {
  return c.kind == LossKind::MeanAbsolutePercentageError ? 100.f : 1.f;
}

__device__ int64_t sparse_index(const LossConfig& c, float label, int64_t cols) {
  if (c.has_ignore_class && label == float(c.ignore_class)) return -1;
  if (isnan(label)) return 0;
  if (!(label > -1.f && label < float(cols))) return -1;
  return int64_t(label);
}
__device__ float row_sum(const float* p, int64_t cols) {
  double s = 0.0;
  for (int64_t j = 0; j < cols; ++j) s += p[j];
  return float(s);
}
__device__ void softmax_stats(const float* x, int64_t cols, float* m_out, float* s_out) {
  float m = -INFINITY;
  for (int64_t j = 0; j < cols; ++j) m = x[j] > m ? x[j] : m;
  double s = 0.0;
  for (int64_t j = 0; j < cols; ++j) s += expf(x[j] - m);
  *m_out = m;
  *s_out = float(s);
}
__device__ float inv_norm(const float* x, int64_t cols, float* sq, float* rs) {
  double ss = 0.0;
  for (int64_t j = 0; j < cols; ++j) ss += double(x[j]) * x[j];
  *sq = float(ss);
  *rs = 1.f / sqrtf(*sq);
  return *rs < kMaxInvNorm ? *rs : kMaxInvNorm;
}

__device__ float row_loss(const LossConfig& c, const float* t, const float* p, int64_t cols,
                          bool binary) {
  switch (c.kind) {
    case LossKind::CategoricalCrossentropy: {
      const float keep = float(1.0 - c.label_smoothing), add = c.label_smoothing / float(cols);
      double acc = 0.0;
      if (c.from_logits) {
        float m, s;
        softmax_stats(p, cols, &m, &s);
        const float lse = logf(s);
        for (int64_t j = 0; j < cols; ++j) acc += (t[j] * keep + add) * ((p[j] - m) - lse);
      } else {
        const float s = row_sum(p, cols);
        for (int64_t j = 0; j < cols; ++j) acc += (t[j] * keep + add) * logf(clip(p[j] / s, kEps, kOneMinusEps));
      }
      return float(-acc);
    }
    case LossKind::SparseCategoricalCrossentropy: {
      const int64_t idx = sparse_index(c, t[0], cols);
      if (idx < 0) return 0.f;
      if (c.from_logits) {
        float m, s;
        softmax_stats(p, cols, &m, &s);
        return -((p[idx] - m) - logf(s));
      }
      return -logf(clip(p[idx] / row_sum(p, cols), kEps, kOneMinusEps));
    }
    case LossKind::CategoricalHinge: {
      double pos = 0.0;
      float neg = -INFINITY;
      for (int64_t j = 0; j < cols; ++j) {
        pos += t[j] * p[j];
        const float v = (1.f - t[j]) * p[j];
        neg = v > neg ? v : neg;
      }
      const float m = neg - float(pos) + 1.f;
      return m > 0.f ? m : 0.f;
    }
    case LossKind::CosineSimilarity: {
      float sq, rs;
      const float it = inv_norm(t, cols, &sq, &rs), ip = inv_norm(p, cols, &sq, &rs);
      double acc = 0.0;
      for (int64_t j = 0; j < cols; ++j) acc += (t[j] * it) * (p[j] * ip);
      return float(-acc);
    }
    default: {
      double acc = 0.0;
      for (int64_t j = 0; j < cols; ++j) acc += elem_value(c, t[j], p[j], binary);
      return elem_factor(c) * float(acc / elem_divisor(c, cols));
    }
  }
}

__device__ void row_grad(const LossConfig& c, const float* t, const float* p, int64_t cols,
                         bool binary, float k, float* g) {
  switch (c.kind) {
    case LossKind::CategoricalCrossentropy: {
      const float keep = float(1.0 - c.label_smoothing), add = c.label_smoothing / float(cols);
      if (c.from_logits) {
        float m, s;
        softmax_stats(p, cols, &m, &s);
        double tsum = 0.0;
        for (int64_t j = 0; j < cols; ++j) tsum += t[j] * keep + add;
        const float ratio = float(tsum) / s;
        for (int64_t j = 0; j < cols; ++j) g[j] = k * (expf(p[j] - m) * ratio - (t[j] * keep + add));
      } else {
        const float s = row_sum(p, cols);
        double ap = 0.0;
        for (int64_t j = 0; j < cols; ++j) {
          const float q = p[j] / s;
          const float a = clip_grad(q, kEps, kOneMinusEps) * (-(t[j] * keep + add) / clip(q, kEps, kOneMinusEps));
          ap += double(a) * p[j];
        }
        const float shared = float(ap) / (s * s);
        for (int64_t j = 0; j < cols; ++j) {
          const float q = p[j] / s;
          const float a = clip_grad(q, kEps, kOneMinusEps) * (-(t[j] * keep + add) / clip(q, kEps, kOneMinusEps));
          g[j] = k * (a / s - shared);
        }
      }
      return;
    }
    case LossKind::SparseCategoricalCrossentropy: {
      const int64_t idx = sparse_index(c, t[0], cols);
      if (idx < 0) {
        for (int64_t j = 0; j < cols; ++j) g[j] = 0.f;
        return;
      }
      if (c.from_logits) {
        float m, s;
        softmax_stats(p, cols, &m, &s);
        const float ratio = 1.f / s;
        for (int64_t j = 0; j < cols; ++j) g[j] = k * (expf(p[j] - m) * ratio - (j == idx ? 1.f : 0.f));
      } else {
        const float s = row_sum(p, cols);
        const float q = p[idx] / s;
        const float a = clip_grad(q, kEps, kOneMinusEps) * (-1.f / clip(q, kEps, kOneMinusEps));
        const float shared = (a * p[idx]) / (s * s);
        for (int64_t j = 0; j < cols; ++j) g[j] = k * ((j == idx ? a / s : 0.f) - shared);
      }
      return;
    }
    case LossKind::CategoricalHinge: {
      double pos = 0.0;
      float neg = -INFINITY;
      for (int64_t j = 0; j < cols; ++j) {
        pos += t[j] * p[j];
        const float v = (1.f - t[j]) * p[j];
        neg = v > neg ? v : neg;
      }
      int64_t ties = 0;
      for (int64_t j = 0; j < cols; ++j) ties += ((1.f - t[j]) * p[j] == neg);
      const float margin = neg - float(pos) + 1.f;
      const float kk = k * max_grad(margin, 0.f), share = 1.f / float(ties);
      for (int64_t j = 0; j < cols; ++j) {
        const float at_max = (1.f - t[j]) * p[j] == neg ? (1.f - t[j]) * share : 0.f;
        g[j] = kk * (at_max - t[j]);
      }
      return;
    }
    case LossKind::CosineSimilarity: {
      float tsq, trs, psq, prs;
      const float it = inv_norm(t, cols, &tsq, &trs);
      const float ip = inv_norm(p, cols, &psq, &prs);
      double dot = 0.0;
      for (int64_t j = 0; j < cols; ++j) dot += (t[j] * it) * p[j];
      const float mg = min_grad(prs, kMaxInvNorm);
      const float through = mg == 0.f ? 0.f : float(dot) * mg * (prs / psq);
      for (int64_t j = 0; j < cols; ++j) g[j] = k * (-(t[j] * it) * ip + through * p[j]);
      return;
    }
    default: {
      const float kk = float(k * elem_factor(c) / elem_divisor(c, cols));
      for (int64_t j = 0; j < cols; ++j) g[j] = kk * elem_grad(c, t[j], p[j], binary);
    }
  }
}

__device__ __forceinline__ int64_t target_cols(const LossConfig& c, int64_t cols) {
  return c.kind == LossKind::SparseCategoricalCrossentropy ? 1 : cols;
}
__device__ __forceinline__ bool is_hinge(const LossConfig& c) {
  return c.kind == LossKind::Hinge || c.kind == LossKind::SquaredHinge;
}

// flags[0] = 1 when every label is 0 or 1 (one block, before the per-row kernels read it).
__global__ void all_binary_kernel(const float* y, int64_t n, int* flags) {
  __shared__ int any_other;
  if (threadIdx.x == 0) any_other = 0;
  __syncthreads();
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x)
    if (y[i] != 0.f && y[i] != 1.f) any_other = 1;  // benign race: every writer stores 1
  __syncthreads();
  if (threadIdx.x == 0) flags[0] = !any_other;
}

__global__ void per_sample_kernel(LossConfig c, const float* y_true, const float* y_pred,
                                  int64_t rows, int64_t cols, float* out, const int* flags) {
  const bool binary = is_hinge(c) && flags[0];
  const int64_t tc = target_cols(c, cols);
  for (int64_t r = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; r < rows; r += int64_t(gridDim.x) * blockDim.x)
    out[r] = row_loss(c, y_true + r * tc, y_pred + r * cols, cols, binary);
}

__global__ void backward_kernel(LossConfig c, const float* y_true, const float* y_pred,
                                const float* sw, const double* batch, const int64_t* index,
                                int64_t rows, int64_t cols, float* d, const int* flags) {
  const bool binary = is_hinge(c) && flags[0];
  const int64_t tc = target_cols(c, cols);
  const float f = float(batch[2 * (index ? *index : 0) + 1]);
  for (int64_t r = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; r < rows; r += int64_t(gridDim.x) * blockDim.x) {
    const float k = (sw ? sw[r] : 1.0f) * f;
    row_grad(c, y_true + r * tc, y_pred + r * cols, cols, binary, k, d + r * cols);
  }
}

// Network::loss_and_grad's reduction, in one block.
__global__ void reduce_kernel(LossConfig c, const float* per_sample, const float* sw,
                              const float* y_true, int64_t rows, float loss_weight,
                              const double* reg, int reg_count, double* out,
                              const int64_t* index) {
  __shared__ double shared[1024];
  double sum = 0.0, wsum = 0.0, valid = 0.0;
  for (int64_t r = threadIdx.x; r < rows; r += blockDim.x) {
    const double w = sw ? double(sw[r]) : 1.0;
    sum += double(per_sample[r]) * w;
    wsum += w;
    if (c.has_ignore_class) valid += int64_t(y_true[r]) != c.ignore_class;
  }
  sum = block_sum(sum, shared);
  wsum = block_sum(wsum, shared);
  valid = block_sum(valid, shared);
  if (threadIdx.x != 0) return;
  double divisor = double(rows);
  switch (c.reduction) {
    case Reduction::Sum: divisor = 1.0; break;
    case Reduction::MeanWithSampleWeight: divisor = sw ? wsum : double(rows); break;
    default:
      if (c.has_ignore_class) divisor = valid + 1e-7;
  }
  double loss = divisor > 0.0 ? double(loss_weight) * sum / divisor : 0.0;
  for (int k = 0; k < reg_count; ++k) loss += reg[k];
  const int64_t k = index ? *index : 0;
  out[2 * k] = loss;
  out[2 * k + 1] = double(float(double(loss_weight) / divisor));
}

unsigned row_blocks(int64_t rows) { return unsigned((rows + 127) / 128); }

}  // namespace

void loss_per_sample(const LossConfig& cfg, const float* y_true, const float* y_pred,
                     int64_t rows, int64_t cols, float* per_sample, int* flags,
                     cudaStream_t stream) {
  if (rows <= 0) return;
  if (cfg.kind == LossKind::Hinge || cfg.kind == LossKind::SquaredHinge)
    all_binary_kernel<<<1, 1024, 0, stream>>>(y_true, rows * cols, flags);
  per_sample_kernel<<<row_blocks(rows), 128, 0, stream>>>(cfg, y_true, y_pred, rows, cols, per_sample, flags);
  DF_CUDA_CHECK(cudaGetLastError());
}

void reduce_batch_loss(const LossConfig& cfg, const float* per_sample, const float* sw,
                       const float* y_true, int64_t rows, float loss_weight, const double* reg,
                       int reg_count, double* out, const int64_t* index, cudaStream_t stream) {
  reduce_kernel<<<1, 1024, 0, stream>>>(cfg, per_sample, sw, y_true, rows, loss_weight, reg, reg_count, out, index);
  DF_CUDA_CHECK(cudaGetLastError());
}

void loss_backward(const LossConfig& cfg, const float* y_true, const float* y_pred,
                   const float* sw, const double* out, const int64_t* index, int64_t rows,
                   int64_t cols, float* d_pred, const int* flags, cudaStream_t stream) {
  if (rows <= 0) return;
  backward_kernel<<<row_blocks(rows), 128, 0, stream>>>(cfg, y_true, y_pred, sw, out, index, rows, cols, d_pred, flags);
  DF_CUDA_CHECK(cudaGetLastError());
}

}  // namespace cuda
}  // namespace densefit
