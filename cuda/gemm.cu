// densefit's own FP32 GEMM for the CUDA backend (cuBLAS is not in the toolkit CI builds with;
// docs/cuda.md): 64x64 output tiles, 16-deep K slices in shared memory, 4x4 outputs per
// thread, and an epilogue that adds the bias and applies an element-wise activation while
// the tile is still in registers (Dense forward is one kernel). Products with a long K and
// a small output (weight gradients over a big batch) split K over blocks into a workspace
// that a second kernel sums in a fixed order: no atomics, so results are bit-reproducible.
#include <algorithm>

#include "cuda_check.h"
#include "device_math.cuh"
#include "kernels.h"

namespace densefit {
namespace cuda {
namespace {

constexpr int kBM = 64, kBN = 64, kBK = 16, kThreads = 256;

struct Epilogue {
  const float* bias = nullptr;
  Activation fn = Activation::Linear;
  float alpha = 0.0f;
  float* act = nullptr;
  bool accumulate = false;
};

__device__ __forceinline__ void store(float* C, int64_t ldc, float* act, int64_t r, int64_t c,
                                      float v, const Epilogue& e) {
  if (e.accumulate) v += C[r * ldc + c];
  if (e.bias) v += e.bias[c];
  C[r * ldc + c] = v;
  if (e.act) e.act[r * ldc + c] = act_forward(e.fn, e.alpha, v);
}

// blockIdx.z selects a K chunk [z * k_chunk, ...): with split_stride > 0 the chunk's partial
// product goes to C + z * split_stride (no epilogue).
template <bool kTransA, bool kTransB>
__global__ void __launch_bounds__(kThreads)
sgemm_tile(int64_t M, int64_t N, int64_t K, const float* __restrict__ A, int64_t lda,
           const float* __restrict__ B, int64_t ldb, float* C, int64_t ldc, int64_t k_chunk,
           int64_t split_stride, Epilogue e) {
  __shared__ float As[kBK][kBM + 1];
  __shared__ float Bs[kBK][kBN + 1];
  const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
  const int64_t row0 = int64_t(blockIdx.y) * kBM, col0 = int64_t(blockIdx.x) * kBN;
  const int64_t k_begin = int64_t(blockIdx.z) * k_chunk;
  const int64_t k_end = min(K, k_begin + k_chunk);
  float acc[4][4] = {};
  for (int64_t k0 = k_begin; k0 < k_end; k0 += kBK) {
    for (int i = tid; i < kBM * kBK; i += kThreads) {
      // Consecutive threads read consecutive addresses of A in either layout.
      const int m = kTransA ? i % kBM : i / kBK, k = kTransA ? i / kBM : i % kBK;
      const int64_t gm = row0 + m, gk = k0 + k;
      float v = 0.0f;
      if (gm < M && gk < k_end) v = kTransA ? A[gk * lda + gm] : A[gm * lda + gk];
      As[k][m] = v;
    }
    for (int i = tid; i < kBN * kBK; i += kThreads) {
      const int n = kTransB ? i / kBK : i % kBN, k = kTransB ? i % kBK : i / kBN;
      const int64_t gn = col0 + n, gk = k0 + k;
      float v = 0.0f;
      if (gn < N && gk < k_end) v = kTransB ? B[gn * ldb + gk] : B[gk * ldb + gn];
      Bs[k][n] = v;
    }
    __syncthreads();
#pragma unroll
    for (int k = 0; k < kBK; ++k) {
      float a[4], b[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) a[i] = As[k][ty + 16 * i];
#pragma unroll
      for (int j = 0; j < 4; ++j) b[j] = Bs[k][tx + 16 * j];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] += a[i] * b[j];
    }
    __syncthreads();
  }
  float* out = split_stride > 0 ? C + int64_t(blockIdx.z) * split_stride : C;
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int64_t r = row0 + ty + 16 * i;
    if (r >= M) continue;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int64_t c = col0 + tx + 16 * j;
      if (c >= N) continue;
      if (split_stride > 0) out[r * N + c] = acc[i][j];
      else store(C, ldc, e.act, r, c, acc[i][j], e);
    }
  }
}

// C = sum over splits of the partial products, in split order, then the epilogue.
__global__ void reduce_splits(const float* __restrict__ partial, int splits, int64_t M,
                              int64_t N, float* C, int64_t ldc, Epilogue e) {
  const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= M * N) return;
  float v = 0.0f;
  for (int s = 0; s < splits; ++s) v += partial[int64_t(s) * M * N + i];
  store(C, ldc, e.act, i / N, i % N, v, e);
}

