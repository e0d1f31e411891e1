#pragma once
// The layer registry: one row per integer operator (registry.cpp). A layer is the unit that the
// integer executor runs and that the prover will prove (issue 4 adds prover/verifier steps to the
// same row). Each family lives in one file of this folder.
//
// `infer` derives static output shapes and bounds from the input shapes and bounds and throws
// Error (naming the node) if any output or any intermediate value could reach 2^62. `forward` is
// the exact integer semantics: int64 arithmetic only, and it may rely on the bounds `infer`
// proved (so it cannot overflow). Both throw Error naming the node on malformed attributes.
#include <algorithm>
#include <span>
#include <string_view>
#include <vector>

#include "layers/int_graph.hpp"

namespace zk::layers {

struct OutInfo {
  Shape shape;
  int64_t bound = 0;
};

using InferFn = std::vector<OutInfo> (*)(const IntNode& node, std::span<const TensorInfo* const> in);
using ForwardFn = void (*)(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out);

struct LayerProofDef;  // proof.hpp

struct LayerDef {
  const char* name;
  int min_inputs;
  int max_inputs;
  int outputs;  // -1: as many as the node lists (split-like layers)
  InferFn infer;
  ForwardFn forward;
  // The layer's prover and verifier steps (issue 4); nullptr while the family has none, which
  // makes `compile` refuse a model that uses it with a message naming the layer.
  const LayerProofDef* proof = nullptr;
};

const LayerDef* find_layer(std::string_view name);
std::vector<std::string> layer_names();

// ---- helpers shared by the layer files ----

using Wide = __int128;

// Returns v as int64 after checking |v| < 2^62; otherwise Error "<node>: <what> could reach ...".
int64_t checked(const IntNode& node, Wide v, const char* what);
// Geometry attributes (kernel sizes, strides, dilations, pads, slice starts/steps/counts) come
// from key files too: each must lie within ±2^31, so that with dimensions below 2^30 (io and
// IntGraph::check_bounds hold them there) no shape arithmetic overflows int64.
void check_geometry(const IntNode& node, std::span<const int64_t> values, const char* what);
Wide wabs(Wide v);

// numpy broadcasting of two shapes; Error naming the node if incompatible.
Shape broadcast_shapes(const IntNode& node, const Shape& a, const Shape& b);
// Strides of `in` inside `out` (0 along broadcast dims), one per dim of `out`.
std::vector<int64_t> broadcast_strides(const Shape& in, const Shape& out);
// Calls f(out_index, offset_a, offset_b) for every element of `out`.
template <class F>
void for_each_broadcast(const Shape& out, const std::vector<int64_t>& sa, const std::vector<int64_t>& sb, F&& f) {
  const size_t r = out.size();
  const int64_t n = numel(out);
  std::vector<int64_t> idx(r, 0);
  int64_t oa = 0, ob = 0;
  for (int64_t o = 0; o < n; ++o) {
    f(o, oa, ob);
    for (size_t d = r; d-- > 0;) {
      if (++idx[d] < out[d]) {
        oa += sa[d];
        ob += sb[d];
        break;
      }
      oa -= sa[d] * (out[d] - 1);
      ob -= sb[d] * (out[d] - 1);
      idx[d] = 0;
    }
  }
}

// Row-major strides of a shape.
std::vector<int64_t> strides_of(const Shape& s);
// Normalises a possibly negative axis against `rank`; Error naming the node if out of range.
int64_t norm_axis(const IntNode& node, int64_t axis, int64_t rank);
void expect_inputs(const IntNode& node, std::span<const TensorInfo* const> in, size_t count);

// floor(a / b) for b > 0.
inline int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}
// floor(sqrt(v)) for v >= 0, exact.
int64_t isqrt(int64_t v);

}  // namespace zk::layers
