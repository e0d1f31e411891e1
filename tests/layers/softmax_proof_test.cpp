// Proofs of softmax: rows of non-power-of-two length, a reduced axis in the middle, ties for the
// maximum, gaps beyond the exp table, a wide output range, and cheating provers.
#include <cmath>

#include "cheat_helpers.hpp"

namespace zk::layers {
namespace {

using testing::expect_accepts;
using testing::expect_rejects_single_changes;
using testing::single_node;

// T[d] ≈ 2^se·exp(−d / 2^scale), cut after the first zero (as the quantizer builds it).
std::vector<int64_t> exp_table(int scale, int se) {
  std::vector<int64_t> t;
  for (int64_t d = 0;; ++d) {
    const auto v = static_cast<int64_t>(std::llround(std::ldexp(std::exp(-std::ldexp(double(d), -scale)), se)));
    t.push_back(v);
    if (v == 0) break;
  }
  return t;
}

IntAttrs attrs(int64_t axis, int64_t out_bits, int scale = 4, int se = 10) {
  return {{"axis", {axis}}, {"table", exp_table(scale, se)}, {"out_bits", {out_bits}}};
}

struct Case {
  std::string name;
  Shape shape;
  int64_t bound;
  IntAttrs attrs;
};

std::vector<Case> cases() {
  return {
      {"rows of 5", {3, 5}, 100, attrs(-1, 12)},
      {"rows of 7", {2, 7}, 60, attrs(1, 10)},
      {"rows of 64", {2, 64}, 100, attrs(-1, 12)},
      {"middle axis of 3 with inner 5", {2, 3, 5}, 80, attrs(1, 12)},
      {"leading axis", {6, 2}, 50, attrs(0, 8)},
      {"rank 1, length 7", {7}, 120, attrs(0, 14, 5, 14)},
      {"wide output (limbs of y)", {3, 5}, 40, attrs(-1, 17)},
  };
}

TEST(SoftmaxProof, HonestProofsVerify) {
  for (const auto& c : cases()) expect_accepts(single_node("softmax", {c.shape}, c.bound, c.attrs, 5), c.name);
}

TEST(SoftmaxProof, TiesAndSaturatedGaps) {
  // Row 0: a tie for the maximum; row 1: gaps far beyond the table (e = 0 there); row 2: constant.
  auto t = single_node("softmax", {{3, 5}}, 100, attrs(-1, 12));
  t.inputs[0].data = {7, 9, 9, -3, 0, 100, -100, -99, 100, 0, 4, 4, 4, 4, 4};
  expect_accepts(t, "ties");
  expect_rejects_single_changes(t, "ties", 15);
}

TEST(SoftmaxProof, RejectsAnySingleChange) {
  for (const auto& c : cases()) expect_rejects_single_changes(single_node("softmax", {c.shape}, c.bound, c.attrs, 9), c.name, 4);
}

TEST(SoftmaxProof, RejectsAWrongMaximum) {
  // A maximum one too high keeps every gap non-negative; no zero gap remains to select.
  auto t = single_node("softmax", {{2, 5}}, 50, attrs(-1, 10), 3);
  auto plan = circuit::make_plan(t.graph);
  const int m = testing::aux_named(plan, 0, "max"), gap = testing::aux_named(plan, 0, "gap");
  ASSERT_GE(m, 0);
  ASSERT_GE(gap, 0);
  auto result = testing::run_layer_proofs(t.graph, t.inputs, [&](circuit::Plan&, circuit::Witness& w) {
    w.values[m].data[0] += 1;
    for (int j = 0; j < 5; ++j) w.values[gap].data[j] += 1;
  });
  EXPECT_FALSE(result.accepted);
}

TEST(SoftmaxProof, InsideAChain) {
  testing::TestGraph t;
  const int x = t.graph.add_input("x", {3, 6}, 0, 1.0, 90);
  t.inputs.push_back(testing::random_tensor({3, 6}, 90, 4));
  const int y = testing::add_op(t.graph, "softmax", {x}, attrs(-1, 12));
  t.graph.outputs = {testing::add_op(t.graph, "mul_const", {y}, {{"c", {3}}})};
  expect_accepts(t, "chain");
  expect_rejects_single_changes(t, "chain", 4);
}

TEST(SoftmaxProof, RefusesBoundsThatCouldWrap) {
  IntGraph g;
  const int x = g.add_input("x", {2, 3}, 0, 1.0, 1000);
  // Passes the executor's 2^62 checks, but 2·s·y reaches 12·2^62 in the division relation.
  IntAttrs a{{"axis", {-1}}, {"table", {int64_t(1) << 41}}, {"out_bits", {20}}};
  g.outputs = {testing::add_op(g, "softmax", {x}, a)};
  EXPECT_THROW(circuit::make_plan(g), Error);
}

}  // namespace
}  // namespace zk::layers
