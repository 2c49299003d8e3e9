// Reading a Python config dict: shared by the config parsers (metric_config.cpp,
// optimizer_config.cpp), so a missing key, None and a bad value mean the same in each.
#pragma once
#include <pybind11/pybind11.h>

#include <string>

namespace densefit {
namespace bindings {
namespace config {

// True when `key` is in `d` and not None (both of those mean "the default").
inline bool present(const pybind11::dict& d, const char* key) {
  return d.contains(key) && !d[key].is_none();
}

// d[key] as T, or `fallback` when not present. A value that does not convert raises
// ValueError "<context>invalid value for `key`: <value>".
template <typename T>
T get(const pybind11::dict& d, const char* key, T fallback, const char* context = "") {
  if (!present(d, key)) return fallback;
  try {
    return d[key].cast<T>();
  } catch (const pybind11::cast_error&) {
    throw pybind11::value_error(std::string(context) + "invalid value for `" + key +
                                "`: " + pybind11::str(d[key]).cast<std::string>());
  }
}

}  // namespace config
}  // namespace bindings
}  // namespace densefit
