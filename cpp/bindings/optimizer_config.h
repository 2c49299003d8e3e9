// Keras optimizer / schedule configs -> densefit::OptimizerConfig and LearningRateSchedule.
// Shared by the optimizer and network bindings.
#pragma once
#include <pybind11/pybind11.h>

#include "densefit/optimizer.h"

// Accepts a Keras optimizer `get_config()` dict, or the `keras.optimizers.serialize()` form
// {"class_name": "Adam", "config": {...}, ...}. Without a class_name the optimizer is named
// by `name` ("adam", "rmsprop"; Keras's instance names "adam_1", "adam_w", "rm_sprop" work
// too). Absent keys and None values take that optimizer's Keras defaults (AdamW:
// weight_decay=0.004, and None is an error as in Keras). `learning_rate` is a number, a
// serialized schedule (see schedule_from_object) or a schedule object. Raises ValueError for
// unknown optimizers, unknown keys and values Keras rejects.
densefit::OptimizerConfig optimizer_config_from_dict(const pybind11::dict& config);

// A float (a constant learning rate), a `keras.optimizers.schedules.serialize()` dict
// {"module": ..., "class_name": "ExponentialDecay", "config": {...}, "registered_name": ...}
// (module and registered_name optional), or an object with get_config() whose class is named
// like Keras's schedule classes. Raises ValueError otherwise.
densefit::LearningRateSchedule schedule_from_object(pybind11::handle learning_rate);
