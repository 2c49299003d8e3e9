#!/usr/bin/env bash
# The op tests and the fuzz suite against an ASan+UBSan build of the native module
# (docs/build.md, "Sanitizers").
#
#   bench/sanitize.sh                 build build/asan if needed, run tests/ops + tests/fuzz
#   bench/sanitize.sh tests/ops -x    other test paths and pytest options
#   bench/sanitize.sh -x --durations=10    options only: tests/ops + tests/fuzz with them
#   BUILD=build/asan-mine bench/sanitize.sh
#
# Python itself is not instrumented, so the ASan runtime is preloaded (it must come first),
# with libstdc++ (else ASan's __cxa_throw interceptor finds no real one and aborts at the
# first C++ exception: "CHECK failed ... real___cxa_throw"); leak checking is off (the
# interpreter never frees its arenas: every run would "leak"); and
# huge allocations fail as std::bad_alloc / MemoryError instead of an ASan abort, as they
# do without the sanitizer (the fuzz suite asks for some on purpose). Any other report
# aborts the process: a fuzz case then fails with the report in its message.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/asan}
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DDENSEFIT_BUILD_PYTHON=ON -DDENSEFIT_CUDA=OFF \
    -DDENSEFIT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -Dpybind11_DIR="$(python -m pybind11 --cmakedir)"
fi
cmake --build "$BUILD" -j"${JOBS:-2}" --target _core
# Test paths default to tests/ops + tests/fuzz when only options are given (never the whole
# suite by accident: it takes hours under the sanitizers).
paths=0
for arg in "$@"; do if [ -e "${arg%%::*}" ]; then paths=1; fi; done
[ "$paths" = 1 ] || set -- tests/ops tests/fuzz "$@"
export LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libstdc++.so)"
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:max_allocation_size_mb=4096:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export DENSEFIT_CORE_DIR="$BUILD"
# Sanitized code runs several times slower: the fuzz worker's timeouts stretch with it.
export DENSEFIT_FUZZ_TIMEOUT_SCALE="${DENSEFIT_FUZZ_TIMEOUT_SCALE:-8}"
time python -m pytest -q -p no:cacheprovider "$@"
