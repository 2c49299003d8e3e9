#include "densefit/interrupt.h"

namespace densefit {
namespace detail {

// A signal handler bumps it, so it must be lock-free to be async-signal-safe.
static_assert(std::atomic<uint64_t>::is_always_lock_free, "the interrupt generation must be lock-free");
std::atomic<uint64_t> interrupt_generation{0};

}  // namespace detail
}  // namespace densefit
