// Keras 3's apply_gradients on the device, element for element the CPU's StepPipeline and
// update rules (cpp/src/optimizers/): float32 throughout, `array / scalar` as a multiply by
// the reciprocal except for one-element variables, and no FMA contraction (this file is
// compiled with -fmad=false, as the CPU optimizers with -ffp-contract=off).
#include <algorithm>

#include "cuda_check.h"
#include "device_math.cuh"
#include "optimizer_kernels.h"

namespace densefit {
namespace cuda {
namespace {

constexpr int kBlock = 256;

// The segment holding element i of the arena, or -1 (a frozen or absent variable).
__device__ __forceinline__ int find_segment(const DeviceSegment* s, int count, int64_t i) {
  int lo = 0, hi = count - 1;
  while (lo <= hi) {
    const int mid = (lo + hi) / 2;
    if (i < s[mid].offset) hi = mid - 1;
    else if (i >= s[mid].offset + s[mid].size) lo = mid + 1;
    else return mid;
  }
  return -1;
}

__device__ __forceinline__ float divide(float x, float v, float reciprocal, bool single) {
  return single ? x / v : x * reciprocal;
}

__global__ void prepare_grads_kernel(RuleParams rp, float* grads, float* slots, int64_t n,
                                     const DeviceSegment* segs, int count,
                                     const StepScalars* table, const int64_t* step_index) {
  const StepScalars& st = table[*step_index];
  const float scale_rcp = rp.loss_scale > 0 ? 1.0f / rp.loss_scale : 1.0f;
  const float steps = float(rp.accumulate), steps_rcp = 1.0f / steps;
  float* acc = rp.accumulate > 0 ? slots + int64_t(rp.accumulator_slot) * n : nullptr;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const int s = find_segment(segs, count, i);
    if (s < 0) continue;
    const bool single = segs[s].size == 1;
    float g = grads[i];
    if (rp.loss_scale > 0) g = divide(g, rp.loss_scale, scale_rcp, single);
    if (acc) {
      if (!st.update) {
        acc[i] = g + acc[i];
      } else {
        g = divide(g + acc[i], steps, steps_rcp, single);
        acc[i] = 0.0f;
      }
    }
    grads[i] = g;
  }
}

// One block per segment: the sum of squares in double (the CPU's squared_norm).
__global__ void segment_norms_kernel(const float* grads, const DeviceSegment* segs, double* out) {
  __shared__ double shared[kBlock];
  const DeviceSegment s = segs[blockIdx.x];
  double sum = 0.0;
  for (int64_t i = threadIdx.x; i < s.size; i += blockDim.x) {
    const double g = grads[s.offset + i];
    sum += g * g;
  }
  sum = block_sum(sum, shared);
  if (threadIdx.x == 0) out[blockIdx.x] = sum;
}

__device__ void apply_rule(const RuleParams& rp, const StepScalars& st, float& p, float g,
                           float* slots, int64_t n, int64_t i, bool single) {
  const float lr = st.lr;
  float* s0 = slots + i;
  float* s1 = slots + n + i;
  float* s2 = slots + 2 * n + i;
  switch (rp.rule) {
    case Rule::Sgd:
      if (!rp.momentum) {
        p = p - g * lr;
      } else {
        const float m = *s0 * rp.momentum_value - g * lr;
        *s0 = m;
        p = rp.nesterov ? p + (m * rp.momentum_value - g * lr) : p + m;
      }
      return;
    case Rule::Adam: {
      const float m = *s0 + (g - *s0) * rp.one_minus_beta_1;
      float v = *s1 + (g * g - *s1) * rp.one_minus_beta_2;
      *s0 = m;
      *s1 = v;
      if (rp.amsgrad) {
        v = fmaxf(*s2, v);
        *s2 = v;
      }
      p = p - (m * st.a[0]) / (sqrtf(v) + rp.epsilon);
      return;
    }
    case Rule::Rmsprop: {
      const float vel = rp.rho * *s0 + rp.one_minus_rho * (g * g);
      *s0 = vel;
      float den;
      float* avg = slots + int64_t(1 + rp.momentum) * n + i;
      if (rp.centered) {
        const float ag = rp.rho * *avg + rp.one_minus_rho * g;
        *avg = ag;
        den = vel - ag * ag + rp.epsilon;
      } else {
        den = vel + rp.epsilon;
      }
      const float inc = (lr * g) / sqrtf(den);
      if (rp.momentum) {
        const float m = rp.momentum_value * *s1 + inc;
        *s1 = m;
        p = p - m;
      } else {
        p = p - inc;
      }
      return;
    }
    case Rule::Adagrad: {
      const float acc = *s0 + g * g;
      *s0 = acc;
      p = p - (lr * g) / sqrtf(acc + rp.epsilon);
      return;
    }
    case Rule::Adadelta: {
      const float ag = rp.rho * *s0 + rp.one_minus_rho * (g * g);
      *s0 = ag;
      const float ad = *s1;
      const float delta = -((sqrtf(ad + rp.epsilon) * g) / sqrtf(ag + rp.epsilon));
      *s1 = rp.rho * ad + rp.one_minus_rho * (delta * delta);
      p = p + lr * delta;
      return;
    }
    case Rule::Adamax: {
      const float m = *s0 + (g - *s0) * rp.one_minus_beta_1;
      const float u = fmaxf(rp.beta_2 * *s1, fabsf(g));
      *s0 = m;
      *s1 = u;
      p = p - (lr * m) / (st.a[0] * (u + rp.epsilon));
      return;
    }
    case Rule::Nadam: {
      const float m = *s0 + (g - *s0) * rp.one_minus_beta_1;
      const float v = *s1 + (g * g - *s1) * rp.one_minus_beta_2;
      *s0 = m;
      *s1 = v;
      const float m_hat = divide(st.a[0] * m, st.a[2], st.a[3], single) +
                          divide(st.a[1] * g, st.a[4], st.a[5], single);
      const float v_hat = divide(v, st.a[6], st.a[7], single);
      p = p - (m_hat * lr) / (sqrtf(v_hat) + rp.epsilon);
      return;
    }
    case Rule::Lion: {
      const float c = *s0 * rp.beta_1 + g * rp.one_minus_beta_1;
      const float unit = float(c > 0.0f) - float(c < 0.0f);
      const float sign = c == c ? unit : c;
      p = p - lr * sign;
      *s0 = *s0 * rp.beta_2 + g * rp.one_minus_beta_2;
      return;
    }
    case Rule::Ftrl: {
      const float grad_to_use = g + rp.shrinkage2 * p;
      const float accum = *s0;
      const float new_accum = accum + g * g;
      const float new_power = powf(new_accum, rp.ftrl_exponent);
      const float lin = *s1 + (grad_to_use - divide(new_power - powf(accum, rp.ftrl_exponent), lr, st.a[0], single) * p);
      const float quadratic = divide(new_power, lr, st.a[0], single) + st.a[1];
      const float clipped = fminf(fmaxf(lin, -rp.l1), rp.l1);
      *s1 = lin;
      *s0 = new_accum;
      p = (clipped - lin) / quadratic;
      return;
    }
  }
}

__global__ void update_kernel(RuleParams rp, float* params, const float* grads, float* slots,
                              int64_t n, const DeviceSegment* segs, int count,
                              const StepScalars* table, const int64_t* step_index,
                              const double* seg_sq) {
  const StepScalars& st = table[*step_index];
  // Global norm clipping: c * min(1 / norm, 1 / c), NaN when the norm is not finite.
  float global_scale = 1.0f;
  if (rp.clip == RuleParams::Clip::GlobalNorm) {
    double sum = 0.0;
    for (int k = 0; k < count; ++k) sum += seg_sq[k];
    const float norm = float(sqrt(sum));
    global_scale = isfinite(norm) ? rp.clip_value * fminf(1.0f / norm, 1.0f / rp.clip_value) : NAN;
  }
  float* ema = rp.ema_slot >= 0 ? slots + int64_t(rp.ema_slot) * n : nullptr;
  const float ema_keep = 1.0f - st.ema_momentum;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const int s = find_segment(segs, count, i);
    if (s < 0) continue;
    const bool single = segs[s].size == 1;
    float p = params[i];
    if (st.update) {
      float g = grads[i];
      switch (rp.clip) {
        case RuleParams::Clip::Value:
          g = g < -rp.clip_value ? -rp.clip_value : (g > rp.clip_value ? rp.clip_value : g);
          break;
        case RuleParams::Clip::Norm: {
          // _clip_by_norm: g * c / max(norm, c), norm 0 for an all-zero gradient.
          const float l2sum = float(seg_sq[s]);
          const float norm = l2sum > 0 ? sqrtf(l2sum) : l2sum;
          const float d = fmaxf(norm, rp.clip_value);
          g = divide(g * rp.clip_value, d, 1.0f / d, single);
          break;
        }
        case RuleParams::Clip::GlobalNorm:
          g = divide(g * global_scale, 1.0f, 1.0f, single);
          break;
        default:
          break;
      }
      if (rp.weight_decay != 0.0f && segs[s].use_weight_decay) p = p - p * rp.weight_decay * st.lr;
      apply_rule(rp, st, p, g, slots, n, i, single);
    }
    if (ema) {
      ema[i] = st.ema_momentum * ema[i] + ema_keep * p;
      if (st.ema_overwrite) p = ema[i];
    }
    params[i] = p;
  }
}

__global__ void finalize_kernel(float* params, const float* ema, int64_t n,
                                const DeviceSegment* segs, int count) {
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    if (find_segment(segs, count, i) >= 0) params[i] = ema[i];
}

unsigned blocks_for(int64_t n) { return unsigned(std::min<int64_t>((n + kBlock - 1) / kBlock, 4096)); }

}  // namespace

