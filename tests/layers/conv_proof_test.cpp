// Proofs of conv: stride, padding (symmetric and not), dilation, groups and depthwise, bias,
// batch, non-power-of-two sizes everywhere.
#include <gtest/gtest.h>

#include "conv_pool_cases.hpp"

namespace zk::layers {
namespace {

using testing::ConvCase;
using testing::describe;

TEST(ConvProof, HonestProofsVerify) {
  for (const auto& c : testing::conv_cases()) {
    auto g = testing::conv_graph(c);
    auto result = testing::run_layer_proofs(g.graph, g.inputs);
    EXPECT_TRUE(result.accepted) << describe(c) << ": " << result.reason;
  }
}

TEST(ConvProof, RejectsAnyChangedOutputValue) {
  for (const ConvCase& c : testing::conv_cheat_cases()) {
    auto g = testing::conv_graph(c);
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
    auto g = testing::conv_graph({{1, 2, 5, 5}, 4, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, group, true});
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