// Splits for an (M, N, K) product: enough blocks to fill a large GPU when the output tiles
// alone cannot, each split at least 256 deep.
int split_count(int64_t M, int64_t N, int64_t K) {
  const int64_t tiles = ((M + kBM - 1) / kBM) * ((N + kBN - 1) / kBN);
  if (tiles >= 128 || K < 1024) return 1;
  const int64_t want = (256 + tiles - 1) / tiles;
  return int(std::max<int64_t>(1, std::min<int64_t>({want, K / 256, 64})));
}

template <bool TA, bool TB>
void launch(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
            int64_t ldb, float* C, int64_t ldc, const Epilogue& e, float* ws, int64_t ws_floats,
            cudaStream_t stream) {
  dim3 grid(unsigned((N + kBN - 1) / kBN), unsigned((M + kBM - 1) / kBM), 1);
  int splits = split_count(M, N, K);
  if (splits > 1 && ws && ws_floats >= int64_t(splits) * M * N) {
    int64_t chunk = (K + splits - 1) / splits;
    chunk = (chunk + kBK - 1) / kBK * kBK;
    splits = int((K + chunk - 1) / chunk);
    grid.z = unsigned(splits);
    sgemm_tile<TA, TB><<<grid, kThreads, 0, stream>>>(M, N, K, A, lda, B, ldb, ws, N, chunk,
                                                       M * N, Epilogue{});
    const int64_t n = M * N;
    reduce_splits<<<unsigned((n + 255) / 256), 256, 0, stream>>>(ws, splits, M, N, C, ldc, e);
  } else {
    sgemm_tile<TA, TB><<<grid, kThreads, 0, stream>>>(M, N, K, A, lda, B, ldb, C, ldc, K, 0, e);
  }
  DF_CUDA_CHECK(cudaGetLastError());
}

// Column sums in two fixed-order passes: row chunks -> partials, partials -> out.
constexpr int kColChunks = 64;
__global__ void colsum_partial(const float* __restrict__ x, int64_t rows, int64_t cols,
                               int64_t rows_per_chunk, float* partial) {
  const int64_t c = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (c >= cols) return;
  const int64_t r0 = int64_t(blockIdx.y) * rows_per_chunk;
  const int64_t r1 = min(rows, r0 + rows_per_chunk);
  float s = 0.0f;
  for (int64_t r = r0; r < r1; ++r) s += x[r * cols + c];
  partial[int64_t(blockIdx.y) * cols + c] = s;
}
__global__ void colsum_final(const float* __restrict__ partial, int chunks, int64_t cols,
                             float* out) {
  const int64_t c = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (c >= cols) return;
  float s = 0.0f;
  for (int k = 0; k < chunks; ++k) s += partial[int64_t(k) * cols + c];
  out[c] = s;
}

}  // namespace

int64_t sgemm_workspace_floats(int64_t M, int64_t N, int64_t K) {
  const int splits = split_count(M, N, K);
  return splits > 1 ? int64_t(splits) * M * N : 0;
}

void sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const float* A,
           int64_t lda, const float* B, int64_t ldb, float* C, int64_t ldc, bool accumulate,
           const float* bias, Activation act_fn, float act_alpha, float* act, float* workspace,
           int64_t workspace_floats, cudaStream_t stream) {
  if (M <= 0 || N <= 0) return;
  Epilogue e;
  e.bias = bias;
  e.fn = act_fn;
  e.alpha = act_alpha;
  e.act = (act_fn != Activation::Linear && is_elementwise(act_fn)) ? act : nullptr;
  e.accumulate = accumulate;
  if (!trans_a && !trans_b) launch<false, false>(M, N, K, A, lda, B, ldb, C, ldc, e, workspace, workspace_floats, stream);
  else if (trans_a && !trans_b) launch<true, false>(M, N, K, A, lda, B, ldb, C, ldc, e, workspace, workspace_floats, stream);
  else if (!trans_a && trans_b) launch<false, true>(M, N, K, A, lda, B, ldb, C, ldc, e, workspace, workspace_floats, stream);
  else launch<true, true>(M, N, K, A, lda, B, ldb, C, ldc, e, workspace, workspace_floats, stream);
}

int64_t colsum_workspace_floats(int64_t, int64_t cols) { return int64_t(kColChunks) * cols; }

void column_sums(const float* x, int64_t rows, int64_t cols, float* out, float* workspace,
                 cudaStream_t stream) {
  const int chunks = int(std::max<int64_t>(1, std::min<int64_t>(kColChunks, rows / 64)));
  const int64_t per = (rows + chunks - 1) / chunks;
  dim3 grid(unsigned((cols + 127) / 128), unsigned(chunks));
  colsum_partial<<<grid, 128, 0, stream>>>(x, rows, cols, per, workspace);
  colsum_final<<<unsigned((cols + 127) / 128), 128, 0, stream>>>(workspace, chunks, cols, out);
  DF_CUDA_CHECK(cudaGetLastError());
}

}  // namespace cuda
}  // namespace densefit
