// Sums over windows and axes. Averages are not divided here: the quantizer follows with
// `mul_const` by a quantized 1/n and a `rescale`, so every rounding stays in one audited layer.
//   sumpool:    2-D window sums of [N, C, H, W] (same attributes as maxpool); padded cells count as
//               zero (AveragePool with count_include_pad = 1, or without padding).
//   reduce_sum: sum over `axes` (all when absent), keepdims 0/1 (ReduceSum, ReduceMean,
//               GlobalAveragePool = reduce_sum over {2, 3}).
// Proofs are linear maps.
#include "layers/layers.hpp"

namespace zk::layers {

namespace {

std::vector<OutInfo> infer_sumpool(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  const Shape& x = in[0]->shape;
  Pool2D g = pool_geometry(node, x);
  return {{Shape{x[0], x[1], g.oh, g.ow}, checked(node, Wide(g.kh) * g.kw * in[0]->bound, "the window sum")}};
}

void forward_sumpool(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor& x = *in[0];
  Pool2D g = pool_geometry(node, x.shape);
  const int64_t planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3];
  for (int64_t p = 0; p < planes; ++p) {
    const int64_t* xp = x.data.data() + p * h * w;
    int64_t* yp = out[0].data.data() + p * g.oh * g.ow;
    for (int64_t oy = 0; oy < g.oh; ++oy)
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        int64_t s = 0;
        for (int64_t i = 0; i < g.kh; ++i) {
          const int64_t iy = oy * g.sh - g.pt + i * g.dh;
          if (iy < 0 || iy >= h) continue;
          for (int64_t j = 0; j < g.kw; ++j) {
            const int64_t ix = ox * g.sw - g.pl + j * g.dw;
            if (ix >= 0 && ix < w) s += xp[iy * w + ix];
          }
        }
        yp[oy * g.ow + ox] = s;
      }
  }
}

std::vector<OutInfo> infer_reduce_sum(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  ReduceGeo r = reduce_geometry(node, in[0]->shape);
  return {{r.out, checked(node, Wide(r.count) * in[0]->bound, "the sum")}};
}

void forward_reduce_sum(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor& x = *in[0];
  ReduceGeo r = reduce_geometry(node, x.shape);
  auto& y = out[0].data;
  std::fill(y.begin(), y.end(), 0);
  for_each_reduction(x.shape, r, [&](int64_t o, int64_t i) { y[o] += x.data[i]; });
}

}  // namespace

const LayerDef kSumPoolLayer{"sumpool", 1, 1, 1, infer_sumpool, forward_sumpool};
const LayerDef kReduceSumLayer{"reduce_sum", 1, 1, 1, infer_reduce_sum, forward_reduce_sum};

}  // namespace zk::layers