void optimizer_step(const RuleParams& rp, float* params, float* grads, float* slots, int64_t n,
                    const DeviceSegment* segments, int segment_count, const StepScalars* table,
                    const int64_t* step_index, double* seg_sq, cudaStream_t stream) {
  if (n > 0 && segment_count > 0) {
    if (rp.loss_scale > 0 || rp.accumulate > 0)
      prepare_grads_kernel<<<blocks_for(n), kBlock, 0, stream>>>(rp, grads, slots, n, segments, segment_count, table, step_index);
    if (rp.clip == RuleParams::Clip::Norm || rp.clip == RuleParams::Clip::GlobalNorm)
      segment_norms_kernel<<<unsigned(segment_count), kBlock, 0, stream>>>(grads, segments, seg_sq);
    update_kernel<<<blocks_for(n), kBlock, 0, stream>>>(rp, params, grads, slots, n, segments, segment_count, table, step_index, seg_sq);
  }
  DF_CUDA_CHECK(cudaGetLastError());
}

void optimizer_finalize_ema(const RuleParams& rp, float* params, const float* slots, int64_t n,
                            const DeviceSegment* segments, int segment_count,
                            cudaStream_t stream) {
  if (rp.ema_slot < 0 || n == 0 || segment_count == 0) return;
  finalize_kernel<<<blocks_for(n), kBlock, 0, stream>>>(params, slots + int64_t(rp.ema_slot) * n, n, segments, segment_count);
  DF_CUDA_CHECK(cudaGetLastError());
}

}  // namespace cuda
}  // namespace densefit
