// The methods _core.Network and _cuda.Network bind the same way (the trainer calls either
// class with the same arguments): shapes, the parameter and slot views, segments, compile,
// the three runs, results, the optimizer's learning rate and iterations, seed and steps.
// Each module adds its own constructor and extras.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "../src/run_bounds.h"
#include "batch_hooks.h"
#include "densefit/network.h"
#include "interrupt.h"
#include "loss_config.h"
#include "network_specs.h"
#include "optimizer_config.h"
#include "param_methods.h"

namespace densefit {
namespace bindings {

// train_run and evaluate_run: the same arguments, checked the same way, GIL released,
// Ctrl-C seen between batches (interrupt.h).
template <class Net>
auto batch_run(void (Net::*method)(const RunData&, int64_t, int64_t, int64_t), const char* what) {
  return [method, what](Net& n, pybind11::object x, pybind11::object y, pybind11::object sw,
                        pybind11::object order, int64_t start, int64_t batch_size,
                        int64_t num_batches, int64_t target_dim) {
    RunData d = run_data(n.input_dim(), target_dim, x, y, sw, order);
    if (!d.y) throw pybind11::value_error(std::string("y is required for ") + what);
    run_interruptible([&](int64_t done, const InterruptWatch* watch) {
      RunData watched = d;
      watched.interrupt = watch;
      (n.*method)(watched, batch_start(start, done, batch_size), batch_size, num_batches - done);
    }, num_batches > 1);
  };
}

// train_run / evaluate_run over batches first..steps with batch hooks called between
// executions (batch_hooks.h).
template <class Net>
auto hooked_run(void (Net::*method)(const RunData&, int64_t, int64_t, int64_t), const char* what) {
  namespace py = pybind11;
  return [method, what](Net& n, py::object x, py::object y, py::object sw, py::object order,
                        int64_t start, int64_t batch_size, int64_t first_step, int64_t steps,
                        int64_t steps_per_execution, int64_t target_dim, const py::list& begin,
                        const py::list& end, const py::list& log_plan, py::object model,
                        py::str stop_attribute) {
    RunData d = run_data(n.input_dim(), target_dim, x, y, sw, order);
    if (!d.y) throw py::value_error(std::string("y is required for ") + what);
    BatchHooks hooks;
    for (auto h : begin) hooks.begin.push_back(py::reinterpret_borrow<py::object>(h));
    for (auto h : end) hooks.end.push_back(py::reinterpret_borrow<py::object>(h));
    for (auto item : log_plan) {
      auto pair = item.cast<py::tuple>();
      hooks.log_plan.emplace_back(pair[0], pair[1].cast<size_t>());
    }
    hooks.model = std::move(model);
    hooks.stop_flag = std::move(stop_attribute);
    return run_with_batch_hooks(n, hooks, first_step, steps, steps_per_execution,
                                [&](int64_t step, int64_t count, const InterruptWatch* watch) {
                                  RunData watched = d;
                                  watched.interrupt = watch;
                                  (n.*method)(watched, batch_start(start, step, batch_size),
                                              batch_size, count);
                                });
  };
}

// `compiled_metric` turns one entry of compile()'s metrics list into a CompiledMetric;
// `params_doc` documents the `params` view.
template <class Net, class... Options>
void def_network_methods(pybind11::class_<Net, Options...>& cls,
                         CompiledMetric (*compiled_metric)(const pybind11::handle&),
                         const char* params_doc) {
  namespace py = pybind11;
  cls.def_property_readonly("input_dim", &Net::input_dim)
      .def_property_readonly("output_dim", &Net::output_dim)
      .def_property_readonly("num_params", &Net::num_params)
      .def_property_readonly("params", [](py::object self) {
        Net& n = self.cast<Net&>();
        return py::array_t<float>({n.num_params()}, {sizeof(float)}, n.params(), self);
      }, params_doc)
      .def_property_readonly("segments", [](Net& n) {
        py::list out;
        for (auto& s : n.segments()) out.append(py::make_tuple(s.offset, s.size, s.trainable));
        return out;
      })
      .def("set_trainable", &Net::set_trainable)
      .def("compile",
           [compiled_metric](Net& n, const py::dict& loss, const py::dict& optimizer,
                             const py::list& metrics, float loss_weight) {
             std::vector<CompiledMetric> compiled;
             for (auto item : metrics) compiled.push_back(compiled_metric(item));
             n.compile(loss_config_from_dict(loss), optimizer_config_from_dict(optimizer),
                       std::move(compiled), loss_weight);
           },
           py::arg("loss"), py::arg("optimizer"), py::arg("metrics"), py::arg("loss_weight") = 1.0f)
      .def_property_readonly("compiled", &Net::compiled)
      .def("train_run", batch_run(&Net::train_run, "training"), py::arg("x"), py::arg("y"),
           py::arg("sample_weight"), py::arg("order"), py::arg("start"), py::arg("batch_size"),
           py::arg("num_batches"), py::arg("target_dim"))
      .def("evaluate_run", batch_run(&Net::evaluate_run, "evaluation"), py::arg("x"),
           py::arg("y"), py::arg("sample_weight"), py::arg("order"), py::arg("start"),
           py::arg("batch_size"), py::arg("num_batches"), py::arg("target_dim"))
      .def("predict_run",
           [](Net& n, py::object x, py::object order, int64_t start, int64_t count,
              int64_t batch_size, py::array_t<float, py::array::c_style> out, bool training) {
             RunData d = run_data(n.input_dim(), 0, x, py::none(), py::none(), order);
             if (start < 0 || count < 0 || count > d.num_samples - start)
               throw py::index_error("predict range out of bounds");
             if (out.ndim() != 2 || out.shape(0) < count || out.shape(1) != n.output_dim())
               throw py::value_error("out has the wrong shape");
             float* dst = out.mutable_data();
             run_interruptible([&](int64_t done, const InterruptWatch* watch) {
               RunData watched = d;
               watched.interrupt = watch;
               n.predict_run(watched, start + done, count - done, batch_size,
                             dst + done * n.output_dim(), training);
             }, count > batch_size);
           },
           py::arg("x"), py::arg("order"), py::arg("start"), py::arg("count"),
           py::arg("batch_size"), py::arg("out"), py::arg("training") = false)
      .def("train_run_hooked", hooked_run(&Net::train_run, "training"), py::arg("x"),
           py::arg("y"), py::arg("sample_weight"), py::arg("order"), py::arg("start"),
           py::arg("batch_size"), py::arg("first_step"), py::arg("steps"),
           py::arg("steps_per_execution"), py::arg("target_dim"), py::arg("begin_hooks"),
           py::arg("end_hooks"), py::arg("log_plan"), py::arg("model"),
           py::arg("stop_attribute") = "stop_training",
           "train_run over batches first_step..steps, calling each begin hook (batch, logs={}) "
           "and end hook (batch, logs=dict) every steps_per_execution batches, logs built by "
           "log_plan's (name, result index) pairs; stops early when model.<stop_attribute> is "
           "true. Returns the batches run.")
      .def("evaluate_run_hooked", hooked_run(&Net::evaluate_run, "evaluation"), py::arg("x"),
           py::arg("y"), py::arg("sample_weight"), py::arg("order"), py::arg("start"),
           py::arg("batch_size"), py::arg("first_step"), py::arg("steps"),
           py::arg("steps_per_execution"), py::arg("target_dim"), py::arg("begin_hooks"),
           py::arg("end_hooks"), py::arg("log_plan"), py::arg("model"),
           py::arg("stop_attribute") = "stop_evaluating",
           "evaluate_run with batch hooks, as train_run_hooked (model None: never stops early; "
           "else model.stop_evaluating stops it, as in Keras).")
      .def("reset_results", &Net::reset_results)
      .def("result_values", [](Net& n) { return result_values(n); },
           "The loss then each compiled metric's result: a float, or a float32 array for a "
           "metric with several values (per threshold, per class).")
      .def("results", &Net::results)
      .def("finalize_optimizer", &Net::finalize_optimizer)
      .def_property("learning_rate",
                    [](Net& n) { return n.optimizer().current_learning_rate(); },
                    [](Net& n, double lr) { n.optimizer().set_learning_rate(lr); })
      .def_property("iterations", [](Net& n) { return n.optimizer().iterations(); },
                    [](Net& n, int64_t it) { n.optimizer().set_iterations(it); })
      .def_property("steps_taken", &Net::steps_taken, &Net::set_steps_taken)
      .def_property("rows_per_sample", &Net::rows_per_sample, &Net::set_rows_per_sample)
      .def_property("seed", &Net::seed, &Net::set_seed)
      .def_property_readonly("weights_generation", &Net::weights_generation,
                             "How many writes of the weights have ended (write_params, each "
                             "training run, the EMA swap): moves on whenever they change.")
      .def_property_readonly("optimizer_slots", [](py::object self) {
        Net& n = self.cast<Net&>();
        return py::array_t<float>({n.optimizer_slot_size()}, {sizeof(float)}, n.optimizer_slots(), self);
      });
  def_param_methods(cls);  // write_params / read_params: whole weight versions
}

}  // namespace bindings
}  // namespace densefit
