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

// One job at a time. Protocol (it is what makes a lagging worker harmless): the caller
// publishes the job (fn_, tasks_, next_, remaining_, acks_ = 0), then bumps generation_;
// each worker that sees the new generation takes tasks from next_ until none are left and
// then acknowledges. The caller returns only when every task ran AND every worker has
// acknowledged, so no worker can still be reading this job's fields (or the caller's
// stack-held fn) when the next job overwrites them.
class Pool {
 public:
  void resize(int total) {
    total = std::max(total, 1);
    std::lock_guard<std::mutex> guard(run_mutex_);
    stop_workers();
    stop_.store(false);
    // A worker starts from the generation current now, not when its thread gets to run:
    // otherwise a job published in between would never be acknowledged.
    const uint64_t current = generation_.load();
    for (int i = 1; i < total; ++i) workers_.emplace_back([this, current] { work(current); });
  }

  int threads() const { return int(workers_.size()) + 1; }

  void run(int tasks, const std::function<void(int)>& fn) {
    std::lock_guard<std::mutex> guard(run_mutex_);
    fn_ = &fn;
    tasks_ = tasks;
    next_.store(0, std::memory_order_relaxed);
    remaining_.store(tasks, std::memory_order_relaxed);
    acks_.store(0, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    drain();
    const int workers = int(workers_.size());
    while (remaining_.load(std::memory_order_acquire) > 0 ||
           acks_.load(std::memory_order_acquire) < workers)
      DENSEFIT_PAUSE();
  }

 private:
  void drain() {
    for (int t; (t = next_.fetch_add(1, std::memory_order_relaxed)) < tasks_;) {
      (*fn_)(t);
      remaining_.fetch_sub(1, std::memory_order_release);
    }
  }

  void work(uint64_t seen) {
    FlushDenormals ftz;  // the same float mode as the calling thread during a run
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
      acks_.fetch_add(1, std::memory_order_release);
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
  std::atomic<int> next_{0}, remaining_{0}, acks_{0};
  std::atomic<bool> stop_{false};
  const std::function<void(int)>* fn_ = nullptr;
  int tasks_ = 0;
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
  int64_t chunks = std::min<int64_t>(pool().threads(), n / std::max<int64_t>(grain, 1));
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
