// One counter-based RNG (Philox4x32-10) for initializers, shuffling and dropout.
// A value depends only on (seed, stream, position): results are reproducible whatever the
// thread count or call order, and any stream can be skipped ahead for free.
#pragma once
#include <cstdint>

namespace densefit {

class Philox {
 public:
  Philox(uint64_t seed, uint64_t stream) : seed_(seed), stream_(stream) {}
  // Four 32-bit random words for block `position` of this stream.
  void block(uint64_t position, uint32_t out[4]) const;
  // n uniform floats in [0, 1) starting at element `position` of the stream.
  void uniform(uint64_t position, float* out, int64_t n) const;
  // n standard normal floats (Box-Muller) starting at pair `position` of the stream.
  void normal(uint64_t position, float* out, int64_t n) const;

 private:
  uint64_t seed_, stream_;
};

// Fisher-Yates permutation of 0..n-1 drawn from (seed, stream).
void random_permutation(uint64_t seed, uint64_t stream, int64_t* out, int64_t n);

}  // namespace densefit
