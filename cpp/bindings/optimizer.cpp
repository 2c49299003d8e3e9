// Bindings for densefit/optimizer.h and densefit/schedules.h: an optimizer over caller-owned
// float32 arrays, for testing the update rules op by op against Keras.
#include "densefit/optimizer.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <vector>

#include "densefit/schedules.h"
#include "optimizer_config.h"

namespace py = pybind11;
using namespace densefit;

namespace {

// A writable, C-contiguous, 1-D float32 array (no conversion: apply() writes through it).
float* float_buffer(const py::array& a, const char* what, int64_t expected_size) {
  if (!a.dtype().is(py::dtype::of<float>()))
    throw py::value_error(std::string(what) + " must be float32, got " +
                          py::str(a.dtype()).cast<std::string>());
  if (a.ndim() != 1) throw py::value_error(std::string(what) + " must be 1-D");
  if (!(a.flags() & py::array::c_style))
    throw py::value_error(std::string(what) + " must be C-contiguous");
  if (!a.writeable()) throw py::value_error(std::string(what) + " must be writable");
  if (expected_size >= 0 && a.shape(0) != expected_size)
    throw py::value_error(std::string(what) + " has " + std::to_string(a.shape(0)) +
                          " elements, expected " + std::to_string(expected_size));
  return static_cast<float*>(const_cast<void*>(a.data()));
}

// [(offset, size, trainable[, use_weight_decay]), ...]
std::vector<ParamSegment> segments_from(const py::sequence& list) {
  std::vector<ParamSegment> segments;
  for (auto item : list) {
    py::tuple t = py::reinterpret_borrow<py::object>(item).cast<py::tuple>();
    if (t.size() != 3 && t.size() != 4)
      throw py::value_error("a segment is (offset, size, trainable[, use_weight_decay])");
    ParamSegment s;
    s.offset = t[0].cast<int64_t>();
    s.size = t[1].cast<int64_t>();
    s.trainable = t[2].cast<bool>();
    if (t.size() == 4) s.use_weight_decay = t[3].cast<bool>();
    segments.push_back(s);
  }
  return segments;
}

struct PyOptimizer {
  std::unique_ptr<Optimizer> opt;
  int64_t slots_for(int64_t n) const { return int64_t(opt->slot_count()) * n; }
};

}  // namespace

void init_optimizer(py::module_& m) {
  py::class_<PyOptimizer>(m, "Optimizer",
                          "A Keras 3 optimizer over caller-owned float32 arrays.")
      .def(py::init([](const py::dict& config) {
             return PyOptimizer{Optimizer::create(optimizer_config_from_dict(config))};
           }),
           py::arg("config"),
           "config: a Keras optimizer get_config() dict (or serialize() form).")
      .def_property_readonly(
          "slot_count", [](const PyOptimizer& o) { return o.opt->slot_count(); },
          "How many n-element state arrays the optimizer keeps.")
      .def(
          "init_slots",
          [](PyOptimizer& o, const py::array& params) {
            const float* p = float_buffer(params, "params", -1);
            const int64_t n = params.shape(0);
            py::array_t<float> slots(o.slots_for(n));
            float* s = slots.mutable_data();
            {
              py::gil_scoped_release release;
              o.opt->init_slots(p, s, n);
            }
            return slots;
          },
          py::arg("params"), "The initial state: float32 (slot_count * n,).")
      .def(
          "apply",
          [](PyOptimizer& o, const py::array& params, const py::array& grads,
             const py::array& slots, const py::sequence& segments) {
            float* p = float_buffer(params, "params", -1);
            const int64_t n = params.shape(0);
            float* g = float_buffer(grads, "grads", n);
            float* s = float_buffer(slots, "slots", o.slots_for(n));
            std::vector<ParamSegment> segs = segments_from(segments);
            py::gil_scoped_release release;
            o.opt->apply(p, g, s, n, segs);
          },
          py::arg("params"), py::arg("grads"), py::arg("slots"), py::arg("segments"),
          "One Keras apply_gradients, in place. segments: [(offset, size, trainable"
          "[, use_weight_decay])], one per Keras variable. grads may be modified.")
      .def(
          "finalize",
          [](PyOptimizer& o, const py::array& params, const py::array& slots,
             const py::object& segments) {
            float* p = float_buffer(params, "params", -1);
            const int64_t n = params.shape(0);
            const float* s = float_buffer(slots, "slots", o.slots_for(n));
            if (segments.is_none()) {
              py::gil_scoped_release release;
              o.opt->finalize(p, s, n);
            } else {
              std::vector<ParamSegment> segs = segments_from(segments);
              py::gil_scoped_release release;
              o.opt->finalize(p, s, n, segs);
            }
          },
          py::arg("params"), py::arg("slots"), py::arg("segments") = py::none(),
          "With use_ema, copy the moving averages over the trainable parameters (Keras's "
          "finalize_variable_values); segments default to those of the last apply.")
      .def_property(
          "iterations", [](const PyOptimizer& o) { return o.opt->iterations(); },
          [](PyOptimizer& o, int64_t it) { o.opt->set_iterations(it); },
          "Keras's optimizer.iterations (accumulated steps with gradient accumulation).")
      .def_property(
          "apply_count", [](const PyOptimizer& o) { return o.opt->apply_count(); },
          [](PyOptimizer& o, int64_t c) { o.opt->set_apply_count(c); },
          "Calls to apply() so far (Keras's optimizer._iterations).")
      .def_property(
          "learning_rate", [](const PyOptimizer& o) { return o.opt->current_learning_rate(); },
          [](PyOptimizer& o, double lr) {
            if (o.opt->has_schedule())
              throw py::type_error(
                  "This optimizer was created with a `LearningRateSchedule` object as its "
                  "`learning_rate` constructor argument, hence its learning rate is not "
                  "settable.");
            o.opt->set_learning_rate(lr);
          },
          "The learning rate the next apply() uses (float32-rounded, like Keras's).");

  m.def(
      "schedule_learning_rate",
      [](const py::object& schedule, int64_t step) {
        return schedule_learning_rate(schedule_from_object(schedule), step);
      },
      py::arg("schedule"), py::arg("step"),
      "A Keras learning rate schedule (serialized dict, or a float) at `step`, in double.");
}
