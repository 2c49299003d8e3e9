// Times single-sample predicts through the C++ API: the median of CALLS calls after a warm-up,
// printed as one JSON line (bench/serving.py reads it).
//
//   ./latency model.dfm [CALLS]
#include <densefit/cpp_api.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MODEL.dfm [CALLS]\n", argv[0]);
    return 2;
  }
  const int calls = argc > 2 ? std::atoi(argv[2]) : 10000;
  try {
    const densefit::Model model = densefit::Model::load(argv[1]);
    std::vector<float> x(size_t(model.input_dim())), y(size_t(model.output_dim()));
    for (size_t i = 0; i < x.size(); ++i) x[i] = float(i % 17) / 17.0f;
    for (int i = 0; i < 1000; ++i) model.predict(x.data(), 1, y.data());
    std::vector<double> us(size_t(std::max(calls, 1)));
    for (auto& t : us) {
      const auto t0 = std::chrono::steady_clock::now();
      model.predict(x.data(), 1, y.data());
      t = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    }
    std::sort(us.begin(), us.end());
    std::printf("{\"calls\": %zu, \"median_us\": %.3f, \"p10_us\": %.3f, \"p90_us\": %.3f}\n",
                us.size(), us[us.size() / 2], us[us.size() / 10], us[us.size() * 9 / 10]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
