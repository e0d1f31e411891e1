#pragma once
// Internal to src/layers: the per-family LayerDef objects that registry.cpp lists, and geometry
// helpers shared by more than one family.
#include <functional>

#include "layers/layer.hpp"

namespace zk::layers {

struct Pool2D {
  int64_t kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, oh, ow;
};
Pool2D pool_geometry(const IntNode& node, const Shape& x);  // max.cpp

struct ReduceGeo {
  Shape out;
  std::vector<int64_t> kept, reduced, in_strides;
  int64_t count = 1;  // elements per output
};
ReduceGeo reduce_geometry(const IntNode& node, const Shape& x);  // max.cpp
// f(output index, input index) for every input element.
void for_each_reduction(const Shape& x, const ReduceGeo& r, const std::function<void(int64_t, int64_t)>& f);

extern const LayerDef kMatMulLayer, kConvLayer;
extern const LayerDef kAddLayer, kSubLayer, kMulLayer, kMulConstLayer;
extern const LayerDef kRescaleLayer, kLookupLayer;
extern const LayerDef kMaxPoolLayer, kMaxLayer, kMinLayer, kReduceMaxLayer;
extern const LayerDef kSumPoolLayer, kReduceSumLayer;
extern const LayerDef kReshapeLayer, kTransposeLayer, kSliceLayer, kConcatLayer, kPadLayer, kGatherLayer, kExpandLayer;
extern const LayerDef kSoftmaxLayer, kLayerNormLayer, kRmsNormLayer, kDivLayer;
extern const LayerDef kEmbeddingLayer;

}  // namespace zk::layers
