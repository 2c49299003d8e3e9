#include "densefit/rng.h"

#include <cmath>

namespace densefit {
namespace {
constexpr uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;

inline void mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  uint64_t p = uint64_t(a) * b;
  hi = uint32_t(p >> 32);
  lo = uint32_t(p);
}

// 2^-24: maps the top 24 bits of a word to [0, 1) exactly representable in float.
inline float to_unit(uint32_t w) { return float(w >> 8) * (1.0f / 16777216.0f); }
}  // namespace

void Philox::block(uint64_t position, uint32_t out[4]) const {
  uint32_t c0 = uint32_t(position), c1 = uint32_t(position >> 32);
  uint32_t c2 = uint32_t(stream_), c3 = uint32_t(stream_ >> 32);
  uint32_t k0 = uint32_t(seed_), k1 = uint32_t(seed_ >> 32);
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo(kMul0, c0, hi0, lo0);
    mulhilo(kMul1, c2, hi1, lo1);
    uint32_t n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
    c0 = n0; c1 = n1; c2 = n2; c3 = n3;
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

void Philox::uniform(uint64_t position, float* out, int64_t n) const {
  uint32_t words[4];
  int64_t i = 0;
  uint64_t blk = position / 4;
  int lane = int(position % 4);
  while (i < n) {
    block(blk++, words);
    for (; lane < 4 && i < n; ++lane) out[i++] = to_unit(words[lane]);
    lane = 0;
  }
}

void Philox::normal(uint64_t position, float* out, int64_t n) const {
  uint32_t words[4];
  for (int64_t i = 0; i < n; i += 2) {
    block(position + uint64_t(i / 2), words);
    // u1 in (0, 1] so the log is finite.
    double u1 = (double(words[0] >> 8) + 1.0) / 16777216.0;
    double u2 = double(words[1] >> 8) / 16777216.0;
    double r = std::sqrt(-2.0 * std::log(u1));
    out[i] = float(r * std::cos(2.0 * M_PI * u2));
    if (i + 1 < n) out[i + 1] = float(r * std::sin(2.0 * M_PI * u2));
  }
}

void random_permutation(uint64_t seed, uint64_t stream, int64_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = i;
  Philox rng(seed, stream);
  uint32_t words[4];
  // Each Philox block gives two 64-bit draws: one block per two swaps.
  for (int64_t i = n - 1; i > 0; --i) {
    int64_t step = n - 1 - i;
    if (step % 2 == 0) rng.block(uint64_t(step / 2), words);
    int lane = int(step % 2) * 2;
    uint64_t r = (uint64_t(words[lane]) << 32) | words[lane + 1];
    int64_t j = int64_t(r % uint64_t(i + 1));
    int64_t t = out[i]; out[i] = out[j]; out[j] = t;
  }
}

}  // namespace densefit
