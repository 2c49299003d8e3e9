// densefit._core (and _core_avx2, _core_avx512: the same module for other CPU levels, named by
// DENSEFIT_MODULE_NAME): one init_xxx per core header, called here. Glue only, no logic.
#include <pybind11/pybind11.h>

#ifndef DENSEFIT_MODULE_NAME
#define DENSEFIT_MODULE_NAME _core
#endif
#ifndef DENSEFIT_CPU_LEVEL
#define DENSEFIT_CPU_LEVEL "baseline"
#endif

namespace py = pybind11;

void init_activations(py::module_& m);
void init_losses(py::module_& m);
void init_optimizer(py::module_& m);
void init_network(py::module_& m);
void init_metrics(py::module_& m);
void init_inference(py::module_& m);
void init_expression(py::module_& m);

PYBIND11_MODULE(DENSEFIT_MODULE_NAME, m) {
  m.doc() = "densefit native engine";
  m.attr("cpu_level") = DENSEFIT_CPU_LEVEL;  // the instruction set it was compiled for
  init_activations(m);
  init_losses(m);
  init_optimizer(m);
  init_network(m);
  init_metrics(m);
  init_inference(m);
  init_expression(m);
}
