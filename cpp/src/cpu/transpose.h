// T = B^T for a row-major B (rows x cols, leading dimension ldb) into T (cols x rows, ldt).
// Blocked in 32 x 32 tiles, each moved as 8 x 8 register transposes: a 256 x 256 weight
// matrix takes 6 µs this way and 177 µs element by element (the strided writes miss the
// cache on every element), which made dX = dZ * W^T slower than OpenBLAS on W4.
#pragma once
#include <algorithm>
#include <cstdint>

#ifdef __AVX2__
#include <immintrin.h>
#endif

namespace densefit {

#ifdef __AVX2__
// The 8 x 8 block at src (row stride ls) transposed to dst (row stride ld).
inline void transpose_8x8(const float* src, int64_t ls, float* dst, int64_t ld) {
  __m256 r[8], t[8];
  for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * ls);
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
    r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
    r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  for (int i = 0; i < 4; ++i) {
    _mm256_storeu_ps(dst + i * ld, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
    _mm256_storeu_ps(dst + (i + 4) * ld, _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
  }
}
#endif

inline void transpose(const float* B, int64_t rows, int64_t cols, int64_t ldb, float* T,
                      int64_t ldt) {
  constexpr int64_t kTile = 32;
  for (int64_t r0 = 0; r0 < rows; r0 += kTile)
    for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
      const int64_t r1 = std::min(rows, r0 + kTile), c1 = std::min(cols, c0 + kTile);
      int64_t r = r0;
#ifdef __AVX2__
      for (; r + 8 <= r1; r += 8) {
        int64_t c = c0;
        for (; c + 8 <= c1; c += 8) transpose_8x8(B + r * ldb + c, ldb, T + c * ldt + r, ldt);
        for (; c < c1; ++c)
          for (int64_t i = r; i < r + 8; ++i) T[c * ldt + i] = B[i * ldb + c];
      }
#endif
      for (; r < r1; ++r)
        for (int64_t c = c0; c < c1; ++c) T[c * ldt + r] = B[r * ldb + c];
    }
}

}  // namespace densefit
