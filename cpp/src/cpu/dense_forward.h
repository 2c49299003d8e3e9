// A Dense layer's forward pass on the CPU, shared by training (Network) and serving
// (Inference) so both compute every row the same way.
#pragma once
#include <cstdint>

#include "densefit/activations.h"

namespace densefit {

// z (rows x out_dim) = in (rows x in_dim) · kernel (in_dim x out_dim, Keras's layout) + bias
// (or none), then out = activation(z) (out may be z; Linear leaves out untouched). Rows are
// split over the pool; each slice starts from its bias rows and applies its activation on the
// thread that computed it. Every element is 0, one multiply-add per input in order, + bias.
void dense_forward(const float* in, int64_t rows, int64_t in_dim, int64_t out_dim,
                   const float* kernel, const float* bias, Activation activation,
                   float activation_alpha, float* z, float* out);

}  // namespace densefit
