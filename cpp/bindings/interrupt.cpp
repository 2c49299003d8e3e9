// SIGINT forwarding for GIL-released native calls (interrupt.h).
#include "interrupt.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>

#if defined(__unix__) || defined(__APPLE__)
#define DENSEFIT_SIGACTION 1
#endif

namespace densefit {
namespace bindings {

bool on_main_thread() {
#if PY_VERSION_HEX < 0x030E0000
  return _PyOS_IsMainThread() != 0;  // what signal.signal and PyErr_CheckSignals go by
#else
  namespace py = pybind11;
  py::object main = py::module_::import("threading").attr("main_thread")();
  return main.attr("ident").cast<unsigned long>() == PyThread_get_thread_ident();
#endif
}

#ifdef DENSEFIT_SIGACTION
namespace {

// `previous` is written while `state` is Installing and read by the handler once it is
// Ready (or Idle: a signal taken just before the restore). A signal that lands between the
// sigaction call and `previous` being known finds Installing, marks Missed, and leaves the
// chaining to the installer.
enum : int { kIdle, kInstalling, kMissed, kReady };
std::atomic<int> state{kIdle};
struct sigaction previous;
std::mutex install_mutex;
int users = 0;          // forwarders alive (install_mutex)
bool installed = false;  // ours is in place (install_mutex)

static_assert(std::atomic<int>::is_always_lock_free, "the handler's state must be lock-free");

bool is_function(const struct sigaction& a) {
  if (a.sa_flags & SA_SIGINFO) return a.sa_sigaction != nullptr;
  return a.sa_handler != SIG_DFL && a.sa_handler != SIG_IGN;
}

void run_previous(int sig, siginfo_t* info, void* context) {
  if (!is_function(previous)) return;  // never installed over anything to run
  if (previous.sa_flags & SA_SIGINFO) {
    siginfo_t none;
    if (!info) {  // the installer chaining for a signal it missed: a plain kill()
      std::memset(&none, 0, sizeof none);
      none.si_signo = sig;
      none.si_code = SI_USER;
      info = &none;
    }
    previous.sa_sigaction(sig, info, context);
  } else {
    previous.sa_handler(sig);
  }
}

extern "C" void forward_sigint(int sig, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  request_interrupt();
  int s = state.load(std::memory_order_acquire);
  while (s == kInstalling && !state.compare_exchange_weak(s, kMissed, std::memory_order_acq_rel)) {
  }
  // Installing (now Missed) or Missed: the installer runs the previous handler once, as
  // the kernel folds signals that arrive before the first is handled.
  if (s != kInstalling && s != kMissed) run_previous(sig, info, context);
  errno = saved_errno;
}

void install() {
  struct sigaction ours;
  std::memset(&ours, 0, sizeof ours);
  ours.sa_sigaction = forward_sigint;
  ours.sa_flags = SA_SIGINFO | SA_ONSTACK;  // Python's own flags: no SA_RESTART
  sigemptyset(&ours.sa_mask);
  state.store(kInstalling, std::memory_order_relaxed);  // sigaction orders it before ours runs
  struct sigaction before;
  if (sigaction(SIGINT, &ours, &before) != 0) {
    state.store(kIdle, std::memory_order_relaxed);
    return;  // Ctrl-C then works as without forwarding: at the end of the call
  }
  if (!is_function(before)) {
    sigaction(SIGINT, &before, nullptr);
    const bool missed = state.exchange(kIdle) == kMissed;
    if (missed && before.sa_handler == SIG_DFL && !(before.sa_flags & SA_SIGINFO)) raise(SIGINT);
    return;
  }
  previous = before;
  int expected = kInstalling;
  if (!state.compare_exchange_strong(expected, kReady, std::memory_order_acq_rel)) {
    state.store(kReady, std::memory_order_release);
    run_previous(SIGINT, nullptr, nullptr);
  }
  installed = true;
}

void restore() {
  sigaction(SIGINT, &previous, nullptr);
  state.store(kIdle, std::memory_order_release);
  installed = false;
}

}  // namespace

SigintForwarder::SigintForwarder(bool active) : active_(active) {
  if (!active_) return;
  std::lock_guard<std::mutex> lock(install_mutex);
  if (users++ == 0) install();
}

SigintForwarder::~SigintForwarder() {
  if (!active_) return;
  std::lock_guard<std::mutex> lock(install_mutex);
  if (--users == 0 && installed) restore();
}

#else  // no sigaction (Windows): Ctrl-C is seen when the call returns, as before

SigintForwarder::SigintForwarder(bool active) : active_(active) {}
SigintForwarder::~SigintForwarder() = default;

#endif

}  // namespace bindings
}  // namespace densefit
