#include "model_file.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <utility>

#include "ops/layer_op.h"

namespace densefit {
namespace {

static_assert(sizeof(float) == 4, "the file stores IEEE float32");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the model file reader and writer assume a little-endian host"
#endif

constexpr char kMagic[8] = {'D', 'F', 'M', 'O', 'D', 'E', 'L', '\0'};
constexpr char kEnd[8] = {'D', 'F', 'E', 'N', 'D', '\0', '\0', '\0'};
// Version 2 added LayerNormalization records (kLayerNormalization, still read); version 3
// writes every layer op as one generic record (kOp: the op's kind, its attributes and its
// parameters). A model without ops is written as version 1, which earlier readers read.
constexpr uint32_t kVersion = 3, kDense = 1, kActivation = 2, kLayerNormalization = 3, kOp = 5;
constexpr uint32_t kMaxAttributes = 64;
// Bounds that no real dense network reaches; they stop a hostile header from asking for
// absurd allocations before the size check against the file runs.
constexpr uint32_t kMaxLayers = 1u << 16, kMaxNameLength = 64;
constexpr int64_t kMaxWidth = int64_t(1) << 31;

class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}
  template <typename T>
  void put(const T& v) { out_->append(reinterpret_cast<const char*>(&v), sizeof(T)); }
  void put_bytes(const void* p, size_t n) { out_->append(static_cast<const char*>(p), n); }

 private:
  std::string* out_;
};

class Reader {
 public:
  Reader(const std::string& data, const std::string& path) : data_(data), path_(path) {}
  template <typename T>
  T get(const char* what) {
    T v;
    std::memcpy(&v, take(sizeof(T), what), sizeof(T));
    return v;
  }
  const char* take(size_t n, const char* what) {
    if (n > data_.size() - pos_) fail(std::string("truncated (reading ") + what + ")");
    const char* p = data_.data() + pos_;
    pos_ += n;
    return p;
  }
  size_t remaining() const { return data_.size() - pos_; }
  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error("densefit model file '" + path_ + "': " + why);
  }

 private:
  const std::string& data_;
  const std::string& path_;
  size_t pos_ = 0;
};

// A layer op's record up to its weights: version 2's LayerNormalization (scale, center,
// epsilon) or version 3's generic one (kind, width, attributes, parameter count). The spec is
// checked by the op itself (parameter_sizes throws for arguments it cannot run).
void read_op_record(Reader& r, uint32_t code, int64_t width, InferenceLayer* L) {
  L->kind = InferenceLayer::Kind::Op;
  L->in_dim = width;
  std::vector<double> attributes;
  if (code == kLayerNormalization) {
    L->op = layer_op(LayerSpec::Kind::LayerNormalization);
    L->out_dim = r.get<int64_t>("a layer width");
    const bool scale = r.get<uint32_t>("scale") != 0, center = r.get<uint32_t>("center") != 0;
    attributes = {r.get<float>("epsilon"), double(center), double(scale)};
  } else {
    const auto name_length = r.get<uint32_t>("a layer op's kind length");
    if (name_length > kMaxNameLength) r.fail("layer op kind too long");
    const std::string kind(r.take(name_length, "a layer op's kind"), name_length);
    L->op = layer_op_named(kind);
    if (!L->op) r.fail("unknown layer op '" + kind + "' (written by a newer densefit?)");
    L->out_dim = r.get<int64_t>("a layer width");
    const auto count = r.get<uint32_t>("an attribute count");
    if (count > kMaxAttributes) r.fail("too many layer op attributes");
    for (uint32_t k = 0; k < count; ++k) attributes.push_back(r.get<double>("an attribute"));
  }
  std::vector<int64_t> sizes;
  try {
    L->op->set_attributes(L->spec, attributes);
    sizes = L->op->parameter_sizes(L->spec, width);
  } catch (const std::invalid_argument& e) {
    r.fail(std::string(L->op->name()) + ": " + e.what());
  }
  if (L->out_dim != L->op->output_width(L->spec, width)) r.fail("a layer op's width is wrong");
  if (code == kOp && r.get<uint32_t>("a parameter count") != sizes.size())
    r.fail(std::string(L->op->name()) + " has the wrong number of weights");
}

}  // namespace

void write_model_file(const std::string& path, const Inference& model) {
  std::string bytes;
  Writer w(&bytes);
  w.put_bytes(kMagic, sizeof(kMagic));
  bool has_ops = false;
  for (const InferenceLayer& L : model.layers()) has_ops |= L.kind == InferenceLayer::Kind::Op;
  w.put(has_ops ? kVersion : uint32_t(1));
  w.put(uint32_t(model.layers().size()));
  w.put(int64_t(model.input_dim()));
  for (const InferenceLayer& L : model.layers()) {
    if (L.kind == InferenceLayer::Kind::Op) {
      w.put(kOp);
      const std::string kind = L.op->kind();
      w.put(uint32_t(kind.size()));
      w.put_bytes(kind.data(), kind.size());
      w.put(int64_t(L.out_dim));
      const std::vector<double> attributes = L.op->attributes(L.spec);
      w.put(uint32_t(attributes.size()));
      for (double v : attributes) w.put(v);
      const std::vector<int64_t> sizes = L.op->parameter_sizes(L.spec, L.in_dim);
      w.put(uint32_t(sizes.size()));
      for (size_t k = 0; k < sizes.size(); ++k) w.put_bytes(L.params[k], sizeof(float) * size_t(sizes[k]));
      continue;
    }
    const bool is_dense = L.kind == InferenceLayer::Kind::Dense;
    w.put(is_dense ? kDense : kActivation);
    w.put(int64_t(L.out_dim));
    w.put(uint32_t(L.bias != nullptr));
    const std::string name = activation_name(L.activation);
    w.put(uint32_t(name.size()));
    w.put_bytes(name.data(), name.size());
    w.put(L.activation_alpha);
    if (is_dense) {
      w.put_bytes(L.kernel, sizeof(float) * size_t(L.in_dim * L.out_dim));
      if (L.bias) w.put_bytes(L.bias, sizeof(float) * size_t(L.out_dim));
    }
  }
  w.put_bytes(kEnd, sizeof(kEnd));
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot open '" + path + "' for writing");
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (std::fclose(f) != 0 || !ok) throw std::runtime_error("cannot write '" + path + "'");
}

