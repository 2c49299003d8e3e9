// densefit::Model (cpp_api.h): a model file's weights behind the narrow public API.
#include "densefit/cpp_api.h"

#include <stdexcept>

#include "densefit/gemm.h"
#include "model_file.h"

namespace densefit {

struct Model::Impl {
  std::unique_ptr<const ModelFile> file;
};

Model::Model(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Model Model::load(const std::string& path) {
  auto impl = std::make_shared<Impl>();
  impl->file = read_model_file(path);
  return Model(std::move(impl));
}

int64_t Model::input_dim() const { return impl_->file->inference.input_dim(); }
int64_t Model::output_dim() const { return impl_->file->inference.output_dim(); }

void Model::predict(const float* x, int64_t rows, float* out) const {
  impl_->file->inference.run(x, rows, out);
}

std::vector<float> Model::predict(const std::vector<float>& x) const {
  const int64_t in = input_dim();
  if (int64_t(x.size()) % in != 0)
    throw std::invalid_argument("predict: x holds " + std::to_string(x.size()) +
                                " values, not a multiple of input_dim " + std::to_string(in));
  const int64_t rows = int64_t(x.size()) / in;
  std::vector<float> out(size_t(rows * output_dim()));
  predict(x.data(), rows, out.data());
  return out;
}

void Model::set_num_threads(int threads) { densefit::set_num_threads(threads); }

}  // namespace densefit
