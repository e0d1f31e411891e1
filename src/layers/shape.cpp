// Shape operators: pure index maps, no arithmetic (proofs are linear maps on MLEs, issue 4).
//   reshape:   same data, attribute `shape` (Flatten, Reshape, Squeeze, Unsqueeze land here)
//   transpose: attribute `perm`
//   slice:     per axis (full rank) `starts`, `steps` (non-zero) and `counts`:
//              Y[i] = X[start + i·step] (Slice, Split)
//   concat:    along `axis`, any number of inputs
//   pad:       constant padding, `pads` = [begin_0.., end_0..] (non-negative), fill `value`
//   gather:    along `axis` with the constant `indices` (already in range) of shape
//              `indices_shape`
//   expand:    numpy broadcast to `shape`
// Bounds pass through (pad adds |value|).
#include <functional>
#include <numeric>

#include "layers/index_map.hpp"
#include "layers/layers.hpp"

namespace zk::layers {

namespace {

using ShapeOf = std::function<const Shape&(int)>;

// Calls f(out_linear, in_linear) with in_linear = Σ idx[d]·in_strides[d] + base over out shape.
template <class F>
void for_each_mapped(const Shape& out, const std::vector<int64_t>& in_strides, int64_t base, F&& f) {
  std::vector<int64_t> zero(out.size(), 0);
  for_each_broadcast(out, in_strides, zero, [&](int64_t o, int64_t i, int64_t) { f(o, base + i); });
}

// ---- reshape ----
std::vector<OutInfo> infer_reshape(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  Shape s = node.vec("shape");
  for (int64_t d : s)
    if (d < 0) throw Error(node.where() + ": negative dim in target shape");
  if (numel(s) != numel(in[0]->shape))
    throw Error(node.where() + ": cannot reshape " + shape_str(in[0]->shape) + " to " + shape_str(s));
  return {{s, in[0]->bound}};
}
void forward_reshape(const IntNode&, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  out[0].data = in[0]->data;
}

// ---- transpose ----
std::vector<int64_t> perm_of(const IntNode& node, size_t rank) {
  auto p = node.vec("perm");
  std::vector<int64_t> sorted = p;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> iota(rank);
  std::iota(iota.begin(), iota.end(), 0);
  if (sorted != iota) throw Error(node.where() + ": perm is not a permutation of the " + std::to_string(rank) + " axes");
  return p;
}
std::vector<OutInfo> infer_transpose(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  auto p = perm_of(node, in[0]->shape.size());
  Shape s;
  for (int64_t a : p) s.push_back(in[0]->shape[a]);
  return {{s, in[0]->bound}};
}
void forward_transpose(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  auto p = perm_of(node, in[0]->shape.size());
  auto st = strides_of(in[0]->shape);
  std::vector<int64_t> ms;
  for (int64_t a : p) ms.push_back(st[a]);
  for_each_mapped(out[0].shape, ms, 0, [&](int64_t o, int64_t i) { out[0].data[o] = in[0]->data[i]; });
}

// ---- slice ----
struct SliceGeo {
  Shape out;
  std::vector<int64_t> strides;
  int64_t base = 0;
};
SliceGeo slice_geo(const IntNode& node, const Shape& x) {
  auto starts = node.vec("starts"), steps = node.vec("steps"), counts = node.vec("counts");
  if (starts.size() != x.size() || steps.size() != x.size() || counts.size() != x.size())
    throw Error(node.where() + ": starts/steps/counts need one value per axis");
  for (const auto* v : {&starts, &steps, &counts}) check_geometry(node, *v, "slice start, step or count");
  SliceGeo g;
  auto st = strides_of(x);
  for (size_t d = 0; d < x.size(); ++d) {
    if (steps[d] == 0 || counts[d] < 0) throw Error(node.where() + ": zero step or negative count");
    const int64_t last = starts[d] + (counts[d] - 1) * steps[d];
    if (counts[d] > 0 && (starts[d] < 0 || starts[d] >= x[d] || last < 0 || last >= x[d]))
      throw Error(node.where() + ": slice out of range on axis " + std::to_string(d));
    g.out.push_back(counts[d]);
    g.strides.push_back(st[d] * steps[d]);
    g.base += st[d] * starts[d];
  }
  return g;
}
std::vector<OutInfo> infer_slice(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  return {{slice_geo(node, in[0]->shape).out, in[0]->bound}};
}
void forward_slice(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  SliceGeo g = slice_geo(node, in[0]->shape);
  if (numel(g.out) == 0) return;
  for_each_mapped(g.out, g.strides, g.base, [&](int64_t o, int64_t i) { out[0].data[o] = in[0]->data[i]; });
}

// ---- concat ----
std::vector<OutInfo> infer_concat(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, in.size());
  Shape s = in[0]->shape;
  const int64_t axis = norm_axis(node, node.get("axis"), static_cast<int64_t>(s.size()));
  int64_t b = 0;
  s[axis] = 0;
  for (const TensorInfo* t : in) {
    Shape o = t->shape;
    if (o.size() != s.size()) throw Error(node.where() + ": inputs differ in rank");
    s[axis] += o[axis];
    o[axis] = s[axis];
    if (o != s) throw Error(node.where() + ": inputs differ off the concat axis");
    b = std::max(b, t->bound);
  }
  return {{s, b}};
}
void forward_concat(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const Shape& ys = out[0].shape;
  const int64_t axis = norm_axis(node, node.get("axis"), static_cast<int64_t>(ys.size()));
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= ys[d];
  for (size_t d = axis + 1; d < ys.size(); ++d) inner *= ys[d];
  int64_t off = 0;
  for (const IntTensor* t : in) {
    const int64_t chunk = t->shape[axis] * inner;
    for (int64_t o = 0; o < outer; ++o)
      std::copy(t->data.begin() + o * chunk, t->data.begin() + (o + 1) * chunk,
                out[0].data.begin() + o * ys[axis] * inner + off);
    off += chunk;
  }
}

// ---- pad ----
std::vector<OutInfo> infer_pad(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  auto pads = node.vec("pads");
  const Shape& x = in[0]->shape;
  if (pads.size() != 2 * x.size()) throw Error(node.where() + ": pads needs 2 values per axis");
  check_geometry(node, pads, "pad");
  Shape s = x;
  for (size_t d = 0; d < x.size(); ++d) {
    if (pads[d] < 0 || pads[d + x.size()] < 0) throw Error(node.where() + ": negative pads (use slice)");
    s[d] += pads[d] + pads[d + x.size()];
  }
  const int64_t v = node.get("value", 0);
  return {{s, std::max(in[0]->bound, checked(node, v, "the pad value"))}};
}
void forward_pad(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  auto pads = node.vec("pads");
  const Shape& x = in[0]->shape;
  std::fill(out[0].data.begin(), out[0].data.end(), node.get("value", 0));
  auto ys = strides_of(out[0].shape);
  int64_t base = 0;
  for (size_t d = 0; d < x.size(); ++d) base += pads[d] * ys[d];
  // Walk the input and scatter into the output.
  std::vector<int64_t> zero(x.size(), 0);
  for_each_broadcast(x, ys, zero, [&](int64_t i, int64_t o, int64_t) { out[0].data[base + o] = in[0]->data[i]; });
}

// ---- gather ----
std::vector<OutInfo> infer_gather(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  const Shape& x = in[0]->shape;
  const int64_t axis = norm_axis(node, node.get("axis", 0), static_cast<int64_t>(x.size()));
  auto idx = node.vec("indices");
  Shape ishape = node.vec("indices_shape");
  if (numel(ishape) != static_cast<int64_t>(idx.size())) throw Error(node.where() + ": indices_shape mismatch");
  for (int64_t i : idx)
    if (i < 0 || i >= x[axis]) throw Error(node.where() + ": index " + std::to_string(i) + " out of range");
  Shape s(x.begin(), x.begin() + axis);
  s.insert(s.end(), ishape.begin(), ishape.end());
  s.insert(s.end(), x.begin() + axis + 1, x.end());
  return {{s, in[0]->bound}};
}
void forward_gather(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const Shape& x = in[0]->shape;
  const int64_t axis = norm_axis(node, node.get("axis", 0), static_cast<int64_t>(x.size()));
  const auto& idx = node.vec("indices");
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= x[d];
  for (size_t d = axis + 1; d < x.size(); ++d) inner *= x[d];
  auto dst = out[0].data.begin();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i : idx) {
      auto src = in[0]->data.begin() + (o * x[axis] + i) * inner;
      dst = std::copy(src, src + inner, dst);
    }
}

