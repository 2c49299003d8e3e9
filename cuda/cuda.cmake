# The CUDA backend: the extension module densefit._cuda, built only when CMake finds nvcc
# (a CPU-only build never needs the CUDA toolkit, and a CPU-only install never loads it).
# Included from the top-level CMakeLists.txt after the _core target. Kernels use nvcc and
# cudart only (no cuBLAS: docs/cuda.md). SASS for sm_80 and sm_90, PTX for sm_90 so newer
# GPUs JIT it.
option(DENSEFIT_CUDA "Build the CUDA backend when nvcc is found" ON)
if(DENSEFIT_CUDA AND (SKBUILD OR DENSEFIT_BUILD_PYTHON))
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES 80-real 90)
    endif()
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    message(STATUS "densefit: building the CUDA backend (${CMAKE_CUDA_COMPILER_VERSION}, "
                   "architectures ${CMAKE_CUDA_ARCHITECTURES})")
    # _core's binding helpers (the shell's dict parsers: layers, losses, optimizers, metrics)
    # are compiled in as well, so both modules read every config key the same way. Only
    # _core's module definition is left out.
    get_target_property(_densefit_core_bindings _core SOURCES)
    list(FILTER _densefit_core_bindings EXCLUDE REGEX "module\\.cpp$")
    pybind11_add_module(_cuda
      ${_densefit_core_bindings}
      cuda/bindings.cpp
      cuda/network.cpp
      cuda/gemm.cu
      cuda/pointwise.cu
      cuda/loss.cu
      cuda/optimizer.cu
    )
    target_include_directories(_cuda PRIVATE cpp/bindings cpp/src cuda)  # cpp/src: layer_plan.h
    set_target_properties(_cuda PROPERTIES CUDA_STANDARD 17 CUDA_STANDARD_REQUIRED ON)
    # The optimizer mirrors the CPU's rounding: no fused multiply-adds (-ffp-contract=off
    # there). The other kernels keep nvcc's default contraction.
    set_source_files_properties(cuda/optimizer.cu PROPERTIES COMPILE_OPTIONS -fmad=false)
    # cudart is linked statically: the module then needs only the driver (libcuda) at run
    # time, which `import densefit._cuda` checks; a machine without it keeps the CPU backend.
    target_link_libraries(_cuda PRIVATE densefit_core CUDA::cudart_static)
    install(TARGETS _cuda DESTINATION densefit)
  else()
    message(STATUS "densefit: no nvcc found, building without the CUDA backend")
  endif()
endif()
