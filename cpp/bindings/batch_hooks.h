// Runs whose batch hooks are called from here, between executions, so a callback that
// listens to batches costs its own Python call and no trip through the trainer's loop: the
// arrays are checked once per epoch, not once per batch, and the logs dict is built here.
// Shared by _core.Network and _cuda.Network (def_network_methods).
#pragma once
#include <Python.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <utility>
#include <vector>

#include "densefit/network.h"
#include "interrupt.h"

namespace densefit {
namespace bindings {

// Result i of the running results (0: the loss, then each compiled metric): a float, or a
// float32 array for a metric with several values (per threshold, per class).
inline pybind11::object result_value(const NetworkBase& n, size_t i) {
  namespace py = pybind11;
  if (i == 0) return py::reinterpret_steal<py::object>(PyFloat_FromDouble(n.loss_result()));
  const MetricState& state = *n.metrics().at(i - 1).state;
  std::vector<double> r = state.result();
  std::vector<int64_t> shape = state.result_shape();
  if (shape.empty()) return py::float_(r.empty() ? 0.0 : r[0]);
  py::array_t<float> a(std::vector<py::ssize_t>(shape.begin(), shape.end()));
  std::copy(r.begin(), r.end(), a.mutable_data());
  return std::move(a);
}

inline pybind11::list result_values(const NetworkBase& n) {
  pybind11::list out;
  for (size_t i = 0; i <= n.metrics().size(); ++i) out.append(result_value(n, i));
  return out;
}

// The hooks of one run and what they are handed.
struct BatchHooks {
  std::vector<pybind11::object> begin, end;  // bound hook methods, called (batch, logs=...)
  // Keras's logs: (name, index into the results) in the order the dict gets its keys.
  std::vector<std::pair<pybind11::object, size_t>> log_plan;
  // Its `stop_flag` attribute (Keras's stop_training, stop_evaluating) ends the run when
  // true (None: never).
  pybind11::object model;
  // Made once per run: a name built per call would cost a string allocation per batch.
  pybind11::object logs_keyword = pybind11::make_tuple("logs");
  pybind11::str stop_flag{"stop_training"};

  void call(const std::vector<pybind11::object>& hooks, int64_t batch, PyObject* logs) const {
    pybind11::int_ index(batch);
    PyObject* args[3] = {nullptr, index.ptr(), logs};  // slot 0 free: PY_VECTORCALL_ARGUMENTS_OFFSET
    for (const auto& hook : hooks) {
      PyObject* r = PyObject_Vectorcall(hook.ptr(), args + 1, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET,
                                        logs_keyword.ptr());
      if (!r) throw pybind11::error_already_set();
      Py_DECREF(r);
    }
  }

  pybind11::dict logs(const NetworkBase& n) const {
    pybind11::dict d;
    for (const auto& [name, i] : log_plan)
      if (PyDict_SetItem(d.ptr(), name.ptr(), result_value(n, i).ptr()) != 0)
        throw pybind11::error_already_set();
    return d;
  }

  bool stop_requested() const {
    if (model.is_none()) return false;
    PyObject* flag = PyObject_GetAttr(model.ptr(), stop_flag.ptr());
    const int stop = flag ? PyObject_IsTrue(flag) : -1;
    Py_XDECREF(flag);
    if (stop < 0) throw pybind11::error_already_set();
    return stop != 0;
  }
};

// Batches first..steps of a run in executions of `per_execution` batches: begin hooks get the
// first batch of an execution, end hooks the last as if the execution were full (Keras's
// numbering), with the running logs of `net`. `run(first_batch, count, watch)` runs the
// batches, with the GIL released and `watch` for Ctrl-C (interrupt.h) when they take long
// enough, else with the GIL and a null watch. Returns the batches run.
template <class Run>
int64_t run_with_batch_hooks(const NetworkBase& net, const BatchHooks& hooks, int64_t first,
                             int64_t steps, int64_t per_execution, Run&& run) {
  namespace py = pybind11;
  if (per_execution < 1) throw py::value_error("steps_per_execution must be positive");
  constexpr auto kHoldGilBelow = std::chrono::microseconds(200);
  auto last_execution = std::chrono::steady_clock::duration::max();  // the first one releases
  int64_t step = first;
  while (step < steps) {
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();  // Ctrl-C between batches
    // A fresh empty dict, as Keras hands begin hooks (they may call logs.keys()).
    if (!hooks.begin.empty()) hooks.call(hooks.begin, step, pybind11::dict().ptr());
    const int64_t count = std::min(per_execution, steps - step);
    // Short executions keep the GIL: releasing and taking it back costs about as much as a
    // small step, and other Python threads wait no longer than a pure-Python loop would make
    // them (the interpreter's switch interval is 5 ms).
    const auto t0 = std::chrono::steady_clock::now();
    if (last_execution < kHoldGilBelow) {
      run(step, count, nullptr);
    } else {
      run_interruptible([&](int64_t done, const InterruptWatch* watch) {
        run(step + done, count - done, watch);
      }, count > 1);
    }
    last_execution = std::chrono::steady_clock::now() - t0;
    step += count;
    if (!hooks.end.empty())
      hooks.call(hooks.end, step - count + per_execution - 1, hooks.logs(net).ptr());
    if (hooks.stop_requested()) break;
  }
  return step - first;
}

}  // namespace bindings
}  // namespace densefit