std::unique_ptr<const ModelFile> read_model_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open densefit model file '" + path + "'");
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Reader r(data, path);
  if (std::memcmp(r.take(sizeof(kMagic), "the header"), kMagic, sizeof(kMagic)) != 0)
    r.fail("not a densefit model file (wrong magic bytes)");
  const auto version = r.get<uint32_t>("the version");
  if (version < 1 || version > kVersion)
    r.fail("version " + std::to_string(version) + " is not supported (this build reads 1 to " +
           std::to_string(kVersion) + ")");
  const auto count = r.get<uint32_t>("the layer count");
  const auto input_dim = r.get<int64_t>("the input width");
  if (count > kMaxLayers) r.fail("too many layers (" + std::to_string(count) + ")");
  if (input_dim <= 0 || input_dim > kMaxWidth) r.fail("bad input width");

  // First pass: the structure, checking every size against what the file still holds, so
  // the weights are allocated once at their true size. Offsets are kept, not pointers.
  struct Pending {
    InferenceLayer layer;
    size_t kernel_at = 0, bias_at = 0;
    const char* kernel_bytes = nullptr;
    const char* bias_bytes = nullptr;
    std::vector<std::pair<size_t, const char*>> params;  // a layer op's: (at, bytes)
  };
  std::vector<Pending> pending;
  size_t total = 0;
  int64_t width = input_dim;
  for (uint32_t i = 0; i < count; ++i) {
    Pending p;
    InferenceLayer& L = p.layer;
    const auto kind = r.get<uint32_t>("a layer kind");
    if ((kind == kLayerNormalization && version == 2) || (kind == kOp && version >= 3)) {
      read_op_record(r, kind, width, &L);
      for (int64_t size : L.op->parameter_sizes(L.spec, width)) {
        if (size_t(size) > r.remaining() / sizeof(float)) r.fail("truncated (a layer op's weights)");
        p.params.push_back({total, r.take(size_t(size) * sizeof(float), "a layer op's weights")});
        total += size_t(size);
      }
      width = L.out_dim;
      pending.push_back(p);
      continue;
    }
    if (kind != kDense && kind != kActivation) r.fail("unknown layer kind " + std::to_string(kind));
    L.kind = kind == kDense ? InferenceLayer::Kind::Dense : InferenceLayer::Kind::Activation;
    L.in_dim = width;
    L.out_dim = r.get<int64_t>("a layer width");
    if (L.out_dim <= 0 || L.out_dim > kMaxWidth) r.fail("bad layer width");
    if (kind == kActivation && L.out_dim != width) r.fail("an activation layer changes the width");
    const auto use_bias = r.get<uint32_t>("use_bias");
    const auto name_length = r.get<uint32_t>("an activation name length");
    if (name_length > kMaxNameLength) r.fail("activation name too long");
    const std::string name(r.take(name_length, "an activation name"), name_length);
    try {
      L.activation = activation_from_name(name);
    } catch (const std::invalid_argument& e) {
      r.fail(e.what());
    }
    L.activation_alpha = r.get<float>("an activation parameter");
    if (kind == kDense) {
      const size_t kernel = size_t(L.in_dim) * size_t(L.out_dim);
      if (kernel > r.remaining() / sizeof(float)) r.fail("truncated (a kernel)");
      p.kernel_at = total;
      p.kernel_bytes = r.take(kernel * sizeof(float), "a kernel");
      total += kernel;
      if (use_bias) {
        p.bias_at = total;
        p.bias_bytes = r.take(size_t(L.out_dim) * sizeof(float), "a bias");
        total += size_t(L.out_dim);
      }
    }
    width = L.out_dim;
    pending.push_back(p);
  }
  if (std::memcmp(r.take(sizeof(kEnd), "the end marker"), kEnd, sizeof(kEnd)) != 0)
    r.fail("bad end marker");
  if (r.remaining() != 0) r.fail("unexpected bytes after the end marker");

  auto model = std::make_unique<ModelFile>();
  model->weights.resize(total);
  std::vector<InferenceLayer> layers;
  for (Pending& p : pending) {
    InferenceLayer L = p.layer;
    if (p.kernel_bytes) {
      float* kernel = model->weights.data() + p.kernel_at;
      std::memcpy(kernel, p.kernel_bytes, sizeof(float) * size_t(L.in_dim * L.out_dim));
      L.kernel = kernel;
    }
    if (p.bias_bytes) {
      float* bias = model->weights.data() + p.bias_at;
      std::memcpy(bias, p.bias_bytes, sizeof(float) * size_t(L.out_dim));
      L.bias = bias;
    }
    const std::vector<int64_t> sizes =
        L.op ? L.op->parameter_sizes(L.spec, L.in_dim) : std::vector<int64_t>();
    for (size_t k = 0; k < p.params.size(); ++k) {
      float* values = model->weights.data() + p.params[k].first;
      std::memcpy(values, p.params[k].second, sizeof(float) * size_t(sizes[k]));
      L.params.push_back(values);
    }
    layers.push_back(L);
  }
  model->inference = Inference(input_dim, std::move(layers));
  return model;
}

}  // namespace densefit
