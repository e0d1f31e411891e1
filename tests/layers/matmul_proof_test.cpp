// Proofs of matmul (Gemm/MatMul): plain, with bias, transposed operands, batched and broadcast.
#include <gtest/gtest.h>

#include "proof_harness.hpp"

namespace zk::layers {
namespace {

using testing::random_tensor;

struct Case {
  Shape a, b, bias;  // bias empty: none
  bool a_const = false, b_const = true;
  int64_t trans_a = 0, trans_b = 0;
};

// A is the activation (graph input) unless a_const; B is the weight (a constant) unless !b_const.
testing::TestGraph build(const Case& c, uint64_t seed = 1) {
  testing::TestGraph g;
  auto operand = [&](const std::string& name, const Shape& s, bool constant, uint64_t sd) {
    if (constant) return g.graph.add_constant(name, random_tensor(s, 100, sd), 0, 1.0);
    g.inputs.push_back(random_tensor(s, 100, sd));
    return g.graph.add_input(name, s, 0, 1.0, 100);
  };
  std::vector<int> ins = {operand("a", c.a, c.a_const, seed), operand("b", c.b, c.b_const, seed + 1)};
  if (!c.bias.empty()) ins.push_back(g.graph.add_constant("bias", random_tensor(c.bias, 5000, seed + 2), 0, 1.0));
  const IntNode node{.op = "matmul",
                     .name = "matmul_node",
                     .inputs = std::move(ins),
                     .outputs = {},
                     .attrs = {{"trans_a", {c.trans_a}}, {"trans_b", {c.trans_b}}}};
  g.graph.outputs = {g.graph.add_node(node, {"y"}, 0, 1.0)};
  return g;
}

std::string describe(const Case& c) {
  return shape_str(c.a) + (c.trans_a ? "^T" : "") + " x " + shape_str(c.b) + (c.trans_b ? "^T" : "") +
         (c.bias.empty() ? "" : " + " + shape_str(c.bias));
}

const std::vector<Case>& honest_cases() {
  static const std::vector<Case> cases = {
      {{3, 5}, {5, 7}, {}},
      {{1, 10}, {10, 3}, {3}},
      {{4, 4}, {4, 4}, {4, 4}},
      {{3, 5}, {7, 5}, {1, 7}, false, true, 0, 1},  // Gemm-style B^T with a row-vector bias
      {{5, 3}, {5, 7}, {3, 1}, false, true, 1, 0},  // A^T, column bias
      {{6, 9}, {2, 6}, {}, false, true, 1, 1},      // both transposed (A^T is [9, 6]: k = 6)
      {{1, 1}, {1, 1}, {1}},
      {{2, 3, 4}, {2, 4, 5}, {}, false, false},      // batched, both activations
      {{2, 3, 4}, {4, 5}, {5}},                      // batch broadcast from B
      {{3, 4}, {3, 4, 5}, {}, true, false},          // batch broadcast from A (3: padded batch)
      {{2, 1, 3, 4}, {1, 3, 4, 2}, {2}, false, false},  // batch dims broadcast on both sides
      {{3, 2, 5}, {3, 6, 5}, {3, 2, 6}, false, false, 0, 1},
  };
  return cases;
}

TEST(MatmulProof, HonestProofsVerify) {
  for (const auto& c : honest_cases()) {
    auto g = build(c);
    auto result = testing::run_layer_proofs(g.graph, g.inputs);
    EXPECT_TRUE(result.accepted) << describe(c) << ": " << result.reason;
  }
}

TEST(MatmulProof, RejectsAnyChangedOutputValue) {
  for (const Case& c : {Case{{3, 5}, {5, 7}, {7}}, Case{{2, 3, 4}, {2, 4, 3}, {}, false, false},
                        Case{{3, 5}, {7, 5}, {}, false, true, 0, 1}}) {
    auto g = build(c);
    const Shape y = g.graph.tensors[g.graph.outputs[0]].shape;
    for (int64_t i = 0; i < numel(y); ++i) {
      auto result = testing::run_layer_proofs(g.graph, g.inputs, [&](circuit::Plan& p, circuit::Witness& w) {
        w.values[p.graph.outputs[0]].data.at(i) -= 3;
      });
      EXPECT_FALSE(result.accepted) << describe(c) << " entry " << i;
    }
  }
}

// A prover that commits to an operand other than the one the output came from is caught too.
TEST(MatmulProof, RejectsChangedOperandOrBias) {
  auto g = build({{3, 5}, {5, 7}, {7}});
  const auto& node = g.graph.nodes[0];
  for (int t : node.inputs) {
    for (int64_t i : {int64_t(0), int64_t(4)}) {
      auto result = testing::run_layer_proofs(g.graph, g.inputs, [&](circuit::Plan&, circuit::Witness& w) {
        w.values[t].data.at(i) += 1;
      });
      EXPECT_FALSE(result.accepted) << "tensor " << t << " entry " << i;
    }
  }
}

}  // namespace
}  // namespace zk::layers
