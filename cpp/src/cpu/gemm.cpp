#include "densefit/gemm.h"

#include "cpu/denormals.h"
#include "cpu/simd.h"
#include "cpu/transpose.h"
#include "densefit/parallel.h"

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#ifdef __AVX2__
#include <immintrin.h>
#endif

namespace densefit {
namespace {

// CBLAS enums, fixed by the CBLAS standard.
constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;
using cblas_sgemm_fn = void (*)(int, int, int, int, int, int, float, const float*, int,
                                const float*, int, float, float*, int);
using set_threads_fn = void (*)(int);

std::atomic<cblas_sgemm_fn> g_sgemm{nullptr};
std::atomic<set_threads_fn> g_set_threads{nullptr};
// Products whose B operand (K x N) holds at most this many floats use the built-in kernels:
// their B column panel stays in L2 and they beat OpenBLAS there on this machine class
// (W2/W4 shapes, docs/cpu-gemm.md); larger B (W5's 1024x1024) goes to OpenBLAS.
std::atomic<int64_t> g_small_limit{256 * 1024};

// C[i, :] (N wide) += a * B[k, :] over contiguous rows: the inner loop vectorizes.
inline void axpy_row(float* __restrict c, const float* __restrict b, float a, int64_t n) {
  for (int64_t j = 0; j < n; ++j) c[j] += a * b[j];
}

// Dot product with 8 independent partial sums so it vectorizes without -ffast-math.
inline float dot(const float* __restrict a, const float* __restrict b, int64_t n) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t k = 0;
  for (; k + 8 <= n; k += 8)
    for (int l = 0; l < 8; ++l) acc[l] += a[k + l] * b[k + l];
  float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; k < n; ++k) s += a[k] * b[k];
  return s;
}

#ifdef __AVX2__
using simd::Widest;
using simd::Ymm;

// C[M, j0:j0+W*LANES] = beta*C + A(M,K) * B[K, j0:...] (W = S::kWidth): register tiles of
// ROWS rows x W*LANES full columns, B rows contiguous, A element (i, k) at A[i*sa_i + k*sa_k]
// (A or A^T with no copy). Rows past M recompute the last row instead of branching; only real
// rows are stored. Every C element is 0, then one multiply-add per k in increasing k, then
// beta*C added: the same numbers whatever the register width, tile or batch (inference's
// one-row kernel accumulates the same way).
// `panel` is B's column j0 (row stride ldb).
template <class S, int ROWS, int LANES>
void tile_kernel(int64_t M, int64_t j0, int64_t K, const float* A, int64_t sa_i, int64_t sa_k,
                 const float* panel, int64_t ldb, float beta, float* C, int64_t ldc) {
  using V = typename S::V;
  constexpr int W = S::kWidth;
  for (int64_t i0 = 0; i0 < M; i0 += ROWS) {
    const float* a[ROWS];
    for (int r = 0; r < ROWS; ++r) a[r] = A + std::min<int64_t>(i0 + r, M - 1) * sa_i;
    V acc[ROWS][LANES];
    for (int r = 0; r < ROWS; ++r)
      for (int l = 0; l < LANES; ++l) acc[r][l] = S::zero();
    const float* b_row = panel;
    for (int64_t k = 0; k < K; ++k, b_row += ldb) {
      V b[LANES];
      for (int l = 0; l < LANES; ++l) b[l] = S::load(b_row + W * l);
      for (int r = 0; r < ROWS; ++r) {
        V av = S::broadcast(a[r] + k * sa_k);
        for (int l = 0; l < LANES; ++l) acc[r][l] = S::fma(av, b[l], acc[r][l]);
      }
    }
    for (int r = 0; r < ROWS && i0 + r < M; ++r) {
      float* c = C + (i0 + r) * ldc + j0;
      for (int l = 0; l < LANES; ++l) {
        V v = acc[r][l];
        if (beta != 0.0f) v = S::fma(S::splat(beta), S::load(c + W * l), v);
        S::store(c + W * l, v);
      }
    }
  }
}

