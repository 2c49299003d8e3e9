# densefit's CMake package: find_package(densefit CONFIG) defines densefit::core, the native
# core (a static library) with its headers; C++ programs include <densefit/cpp_api.h>.
include(CMakeFindDependencyMacro)
find_dependency(Threads)
include("${CMAKE_CURRENT_LIST_DIR}/densefitTargets.cmake")
