// densefit._core: one init_xxx per core header, called here. Glue only, no logic.
#include <pybind11/pybind11.h>

namespace py = pybind11;

void init_activations(py::module_& m);
void init_losses(py::module_& m);
void init_optimizer(py::module_& m);
void init_network(py::module_& m);
void init_metrics(py::module_& m);
void init_inference(py::module_& m);
void init_expression(py::module_& m);

PYBIND11_MODULE(_core, m) {
  m.doc() = "densefit native engine";
  init_activations(m);
  init_losses(m);
  init_optimizer(m);
  init_network(m);
  init_metrics(m);
  init_inference(m);
  init_expression(m);
}
