// Times single-sample predicts through the C++ API: the median of CALLS calls after a warm-up,
// then the calls per second of 1 and of 8 threads sharing the model (predict is thread-safe),
// printed as one JSON line (bench/serving.py reads it).
//
//   ./latency model.dfm [CALLS]
#include <densefit/cpp_api.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

// Calls per second of `threads` threads, each making `calls` single-sample predicts.
static double calls_per_second(const densefit::Model& model, int threads, int calls) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&model, calls] {
      std::vector<float> x(size_t(model.input_dim()), 0.5f), y(size_t(model.output_dim()));
      for (int i = 0; i < calls; ++i) model.predict(x.data(), 1, y.data());
    });
  for (auto& t : pool) t.join();
  return threads * calls / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

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
    double one = 0, eight = 0;  // best of 3 alternations (the machine may be shared)
    for (int round = 0; round < 3; ++round) {
      one = std::max(one, calls_per_second(model, 1, 4000));
      eight = std::max(eight, calls_per_second(model, 8, 4000));
    }
    std::printf("{\"calls\": %zu, \"median_us\": %.3f, \"p10_us\": %.3f, \"p90_us\": %.3f, "
                "\"one_thread_calls_per_s\": %.0f, \"eight_threads_calls_per_s\": %.0f}\n",
                us.size(), us[us.size() / 2], us[us.size() / 10], us[us.size() * 9 / 10], one, eight);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