// ---- expand ----
std::vector<OutInfo> infer_expand(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  Shape s = broadcast_shapes(node, in[0]->shape, node.vec("shape"));
  return {{s, in[0]->bound}};
}
void forward_expand(const IntNode&, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  auto st = broadcast_strides(in[0]->shape, out[0].shape);
  for_each_mapped(out[0].shape, st, 0, [&](int64_t o, int64_t i) { out[0].data[o] = in[0]->data[i]; });
}


// ---- proofs ----
// Each operator becomes an IndexMap (index_map.hpp): per-dimension factors wherever the map is
// separable, so that untouched dims pass their coordinates straight through and the verifier's
// share stays O(Σ dims); only reshape groups whose padded layouts differ cost O(group size).

IndexFactor identity_factor(std::vector<int> out_dims, std::vector<int> in_dims) {
  return {std::move(out_dims), std::move(in_dims), true, {}};
}
IndexFactor table_factor(std::vector<int> out_dims, std::vector<int> in_dims, std::vector<int64_t> src) {
  return {std::move(out_dims), std::move(in_dims), false, std::move(src)};
}
std::vector<int> dim_range(size_t begin, size_t end) {
  std::vector<int> r;
  for (size_t d = begin; d < end; ++d) r.push_back(static_cast<int>(d));
  return r;
}

