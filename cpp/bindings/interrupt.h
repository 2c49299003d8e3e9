// Ctrl-C during a native call that runs with the GIL released.
//
// Python only notes a SIGINT (its C handler sets a flag) and raises KeyboardInterrupt when the
// main thread next runs bytecode, which a native epoch would delay to its end. So for the
// length of such a call made on the main thread, SIGINT also bumps the core's interrupt
// generation (densefit/interrupt.h) before it runs the handler that was there (Python's).
// The run watching it stops at its next batch boundary and throws Interrupted; with the GIL
// back, PyErr_CheckSignals() runs the Python-level handler: KeyboardInterrupt propagates,
// and a handler that returns (one that only counts, say) makes the run go on from where it
// stopped, so its results are those of a run no signal reached.
//
// Shared by _core and _cuda (the network methods and the serving path).
#pragma once
#include <Python.h>
#include <pybind11/pybind11.h>

#include <cstdint>

#include "densefit/interrupt.h"

namespace densefit {
namespace bindings {

// True on the thread that runs Python's signal handlers (the main thread). Needs the GIL.
bool on_main_thread();

// While one that is `active` lives, SIGINT bumps the interrupt generation and then runs the
// handler installed before it. The first to be made installs the forwarding handler (one
// sigaction call), the last to go puts the one before back (another); a SIG_DFL or SIG_IGN
// disposition is left alone (Ctrl-C then ends the process, or does nothing, as before).
class SigintForwarder {
 public:
  explicit SigintForwarder(bool active);
  ~SigintForwarder();
  SigintForwarder(const SigintForwarder&) = delete;
  SigintForwarder& operator=(const SigintForwarder&) = delete;

 private:
  bool active_;
};

// Calls run(done, watch) with the GIL released until it returns: `done` is how far earlier
// tries got (0 first), `watch` what the core run stops on (null off the main thread: those
// runs go to the end, and Python handles the signal when the main thread gets to it). A try
// that throws Interrupted(n) added n to `done`; then pending signal handlers run, and a
// Python exception they raise propagates from here.
// `stoppable`: false when the run has no point to stop at before its end (one batch, one row
// chunk): the handler's two sigaction calls would then be its whole cost (+6% on a single-
// sample predict), and Python raises KeyboardInterrupt as soon as the call returns anyway.
template <class Run>
void run_interruptible(Run&& run, bool stoppable = true) {
  namespace py = pybind11;
  if (!stoppable) {
    py::gil_scoped_release release;
    run(int64_t(0), static_cast<const InterruptWatch*>(nullptr));
    return;
  }
  const bool watched = on_main_thread();
  int64_t done = 0;
  for (;;) {
    try {
      py::gil_scoped_release release;
      // The watch starts before the handler goes in, so a signal in between is not missed.
      const InterruptWatch watch;
      SigintForwarder forward(watched);
      run(done, watched ? &watch : nullptr);
      return;
    } catch (const Interrupted& stopped) {
      done += stopped.done();
    }
    // The GIL is held and the previous handler is back: a Python handler may replace it.
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  }
}

}  // namespace bindings
}  // namespace densefit
