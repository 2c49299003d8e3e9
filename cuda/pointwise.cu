// Element-wise and row-wise kernels of the CUDA backend: row gathers (batches are assembled
// on the device from the uploaded arrays), activations, dropout, regularizers, constraints.
#include <algorithm>

#include "cuda_check.h"
#include "device_math.cuh"
#include "kernels.h"

namespace densefit {
namespace cuda {
namespace {

constexpr int kBlock = 256;
unsigned blocks_for(int64_t n) { return unsigned(std::min<int64_t>((n + kBlock - 1) / kBlock, 65535 * 8)); }
#define DF_GRID_STRIDE(i, n) \
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); i += int64_t(gridDim.x) * blockDim.x)

__global__ void gather_kernel(const float* __restrict__ src, int64_t width,
                              const int64_t* __restrict__ order, const int64_t* first,
                              int64_t count, float* __restrict__ dst) {
  const int64_t f = *first;
  DF_GRID_STRIDE(i, count * width) {
    const int64_t r = i / width, c = i % width;
    const int64_t row = order ? order[f + r] : f + r;
    dst[i] = src[row * width + c];
  }
}

__global__ void act_forward_kernel(Activation f, float alpha, const float* z, float* a, int64_t n) {
  DF_GRID_STRIDE(i, n) a[i] = act_forward(f, alpha, z[i]);
}
__global__ void act_backward_kernel(Activation f, float alpha, const float* z, const float* a,
                                    const float* da, float* dz, int64_t n) {
  DF_GRID_STRIDE(i, n) dz[i] = act_backward(f, alpha, z[i], a[i], da[i]);
}

// Row-wise: one thread per row (rows are usually the class count wide), the CPU's order of
// operations within the row.
__global__ void softmax_kernel(bool log, const float* z, float* a, int64_t rows, int64_t cols) {
  DF_GRID_STRIDE(r, rows) {
    const float* zr = z + r * cols;
    float* ar = a + r * cols;
    float m = -INFINITY;
    for (int64_t j = 0; j < cols; ++j) m = zr[j] > m ? zr[j] : m;
    float sum = 0.0f;
    if (log) {
      for (int64_t j = 0; j < cols; ++j) sum += expf(zr[j] - m);
      const float ls = logf(sum);
      for (int64_t j = 0; j < cols; ++j) ar[j] = (zr[j] - m) - ls;
    } else {
      for (int64_t j = 0; j < cols; ++j) {
        ar[j] = expf(zr[j] - m);
        sum += ar[j];
      }
      const float inv = 1.0f / sum;
      for (int64_t j = 0; j < cols; ++j) ar[j] *= inv;
    }
  }
}
__global__ void softmax_backward_kernel(bool log, const float* a, const float* da, float* dz,
                                        int64_t rows, int64_t cols) {
  DF_GRID_STRIDE(r, rows) {
    const float* ar = a + r * cols;
    const float* dar = da + r * cols;
    float* dzr = dz + r * cols;
    float s = 0.0f;
    if (log) {
      for (int64_t j = 0; j < cols; ++j) s += dar[j];
      for (int64_t j = 0; j < cols; ++j) dzr[j] = dar[j] - expf(ar[j]) * s;
    } else {
      for (int64_t j = 0; j < cols; ++j) s += dar[j] * ar[j];
      for (int64_t j = 0; j < cols; ++j) dzr[j] = ar[j] * (dar[j] - s);
    }
  }
}

// Philox4x32-10, word for word the CPU's (cpp/src/rng.cpp): same keys, same counters.
__device__ __forceinline__ void philox_block(uint64_t seed, uint64_t stream, uint64_t position,
                                             uint32_t out[4]) {
  uint32_t c0 = uint32_t(position), c1 = uint32_t(position >> 32);
  uint32_t c2 = uint32_t(stream), c3 = uint32_t(stream >> 32);
  uint32_t k0 = uint32_t(seed), k1 = uint32_t(seed >> 32);
#pragma unroll
  for (int round = 0; round < 10; ++round) {
    const uint32_t hi0 = __umulhi(0xD2511F53u, c0), lo0 = 0xD2511F53u * c0;
    const uint32_t hi1 = __umulhi(0xCD9E8D57u, c2), lo1 = 0xCD9E8D57u * c2;
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

// Element i of the mask is the uniform at stream position (step << 32) + i, as
// Philox::uniform(step << 32, ...) lays them out: word i % 4 of block position / 4 + i / 4.
__global__ void dropout_kernel(const float* in, float* out, int64_t n, float rate,
                               uint64_t seed, uint64_t stream_id, const int64_t* step) {
  const uint64_t base = uint64_t(*step) << 32;  // a multiple of 4: lanes line up with i
  const float keep = 1.0f - rate, inv = 1.0f / keep;
  DF_GRID_STRIDE(i, n) {
    uint32_t w[4];
    philox_block(seed, stream_id, (base + uint64_t(i)) / 4, w);
    const float u = float(w[i % 4] >> 8) * (1.0f / 16777216.0f);
    out[i] = u < keep ? in[i] * inv : 0.0f;
  }
}

__global__ void l1_l2_kernel(const float* x, int64_t n, double c1, double c2, double divisor,
                             double* acc) {
  __shared__ double shared[1024];
  double s1 = 0.0, s2 = 0.0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
    const float v = x[i];
    s1 += fabs(double(v));
    s2 += double(v) * v;
  }
  s1 = block_sum(s1, shared);
  s2 = block_sum(s2, shared);
  if (threadIdx.x == 0) *acc += (c1 * s1 + c2 * s2) / divisor;
}

__device__ __forceinline__ float signf(float v) { return float((v > 0.0f) - (v < 0.0f)); }

__global__ void reg_grad_kernel(const float* w, float* g, int64_t n, float l1, float l2) {
  DF_GRID_STRIDE(i, n) g[i] += l1 * signf(w[i]) + l2 * w[i];
}

__global__ void non_neg_kernel(float* w, int64_t n) {
  DF_GRID_STRIDE(i, n) w[i] = w[i] < 0.0f ? 0.0f : w[i];
}

// One thread per norm group (a column for axis 0, a row for axis 1), as the CPU computes it.
__global__ void norm_constraint_kernel(Constraint c, float* w, int64_t rows, int64_t cols) {
  const bool per_column = c.axis == 0 || cols == 1;
  const int64_t groups = per_column ? cols : rows, len = per_column ? rows : cols;
  DF_GRID_STRIDE(g, groups) {
    double sq = 0.0;
    for (int64_t k = 0; k < len; ++k) {
      const float v = per_column ? w[k * cols + g] : w[g * cols + k];
      sq += double(v) * v;
    }
    const double norm = sqrt(sq);
    double desired;
    if (c.kind == Constraint::Kind::UnitNorm) desired = 1.0;
    else if (c.kind == Constraint::Kind::MaxNorm) desired = fmin(fmax(norm, 0.0), double(c.max_value));
    else desired = c.rate * fmin(fmax(norm, double(c.min_value)), double(c.max_value)) + (1.0 - c.rate) * norm;
    const float factor = float(desired / (1e-7 + norm));
    for (int64_t k = 0; k < len; ++k) (per_column ? w[k * cols + g] : w[g * cols + k]) *= factor;
  }
}

__global__ void advance_kernel(RunState* s, int64_t batch_size, bool training) {
  s->step += 1;
  s->first += batch_size;
  s->dropout_step += training;
}

__global__ void log_kernel(const float* src, int64_t n, int64_t stride, float* dst,
                           const RunState* s) {
  float* out = dst + s->step * stride;
  DF_GRID_STRIDE(i, n) out[i] = src[i];
}

}  // namespace

void advance_run(RunState* state, int64_t batch_size, bool training, cudaStream_t stream) {
  advance_kernel<<<1, 1, 0, stream>>>(state, batch_size, training);
  DF_CUDA_CHECK(cudaGetLastError());
}

void log_rows(const float* src, int64_t n, int64_t stride, float* dst, const RunState* state,
              cudaStream_t stream) {
  log_kernel<<<blocks_for(n), kBlock, 0, stream>>>(src, n, stride, dst, state);
  DF_CUDA_CHECK(cudaGetLastError());
}

void gather_rows(const float* src, int64_t width, const int64_t* order, const int64_t* first,
                 int64_t count, float* dst, cudaStream_t stream) {
  gather_kernel<<<blocks_for(count * width), kBlock, 0, stream>>>(src, width, order, first, count, dst);
  DF_CUDA_CHECK(cudaGetLastError());
}

void activation_forward(Activation f, float alpha, const float* z, float* a, int64_t rows,
                        int64_t cols, cudaStream_t stream) {
  if (f == Activation::Softmax || f == Activation::LogSoftmax)
    softmax_kernel<<<blocks_for(rows), kBlock, 0, stream>>>(f == Activation::LogSoftmax, z, a, rows, cols);
  else
    act_forward_kernel<<<blocks_for(rows * cols), kBlock, 0, stream>>>(f, alpha, z, a, rows * cols);
  DF_CUDA_CHECK(cudaGetLastError());
}

void activation_backward(Activation f, float alpha, const float* z, const float* a,
                         const float* da, float* dz, int64_t rows, int64_t cols,
                         cudaStream_t stream) {
  if (f == Activation::Softmax || f == Activation::LogSoftmax)
    softmax_backward_kernel<<<blocks_for(rows), kBlock, 0, stream>>>(f == Activation::LogSoftmax, a, da, dz, rows, cols);
  else
    act_backward_kernel<<<blocks_for(rows * cols), kBlock, 0, stream>>>(f, alpha, z, a, da, dz, rows * cols);
  DF_CUDA_CHECK(cudaGetLastError());
}

void dropout(const float* in, float* out, int64_t n, float rate, uint64_t seed,
             uint64_t stream_id, const int64_t* step, cudaStream_t stream) {
  dropout_kernel<<<blocks_for(n), kBlock, 0, stream>>>(in, out, n, rate, seed, stream_id, step);
  DF_CUDA_CHECK(cudaGetLastError());
}

void add_l1_l2(const float* x, int64_t n, double coef_l1, double coef_l2, double divisor,
               double* acc, cudaStream_t stream) {
  l1_l2_kernel<<<1, 1024, 0, stream>>>(x, n, coef_l1, coef_l2, divisor, acc);
  DF_CUDA_CHECK(cudaGetLastError());
}

void add_regularizer_grad(const float* w, float* g, int64_t n, float l1, float l2,
                          cudaStream_t stream) {
  reg_grad_kernel<<<blocks_for(n), kBlock, 0, stream>>>(w, g, n, l1, 2.0f * l2);
  DF_CUDA_CHECK(cudaGetLastError());
}

void add_activity_grad(const float* y, float* d, int64_t n, float l1, float l2, int64_t samples,
                       cudaStream_t stream) {
  // Network::backward's coefficients: l1 / samples and 2 l2 / samples, in float.
  const float c1 = l1 / float(samples), c2 = 2.0f * l2 / float(samples);
  reg_grad_kernel<<<blocks_for(n), kBlock, 0, stream>>>(y, d, n, c1, c2);
  DF_CUDA_CHECK(cudaGetLastError());
}

void apply_constraint(const Constraint& c, float* w, int64_t rows, int64_t cols,
                      cudaStream_t stream) {
  if (c.kind == Constraint::Kind::None) return;
  if (c.kind == Constraint::Kind::NonNeg)
    non_neg_kernel<<<blocks_for(rows * cols), kBlock, 0, stream>>>(w, rows * cols);
  else
    norm_constraint_kernel<<<blocks_for(std::max(rows, cols)), kBlock, 0, stream>>>(c, w, rows, cols);
  DF_CUDA_CHECK(cudaGetLastError());
}

}  // namespace cuda
}  // namespace densefit