IndexMap one_source(const IntNode& node, const ShapeOf& shape_of) {
  IndexMap map;
  map.out = shape_of(node.outputs[0]);
  map.sources.push_back({node.inputs[0], shape_of(node.inputs[0]), {}});
  return map;
}

IndexMap reshape_map(const IntNode& node, const ShapeOf& shape_of) {
  IndexMap map = one_source(node, shape_of);
  const Shape &x = map.sources[0].shape, &y = map.out;
  auto& factors = map.sources[0].factors;
  if (numel(x) == 1) return map;  // every dim has size 1: nothing to map
  if (same_padded_layout(x, y)) {
    factors.push_back(identity_factor(dim_range(0, y.size()), dim_range(0, x.size())));
    return map;
  }
  // Cut both shapes where their prefix products agree: each group is reshaped on its own.
  size_t a = 0, b = 0;
  while (a < x.size() || b < y.size()) {
    const size_t a0 = a, b0 = b;
    int64_t pa = 1, pb = 1;
    if (a < x.size()) pa *= x[a++];
    if (b < y.size()) pb *= y[b++];
    while (pa != pb) {
      if (pa < pb) pa *= x.at(a++);
      else pb *= y.at(b++);
    }
    if (pa > 1) factors.push_back(identity_factor(dim_range(b0, b), dim_range(a0, a)));
  }
  return map;
}

IndexMap transpose_map(const IntNode& node, const ShapeOf& shape_of) {
  IndexMap map = one_source(node, shape_of);
  auto p = perm_of(node, map.sources[0].shape.size());
  for (size_t d = 0; d < p.size(); ++d) map.sources[0].factors.push_back(identity_factor({int(d)}, {int(p[d])}));
  return map;
}

IndexMap slice_map(const IntNode& node, const ShapeOf& shape_of) {
  IndexMap map = one_source(node, shape_of);
  const Shape& x = map.sources[0].shape;
  auto starts = node.vec("starts"), steps = node.vec("steps"), counts = node.vec("counts");
  for (size_t d = 0; d < x.size(); ++d) {
    if (starts[d] == 0 && steps[d] == 1 && counts[d] == x[d]) {
      map.sources[0].factors.push_back(identity_factor({int(d)}, {int(d)}));
      continue;
    }
    std::vector<int64_t> src(counts[d]);
    for (int64_t i = 0; i < counts[d]; ++i) src[i] = starts[d] + i * steps[d];
    map.sources[0].factors.push_back(table_factor({int(d)}, {int(d)}, std::move(src)));
  }
  return map;
}

IndexMap pad_map(const IntNode& node, const ShapeOf& shape_of) {
  IndexMap map = one_source(node, shape_of);
  const Shape& x = map.sources[0].shape;
  auto pads = node.vec("pads");
  map.fill = node.get("value", 0);
  for (size_t d = 0; d < x.size(); ++d) {
    const int64_t begin = pads[d];
    if (begin == 0 && pads[d + x.size()] == 0) {
      map.sources[0].factors.push_back(identity_factor({int(d)}, {int(d)}));
      continue;
    }
    std::vector<int64_t> src(map.out[d], -1);
    for (int64_t i = 0; i < x[d]; ++i) src[begin + i] = i;
    map.sources[0].factors.push_back(table_factor({int(d)}, {int(d)}, std::move(src)));
  }
  return map;
}

