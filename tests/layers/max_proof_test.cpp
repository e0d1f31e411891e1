// Proofs of maxpool, max, min and reduce_max: honest proofs on random and tie-heavy data, and
// cheating provers (single changes, an output above every candidate, a padded cell as maximum).
#include "cheat_helpers.hpp"
#include "layers/range_check.hpp"

namespace zk::layers {
namespace {

IntAttrs pool(std::vector<int64_t> k, std::vector<int64_t> s, std::vector<int64_t> p, std::vector<int64_t> d) {
  return {{"kernel", k}, {"strides", s}, {"pads", p}, {"dilations", d}};
}

struct Case {
  std::string op, name;
  std::vector<Shape> shapes;
  IntAttrs attrs;
};

std::vector<Case> cases() {
  return {
      {"maxpool", "2x2 stride 2", {{2, 3, 6, 6}}, pool({2, 2}, {2, 2}, {0, 0, 0, 0}, {1, 1})},
      {"maxpool", "3x3 padded", {{1, 2, 5, 7}}, pool({3, 3}, {2, 2}, {1, 1, 1, 1}, {1, 1})},
      {"maxpool", "asymmetric, dilated", {{1, 3, 7, 5}}, pool({3, 2}, {2, 1}, {1, 0, 1, 1}, {1, 2})},
      {"maxpool", "global", {{2, 3, 3, 5}}, pool({3, 5}, {1, 1}, {0, 0, 0, 0}, {1, 1})},
      {"max", "same shape", {{3, 5}, {3, 5}}, {}},
      {"max", "broadcast row", {{2, 3, 5}, {5}}, {}},
      {"min", "outer broadcast", {{4, 1}, {1, 6}}, {}},
      {"min", "scalar", {{7}, {1}}, {}},
      {"reduce_max", "one axis", {{3, 5, 4}}, {{"axes", {1}}, {"keepdims", {0}}}},
      {"reduce_max", "two axes", {{3, 5, 4, 3}}, {{"axes", {0, 2}}, {"keepdims", {1}}}},
      {"reduce_max", "GlobalMaxPool", {{2, 3, 5, 5}}, {{"axes", {2, 3}}, {"keepdims", {1}}}},
      {"reduce_max", "everything", {{5, 3}}, {{"keepdims", {0}}}},
  };
}

TEST(MaxProof, HonestProofsVerify) {
  for (const auto& c : cases()) {
    testing::expect_accepts(testing::single_node(c.op, c.shapes, 1000, c.attrs, 31), c.op + " " + c.name);
    // Small bound: many ties, negative maxima.
    testing::expect_accepts(testing::single_node(c.op, c.shapes, 2, c.attrs, 32), c.op + " " + c.name + " (ties)");
  }
}

TEST(MaxProof, LargeBoundUsesSeveralLimbs) {
  for (const std::string op : {"maxpool", "max", "reduce_max"}) {
    const int64_t bound = int64_t(1) << 40;
    auto t = op == "maxpool"  ? testing::single_node(op, {{1, 2, 5, 5}}, bound, pool({2, 2}, {2, 2}, {1, 1, 0, 0}, {1, 1}))
             : op == "max"    ? testing::single_node(op, {{3, 4}, {4}}, bound, {})
                              : testing::single_node(op, {{3, 4}}, bound, {{"axes", {0}}});
    testing::expect_accepts(t, op);
    testing::expect_rejects_single_changes(t, op, 3);
  }
}

TEST(MaxProof, RejectsAnySingleChange) {
  for (const auto& c : cases()) testing::expect_rejects_single_changes(testing::single_node(c.op, c.shapes, 50, c.attrs, 33), c.op + " " + c.name, 5);
}

TEST(MaxProof, RejectsOutputAboveEveryCandidate) {
  // Gaps all stay non-negative, but no candidate equals the output: the selection must fail.
  for (const auto& c : cases()) {
    if (c.op == "max" || c.op == "min") continue;
    auto t = testing::single_node(c.op, c.shapes, 50, c.attrs, 34);
    auto result = testing::run_layer_proofs(t.graph, t.inputs, [&](circuit::Plan& p, circuit::Witness& w) {
      w.values[p.graph.outputs[0]].data[0] += 1;
      testing::rederive_aux(p, w, 0);
    });
    EXPECT_FALSE(result.accepted) << c.op << " " << c.name;
  }
  // max of two: both gaps positive, so their product is not 0.
  auto t = testing::single_node("max", {{3, 5}, {3, 5}}, 50, {}, 35);
  auto result = testing::run_layer_proofs(t.graph, t.inputs, [&](circuit::Plan& p, circuit::Witness& w) {
    w.values[p.graph.outputs[0]].data[3] += 1;
    testing::rederive_aux(p, w, 0);
  });
  EXPECT_FALSE(result.accepted);
}

TEST(MaxProof, PaddedCellIsNeverTheMaximum) {
  // All inputs negative; a cheating prover claims a padded cell (value V < −bound) as the maximum.
  auto t = testing::single_node("maxpool", {{1, 1, 3, 3}}, 5, pool({2, 2}, {2, 2}, {1, 1, 0, 0}, {1, 1}), 36);
  for (auto& v : t.inputs[0].data) v = -5 + (v % 2 == 0);
  auto plan = circuit::make_plan(t.graph);
  const int sel = testing::aux_named(plan, 0, "selector.0"), gap = testing::aux_named(plan, 0, "gap.0");
  ASSERT_GE(sel, 0);
  ASSERT_GE(gap, 0);
  auto result = testing::run_layer_proofs(t.graph, t.inputs, [&](circuit::Plan& p, circuit::Witness& w) {
    // Output (0, 0) reads taps (0,0), (0,1), (1,0) in the padding and (1,1) = x[0][0].
    // V = -2^(W - 1) with one W-bit gap limb (bound 5): the padded taps' gaps y - V are then 0.
    const int64_t v = -(int64_t(1) << (kMaxLimbBits - 1));
    w.values[p.graph.outputs[0]].data[0] = v;
    for (int64_t k = 0; k < 4; ++k) {
      w.values[sel].data[k] = k == 0;
      w.values[gap].data[k] = k < 3 ? 0 : v - w.values[p.graph.inputs[0]].data[0];
    }
  });
  EXPECT_FALSE(result.accepted);
  // The layer's relations hold; the negative real gap fails its range lookup.
  EXPECT_EQ(result.reason.rfind("lookup into", 0), 0u) << result.reason;
}

}  // namespace
}  // namespace zk::layers
