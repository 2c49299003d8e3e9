// Python dicts -> core specs, shared by densefit._core and densefit._cuda (one parser).
#pragma once
#include <pybind11/pybind11.h>

#include <cstdint>
#include <vector>

#include "densefit/network.h"

namespace densefit {
namespace bindings {

// One layer as the Python shell describes it: {"kind": "dense"|"dropout"|"activation", ...}.
LayerSpec layer_from(const pybind11::dict& d);
// Every layer of the list, in order.
std::vector<LayerSpec> layers_from(const pybind11::list& layers);
// Checks a 2-D float32 C-contiguous array of `cols` columns; null for None.
const float* rows_of(const pybind11::object& obj, int64_t cols, int64_t& rows, const char* what);
// The RunData of a run, every index validated before native work starts.
RunData run_data(int64_t input_dim, int64_t target_dim, const pybind11::object& x,
                 const pybind11::object& y, const pybind11::object& sw,
                 const pybind11::object& order);

}  // namespace bindings
}  // namespace densefit
