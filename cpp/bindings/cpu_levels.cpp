// densefit._cpu: the x86-64 levels this CPU and its operating system support, for
// densefit/_native.py to pick the _core module to import. Compiled for the baseline, so any
// x86-64 machine can import it. __builtin_cpu_supports reads cpuid and, for the AVX levels,
// xgetbv (the OS must have enabled the ymm / zmm state), as ONNX Runtime's MLAS does.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

namespace py = pybind11;

namespace {

std::vector<std::string> supported_levels() {
  std::vector<std::string> levels;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v2")) levels.push_back("baseline");
  if (__builtin_cpu_supports("x86-64-v3")) levels.push_back("avx2");
  if (__builtin_cpu_supports("x86-64-v4")) levels.push_back("avx512");
#else
  levels.push_back("baseline");  // no levels here: the one _core built for this machine
#endif
  return levels;
}

}  // namespace

PYBIND11_MODULE(_cpu, m) {
  m.doc() = "The CPU levels densefit's native modules are built for that this machine runs";
  m.def("supported_levels", &supported_levels,
        "The levels this CPU and OS support, lowest first: 'baseline' (x86-64-v2), 'avx2' "
        "(x86-64-v3: AVX2, FMA, BMI2), 'avx512' (x86-64-v4: AVX-512 F/BW/CD/DQ/VL).");
}
