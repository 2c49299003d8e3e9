// Whole weight versions of a network's parameter arena for readers that take no lock (the
// serving pass, inference.h). A version is the arena between two writes: one write_params
// call (set_weights, load_weights), one training run, the EMA swap at the end of fit.
//
// Readers read the live arena itself whenever no write is in progress, so a model that is
// served but not changed costs no copy. A write first copies the arena (the version it is
// about to replace), points new readers at the copy, waits for the readers still on the live
// arena to finish their pass, and only then writes in place; when it ends, new readers go back
// to the live arena. A reader never waits (it counts itself in again only when a write starts
// at that very instant); a writer waits at most for the passes that started before it.
// Writers are serialized by their network's run mutex.
//
// Readers count themselves in per-thread-group counters on their own cache lines (a thread
// pinning a version writes only its group's line), so concurrent readers do not bounce a
// shared line between cores.
#pragma once
#include <atomic>
#include <cstdint>
#include <vector>

namespace densefit {

class ParamVersions {
 public:
  // `live`: the arena (`size` floats), which must stay where it is for this object's life.
  ParamVersions(const float* live, int64_t size) : live_(live), size_(size) {}
  ParamVersions(const ParamVersions&) = delete;
  ParamVersions& operator=(const ParamVersions&) = delete;

  // A reader's hold on one whole version: the live arena, or during a write the copy of the
  // version before it. The data stays unchanged until the Pin is destroyed.
  class Pin {
   public:
    explicit Pin(const ParamVersions& versions);
    ~Pin();
    Pin(const Pin&) = delete;
    Pin& operator=(const Pin&) = delete;
    const float* data() const { return data_; }

   private:
    std::atomic<int64_t>* count_;
    const float* data_;
  };

  // The writer's side, with the network's run mutex held: the arena may be written while a
  // Write exists. The constructor may throw (the copy's first allocation) before anything
  // changed; the destructor does not throw.
  class Write {
   public:
    explicit Write(ParamVersions* versions);  // null: nobody reads without the lock
    ~Write();
    Write(const Write&) = delete;
    Write& operator=(const Write&) = delete;

   private:
    ParamVersions* versions_;
  };

  // Bytes this object holds besides the arena: the copy, once the first write made it.
  int64_t copy_bytes() const { return int64_t(copy_.size() * sizeof(float)); }

 private:
  enum Which { kLive = 0, kCopy = 1 };
  static constexpr int kGroups = 16;
  struct alignas(64) Group {
    std::atomic<int64_t> readers[2] = {0, 0};  // per Which
  };

  void wait_for_readers(Which which) const;

  const float* live_;
  int64_t size_;
  std::vector<float> copy_;  // the version before the write in progress (written under the lock)
  std::atomic<int> current_{kLive};  // where a new reader goes
  mutable Group groups_[kGroups];
};

}  // namespace densefit
