// Element-wise and row-wise activation functions, with Keras 3's formulas and defaults.
#pragma once
#include <cstdint>
#include <string>

namespace densefit {

enum class Activation {
  Linear, Relu, Sigmoid, Tanh, Softmax, LogSoftmax, Gelu, GeluTanh, Elu, Selu, Softplus,
  Softsign, Silu, LeakyRelu, Relu6, HardSigmoid, HardSilu, Exponential, Mish
};

// Keras name ("relu", "swish", "gelu", "gelu_tanh" for gelu(approximate=True), ...) -> enum.
// Throws std::invalid_argument listing the valid names.
Activation activation_from_name(const std::string& name);
const char* activation_name(Activation a);

// a = f(z) for a rows x cols row-major block. `alpha` is the activation's one parameter where
// it has one (leaky_relu negative_slope, elu alpha); pass NaN for Keras's default.
// z and a may alias (in-place).
void activation_forward(Activation f, float alpha, const float* z, float* a, int64_t rows,
                        int64_t cols);

// dz = da * f'(z), given z and a = f(z) (both kept by the caller). dz may alias da.
void activation_backward(Activation f, float alpha, const float* z, const float* a,
                         const float* da, float* dz, int64_t rows, int64_t cols);

}  // namespace densefit
