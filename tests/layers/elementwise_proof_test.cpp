// Proofs of add, sub, mul (Hadamard, with broadcasting) and mul_const.
#include <gtest/gtest.h>

#include "cheat_helpers.hpp"

namespace zk::layers {
namespace {

// add/sub/mul of two inputs in [-1000, 1000].
testing::TestGraph binary_graph(const std::string& op, const Shape& a, const Shape& b, IntAttrs attrs = {}) {
  return testing::single_node(op, {a, b}, 1000, std::move(attrs));
}

// The output is public in these graphs, so a cheating prover lies about the output value itself.
void change_output(circuit::Plan& plan, circuit::Witness& w, size_t index) {
  w.values[plan.graph.outputs[0]].data.at(index) += 1;
}

TEST(ElementwiseProof, HonestAddSubMulVerify) {
  for (const std::string op : {"add", "sub", "mul"}) {
    for (auto [a, b] : std::vector<std::pair<Shape, Shape>>{{{3, 5}, {3, 5}}, {{2, 3, 7}, {7}}, {{4, 1}, {1, 6}}, {{6}, {1}}}) {
      auto g = binary_graph(op, a, b, op == "mul" ? IntAttrs{} : IntAttrs{{"shift_a", {2}}, {"shift_b", {0}}});
      auto result = testing::run_layer_proofs(g.graph, g.inputs);
      EXPECT_TRUE(result.accepted) << op << " " << shape_str(a) << " " << shape_str(b) << ": " << result.reason;
    }
  }
}

TEST(ElementwiseProof, RejectsAnyChangedOutputValue) {
  for (const std::string op : {"add", "sub", "mul"}) {
    auto g = binary_graph(op, {3, 5}, {5});
    for (size_t i = 0; i < 15; ++i) {
      auto result = testing::run_layer_proofs(g.graph, g.inputs, [&](auto& p, auto& w) { change_output(p, w, i); });
      EXPECT_FALSE(result.accepted) << op << " entry " << i;
    }
  }
}

TEST(ElementwiseProof, MulConstHonestAndCheating) {
  const auto t = testing::single_node("mul_const", {{4, 3}}, 100, {{"c", {-7}}}, 3);
  EXPECT_TRUE(testing::run_layer_proofs(t.graph, t.inputs).accepted);
  for (size_t i = 0; i < 12; ++i) {
    auto result = testing::run_layer_proofs(t.graph, t.inputs, [&](auto& p, auto& w) { change_output(p, w, i); });
    EXPECT_FALSE(result.accepted) << i;
  }
}

}  // namespace
}  // namespace zk::layers
