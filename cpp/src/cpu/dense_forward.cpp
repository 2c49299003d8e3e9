#include "cpu/dense_forward.h"

#include <cstring>

#include "densefit/gemm.h"

namespace densefit {

void dense_forward(const float* in, int64_t rows, int64_t in_dim, int64_t out_dim,
                   const float* kernel, const float* bias, Activation activation,
                   float activation_alpha, float* z, float* out) {
  const size_t row_bytes = sizeof(float) * size_t(out_dim);
  // C starts as the bias rows and the GEMM adds onto them (beta 1): no extra pass over C.
  auto bias_rows = [&](int64_t m0, int64_t m1) {
    for (int64_t r = m0; r < m1; ++r) std::memcpy(z + r * out_dim, bias, row_bytes);
  };
  auto activate = [&](int64_t m0, int64_t m1) {
    activation_forward(activation, activation_alpha, z + m0 * out_dim, out + m0 * out_dim,
                       m1 - m0, out_dim);
  };
  using RowsFn = std::function<void(int64_t, int64_t)>;
  sgemm_rows(false, false, rows, out_dim, in_dim, in, in_dim, kernel, out_dim,
             bias ? 1.0f : 0.0f, z, out_dim, bias ? RowsFn(bias_rows) : RowsFn(),
             activation == Activation::Linear ? RowsFn() : RowsFn(activate));
}

}  // namespace densefit
