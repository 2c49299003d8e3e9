// Whole weight versions for lock-free readers (param_versions.h), and the network's entry
// points that write or read the arena as whole versions (network.h).
#include "densefit/param_versions.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "densefit/network.h"

namespace densefit {
namespace {

// Threads take counter groups in turn, so up to kGroups serving threads never share a line.
int reader_group(int groups) {
  static std::atomic<unsigned> next{0};
  thread_local const int group = int(next.fetch_add(1, std::memory_order_relaxed) % unsigned(groups));
  return group;
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

void check_range(const char* what, int64_t offset, int64_t count, int64_t size) {
  if (offset < 0 || count < 0 || offset > size || count > size - offset)
    throw std::invalid_argument(std::string(what) + ": offset " + std::to_string(offset) +
                                " with " + std::to_string(count) +
                                " values is outside the arena of " + std::to_string(size) +
                                " parameters");
}

}  // namespace

ParamVersions::Pin::Pin(const ParamVersions& v) {
  Group& group = v.groups_[reader_group(kGroups)];
  for (;;) {
    const int which = v.current_.load(std::memory_order_seq_cst);
    std::atomic<int64_t>& count = group.readers[which];
    count.fetch_add(1, std::memory_order_seq_cst);
    // A writer switches current_ before it sums the counts of the buffer it is about to
    // write, and we count ourselves in before looking again: either it sees our count and
    // waits for us, or we see its switch here and go to the other buffer.
    if (v.current_.load(std::memory_order_seq_cst) == which) {
      count_ = &count;
      data_ = which == kLive ? v.live_ : v.copy_.data();
      return;
    }
    count.fetch_sub(1, std::memory_order_relaxed);  // never read anything through it
  }
}

ParamVersions::Pin::~Pin() {
  count_->fetch_sub(1, std::memory_order_release);  // our reads happen before the next write
}

ParamVersions::Write::Write(ParamVersions* v) : versions_(v) {
  if (!v) return;
  // The one allocation, on the first write (before anything changed, so a throw leaves all
  // as it was); the copy then lives as long as the network.
  if (v->copy_.size() != size_t(v->size_)) v->copy_.resize(size_t(v->size_));
  // Readers that pinned the copy during the previous write may still be on it.
  v->wait_for_readers(kCopy);
  std::copy(v->live_, v->live_ + v->size_, v->copy_.data());
  v->current_.store(kCopy, std::memory_order_seq_cst);
  v->wait_for_readers(kLive);
}

ParamVersions::Write::~Write() {
  if (versions_) versions_->current_.store(kLive, std::memory_order_seq_cst);
}

void ParamVersions::wait_for_readers(Which which) const {
  // Readers hold a pin for one forward pass: microseconds for a request, longer for a large
  // batch, so spin briefly, then yield, then sleep.
  for (int round = 0;; ++round) {
    int64_t readers = 0;
    for (const Group& g : groups_) readers += g.readers[which].load(std::memory_order_seq_cst);
    if (readers == 0) return;
    if (round < 64) {
      cpu_relax();
    } else if (round < 2048) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
}

// ---- NetworkBase: the arena as whole versions ----------------------------------------------

void NetworkBase::write_params(const std::vector<ParamSpan>& spans) {
  for (const auto& s : spans) {
    check_range("write_params", s.offset, s.count, num_params());
    if (s.count > 0 && !s.values) throw std::invalid_argument("write_params: no values");
  }
  std::lock_guard<std::mutex> lock(run_mutex_);
  ArenaWrite write(*this);
  for (const auto& s : spans) std::copy(s.values, s.values + s.count, params_.data() + s.offset);
}

void NetworkBase::read_params(int64_t offset, int64_t count, float* out) {
  check_range("read_params", offset, count, num_params());
  if (const ParamVersions* versions = versions_.load(std::memory_order_acquire)) {
    ParamVersions::Pin pin(*versions);
    std::copy(pin.data() + offset, pin.data() + offset + count, out);
    return;
  }
  std::lock_guard<std::mutex> lock(run_mutex_);
  std::copy(params_.data() + offset, params_.data() + offset + count, out);
}

const ParamVersions& NetworkBase::serve_versions() {
  std::lock_guard<std::mutex> lock(run_mutex_);  // writers read versions_ under it
  if (!versions_owner_) {
    versions_owner_ = std::make_unique<ParamVersions>(params_.data(), num_params());
    versions_.store(versions_owner_.get(), std::memory_order_release);
  }
  return *versions_owner_;
}

}  // namespace densefit
