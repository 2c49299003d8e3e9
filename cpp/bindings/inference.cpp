// Bindings for densefit/inference.h and the model file (model_file.h): the serving path.
#include "densefit/inference.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "../src/model_file.h"
#include "../src/ops/layer_op.h"
#include "densefit/network.h"
#include "interrupt.h"

namespace py = pybind11;
using namespace densefit;

namespace {

// An Inference plus whatever keeps its weights alive: the Python Network object it views, or
// the model file it was read from.
struct PyInference {
  Inference inference{1, {}};
  py::object network;                      // Network (or None)
  std::unique_ptr<const ModelFile> file;   // or the file's weights
  py::ssize_t rows_per_sample = 1;         // native rows per sample (Dense over time steps)
  std::vector<py::ssize_t> sample_shape;   // of one output sample (Keras's output_shape[1:])
};

using ExactFloatArray = py::array_t<float, py::array::c_style>;

std::vector<py::ssize_t> output_shape_for(const PyInference& self, const py::object& shape) {
  const py::ssize_t values = self.rows_per_sample * self.inference.output_dim();
  if (shape.is_none()) return {values};
  std::vector<py::ssize_t> out;
  py::ssize_t size = 1;
  for (auto d : shape) {
    out.push_back(d.cast<py::ssize_t>());
    size *= out.back();
  }
  if (size != values)
    throw py::value_error("output_shape holds " + std::to_string(size) +
                          " values per sample; the network gives " + std::to_string(values));
  return out;
}

// Samples in `x` if it is an aligned C-contiguous float32 array whose samples hold the values the
// network takes (Keras's (n,) form only for one-value samples), else -1: the caller's slow
// path converts it (or raises Keras's error).
py::ssize_t fast_samples(const PyInference& self, py::handle x) {
  if (!ExactFloatArray::check_(x)) return -1;
  auto a = py::reinterpret_borrow<py::array>(x);
  if (!(a.flags() & py::detail::npy_api::NPY_ARRAY_ALIGNED_)) return -1;  // a view at any byte
  const py::ssize_t ndim = a.ndim();
  if (ndim == 0) return -1;
  py::ssize_t width = 1;
  for (py::ssize_t k = 1; k < ndim; ++k) width *= a.shape(k);
  if (width != self.rows_per_sample * self.inference.input_dim() || (ndim == 1 && width != 1))
    return -1;
  return a.shape(0);
}

py::array_t<float> new_output(const PyInference& self, py::ssize_t samples) {
  std::vector<py::ssize_t> shape{samples};
  shape.insert(shape.end(), self.sample_shape.begin(), self.sample_shape.end());
  return py::array_t<float>(shape);
}

py::object predict(const PyInference& self, py::handle x) {
  const py::ssize_t samples = fast_samples(self, x);
  if (samples < 0) return py::none();
  auto out = new_output(self, samples);
  const int64_t rows = samples * self.rows_per_sample;
  const float* src = static_cast<const float*>(py::reinterpret_borrow<py::array>(x).data());
  float* dst = out.mutable_data();
  // Ctrl-C stops the pass between row chunks (interrupt.h); if the signal's handler returns,
  // the rows left run as a new pass. (That pass pins the weights anew: a write that another
  // thread got the GIL for while the handler ran shows in those rows only. Keeping the first
  // pin across the handler instead would deadlock a handler that sets weights itself, and
  // starting over would never finish under signals that come faster than a pass.)
  const int64_t in_width = self.inference.input_dim(), out_width = self.inference.output_dim();
  bindings::run_interruptible([&](int64_t done, const InterruptWatch* watch) {
    self.inference.run(src + done * in_width, rows - done, dst + done * out_width, watch);
  }, rows > kInferenceChunkRows);
  return std::move(out);
}

py::dict layer_dict(const InferenceLayer& L) {
  py::dict d;
  d["kind"] = L.op ? L.op->kind() : L.kind == InferenceLayer::Kind::Dense ? "dense" : "activation";
  d["in_dim"] = L.in_dim;
  d["out_dim"] = L.out_dim;
  d["activation"] = activation_name(L.activation);
  d["activation_alpha"] = L.activation_alpha;
  auto copy = [](const float* p, std::vector<py::ssize_t> shape) -> py::object {
    if (!p) return py::none();
    py::array_t<float> a(shape);
    std::memcpy(a.mutable_data(), p, sizeof(float) * size_t(a.size()));
    return std::move(a);
  };
  d["kernel"] = copy(L.kernel, {py::ssize_t(L.in_dim), py::ssize_t(L.out_dim)});
  d["bias"] = copy(L.bias, {py::ssize_t(L.out_dim)});
  if (L.op) {  // a layer op: its arguments and parameters in Keras's order
    d["epsilon"] = L.spec.epsilon;
    d["center"] = L.spec.center;
    d["scale"] = L.spec.scale;
    d["negative_slope"] = L.spec.negative_slope;
    d["max_value"] = L.spec.max_value;
    d["threshold"] = L.spec.threshold;
    d["factor"] = L.spec.factor;
    d["offset"] = L.spec.offset;
    d["invert"] = L.spec.invert;
    d["scalar"] = L.spec.scalar;
    d["units"] = L.spec.units;
    d["vocabulary"] = L.spec.vocabulary;
    py::list params;
    const std::vector<int64_t> sizes = L.op->parameter_sizes(L.spec, L.in_dim);
    for (size_t k = 0; k < L.params.size(); ++k) params.append(copy(L.params[k], {py::ssize_t(sizes[k])}));
    d["params"] = params;
  }
  return d;
}

}  // namespace

