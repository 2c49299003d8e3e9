// Which op runs each layer kind (layer_op.h).
#include "ops/layer_op.h"

namespace densefit {

const LayerOp& layer_normalization_op();

const LayerOp* layer_op(LayerSpec::Kind kind) {
  switch (kind) {
    case LayerSpec::Kind::LayerNormalization: return &layer_normalization_op();
    default: return nullptr;  // Dense, Dropout, Activation: inline in the engines
  }
}

}  // namespace densefit
