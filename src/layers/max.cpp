// Maxima: the proof (issue 4) shows y ≥ x_i for every candidate by range checks and
// Π(y − x_i) = 0 (y is one of them).
//   maxpool:    2-D max pooling of [N, C, H, W]; attributes kernel [2], strides [2],
//               pads [4] (top, left, bottom, right), dilations [2]. Padded cells are not
//               candidates (ONNX pads with −inf).
//   max / min:  element-wise over two inputs with broadcasting (both at the same scale).
//   reduce_max: max over `axes` (keepdims 0/1); GlobalMaxPool is reduce_max over {2, 3}.
#include <set>

#include "layers/layers.hpp"

namespace zk::layers {

// Shared with pool.cpp (sum pooling has the same window geometry).
Pool2D pool_geometry(const IntNode& node, const Shape& x) {
  if (x.size() != 4) throw Error(node.where() + ": only 2-D pooling of a rank-4 input is supported");
  auto k = node.vec("kernel");
  auto s = node.vec("strides", {1, 1});
  auto p = node.vec("pads", {0, 0, 0, 0});
  auto d = node.vec("dilations", {1, 1});
  if (k.size() != 2 || s.size() != 2 || p.size() != 4 || d.size() != 2)
    throw Error(node.where() + ": kernel/strides/dilations need 2 values and pads 4");
  Pool2D g{k[0], k[1], s[0], s[1], p[0], p[1], p[2], p[3], d[0], d[1], 0, 0};
  for (int64_t v : {g.kh, g.kw, g.sh, g.sw, g.dh, g.dw})
    if (v < 1) throw Error(node.where() + ": kernel, strides and dilations must be >= 1");
  for (int64_t v : p)
    if (v < 0) throw Error(node.where() + ": negative pads");
  const int64_t eh = x[2] + g.pt + g.pb - g.dh * (g.kh - 1) - 1, ew = x[3] + g.pl + g.pr - g.dw * (g.kw - 1) - 1;
  if (eh < 0 || ew < 0) throw Error(node.where() + ": window larger than the padded input");
  g.oh = eh / g.sh + 1;
  g.ow = ew / g.sw + 1;
  return g;
}

namespace {

std::vector<OutInfo> infer_maxpool(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  const Shape& x = in[0]->shape;
  Pool2D g = pool_geometry(node, x);
  return {{Shape{x[0], x[1], g.oh, g.ow}, in[0]->bound}};
}

void forward_maxpool(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor& x = *in[0];
  Pool2D g = pool_geometry(node, x.shape);
  const int64_t planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3];
  for (int64_t p = 0; p < planes; ++p) {
    const int64_t* xp = x.data.data() + p * h * w;
    int64_t* yp = out[0].data.data() + p * g.oh * g.ow;
    for (int64_t oy = 0; oy < g.oh; ++oy)
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        bool any = false;
        int64_t best = 0;
        for (int64_t i = 0; i < g.kh; ++i) {
          const int64_t iy = oy * g.sh - g.pt + i * g.dh;
          if (iy < 0 || iy >= h) continue;
          for (int64_t j = 0; j < g.kw; ++j) {
            const int64_t ix = ox * g.sw - g.pl + j * g.dw;
            if (ix < 0 || ix >= w) continue;
            const int64_t v = xp[iy * w + ix];
            if (!any || v > best) best = v;
            any = true;
          }
        }
        if (!any) throw Error(node.where() + ": a pooling window lies entirely in the padding");
        yp[oy * g.ow + ox] = best;
      }
  }
}

std::vector<OutInfo> infer_maxmin(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 2);
  return {{broadcast_shapes(node, in[0]->shape, in[1]->shape), std::max(in[0]->bound, in[1]->bound)}};
}

template <bool Max>
void forward_maxmin(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor &a = *in[0], &b = *in[1];
  IntTensor& y = out[0];
  auto sa = broadcast_strides(a.shape, y.shape), sb = broadcast_strides(b.shape, y.shape);
  for_each_broadcast(y.shape, sa, sb, [&](int64_t o, int64_t ia, int64_t ib) {
    y.data[o] = Max ? std::max(a.data[ia], b.data[ib]) : std::min(a.data[ia], b.data[ib]);
  });
}

}  // namespace

ReduceGeo reduce_geometry(const IntNode& node, const Shape& x) {
  const auto rank = static_cast<int64_t>(x.size());
  std::set<int64_t> axes;
  auto given = node.vec("axes", {});
  if (given.empty())
    for (int64_t a = 0; a < rank; ++a) axes.insert(a);
  for (int64_t a : given) axes.insert(norm_axis(node, a, rank));
  const bool keep = node.get("keepdims", 1) != 0;
  ReduceGeo r;
  r.in_strides = strides_of(x);
  r.count = 1;
  for (int64_t d = 0; d < rank; ++d) {
    if (axes.count(d)) {
      r.count *= x[d];
      r.reduced.push_back(d);
      if (keep) r.out.push_back(1);
    } else {
      r.kept.push_back(d);
      r.out.push_back(x[d]);
    }
  }
  return r;
}

void for_each_reduction(const Shape& x, const ReduceGeo& r, const std::function<void(int64_t, int64_t)>& f) {
  // Output index o enumerates kept dims in order; each input element maps to exactly one o.
  const int64_t n = numel(x);
  std::vector<int64_t> kept_strides(r.kept.size(), 1);
  for (size_t k = r.kept.size(); k-- > 1;) kept_strides[k - 1] = kept_strides[k] * x[r.kept[k]];
  std::vector<int64_t> idx(x.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t o = 0;
    for (size_t k = 0; k < r.kept.size(); ++k) o += idx[r.kept[k]] * kept_strides[k];
    f(o, i);
    for (size_t d = x.size(); d-- > 0;) {
      if (++idx[d] < x[d]) break;
      idx[d] = 0;
    }
  }
}

namespace {

std::vector<OutInfo> infer_reduce_max(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  return {{reduce_geometry(node, in[0]->shape).out, in[0]->bound}};
}

void forward_reduce_max(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor& x = *in[0];
  ReduceGeo r = reduce_geometry(node, x.shape);
  if (r.count == 0) throw Error(node.where() + ": max over an empty set");
  std::vector<char> seen(out[0].data.size(), 0);
  auto& y = out[0].data;
  for_each_reduction(x.shape, r, [&](int64_t o, int64_t i) {
    if (!seen[o] || x.data[i] > y[o]) y[o] = x.data[i];
    seen[o] = 1;
  });
}

}  // namespace

const LayerDef kMaxPoolLayer{"maxpool", 1, 1, 1, infer_maxpool, forward_maxpool};
const LayerDef kMaxLayer{"max", 2, 2, 1, infer_maxmin, forward_maxmin<true>};
const LayerDef kMinLayer{"min", 2, 2, 1, infer_maxmin, forward_maxmin<false>};
const LayerDef kReduceMaxLayer{"reduce_max", 1, 1, 1, infer_reduce_max, forward_reduce_max};

}  // namespace zk::layers
