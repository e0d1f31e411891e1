// Proofs of add, sub, mul (Hadamard, with broadcasting) and mul_const.
#include <gtest/gtest.h>

#include <random>

#include "proof_harness.hpp"

namespace zk::layers {
namespace {

IntTensor random_tensor(const Shape& shape, int64_t bound, uint64_t seed) {
  std::mt19937_64 rng(seed);
  IntTensor t(shape);
  for (auto& v : t.data) v = static_cast<int64_t>(rng() % (2 * bound + 1)) - bound;
  return t;
}

struct Binary {
  IntGraph graph;
  std::vector<IntTensor> inputs;
};

Binary binary_graph(const std::string& op, const Shape& a, const Shape& b, IntAttrs attrs = {}) {
  Binary g;
  const int ia = g.graph.add_input("a", a, 0, 1.0, 1000);
  const int ib = g.graph.add_input("b", b, 0, 1.0, 1000);
  IntNode node;
  node.op = op;
  node.name = op + "_node";
  node.inputs = {ia, ib};
  node.attrs = std::move(attrs);
  const int y = g.graph.add_node(node, {"y"}, 0, 1.0);
  g.graph.outputs = {y};
  g.inputs = {random_tensor(a, 1000, 1), random_tensor(b, 1000, 2)};
  return g;
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
  IntGraph graph;
  const int x = graph.add_input("x", {4, 3}, 0, 1.0, 100);
  IntNode node;
  node.op = "mul_const";
  node.name = "scale";
  node.inputs = {x};
  node.attrs = {{"c", {-7}}};
  graph.outputs = {graph.add_node(node, {"y"}, 0, 1.0)};
  std::vector<IntTensor> inputs = {random_tensor({4, 3}, 100, 3)};
  EXPECT_TRUE(testing::run_layer_proofs(graph, inputs).accepted);
  for (size_t i = 0; i < 12; ++i) {
    auto result = testing::run_layer_proofs(graph, inputs, [&](auto& p, auto& w) { change_output(p, w, i); });
    EXPECT_FALSE(result.accepted) << i;
  }
}

}  // namespace
}  // namespace zk::layers
