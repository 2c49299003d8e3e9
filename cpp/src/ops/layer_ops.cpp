// Which op runs each layer kind (layer_op.h): the one list of the ops.
#include <stdexcept>

#include "ops/layer_op.h"

namespace densefit {

const LayerOp& layer_normalization_op();
const LayerOp& batch_normalization_op();
const LayerOp& relu_op();
const LayerOp& prelu_op();
const LayerOp& rescaling_op();
const LayerOp& unit_normalization_op();
const LayerOp& normalization_op();
const LayerOp& gaussian_noise_op();
const LayerOp& gaussian_dropout_op();
const LayerOp& alpha_dropout_op();
const LayerOp& embedding_op();

namespace {

const LayerOp* const* all_ops() {
  static const LayerOp* const ops[] = {&layer_normalization_op(), &batch_normalization_op(),
                                       &relu_op(), &prelu_op(), &rescaling_op(),
                                       &unit_normalization_op(), &normalization_op(),
                                       &gaussian_noise_op(), &gaussian_dropout_op(),
                                       &alpha_dropout_op(), &embedding_op(), nullptr};
  return ops;
}

}  // namespace

const LayerOp* layer_op(LayerSpec::Kind kind) {
  for (const LayerOp* const* op = all_ops(); *op; ++op)
    if ((*op)->spec_kind() == kind) return *op;
  return nullptr;  // Dense, Dropout, Activation: inline in the engines
}

const LayerOp* layer_op_named(const std::string& kind) {
  for (const LayerOp* const* op = all_ops(); *op; ++op)
    if (kind == (*op)->kind()) return *op;
  return nullptr;
}

void LayerOp::expect_attributes(const std::vector<double>& values, size_t count) const {
  if (values.size() != count)
    throw std::invalid_argument(std::string(name()) + " takes " + std::to_string(count) +
                                " attributes, got " + std::to_string(values.size()));
}

}  // namespace densefit
