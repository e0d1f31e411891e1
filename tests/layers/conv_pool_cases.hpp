#pragma once
// The cases of the conv, sumpool / reduce_sum and lookup proof tests, shared by their plain tests
// (conv_proof_test.cpp, pool_proof_test.cpp, lookup_proof_test.cpp) and their zero-knowledge test
// (zk_conv_pool_test.cpp), so that both modes cover the same attribute variants.
#include <string>
#include <vector>

#include "layers/layer.hpp"
#include "proof_harness.hpp"

namespace zk::testing {

struct ConvCase {
  layers::Shape x;  // [N, C, H, W]
  int64_t m, kh, kw;
  std::vector<int64_t> strides = {1, 1}, pads = {0, 0, 0, 0}, dilations = {1, 1};
  int64_t group = 1;
  bool bias = false;
};

// x an input (entries in [-100, 100]), the weight and the bias constants.
inline TestGraph conv_graph(const ConvCase& c, uint64_t seed = 7) {
  TestGraph g;
  const int x = g.graph.add_input("x", c.x, 0, 1.0, 100);
  g.inputs.push_back(random_tensor(c.x, 100, seed));
  layers::IntNode node;
  node.op = "conv";
  node.name = "conv";
  node.inputs = {x, g.graph.add_constant("w", random_tensor({c.m, c.x[1] / c.group, c.kh, c.kw}, 50, seed + 1), 0, 1.0)};
  if (c.bias) node.inputs.push_back(g.graph.add_constant("b", random_tensor({c.m}, 5000, seed + 2), 0, 1.0));
  node.attrs = {{"strides", c.strides}, {"pads", c.pads}, {"dilations", c.dilations}, {"group", {c.group}}};
  g.graph.outputs = {g.graph.add_node(node, {"y"}, 0, 1.0)};
  return g;
}

inline std::string describe(const ConvCase& c) {
  auto v = [](const std::vector<int64_t>& s) { return layers::shape_str(s); };
  return layers::shape_str(c.x) + " m" + std::to_string(c.m) + " k" + std::to_string(c.kh) + "x" + std::to_string(c.kw) +
         " s" + v(c.strides) + " p" + v(c.pads) + " d" + v(c.dilations) + " g" + std::to_string(c.group) +
         (c.bias ? " bias" : "");
}

// Stride, padding (symmetric and not), dilation, groups and depthwise, bias, batch, non-power-of-two
// sizes everywhere.
inline const std::vector<ConvCase>& conv_cases() {
  static const std::vector<ConvCase> cases = {
      {{1, 3, 7, 7}, 4, 3, 3, {1, 1}, {1, 1, 1, 1}},
      {{1, 3, 7, 7}, 5, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1, true},
      {{1, 2, 9, 9}, 3, 5, 5, {1, 1}, {2, 2, 2, 2}, {1, 1}, 1, true},
      {{1, 3, 8, 7}, 2, 3, 3, {2, 2}, {1, 1, 1, 1}},
      {{1, 3, 9, 10}, 4, 3, 2, {2, 3}, {0, 1, 2, 0}, {1, 1}, 1, true},  // asymmetric everything
      {{1, 2, 9, 9}, 3, 3, 3, {1, 1}, {2, 2, 2, 2}, {2, 2}},            // dilation 2
      {{1, 2, 11, 8}, 2, 3, 2, {2, 1}, {1, 0, 0, 3}, {2, 3}},           // stride + dilation + pads
      {{1, 6, 6, 5}, 9, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 3, true},   // groups = 3
      {{1, 5, 7, 7}, 5, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 5},         // depthwise
      {{1, 3, 7, 6}, 6, 3, 3, {2, 2}, {1, 1, 1, 1}, {1, 1}, 3, true},   // depthwise, multiplier 2
      {{2, 3, 5, 5}, 4, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1, true},   // batch 2
      {{3, 4, 5, 6}, 6, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, 2},         // 1x1, groups, batch 3
      {{1, 1, 4, 4}, 1, 4, 4},                                          // output 1x1
      {{1, 3, 3, 3}, 2, 1, 1, {2, 2}, {1, 1, 1, 1}},                    // pads only read zeros at corners
  };
  return cases;
}

// The conv cases whose every output entry the cheating tests change.
inline const std::vector<ConvCase>& conv_cheat_cases() {
  static const std::vector<ConvCase> cases = {{{1, 2, 5, 5}, 2, 3, 3, {2, 2}, {1, 1, 1, 1}, {1, 1}, 1, true},
                                              {{1, 3, 4, 5}, 3, 3, 3, {1, 1}, {1, 0, 1, 0}, {1, 1}, 3}};
  return cases;
}

inline layers::IntAttrs pool_attrs(std::vector<int64_t> k, std::vector<int64_t> s, std::vector<int64_t> p,
                                   std::vector<int64_t> d) {
  return {{"kernel", k}, {"strides", s}, {"pads", p}, {"dilations", d}};
}

// One single-node case: the op's input shape and attributes.
struct OpCase {
  std::string name;
  layers::Shape x;
  layers::IntAttrs attrs;
};

inline std::vector<OpCase> sumpool_cases() {
  return {
      {"2x2 stride 2", {2, 3, 6, 6}, pool_attrs({2, 2}, {2, 2}, {0, 0, 0, 0}, {1, 1})},
      {"3x3 stride 1 padded", {1, 2, 5, 7}, pool_attrs({3, 3}, {1, 1}, {1, 1, 1, 1}, {1, 1})},
      {"asymmetric, dilated", {1, 3, 7, 5}, pool_attrs({3, 2}, {2, 1}, {1, 0, 1, 1}, {1, 2})},
      {"global", {3, 5, 3, 3}, pool_attrs({3, 3}, {1, 1}, {0, 0, 0, 0}, {1, 1})},
      {"1x1", {1, 1, 1, 1}, pool_attrs({1, 1}, {1, 1}, {0, 0, 0, 0}, {1, 1})},
  };
}

inline std::vector<OpCase> reduce_sum_cases() {
  return {
      {"non-power-of-two axis", {3, 5, 4}, {{"axes", {1}}, {"keepdims", {1}}}},
      {"power-of-two axis, keepdims 0", {3, 5, 4}, {{"axes", {2}}, {"keepdims", {0}}}},
      {"mixed axes", {3, 5, 4, 6}, {{"axes", {0, 2, 3}}, {"keepdims", {1}}}},
      {"GlobalAveragePool", {2, 3, 5, 5}, {{"axes", {2, 3}}, {"keepdims", {1}}}},
      {"all axes to a scalar", {7, 3}, {{"keepdims", {0}}}},
      {"negative axis", {2, 6, 3}, {{"axes", {-1}}, {"keepdims", {0}}}},
  };
}

// A function table over [lo, lo + size): a non-linear, non-injective stand-in for an activation.
inline std::vector<int64_t> square_table(int64_t lo, int64_t size) {
  std::vector<int64_t> t;
  for (int64_t i = 0; i < size; ++i) t.push_back((lo + i) * (lo + i) / 3 - 7);
  return t;
}

inline const std::vector<layers::Shape>& lookup_shapes() {
  static const std::vector<layers::Shape> shapes = {{3, 5}, {7}, {2, 3, 3}, {}};
  return shapes;
}

}  // namespace zk::testing
