// The CUDA optimizer: one fused update over the parameter arena per step (plus a
// gradient-preparation pass and per-segment norms when loss scaling, accumulation or norm
// clipping ask for them). The per-step scalars (learning rate, bias corrections) come from a
// table the host fills for the whole step run with the CPU optimizers' formulas, and the
// kernels index it by a step counter in device memory: a captured graph replays unchanged.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

namespace densefit {
namespace cuda {

enum class Rule : int { Sgd, Adam, Rmsprop, Adagrad, Adadelta, Adamax, Nadam, Lion, Ftrl };

// Constants of a compiled optimizer (float32, as the CPU rules hold them).
struct RuleParams {
  Rule rule = Rule::Adam;
  int slots = 0;           // the rule's own slot arrays (first in the slot arena)
  bool momentum = false;   // SGD, RMSprop
  bool nesterov = false, centered = false, amsgrad = false;
  float beta_1 = 0, beta_2 = 0, one_minus_beta_1 = 0, one_minus_beta_2 = 0, epsilon = 0;
  float rho = 0, one_minus_rho = 0, momentum_value = 0;
  float ftrl_exponent = 0, l1 = 0, l2 = 0, shrinkage2 = 0;
  // Options common to every optimizer (0 / false: off).
  float loss_scale = 0;       // divide gradients by it first
  int accumulate = 0;         // gradient_accumulation_steps
  int accumulator_slot = -1, ema_slot = -1;
  enum class Clip : int { None, Value, Norm, GlobalNorm } clip = Clip::None;
  float clip_value = 0;       // clipvalue, clipnorm or global_clipnorm
  float weight_decay = 0;
};

// One step's scalars. `a` holds the rule's: Adam {alpha}, Adamax {bias_correction}, Nadam
// {u_next, one_minus_u, den_next, 1/den_next, den, 1/den, den_v, 1/den_v}, Ftrl {1/lr,
// two_l2_reg}; the others need only lr.
struct StepScalars {
  float lr = 0;
  float a[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int update = 1;          // 0 on an accumulation-only step
  float ema_momentum = 0;  // EMA: ema = m * ema + (1 - m) * p
  int ema_overwrite = 0;
};

// A trainable variable of the arena (Keras clips and decays per variable).
struct DeviceSegment {
  int64_t offset, size;
  int use_weight_decay;
};

// Enqueues one optimizer step: reads table[*step_index], updates params and slots in place
// (grads may be rewritten). `seg_sq` holds one double per
// segment (scratch for the norms).
void optimizer_step(const RuleParams& rp, float* params, float* grads, float* slots, int64_t n,
                    const DeviceSegment* segments, int segment_count, const StepScalars* table,
                    const int64_t* step_index, double* seg_sq, cudaStream_t stream);
// params = the EMA slot over the segments (Keras's finalize_variable_values).
void optimizer_finalize_ema(const RuleParams& rp, float* params, const float* slots, int64_t n,
                            const DeviceSegment* segments, int segment_count,
                            cudaStream_t stream);

}  // namespace cuda
}  // namespace densefit