void init_inference(py::module_& m) {
  py::class_<PyInference>(m, "Inference",
                          "Read-only forward passes over a Network's weights (no copy), "
                          "callable from many threads at once; each call reads one whole "
                          "weight version, even while another thread writes them.")
      .def(py::init([](py::object network, py::object output_shape, py::ssize_t rows_per_sample) {
             if (rows_per_sample < 1) throw py::value_error("rows_per_sample must be positive");
             auto self = std::make_unique<PyInference>();
             Network& net = network.cast<Network&>();
             {
               py::gil_scoped_release release;  // waits for a run in progress to end
               self->inference = Inference::of(net);
             }
             self->network = network;
             self->rows_per_sample = rows_per_sample;
             self->sample_shape = output_shape_for(*self, output_shape);
             return self;
           }),
           py::arg("network"), py::arg("output_shape") = py::none(),
           py::arg("rows_per_sample") = 1)
      .def_readonly("network", &PyInference::network)
      .def_property_readonly("input_dim", [](const PyInference& s) { return s.inference.input_dim(); })
      .def_property_readonly("output_dim", [](const PyInference& s) { return s.inference.output_dim(); })
      .def("predict", &predict, py::arg("x"),
           "The forward pass of x as a new float32 array, with the GIL released; None when x "
           "is not a C-contiguous float32 array of input_dim values per sample (convert it "
           "and call again).")
      .def("layers", [](const PyInference& s) {
             py::list out;
             for (const auto& L : s.inference.layers()) out.append(layer_dict(L));
             return out;
           },
           "The layers as dicts (kind, in_dim, out_dim, activation, activation_alpha, and "
           "copies of kernel and bias), Dropout omitted.")
      .def("save", [](const PyInference& s, const std::string& path) {
             py::gil_scoped_release release;
             write_model_file(path, s.inference);
           },
           py::arg("path"), "Writes the densefit model file (.dfm) that C++ programs load.");

  m.def("load_model_file", [](const std::string& path) {
          auto self = std::make_unique<PyInference>();
          {
            py::gil_scoped_release release;
            self->file = read_model_file(path);
          }
          self->inference = self->file->inference;
          self->network = py::none();
          self->sample_shape = {py::ssize_t(self->inference.output_dim())};
          return self;
        },
        py::arg("path"), "Reads a densefit model file into an Inference that owns its weights.");
}
