// Proofs of rescale: every mode (constant, linear, clamp), scalar and per-channel multipliers,
// remainders and saturation gaps wider than one limb, wide output ranges, and cheating provers.
#include "cheat_helpers.hpp"
#include "rescale_cases.hpp"

namespace zk::layers {
namespace {

using testing::expect_accepts;
using testing::expect_rejects_single_changes;
using testing::single_node;

IntAttrs attrs(int64_t k, int64_t lo, int64_t hi) { return testing::rescale_attrs(k, lo, hi); }
using testing::rescale_cases;

TEST(RescaleProof, HonestProofsVerify) {
  for (const auto& c : rescale_cases()) expect_accepts(single_node("rescale", {c.shape}, c.bound, c.attrs, 7), c.name);
}

TEST(RescaleProof, EdgeValues) {
  // Exact halves round up (−0.5 → 0, 0.5 → 1, −1.5 → −1), saturation at both ends, extremes of x.
  auto t = single_node("rescale", {{2, 6}}, 100, attrs(4, -3, 3));
  t.inputs[0].data = {8, -8, -24, 24, 7, -9, 100, -100, 0, 56, -56, 40};
  std::vector<IntTensor> values = execute(t.graph, t.inputs);
  const auto& y = values[t.graph.outputs[0]].data;
  EXPECT_EQ(y[0], 1);
  EXPECT_EQ(y[1], 0);
  EXPECT_EQ(y[2], -1);
  EXPECT_EQ(y[6], 3);
  EXPECT_EQ(y[7], -3);
  expect_accepts(t, "edge values");
  expect_rejects_single_changes(t, "edge values", 12);
}

TEST(RescaleProof, ConstantModeNeedsNoRelation) {
  // q ∈ [−100, 100] lies above hi: y = hi for every x, proven by the interval lookup alone.
  auto t = single_node("rescale", {{4, 3}}, 100, attrs(0, -500, -200));
  auto plan = circuit::make_plan(t.graph);
  EXPECT_TRUE(plan.node_aux[0].empty());
  expect_accepts(t, "constant");
  expect_rejects_single_changes(t, "constant");
}

TEST(RescaleProof, RejectsAnySingleChange) {
  for (const auto& c : rescale_cases()) expect_rejects_single_changes(single_node("rescale", {c.shape}, c.bound, c.attrs, 11), c.name);
}

TEST(RescaleProof, RejectsConsistentRemainderShift) {
  // y + 1 with r − 2^k keeps the linear relation; r leaves [0, 2^k).
  auto t = single_node("rescale", {{3, 5}}, 1000, attrs(4, -32767, 32767), 3);
  auto plan = circuit::make_plan(t.graph);
  const int r0 = testing::aux_named(plan, 0, "remainder.0");
  ASSERT_GE(r0, 0);
  auto result = testing::run_layer_proofs(t.graph, t.inputs, [&](circuit::Plan& p, circuit::Witness& w) {
    w.values[p.graph.outputs[0]].data[2] += 1;
    w.values[r0].data[2] -= 16;
  });
  EXPECT_FALSE(result.accepted);
}

TEST(RescaleProof, RejectsUnclampedOutput) {
  // A prover that skips saturation: y = q with u = 0 for an entry where q > hi.
  auto t = single_node("rescale", {{4}}, 1000, attrs(0, -10, 10));
  t.inputs[0].data = {5, 500, -3, 0};
  auto plan = circuit::make_plan(t.graph);
  const int u0 = testing::aux_named(plan, 0, "saturation.0");
  ASSERT_GE(u0, 0);
  auto result = testing::run_layer_proofs(t.graph, t.inputs, [&](circuit::Plan& p, circuit::Witness& w) {
    w.values[p.graph.outputs[0]].data[1] = 500;
    w.values[u0].data[1] = 0;
  });
  EXPECT_FALSE(result.accepted);
  // And one that saturates to the wrong end with a matching gap: y = lo, u = lo − q < 0.
  result = testing::run_layer_proofs(t.graph, t.inputs, [&](circuit::Plan& p, circuit::Witness& w) {
    w.values[p.graph.outputs[0]].data[1] = -10;
    w.values[u0].data[1] = 510;
  });
  EXPECT_FALSE(result.accepted);
}

TEST(RescaleProof, InsideAChain) {
  // rescale feeding another layer: its output is a committed (not public) tensor.
  testing::TestGraph t;
  const int x = t.graph.add_input("x", {3, 7}, 0, 1.0, 5000);
  t.inputs.push_back(testing::random_tensor({3, 7}, 5000, 5));
  const int y = testing::add_op(t.graph, "rescale", {x}, attrs(5, -100, 100));
  t.graph.outputs = {testing::add_op(t.graph, "mul_const", {y}, {{"c", {3}}})};
  expect_accepts(t, "chain");
  expect_rejects_single_changes(t, "chain");
}

TEST(RescaleProof, RefusesValuesThatCouldWrap) {
  IntGraph g;
  const int x = g.add_input("x", {2}, 0, 1.0, int64_t(1) << 61);
  g.outputs = {testing::add_op(g, "rescale", {x}, attrs(61, -(int64_t(1) << 40), int64_t(1) << 40))};
  EXPECT_THROW(circuit::make_plan(g), Error);
}

}  // namespace
}  // namespace zk::layers
