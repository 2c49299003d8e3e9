// densefit's C++ API for programs that embed a trained model without Python.
//
//   #include <densefit/cpp_api.h>
//   densefit::Model model = densefit::Model::load("model.dfm");  // model.export(path) in Python
//   std::vector<float> y = model.predict(x);                     // x: rows x input_dim
//
// Link with the CMake target densefit::core (find_package(densefit CONFIG); the package
// config ships inside the Python wheel: python -c "import densefit; print(densefit.get_cmake_dir())").
// This header is the whole API: no templates, no other densefit headers needed.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace densefit {

// A trained dense network, read-only. Copies share the same weights. predict is thread-safe:
// any number of threads may call it on one Model at once, without locking.
class Model {
 public:
  // Reads a file written by Python's `model.export(path)` (format "densefit", .dfm).
  // Throws std::runtime_error with the reason if the file is missing or malformed.
  static Model load(const std::string& path);

  // Values per input row (the product of the Keras model's input shape) and per output row.
  int64_t input_dim() const;
  int64_t output_dim() const;

  // out[rows x output_dim] = model(x[rows x input_dim]), both row-major float32, the same
  // values as Python's model.predict. Allocates nothing once a thread has run its largest
  // batch. Throws std::invalid_argument for rows < 0.
  void predict(const float* x, int64_t rows, float* out) const;

  // Convenience form: x.size() must be a multiple of input_dim() (else std::invalid_argument).
  std::vector<float> predict(const std::vector<float>& x) const;

  // Threads the CPU backend may use for large batches (default: the machine's cores). Small
  // batches always run on the calling thread. Process-wide.
  static void set_num_threads(int threads);

 private:
  struct Impl;
  explicit Model(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace densefit