IndexMap concat_map(const IntNode& node, const ShapeOf& shape_of) {
  IndexMap map;
  map.out = shape_of(node.outputs[0]);
  const int64_t axis = norm_axis(node, node.get("axis"), static_cast<int64_t>(map.out.size()));
  int64_t offset = 0;
  for (int t : node.inputs) {
    IndexSource source{t, shape_of(t), {}};
    for (size_t d = 0; d < map.out.size(); ++d) {
      if (static_cast<int64_t>(d) != axis) {
        source.factors.push_back(identity_factor({int(d)}, {int(d)}));
        continue;
      }
      std::vector<int64_t> src(map.out[d], -1);
      for (int64_t i = 0; i < source.shape[d]; ++i) src[offset + i] = i;
      offset += source.shape[d];
      source.factors.push_back(table_factor({int(d)}, {int(d)}, std::move(src)));
    }
    map.sources.push_back(std::move(source));
  }
  return map;
}

IndexMap gather_map(const IntNode& node, const ShapeOf& shape_of) {
  IndexMap map = one_source(node, shape_of);
  const Shape& x = map.sources[0].shape;
  const size_t axis = static_cast<size_t>(norm_axis(node, node.get("axis", 0), static_cast<int64_t>(x.size())));
  const size_t q = node.vec("indices_shape").size();
  auto& factors = map.sources[0].factors;
  for (size_t d = 0; d < axis; ++d) factors.push_back(identity_factor({int(d)}, {int(d)}));
  factors.push_back(table_factor(dim_range(axis, axis + q), {int(axis)}, node.vec("indices")));
  for (size_t e = axis + 1; e < x.size(); ++e) factors.push_back(identity_factor({int(e + q - 1)}, {int(e)}));
  return map;
}

IndexMap expand_map(const IntNode& node, const ShapeOf& shape_of) {
  IndexMap map = one_source(node, shape_of);
  const Shape& x = map.sources[0].shape;
  const size_t lead = map.out.size() - x.size();
  for (size_t e = 0; e < x.size(); ++e)
    if (x[e] == map.out[e + lead]) map.sources[0].factors.push_back(identity_factor({int(e + lead)}, {int(e)}));
  return map;
}

template <IndexMap (*Build)(const IntNode&, const ShapeOf&)>
void prove_shape(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  prove_index_map(Build(node, [&](int t) -> const Shape& { return ctx.shape(t); }), ctx, out[0]);
}
template <IndexMap (*Build)(const IntNode&, const ShapeOf&)>
void verify_shape(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  verify_index_map(Build(node, [&](int t) -> const Shape& { return ctx.shape(t); }), ctx, out[0]);
}

const LayerProofDef kReshapeProof{nullptr, nullptr, prove_shape<reshape_map>, verify_shape<reshape_map>, true};
const LayerProofDef kTransposeProof{nullptr, nullptr, prove_shape<transpose_map>, verify_shape<transpose_map>, true};
const LayerProofDef kSliceProof{nullptr, nullptr, prove_shape<slice_map>, verify_shape<slice_map>, true};
const LayerProofDef kConcatProof{nullptr, nullptr, prove_shape<concat_map>, verify_shape<concat_map>, true};
const LayerProofDef kPadProof{nullptr, nullptr, prove_shape<pad_map>, verify_shape<pad_map>, true};
const LayerProofDef kGatherProof{nullptr, nullptr, prove_shape<gather_map>, verify_shape<gather_map>, true};
const LayerProofDef kExpandProof{nullptr, nullptr, prove_shape<expand_map>, verify_shape<expand_map>, true};

}  // namespace

const LayerDef kReshapeLayer{"reshape", 1, 1, 1, infer_reshape, forward_reshape, &kReshapeProof};
const LayerDef kTransposeLayer{"transpose", 1, 1, 1, infer_transpose, forward_transpose, &kTransposeProof};
const LayerDef kSliceLayer{"slice", 1, 1, 1, infer_slice, forward_slice, &kSliceProof};
const LayerDef kConcatLayer{"concat", 1, 1 << 20, 1, infer_concat, forward_concat, &kConcatProof};
const LayerDef kPadLayer{"pad", 1, 1, 1, infer_pad, forward_pad, &kPadProof};
const LayerDef kGatherLayer{"gather", 1, 1, 1, infer_gather, forward_gather, &kGatherProof};
const LayerDef kExpandLayer{"expand", 1, 1, 1, infer_expand, forward_expand, &kExpandProof};

}  // namespace zk::layers