// Full-width column blocks of B (N a multiple of 8): tiles of two registers' width (6x16 with
// ymm: 12 accumulators; 8x32 with zmm: 16 of the 32 registers), then one-register and, with
// zmm, ymm tile columns for what remains.
void tiles(int64_t M, int64_t N, int64_t K, const float* A, int64_t sa_i, int64_t sa_k,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  constexpr int W = Widest::kWidth;
  // A few rows (single-sample inference): one-row tiles, so no row is computed twice.
  const bool few = M < 6;
  // Panels that many row tiles read are copied contiguous first: with B's rows 4 KB apart
  // (W5's 1024-wide layers) an unpacked K x 32 panel maps to a few cache sets and is evicted
  // between tiles. The copy changes no arithmetic; it pays where the panel is read by more
  // than 16 row tiles or would alias (measured by bench/gemm_shapes.py, docs/cpu-gemm.md).
  const bool pack = K >= 64 && (M > 128 || (M > 8 && ldb % 1024 == 0));
  thread_local std::vector<float> packed;
  int64_t j0 = 0;
  for (; j0 + 2 * W <= N; j0 += 2 * W) {
    const float* panel = B + j0;
    int64_t ld = ldb;
    if (pack) {
      if (packed.size() < size_t(K * 2 * W)) packed.resize(size_t(K * 2 * W));
      for (int64_t k = 0; k < K; ++k)
        std::memcpy(packed.data() + k * 2 * W, B + k * ldb + j0, sizeof(float) * 2 * W);
      panel = packed.data();
      ld = 2 * W;
    }
    if (few) tile_kernel<Widest, 1, 2>(M, j0, K, A, sa_i, sa_k, panel, ld, beta, C, ldc);
    else if (W == 16) tile_kernel<Widest, 8, 2>(M, j0, K, A, sa_i, sa_k, panel, ld, beta, C, ldc);
    else tile_kernel<Widest, 6, 2>(M, j0, K, A, sa_i, sa_k, panel, ld, beta, C, ldc);
  }
  if (W == 16 && j0 + 16 <= N) {
    if (few) tile_kernel<Widest, 1, 1>(M, j0, K, A, sa_i, sa_k, B + j0, ldb, beta, C, ldc);
    else tile_kernel<Widest, 8, 1>(M, j0, K, A, sa_i, sa_k, B + j0, ldb, beta, C, ldc);
    j0 += 16;
  }
  if (j0 < N) {  // 8 columns left
    if (few) tile_kernel<Ymm, 1, 1>(M, j0, K, A, sa_i, sa_k, B + j0, ldb, beta, C, ldc);
    else tile_kernel<Ymm, 8, 1>(M, j0, K, A, sa_i, sa_k, B + j0, ldb, beta, C, ldc);
  }
}

bool avx2_sgemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
                const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (ta && tb) return false;
  int64_t sa_i = ta ? 1 : lda, sa_k = ta ? lda : 1;
  int64_t width = (N + 7) / 8 * 8;
  if (!tb && width == N) {
    tiles(M, N, K, A, sa_i, sa_k, B, ldb, beta, C, ldc);
    return true;
  }
  // B^T, or a ragged N (a Dense(10) or Dense(1) layer): copy B into a K x width block,
  // transposed and zero-padded as needed (B is small here: a weight matrix or a batch of
  // gradients), compute into a padded C and copy the real columns out.
  thread_local std::vector<float> b_pad, c_pad;
  if (b_pad.size() < size_t(K * width)) b_pad.resize(size_t(K * width));
  for (int64_t k = 0; k < K; ++k) {
    float* dst = b_pad.data() + k * width;
    for (int64_t j = 0; j < N; ++j) dst[j] = tb ? B[j * ldb + k] : B[k * ldb + j];
    for (int64_t j = N; j < width; ++j) dst[j] = 0.0f;
  }
  if (width == N) {
    tiles(M, N, K, A, sa_i, sa_k, b_pad.data(), width, beta, C, ldc);
    return true;
  }
  if (c_pad.size() < size_t(M * width)) c_pad.resize(size_t(M * width));
  tiles(M, width, K, A, sa_i, sa_k, b_pad.data(), width, 0.0f, c_pad.data(), width);
  for (int64_t i = 0; i < M; ++i) {
    float* c = C + i * ldc;
    const float* p = c_pad.data() + i * width;
    for (int64_t j = 0; j < N; ++j) c[j] = p[j] + (beta == 0.0f ? 0.0f : beta * c[j]);
  }
  return true;
}
#endif

void small_sgemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float* A,
                 int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
#ifdef __AVX2__
  if (avx2_sgemm(ta, tb, M, N, K, A, lda, B, ldb, beta, C, ldc)) return;
#endif
  for (int64_t i = 0; i < M; ++i) {
    float* c = C + i * ldc;
    if (beta == 0.0f) std::memset(c, 0, sizeof(float) * size_t(N));
    else if (beta != 1.0f) for (int64_t j = 0; j < N; ++j) c[j] *= beta;
  }
  if (!tb) {
    // B rows are contiguous along N: accumulate each row of A·B with axpy from zero, then add
    // it to C, as the register tiles do (C + Σ, not a running sum from C), so this fallback
    // rounds as they do and as the serving GEMV does.
    thread_local std::vector<float> row;
    row.resize(size_t(N));
    for (int64_t i = 0; i < M; ++i) {
      float* c = C + i * ldc;
      std::fill(row.begin(), row.end(), 0.0f);
      for (int64_t k = 0; k < K; ++k) {
        float a = ta ? A[k * lda + i] : A[i * lda + k];
        axpy_row(row.data(), B + k * ldb, a, N);
      }
      for (int64_t j = 0; j < N; ++j) c[j] += row[j];
    }
  } else if (!ta) {
    // B^T: C[i, j] = dot(A[i, :], B[j, :]), both contiguous along K.
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) C[i * ldc + j] += dot(A + i * lda, B + j * ldb, K);
  } else {
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        float s = 0.0f;
        for (int64_t k = 0; k < K; ++k) s += A[k * lda + i] * B[j * ldb + k];
        C[i * ldc + j] += s;
      }
  }
}

}  // namespace

