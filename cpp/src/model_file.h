// The densefit model file (.dfm): a dense network's layers and float32 weights, readable by
// C++ programs without Python or HDF5. Layout (little-endian; docs/serving.md):
//
//   "DFMODEL\0" | u32 version (1) | u32 layer_count | i64 input_dim
//   per layer:   u32 kind (1 Dense, 2 Activation) | i64 out_dim | u32 use_bias
//                | u32 name length | activation name (Keras's, e.g. "relu") | f32 alpha (NaN:
//                Keras's default) | Dense: f32 kernel[in_dim x out_dim], f32 bias[out_dim]
//   "DFEND\0\0\0"
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "densefit/inference.h"

namespace densefit {

// A model read from a file: owns the weights its Inference points into (so it never moves).
struct ModelFile {
  std::vector<float> weights;
  Inference inference{1, {}};
};

// Writes `model`'s layers and weights to `path`. Throws std::runtime_error on I/O errors.
void write_model_file(const std::string& path, const Inference& model);

// Reads a file written by write_model_file. A malformed, truncated or hostile file gets a
// std::runtime_error that says what is wrong; sizes are checked before anything is allocated.
std::unique_ptr<const ModelFile> read_model_file(const std::string& path);

}  // namespace densefit
