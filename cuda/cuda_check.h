// CUDA runtime errors become C++ exceptions (the bindings turn them into Python ones): the
// engine never aborts the process on a device error.
#pragma once
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace densefit {
namespace cuda {

inline void check(cudaError_t err, const char* what) {
  if (err != cudaSuccess)
    throw std::runtime_error(std::string("CUDA error in ") + what + ": " +
                             cudaGetErrorString(err));
}

}  // namespace cuda
}  // namespace densefit

#define DF_CUDA_CHECK(expr) ::densefit::cuda::check((expr), #expr)
