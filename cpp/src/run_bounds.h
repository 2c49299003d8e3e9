// Sizes and batch counts computed from what a caller passes (batch sizes, row counts, layer
// widths, starts): a product that would overflow int64 or outgrow a std::vector<float>
// throws with the sizes named, instead of wrapping into a small buffer that a run then
// writes past. Shared by both backends' networks (cpp/src/network.cpp, cuda/network.cpp).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>

namespace densefit {

// The most floats one buffer may hold (std::vector<float>::max_size on 64-bit targets).
constexpr int64_t kMaxFloats = int64_t(std::numeric_limits<std::ptrdiff_t>::max() / sizeof(float));

// std::bad_alloc that says what did not fit (Python gets MemoryError with this message).
class OutOfMemory : public std::bad_alloc {
 public:
  explicit OutOfMemory(std::string what) : what_(std::make_shared<const std::string>(std::move(what))) {}
  const char* what() const noexcept override { return what_->c_str(); }

 private:
  std::shared_ptr<const std::string> what_;  // shared: copying an exception must not throw
};

// "N floats (X MiB)" for messages.
inline std::string describe_floats(int64_t floats) {
  return std::to_string(floats) + " floats (" + std::to_string((floats * 4) >> 20) + " MiB)";
}

// a * b floats (a, b >= 0) for `what`; std::length_error when that many cannot be held.
inline int64_t checked_floats(int64_t a, int64_t b, const std::string& what) {
  if (a < 0 || b < 0) throw std::invalid_argument(what + ": negative size");
  if (b != 0 && a > kMaxFloats / b)
    throw std::length_error(what + ": " + std::to_string(a) + " x " + std::to_string(b) +
                            " floats, more than fit in memory");
  return a * b;
}

// a + b floats (a, b >= 0) for `what`, as checked_floats.
inline int64_t checked_sum(int64_t a, int64_t b, const std::string& what) {
  if (a > kMaxFloats - b)
    throw std::length_error(what + ": " + std::to_string(a) + " + " + std::to_string(b) +
                            " floats, more than fit in memory");
  return a + b;
}

// Checks a train / evaluate run's arguments (std::invalid_argument naming the bad one).
inline void check_run_arguments(int64_t start, int64_t batch_size, int64_t num_batches) {
  if (batch_size <= 0)
    throw std::invalid_argument("batch_size must be positive, got " + std::to_string(batch_size));
  if (start < 0) throw std::invalid_argument("start must be non-negative, got " + std::to_string(start));
  if (num_batches < 0)
    throw std::invalid_argument("num_batches must be non-negative, got " + std::to_string(num_batches));
}

// How many of `num_batches` batches of `batch_size` samples from sample `start` hold at least
// one of `num_samples` samples. Batch b (< that count) starts at start + b * batch_size,
// which then cannot overflow, and holds min(batch_size, num_samples - first) samples.
inline int64_t batches_in_run(int64_t num_samples, int64_t start, int64_t batch_size,
                              int64_t num_batches) {
  if (start >= num_samples) return 0;
  const int64_t left = num_samples - start;
  return std::min(num_batches, left / batch_size + (left % batch_size != 0));
}

// The first sample of batch `step` of a run that starts at `start`, or INT64_MAX when that
// lies past any array (a batch there holds no samples).
inline int64_t batch_start(int64_t start, int64_t step, int64_t batch_size) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (start < 0) return start;  // the run refuses it
  if (step > 0 && batch_size > (kMax - start) / step) return kMax;
  return start + step * batch_size;
}

}  // namespace densefit
