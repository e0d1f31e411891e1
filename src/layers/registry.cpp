// The one table of integer layers. Adding an operator: one file with its LayerDef, one row here.
#include <algorithm>

#include "layers/layers.hpp"

namespace zk::layers {

namespace {

const LayerDef* const kLayers[] = {
    &kAddLayer,      &kConcatLayer,  &kConvLayer,    &kDivLayer,     &kEmbeddingLayer, &kExpandLayer,  &kGatherLayer,
    &kLayerNormLayer, &kLookupLayer, &kMatMulLayer,  &kMaxLayer,     &kMaxPoolLayer, &kMinLayer,
    &kMulLayer,      &kMulConstLayer, &kPadLayer,    &kReduceMaxLayer, &kReduceSumLayer, &kRescaleLayer,
    &kReshapeLayer,  &kRmsNormLayer, &kSliceLayer,   &kSoftmaxLayer, &kSubLayer,     &kSumPoolLayer, &kTransposeLayer,
};

}  // namespace

const LayerDef* find_layer(std::string_view name) {
  for (const LayerDef* d : kLayers)
    if (name == d->name) return d;
  return nullptr;
}

std::vector<std::string> layer_names() {
  std::vector<std::string> r;
  for (const LayerDef* d : kLayers) r.emplace_back(d->name);
  std::sort(r.begin(), r.end());
  return r;
}

}  // namespace zk::layers
