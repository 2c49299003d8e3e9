// Host-callable launchers of densefit's CUDA kernels. Every launcher enqueues on `stream` and
// never synchronizes, so a whole step can be captured into a CUDA graph. Results never
// depend on the launch configuration or on timing: reductions are fixed-order (no float
// atomics), which is what makes runs bit-identical (deterministic by construction).
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "densefit/activations.h"
#include "densefit/losses.h"
#include "densefit/network.h"

namespace densefit {
namespace cuda {

// ---- gemm.cu ---------------------------------------------------------------------------------
// Row-major C[M,N] = op(A) op(B) (+ C if accumulate), as densefit::sgemm. With `bias` (N)
// and/or an element-wise activation, the epilogue writes z = AB + bias to C and f(z) to `act`
// (act may be null for Linear). Row-wise activations (softmax) are not fused here.
// `workspace` (workspace_floats) serves split-K products whose K is much larger than M*N
// (weight gradients over a big batch); the split is reduced in a fixed order.
void sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const float* A,
           int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc, bool accumulate,
           const float* bias, Activation act_fn, float act_alpha, float* act,
           float* workspace, int64_t workspace_floats, cudaStream_t stream);
// Floats of workspace sgemm wants for split-K on an (M, N, K) product (0: no split).
int64_t sgemm_workspace_floats(int64_t M, int64_t N, int64_t K);
// out[c] = sum_r x[r, c] (the bias gradient), fixed order; `workspace` >= colsum_workspace.
void column_sums(const float* x, int64_t rows, int64_t cols, float* out, float* workspace,
                 cudaStream_t stream);
int64_t colsum_workspace_floats(int64_t rows, int64_t cols);

// ---- pointwise.cu ---------------------------------------------------------------------------
// dst[r] = src[order[first + r]] rows of `width` (order null: rows first.. in place).
void gather_rows(const float* src, int64_t width, const int64_t* order, const int64_t* first,
                 int64_t count, float* dst, cudaStream_t stream);
void activation_forward(Activation f, float alpha, const float* z, float* a, int64_t rows,
                        int64_t cols, cudaStream_t stream);
void activation_backward(Activation f, float alpha, const float* z, const float* a,
                         const float* da, float* dz, int64_t rows, int64_t cols,
                         cudaStream_t stream);
// Inverted dropout with the CPU's Philox counters: stream 2^32 + layer, position step << 32.
// Forward writes out = keep ? in / (1 - rate) : 0; backward (in = upstream gradient) the same
// mask. `step` is read from device memory so that a captured graph moves on by itself.
void dropout(const float* in, float* out, int64_t n, float rate, uint64_t seed,
             uint64_t stream_id, const int64_t* step, cudaStream_t stream);
// acc[slot] += coef_l1 * sum|x| + coef_l2 * sum x^2 (double, one block, fixed order);
// divided by `divisor` first (activity regularizers normalize by the batch size).
void add_l1_l2(const float* x, int64_t n, double coef_l1, double coef_l2, double divisor,
               double* acc, cudaStream_t stream);
// g += l1 * sign(w) + 2 l2 w (regularizer gradient).
void add_regularizer_grad(const float* w, float* g, int64_t n, float l1, float l2,
                          cudaStream_t stream);
// d += l1/samples * sign(y) + 2 l2/samples * y (activity regularizer gradient).
void add_activity_grad(const float* y, float* d, int64_t n, float l1, float l2,
                       int64_t samples, cudaStream_t stream);
// Keras constraint on a (rows x cols) kernel (cols = 1 for a bias).
void apply_constraint(const Constraint& c, float* w, int64_t rows, int64_t cols,
                      cudaStream_t stream);

// ---- loss.cu ---------------------------------------------------------------------------------
// per_sample[r] for `rows` samples (loss_per_sample's contract). `flags` is one int of device
// scratch (Hinge's "every label is 0 or 1" test runs on the device).
void loss_per_sample(const LossConfig& cfg, const float* y_true, const float* y_pred,
                     int64_t rows, int64_t cols, float* per_sample, int* flags,
                     cudaStream_t stream);
// The batch loss (Network::loss_and_grad's reduction) into out[2 k] (double), k = *index:
// reads per_sample, optional sample weights and labels (ignore_class), adds the
// regularization doubles reg[0..reg_count) and writes out[2 k + 1] = the gradient scale
// loss_weight / divisor. One pair per step of a run: the host reads them all at its end.
void reduce_batch_loss(const LossConfig& cfg, const float* per_sample, const float* sw,
                       const float* y_true, int64_t rows, float loss_weight,
                       const double* reg, int reg_count, double* out, const int64_t* index,
                       cudaStream_t stream);
// d_pred = scale[r] * dloss/dy_pred, scale[r] = sw[r] * float(out[2 k + 1]).
void loss_backward(const LossConfig& cfg, const float* y_true, const float* y_pred,
                   const float* sw, const double* out, const int64_t* index, int64_t rows,
                   int64_t cols, float* d_pred, const int* flags, cudaStream_t stream);

// ---- run bookkeeping (pointwise.cu) ---------------------------------------------------------
// The device-side state of a step run, so that one captured step replays as the next one.
struct RunState {
  int64_t step = 0;          // index of the step within the run (tables, logs)
  int64_t first = 0;         // first sample of the step's batch
  int64_t dropout_step = 0;  // the network's training step counter (dropout counters)
};
// state.step += 1, state.first += batch_size, state.dropout_step += training.
void advance_run(RunState* state, int64_t batch_size, bool training, cudaStream_t stream);
// dst[state.step * stride ...] = src[0 .. n): the step's predictions, for the host metrics.
void log_rows(const float* src, int64_t n, int64_t stride, float* dst, const RunState* state,
              cudaStream_t stream);

}  // namespace cuda
}  // namespace densefit