namespace {
// Each thread gets at least this many multiply-adds: below it, waking a thread costs more
// than it saves (seed models' 32x100x10 products stay on one thread).
constexpr int64_t kMinWorkPerThread = 256 * 1024;

// Which kernel wins (bench/gemm_shapes.py and whole training steps, docs/cpu-gemm.md): the
// built-in tiles while the B operand fits in L2 (every W1-W4 product; OpenBLAS loses 2-3x on
// row slices of <= 128 rows there, and called from several threads at once it also maps and
// zeroes fresh buffers), OpenBLAS for large B (W5's 1024x1024), where its packing and cache
// blocking win over AVX2 tiles. AVX-512 tiles (zmm, twice OpenBLAS's AVX2 kernels' width) win
// on every shape measured, a large B^T with its transpose included (W5's dX: 330 vs 250
// GFLOP/s on two Zen 5 cores), so with them OpenBLAS is not used.
bool use_blas(bool /*trans_a*/, bool /*trans_b*/, int64_t /*M*/, int64_t N, int64_t K) {
#ifdef __AVX512F__
  (void)N;
  (void)K;
  return false;
#else
  return N * K > g_small_limit.load(std::memory_order_relaxed);
#endif
}

void sgemm_one_thread(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
                      const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
                      float* C, int64_t ldc) {
  cblas_sgemm_fn blas = g_sgemm.load(std::memory_order_relaxed);
  if (blas && use_blas(trans_a, trans_b, M, N, K)) {
    blas(kRowMajor, trans_a ? kTrans : kNoTrans, trans_b ? kTrans : kNoTrans, int(M), int(N),
         int(K), 1.0f, A, int(lda), B, int(ldb), beta, C, int(ldc));
    return;
  }
  small_sgemm(trans_a, trans_b, M, N, K, A, lda, B, ldb, beta, C, ldc);
}
}  // namespace

void sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const float* A,
           int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  sgemm_rows(trans_a, trans_b, M, N, K, A, lda, B, ldb, beta, C, ldc, {}, {});
}

void sgemm_rows(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const float* A,
                int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc,
                const std::function<void(int64_t, int64_t)>& before,
                const std::function<void(int64_t, int64_t)>& after) {
  if (M == 0 || N == 0) return;
  if (trans_b && !(g_sgemm.load(std::memory_order_relaxed) && use_blas(trans_a, trans_b, M, N, K))) {
    // The built-in tiles read B row-major: transpose it once here rather than once per
    // thread slice (dX = dZ * W^T transposes a whole weight matrix). Every CPU level does,
    // so a product with B^T is the product with its copy at each of them.
    thread_local std::vector<float> b_t;
    if (b_t.size() < size_t(K * N)) b_t.resize(size_t(K * N));
    transpose(B, N, K, ldb, b_t.data(), N);
    B = b_t.data();
    ldb = N;
    trans_b = false;
  }
  // Threads split the rows of C: no reduction, and each slice is an ordinary GEMM that the
  // single-threaded BLAS (or our kernel) runs at full speed.
  int64_t row_work = std::max<int64_t>(N * K, 1);
  int64_t grain = std::max<int64_t>(8, (kMinWorkPerThread + row_work - 1) / row_work);
  parallel_for(M, grain, [&](int64_t m0, int64_t m1) {
    const float* a = A + (trans_a ? m0 : m0 * lda);
    if (before) before(m0, m1);
    sgemm_one_thread(trans_a, trans_b, m1 - m0, N, K, a, lda, B, ldb, beta, C + m0 * ldc, ldc);
    if (after) after(m0, m1);
  });
}

bool set_blas_library(const std::string& path, const std::string& symbol_prefix) {
  void* handle;
  {
    // OpenBLAS starts its worker threads when it is loaded, and threads inherit the loader's
    // MXCSR: loading it with denormals flushed makes its kernels flush them too.
    FlushDenormals ftz;
    // RTLD_NODELETE: the pointers we keep stay valid for the life of the process.
    handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  }
  if (!handle) return false;
  auto fn = reinterpret_cast<cblas_sgemm_fn>(dlsym(handle, (symbol_prefix + "cblas_sgemm").c_str()));
  if (!fn) return false;
  auto threads = reinterpret_cast<set_threads_fn>(
      dlsym(handle, (symbol_prefix + "openblas_set_num_threads").c_str()));
  g_set_threads.store(threads);
  g_sgemm.store(fn);
  if (threads) threads(1);  // densefit's pool splits the work; BLAS threads would compete
  return true;
}

bool blas_loaded() { return g_sgemm.load() != nullptr; }

void set_num_threads(int n) { set_pool_threads(n); }

int num_threads() { return pool_threads(); }

void set_small_gemm_limit(int64_t b_elements) { g_small_limit.store(b_elements); }
int64_t small_gemm_limit() { return g_small_limit.load(); }

}  // namespace densefit
