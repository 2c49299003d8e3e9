#include "densefit/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#define DENSEFIT_PAUSE() _mm_pause()
#else
#define DENSEFIT_PAUSE() std::this_thread::yield()
#endif

#include "cpu/denormals.h"

namespace densefit {
namespace {

// Workers spin this long for the next job before sleeping: a training step issues jobs with
// short serial gaps between them (gathering the next batch, the loss), and waking a sleeping
// thread (a futex, and on a VM an idle virtual CPU) costs more than a small layer. Measured
// by time, not by PAUSE count: PAUSE takes 3 cycles on some cores and 140 on others.
constexpr auto kSpinTime = std::chrono::microseconds(500);

// One job at a time. A job is published as one 64-bit word: job id (32 bits) | task count
// (16) | next task (16). A thread claims a task with a compare-and-swap on that word, so a
// claim always names the job it belongs to, and the job's fields (fn_) cannot change while
// one of its claimed tasks is unfinished: the caller returns only when all `tasks` claimed
// tasks are done. A worker that wakes late (descheduled, or asleep) claims nothing from a
// finished job and simply joins the current one: the caller never waits for a worker that
// has no task, and runs every task itself if no worker shows up.
class Pool {
 public:
  void resize(int total) {
    total = std::max(total, 1);
    std::lock_guard<std::mutex> guard(run_mutex_);
    stop_workers();
    stop_.store(false);
    for (int i = 1; i < total; ++i) workers_.emplace_back([this] { work(); });
  }

  int threads() const { return int(workers_.size()) + 1; }

  void run(int tasks, const std::function<void(int)>& fn) {
    std::lock_guard<std::mutex> guard(run_mutex_);
    fn_ = &fn;
    remaining_.store(tasks, std::memory_order_relaxed);
    ++job_id_;
    work_.store((job_id_ << 32) | (uint64_t(tasks) << 16), std::memory_order_release);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    drain();
    while (remaining_.load(std::memory_order_acquire) > 0) DENSEFIT_PAUSE();
  }

 private:
  void drain() {
    uint64_t w = work_.load(std::memory_order_acquire);
    for (;;) {
      const uint64_t next = w & 0xFFFF, tasks = (w >> 16) & 0xFFFF;
      if (next >= tasks) return;
      if (!work_.compare_exchange_weak(w, w + 1, std::memory_order_acq_rel,
                                       std::memory_order_acquire))
        continue;  // w now holds the current word: retry with it
      (*fn_)(int(next));
      remaining_.fetch_sub(1, std::memory_order_release);
      w = work_.load(std::memory_order_acquire);
    }
  }

  void work() {
    FlushDenormals ftz;  // the same float mode as the calling thread during a run
    uint64_t seen = generation_.load(std::memory_order_acquire);
    for (;;) {
      int spins = 0;
      auto spin_until = std::chrono::steady_clock::now() + kSpinTime;
      while (generation_.load(std::memory_order_acquire) == seen && !stop_.load()) {
        if ((++spins & 63) != 0 || std::chrono::steady_clock::now() < spin_until) {
          DENSEFIT_PAUSE();
        } else {
          std::unique_lock<std::mutex> lock(mutex_);
          wake_.wait(lock, [&] { return generation_.load() != seen || stop_.load(); });
        }
      }
      if (stop_.load()) return;
      seen = generation_.load(std::memory_order_acquire);
      drain();
    }
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_.store(true);
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  std::mutex run_mutex_, mutex_;
  std::condition_variable wake_;
  std::vector<std::thread> workers_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint64_t> work_{0};
  std::atomic<int> remaining_{0};
  std::atomic<bool> stop_{false};
  const std::function<void(int)>* fn_ = nullptr;
  uint64_t job_id_ = 0;  // only the caller (under run_mutex_) touches it
};

Pool& pool() {
  static Pool* p = [] {
    auto* created = new Pool();  // never destroyed: workers may outlive static destructors
    created->resize(int(std::max(1u, std::thread::hardware_concurrency())));
    return created;
  }();
  return *p;
}

}  // namespace

void set_pool_threads(int n) {
  if (n <= 0) n = int(std::max(1u, std::thread::hardware_concurrency()));
  if (n != pool().threads()) pool().resize(n);
}

int pool_threads() { return pool().threads(); }

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  // At most 65535 chunks: the task count is a 16-bit field of the job word.
  int64_t chunks = std::min<int64_t>({int64_t(pool().threads()), n / std::max<int64_t>(grain, 1),
                                      int64_t(0xFFFF)});
  if (chunks <= 1) {
    fn(0, n);
    return;
  }
  int64_t per = (n + chunks - 1) / chunks;
  pool().run(int(chunks), [&](int t) {
    int64_t begin = t * per, end = std::min(n, begin + per);
    if (begin < end) fn(begin, end);
  });
}

}  // namespace densefit
