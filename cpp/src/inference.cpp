#include "densefit/inference.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

#include "cpu/dense_forward.h"
#include "cpu/denormals.h"
#include "cpu/simd.h"
#include "densefit/gemm.h"
#include "densefit/network.h"
#include "densefit/param_versions.h"
#include "ops/layer_op.h"


namespace densefit {
namespace {

// Batches of fewer rows than this take the one-row kernel per row (the GEMM's 6-row tiles
// would compute padding rows); larger ones go to sgemm, split across the pool's threads.
constexpr int64_t kGemvMaxRows = 6;
constexpr int64_t kChunkRows = kInferenceChunkRows;
// A few-row product runs on the calling thread; concurrent callers scale over the cores.
// (Splitting one sample over both cores would need per-core packed weights and a spinning
// helper; docs/serving.md has what a prototype measured.)

#ifdef __AVX2__
// Rows [0, R) of y, columns [j0, j0 + P·S::kWidth): y[r] = x[r] · W[those columns]. The R×P
// accumulators stay in registers for the whole of K while W's rows stream past; each load of
// W feeds all R rows (one multiply-add per row and weight, in increasing k).
template <class S, int R, int P>
inline void gemv_panel(const float* x, int64_t K, const float* W, int64_t N, int64_t j0,
                       float* y) {
  using V = typename S::V;
  constexpr int kW = S::kWidth;
  V acc[R][P];
  for (int r = 0; r < R; ++r)
    for (int p = 0; p < P; ++p) acc[r][p] = S::zero();
  const float* w = W + j0;
  for (int64_t k = 0; k < K; ++k, w += N) {
    V a[R];
    for (int r = 0; r < R; ++r) a[r] = S::splat(x[r * K + k]);
    for (int p = 0; p < P; ++p) {
      const V b = S::load(w + kW * p);
      for (int r = 0; r < R; ++r) acc[r][p] = S::fma(a[r], b, acc[r][p]);
    }
  }
  for (int r = 0; r < R; ++r)
    for (int p = 0; p < P; ++p) S::store(y + r * N + j0 + kW * p, acc[r][p]);
}

// Panels as wide as the registers allow (R·P = 16 zmm or 8 ymm accumulators: enough
// independent chains to hide the multiply-add latency), then narrower ones for what is left.
// Returns the first column not done.
template <class S, int R, int P>
inline int64_t gemv_panels(const float* x, int64_t K, const float* W, int64_t N, int64_t j,
                           float* y) {
  for (; j + P * S::kWidth <= N; j += P * S::kWidth) gemv_panel<S, R, P>(x, K, W, N, j, y);
  if constexpr (P > 1) return gemv_panels<S, R, P / 2>(x, K, W, N, j, y);
  return j;
}
#endif

// Rows [0, R) of y[R, N] = x[R, K] * W[K, N] (W row-major, Keras's kernel layout), + bias.
template <int R>
void gemv_rows(const float* x, const float* W, const float* bias, int64_t K, int64_t N,
               float* y) {
  int64_t j = 0;
#ifdef __AVX2__
#ifdef __AVX512F__
  j = gemv_panels<simd::Zmm, R, 16 / R>(x, K, W, N, j, y);
#endif
  j = gemv_panels<simd::Ymm, R, 8 / R>(x, K, W, N, j, y);
#endif
  for (int r = 0; r < R; ++r)
    for (int64_t c = j; c < N; c += 8) {  // columns left over (all without AVX2): scalar chains
      const int64_t width = std::min<int64_t>(8, N - c);
      float acc[8] = {};
      // Written as the GEMM's portable kernel writes it (gemm.cpp), so the compiler fuses the
      // multiply-add in both or in neither and a row matches its batched result bit for bit.
      for (int64_t k = 0; k < K; ++k)
        for (int64_t t = 0; t < width; ++t) acc[t] += x[r * K + k] * W[k * N + c + t];
      for (int64_t t = 0; t < width; ++t) y[r * N + c + t] = acc[t];
    }
  if (bias)
    for (int r = 0; r < R; ++r)
      for (int64_t c = 0; c < N; ++c) y[r * N + c] += bias[c];
}

// y[rows, N] = x[rows, K] * W[K, N] + bias for a few rows (fewer than kGemvMaxRows).
//
// A few-row product streams every weight once per group of rows, so it is bound by how fast W
// arrives. The kernel keeps a panel of up to 256 outputs (one row; 128 for two, 64 for four)
// in registers and reads W's rows across the panel: for W4's 256-wide layers and one sample
// that is one sequential stream through the whole kernel, which the prefetchers follow at the
// cache's read bandwidth (measured on Zen 5: 181 GB/s on a 784x256 kernel, as fast as a plain
// read of it, where the former 8-row x 32-column blocks, y reloaded per block, ran at 130).
//
// Each y[j] is accumulated exactly as the GEMM tiles do it (0, then one fused multiply-add per
// k in increasing k, then + bias), so a row's result does not depend on the batch it came in.
void gemv(const float* x, int64_t rows, const float* W, const float* bias, int64_t K,
          int64_t N, float* y) {
  int64_t r = 0;
  for (; r + 4 <= rows; r += 4) gemv_rows<4>(x + r * K, W, bias, K, N, y + r * N);
  for (; r + 2 <= rows; r += 2) gemv_rows<2>(x + r * K, W, bias, K, N, y + r * N);
  for (; r < rows; ++r) gemv_rows<1>(x + r * K, W, bias, K, N, y + r * N);
}

// `kernel` and `bias`: L's, in the weight version the run reads.
void dense(const InferenceLayer& L, const float* kernel, const float* bias, const float* in,
           int64_t rows, float* out) {
  if (rows >= kGemvMaxRows) {
    dense_forward(in, rows, L.in_dim, L.out_dim, kernel, bias, L.activation,
                  L.activation_alpha, out, out);
    return;
  }
  gemv(in, rows, kernel, bias, L.in_dim, L.out_dim, out);
  if (L.activation != Activation::Linear)
    activation_forward(L.activation, L.activation_alpha, out, out, rows, L.out_dim);
}

// A layer op's forward at inference, its parameters read at their offsets from `origin` in
// `version` (the weight version the run pinned; null: L's pointers as they are). Kept out of
// line: inlined, it made the compiler lay out the Dense path differently, and one-sample
// predict (P1) ran 15% slower.
[[gnu::noinline]] void run_op(const InferenceLayer& L, const float* version, const float* origin,
                              const float* in, int64_t rows, float* out) {
  const float* p[kMaxOpParams];
  for (size_t k = 0; k < L.params.size(); ++k)
    p[k] = version ? version + (L.params[k] - origin) : L.params[k];
  L.op->forward(L.spec, {in, out, rows, L.in_dim, L.out_dim, p, nullptr});
}

}  // namespace

Inference::Inference(int64_t input_dim, std::vector<InferenceLayer> layers)
    : input_dim_(input_dim), output_dim_(input_dim), max_width_(input_dim),
      layers_(std::move(layers)) {
  if (input_dim <= 0) throw std::invalid_argument("input_dim must be positive");
  for (size_t i = 0; i < layers_.size(); ++i) {
    const InferenceLayer& L = layers_[i];
    const std::string where = "layer " + std::to_string(i) + ": ";
    if (L.in_dim != output_dim_)
      throw std::invalid_argument(where + "takes " + std::to_string(L.in_dim) +
                                  " inputs but the previous layer gives " +
                                  std::to_string(output_dim_));
    if (L.kind == InferenceLayer::Kind::Dense) {
      if (L.out_dim <= 0 || !L.kernel) throw std::invalid_argument(where + "Dense needs a kernel");
    } else if (L.kind == InferenceLayer::Kind::Op) {
      if (!L.op || L.out_dim != L.op->output_width(L.spec, L.in_dim) ||
          L.params.size() != L.op->parameter_sizes(L.spec, L.in_dim).size() ||
          L.params.size() > size_t(kMaxOpParams))
        throw std::invalid_argument(where + "a layer op needs its op, width and parameters");
      for (const float* p : L.params)
        if (!p) throw std::invalid_argument(where + "a layer op parameter is missing");
    } else if (L.out_dim != L.in_dim) {
      throw std::invalid_argument(where + "an activation keeps its width");
    }
    output_dim_ = L.out_dim;
    max_width_ = std::max(max_width_, L.out_dim);
  }
}

Inference Inference::of(Network& net) {
  const ParamVersions& versions = net.serve_versions();
  std::vector<InferenceLayer> layers;
  const float* params = static_cast<const Network&>(net).params();
  for (const auto& info : net.layer_infos()) {
    const LayerSpec& s = info.spec;
    if (s.kind == LayerSpec::Kind::Dropout) continue;  // the identity outside training
    if (info.op && info.op->identity_at_inference(s)) continue;  // so are the noise layers
    InferenceLayer L;
    L.kind = info.op ? InferenceLayer::Kind::Op
             : s.kind == LayerSpec::Kind::Dense ? InferenceLayer::Kind::Dense
                                                : InferenceLayer::Kind::Activation;
    L.op = info.op;
    L.spec = s;
    for (int64_t offset : info.param_offsets) L.params.push_back(params + offset);
    L.in_dim = info.in_dim;
    L.out_dim = info.out_dim;
    L.activation = s.activation;
    L.activation_alpha = s.activation_alpha;
    if (info.kernel_offset >= 0) L.kernel = params + info.kernel_offset;
    if (info.bias_offset >= 0) L.bias = params + info.bias_offset;
    layers.push_back(L);
  }
  Inference inference(net.input_dim(), std::move(layers));
  inference.versions_ = &versions;
  inference.origin_ = params;
  return inference;
}

void Inference::run(const float* x, int64_t rows, float* out,
                    const InterruptWatch* interrupt) const {
  if (rows < 0) throw std::invalid_argument("rows must be non-negative");
  FlushDenormals ftz;  // as training and predict_run, so results match them
  // Two ping-pong buffers per thread, sized once for the widest layer and the largest chunk
  // this thread has run; every later call reuses them.
  thread_local std::vector<float> scratch;
  const int64_t chunk = std::min(rows, kChunkRows);
  const size_t need = size_t(2 * chunk * max_width_);
  if (scratch.size() < need) scratch.resize(need);
  float* buffers[2] = {scratch.data(), scratch.data() + chunk * max_width_};
  // One weight version for the whole call, held until it returns: every row of the answer
  // comes from the same weights. Holding it makes a writer wait, so nothing in here waits.
  std::optional<ParamVersions::Pin> pin;
  if (versions_) pin.emplace(*versions_);
  auto weights = [&](const float* p) { return p && pin ? pin->data() + (p - origin_) : p; };

  for (int64_t done = 0; done < rows; done += chunk) {
    check_interrupt(interrupt, done);
    const int64_t n = std::min(chunk, rows - done);
    const float* cur = x + done * input_dim_;
    float* result = out + done * output_dim_;
    bool cur_is_input = true;  // the caller's x is never written
    for (size_t i = 0; i < layers_.size(); ++i) {
      const InferenceLayer& L = layers_[i];
      const bool last = i + 1 == layers_.size();
      if (L.kind == InferenceLayer::Kind::Dense) {
        float* dst = last ? result : (cur == buffers[0] ? buffers[1] : buffers[0]);
        dense(L, weights(L.kernel), weights(L.bias), cur, n, dst);
        cur = dst;
      } else if (L.kind == InferenceLayer::Kind::Op) {
        float* dst = last ? result : (cur == buffers[0] ? buffers[1] : buffers[0]);
        run_op(L, pin ? pin->data() : nullptr, origin_, cur, n, dst);
        cur = dst;
      } else {
        float* dst = last ? result : cur_is_input ? buffers[0] : const_cast<float*>(cur);
        activation_forward(L.activation, L.activation_alpha, cur, dst, n, L.out_dim);
        cur = dst;
      }
      cur_is_input = false;
    }
    if (cur != result) std::memcpy(result, cur, sizeof(float) * size_t(n * output_dim_));
  }
}

}  // namespace densefit
