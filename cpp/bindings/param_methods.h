// write_params / read_params of _core.Network and _cuda.Network: the arena as whole weight
// versions (NetworkBase in densefit/network.h). Python's set_weights, Variable.assign and
// load_weights write through write_params; get_weights reads through read_params.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <vector>

#include "densefit/network.h"

namespace densefit {
namespace bindings {

template <class Net, class... Options>
void def_param_methods(pybind11::class_<Net, Options...>& cls) {
  namespace py = pybind11;
  using Values = py::array_t<float, py::array::c_style | py::array::forcecast>;
  cls.def("write_params",
          [](Net& n, const py::sequence& writes) {
            // Everything is converted and checked with the GIL held, before any native work.
            std::vector<Values> arrays;
            std::vector<NetworkBase::ParamSpan> spans;
            arrays.reserve(writes.size());
            for (auto item : writes) {
              if (!py::isinstance<py::sequence>(item) || py::len(item) != 2)
                throw py::type_error("write_params: writes must be (offset, values) pairs");
              auto pair = py::reinterpret_borrow<py::sequence>(item);
              const auto offset = pair[0].cast<int64_t>();
              Values values = Values::ensure(pair[1]);
              if (!values)
                throw py::type_error("write_params: values at offset " + std::to_string(offset) +
                                     " are not convertible to a float32 array");
              const auto count = int64_t(values.size());
              if (offset < 0 || offset > n.num_params() || count > n.num_params() - offset)
                throw py::value_error("write_params: offset " + std::to_string(offset) +
                                      " with " + std::to_string(count) +
                                      " values is outside the arena of " +
                                      std::to_string(n.num_params()) + " parameters");
              spans.push_back({offset, values.data(), count});
              arrays.push_back(std::move(values));  // keeps the data alive without the GIL
            }
            {
              py::gil_scoped_release release;
              n.write_params(spans);
            }
          },
          py::arg("writes"),
          "Copies each (offset, values) pair into the arena as ONE weight version: readers "
          "that take no lock (the serving pass) see all of it or none. Waits for a run in "
          "progress (fit, evaluate, predict_run) to end; nothing is written if a pair is bad.")
      .def("read_params",
           [](Net& n, int64_t offset, int64_t count) {
             if (count < 0) count = n.num_params() - offset;
             if (offset < 0 || offset > n.num_params() || count < 0 ||
                 count > n.num_params() - offset)
               throw py::value_error("read_params: offset " + std::to_string(offset) + " with " +
                                     std::to_string(count) + " values is outside the arena of " +
                                     std::to_string(n.num_params()) + " parameters");
             py::array_t<float> out(count);
             float* dst = out.mutable_data();
             {
               py::gil_scoped_release release;
               n.read_params(offset, count, dst);
             }
             return out;
           },
           py::arg("offset") = 0, py::arg("count") = -1,
           "A copy of params[offset:offset + count] (count -1: to the end) from one whole "
           "weight version: the newest, or while another thread writes, the one before it.");
}

}  // namespace bindings
}  // namespace densefit
