// Single-precision GEMM for the CPU backend, row-major:
//   C[M,N] = op(A)[M,K] * op(B)[K,N] + beta * C
// op(A) = A (M x K, leading dim lda) or A^T (A stored K x M); likewise for B.
// Products with a small B operand use densefit's own kernels; large ones go to a BLAS
// loaded at run time with set_blas_library (docs/cpu-gemm.md has the measurement).
#pragma once
#include <cstdint>
#include <functional>
#include <string>

namespace densefit {

void sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const float* A,
           int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

// sgemm whose row slices (each on one pool thread) also run `before(m0, m1)` on C's rows
// [m0, m1) ahead of the product and `after(m0, m1)` behind it: a Dense layer's bias rows and
// activation then cost no serial pass over C, and touch the slice while it is in that
// core's cache. Either may be empty.
void sgemm_rows(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const float* A,
                int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc,
                const std::function<void(int64_t, int64_t)>& before,
                const std::function<void(int64_t, int64_t)>& after);

// Loads a CBLAS shared library (e.g. scipy-openblas32's libscipy_openblas.so) whose sgemm is
// named `<prefix>cblas_sgemm`. Returns false (and keeps the built-in kernels) if it can't.
bool set_blas_library(const std::string& path, const std::string& symbol_prefix);
bool blas_loaded();

// Threads for the CPU backend (densefit's pool, caller included; see parallel.h). The BLAS
// itself runs single-threaded on row slices that the pool hands out.
void set_num_threads(int n);
int num_threads();

// Products whose B operand has at most this many elements (K*N) use the built-in kernels;
// larger ones go to the BLAS when one is loaded. Tunable for benchmarks.
void set_small_gemm_limit(int64_t b_elements);
int64_t small_gemm_limit();

}  // namespace densefit
