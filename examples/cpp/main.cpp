// Loads a model exported from Python and prints its predictions for rows read from a file.
//
//   model.export("model.dfm")                 # Python, once
//   x.astype("float32").tofile("x.f32")       # rows x input_dim, row-major
//   ./predict model.dfm x.f32                 # one line of output_dim values per row
#include <densefit/cpp_api.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

static std::vector<float> read_floats(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot open ") + path);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() % sizeof(float) != 0) throw std::runtime_error("input is not float32 values");
  std::vector<float> values(bytes.size() / sizeof(float));
  std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(values.data()));
  return values;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s MODEL.dfm INPUT.f32\n", argv[0]);
    return 2;
  }
  try {
    const densefit::Model model = densefit::Model::load(argv[1]);
    const std::vector<float> x = read_floats(argv[2]);
    const std::vector<float> y = model.predict(x);  // throws if x isn't whole rows
    const int64_t cols = model.output_dim();
    for (size_t i = 0; i < y.size(); ++i)
      std::printf("%.9g%c", y[i], (int64_t(i) + 1) % cols == 0 ? '\n' : ' ');
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
