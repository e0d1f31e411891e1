// Proofs of conv: stride, padding (symmetric and not), dilation, groups and depthwise, bias,
// batch, non-power-of-two sizes everywhere.
#include <gtest/gtest.h>

#include "proof_harness.hpp"

namespace zk::layers {
namespace {

using testing::random_tensor;

struct ConvCase {
  Shape x;  // [N, C, H, W]
  int64_t m, kh, kw;
  std::vector<int64_t> strides = {1, 1}, pads = {0, 0, 0, 0}, dilations = {1, 1};
  int64_t group = 1;
  bool bias = false;
};

testing::TestGraph build(const ConvCase& c, uint64_t seed = 7) {
  testing::TestGraph g;
  const int x = g.graph.add_input("x", c.x, 0, 1.0, 100);
  g.inputs.push_back(random_tensor(c.x, 100, seed));
  IntNode node;
  node.op = "conv";
  node.name = "conv";
  node.inputs = {x, g.graph.add_constant("w", random_tensor({c.m, c.x[1] / c.group, c.kh, c.kw}, 50, seed + 1), 0, 1.0)};
  if (c.bias) node.inputs.push_back(g.graph.add_constant("b", random_tensor({c.m}, 5000, seed + 2), 0, 1.0));
  node.attrs = {{"strides", c.strides}, {"pads", c.pads}, {"dilations", c.dilations}, {"group", {c.group}}};
  g.graph.outputs = {g.graph.add_node(node, {"y"}, 0, 1.0)};
  return g;
}

std::string describe(const ConvCase& c) {
  auto v = [](const std::vector<int64_t>& s) { return shape_str(s); };
  return shape_str(c.x) + " m" + std::to_string(c.m) + " k" + std::to_string(c.kh) + "x" + std::to_string(c.kw) +
         " s" + v(c.strides) + " p" + v(c.pads) + " d" + v(c.dilations) + " g" + std::to_string(c.group) +
         (c.bias ? " bias" : "");
}

TEST(ConvProof, HonestProofsVerify) {
  const std::vector<ConvCase> cases = {
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
  for (const auto& c : cases) {
    auto g = build(c);
    auto result = testing::run_layer_proofs(g.graph, g.inputs);
    EXPECT_TRUE(result.accepted) << describe(c) << ": " << result.reason;
  }
}

TEST(ConvProof, RejectsAnyChangedOutputValue) {
  for (const ConvCase& c : {ConvCase{{1, 2, 5, 5}, 2, 3, 3, {2, 2}, {1, 1, 1, 1}, {1, 1}, 1, true},
                            ConvCase{{1, 3, 4, 5}, 3, 3, 3, {1, 1}, {1, 0, 1, 0}, {1, 1}, 3}}) {
    auto g = build(c);
    const Shape y = g.graph.tensors[g.graph.outputs[0]].shape;
    for (int64_t i = 0; i < numel(y); ++i) {
      auto result = testing::run_layer_proofs(g.graph, g.inputs, [&](circuit::Plan& p, circuit::Witness& w) {
        w.values[p.graph.outputs[0]].data.at(i) += 1;
      });
      EXPECT_FALSE(result.accepted) << describe(c) << " entry " << i;
    }
  }
}

// Committing to an input, weight or bias other than the one the output came from is caught.
TEST(ConvProof, RejectsChangedInputWeightOrBias) {
  for (int64_t group : {int64_t(1), int64_t(2)}) {
    auto g = build({{1, 2, 5, 5}, 4, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, group, true});
    for (int t : g.graph.nodes[0].inputs) {
      for (int64_t i : {int64_t(0), int64_t(3)}) {
        auto result = testing::run_layer_proofs(g.graph, g.inputs, [&](circuit::Plan&, circuit::Witness& w) {
          w.values[t].data.at(i) -= 2;
        });
        EXPECT_FALSE(result.accepted) << "group " << group << " tensor " << t << " entry " << i;
      }
    }
  }
}

}  // namespace
}  // namespace zk::layers
