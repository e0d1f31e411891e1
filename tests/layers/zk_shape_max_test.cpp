// Layer proofs in zero-knowledge mode (docs/zk.md §2) for the shape family (index maps: reshape,
// transpose, slice, concat, pad, gather, expand) and the max family (maxpool, max, min,
// reduce_max): honest proofs under every visibility setting on the plain tests' shapes and
// attributes, the plain tests' cheating provers, tampered proof components, no plain values sent.
#include <gtest/gtest.h>

#include "cheat_helpers.hpp"
#include "layers/range_check.hpp"
#include "zk_checks.hpp"

namespace zk::layers {
namespace {

using circuit::Visibility;
using testing::expect_rejected;
using testing::expect_zk_accepts;
using testing::expect_zk_rejects_single_changes;
using testing::TestGraph;
using testing::TwinPoints;
using testing::vis;
using testing::visibilities;

struct Case {
  std::string op;
  std::vector<Shape> shapes;
  IntAttrs attrs;
};

std::string describe(const Case& c) {
  std::string s = c.op;
  for (const auto& x : c.shapes) s += " " + shape_str(x);
  for (const auto& [k, v] : c.attrs) s += " " + k + "=" + shape_str(v);
  return s;
}

TestGraph graph_of(const Case& c, int64_t bound = 1000, uint64_t seed = 17) {
  return testing::single_node(c.op, c.shapes, bound, c.attrs, seed);
}

// ---- the shape family ----

// Every attribute variant of shape_proof_test.cpp's honest cases.
std::vector<Case> shape_cases() {
  std::vector<Case> c;
  for (auto [x, y] : std::vector<std::pair<Shape, Shape>>{{{2, 3, 5}, {6, 5}},
                                                          {{6, 5}, {30}},
                                                          {{2, 3, 5}, {30}},
                                                          {{1, 3, 4, 4}, {1, 48}},
                                                          {{3, 5}, {3, 1, 5}},
                                                          {{3, 1, 5}, {15}},
                                                          {{7, 6}, {2, 21}},
                                                          {{4, 6}, {2, 3, 4}},
                                                          {{5}, {5, 1}},
                                                          {{2, 3, 2}, {3, 4}},
                                                          {{64, 7, 7}, {1, 3136}},
                                                          {{1}, {1, 1}}})
    c.push_back({"reshape", {x}, {{"shape", y}}});
  for (auto [x, perm] : std::vector<std::pair<Shape, Shape>>{{{3, 5, 2}, {2, 0, 1}},
                                                             {{3, 5, 2}, {1, 2, 0}},
                                                             {{3, 5, 2}, {0, 2, 1}},
                                                             {{2, 3, 5, 7}, {0, 2, 3, 1}},
                                                             {{2, 3, 5, 7}, {3, 2, 1, 0}},
                                                             {{1, 6, 1, 3}, {2, 3, 0, 1}}})
    c.push_back({"transpose", {x}, {{"perm", perm}}});
  struct Slice {
    Shape x, starts, steps, counts;
  };
  for (const auto& s : std::vector<Slice>{{{7, 5}, {1, 0}, {2, 1}, {3, 5}},
                                          {{7, 5}, {0, 0}, {1, 1}, {4, 5}},
                                          {{7, 5}, {6, 4}, {-2, -1}, {4, 5}},
                                          {{3, 6, 5}, {0, 2, 1}, {1, 3, 2}, {3, 2, 2}},
                                          {{3, 6, 5}, {2, 0, 0}, {1, 1, 1}, {1, 6, 5}},
                                          {{9}, {8}, {-3}, {3}}})
    c.push_back({"slice", {s.x}, {{"starts", s.starts}, {"steps", s.steps}, {"counts", s.counts}}});
  struct Pad {
    Shape x, pads;
    int64_t value;
  };
  for (const auto& p : std::vector<Pad>{{{3, 5}, {1, 0, 0, 2}, 0},
                                        {{3, 5}, {0, 0, 1, 0}, 0},
                                        {{3, 5}, {2, 1, 0, 3}, -7},
                                        {{2, 3, 3}, {0, 1, 1, 0, 1, 1}, 0},
                                        {{2, 3, 3}, {0, 1, 2, 0, 0, 1}, 5},
                                        {{6}, {0, 0}, 3},
                                        {{3, 5}, {0, 0, 1, 1}, -2}})
    c.push_back({"pad", {p.x}, {{"pads", p.pads}, {"value", {p.value}}}});
  for (const auto& [xs, axis] : std::vector<std::pair<std::vector<Shape>, int64_t>>{
           {{{2, 3}, {5, 3}}, 0},
           {{{3, 2}, {3, 5}, {3, 1}}, 1},
           {{{2, 3, 5}, {2, 1, 5}, {2, 4, 5}}, 1},
           {{{2, 3, 5}, {2, 3, 2}}, -1},
           {{{4, 3}, {4, 3}}, 0},
           {{{1, 3, 2, 2}, {1, 5, 2, 2}}, 1},
           {{{5}, {2}}, 0}})
    c.push_back({"concat", xs, {{"axis", {axis}}}});
  struct Gather {
    Shape x;
    int64_t axis;
    Shape indices, indices_shape;
  };
  for (const auto& g : std::vector<Gather>{{{5, 3}, 0, {4, 0, 0, 2}, {4}},
                                           {{3, 6, 2}, 1, {5, 1, 2, 1, 0, 3}, {2, 3}},
                                           {{3, 6}, 1, {2}, {}},
                                           {{7}, 0, {6, 5, 4, 3, 2, 1, 0}, {7}},
                                           {{5, 3}, 1, {1, 1, 1, 1, 1}, {5}}})
    c.push_back({"gather", {g.x}, {{"axis", {g.axis}}, {"indices", g.indices}, {"indices_shape", g.indices_shape}}});
  for (auto [x, y] : std::vector<std::pair<Shape, Shape>>{
           {{3, 1}, {3, 5}}, {{5}, {3, 5}}, {{1, 5}, {2, 3, 5}}, {{3, 1, 2}, {3, 6, 2}}, {{1}, {3, 7}}, {{2, 3}, {2, 3}}})
    c.push_back({"expand", {x}, {{"shape", y}}});
  return c;
}

TEST(ZkShapeProof, HonestProofsVerify) {
  for (const auto& c : shape_cases()) expect_zk_accepts(graph_of(c), describe(c), TwinPoints::except_scalars);
}

// Sources of different visibility: an input concatenated with a constant (weights), and a
// gathered constant, so that public and private tables meet in one sumcheck.
TEST(ZkShapeProof, HonestProofsWithConstantSourcesVerify) {
  TestGraph g;
  const int x = g.graph.add_input("x", {3, 2}, 0, 1.0, 100);
  g.inputs.push_back(testing::random_tensor({3, 2}, 100, 3));
  const int w = g.graph.add_constant("w", testing::random_tensor({3, 5}, 100, 4), 0, 1.0);
  const int c = testing::add_op(g.graph, "concat", {w, x}, {{"axis", {1}}});
  const int e = g.graph.add_constant("e", testing::random_tensor({6, 3}, 100, 5), 0, 1.0);
  const int r = testing::add_op(g.graph, "gather", {e}, {{"axis", {0}}, {"indices", {5, 0, 2}}, {"indices_shape", {3}}});
  g.graph.outputs = {c, r};
  expect_zk_accepts(g, "concat(w, x), gather(e)", TwinPoints::except_scalars);
}

TEST(ZkShapeProof, RejectsAnyChangedOutput) {
  const std::vector<Case> cases = {
      {"reshape", {{2, 3, 2}}, {{"shape", {3, 4}}}},
      {"reshape", {{3, 1, 2}}, {{"shape", {3, 2}}}},
      {"transpose", {{2, 3, 2}}, {{"perm", {2, 0, 1}}}},
      {"slice", {{5, 3}}, {{"starts", {4, 0}}, {"steps", {-2, 1}}, {"counts", {3, 3}}}},
      {"pad", {{2, 3}}, {{"pads", {1, 0, 0, 2}}, {"value", {4}}}},
      {"pad", {{3, 3}}, {{"pads", {0, 0, 0, 1}}, {"value", {0}}}},
      {"pad", {{3, 3}}, {{"pads", {0, 0, 1, 1}}, {"value", {6}}}},
      {"concat", {{2, 3}, {1, 3}, {2, 3}}, {{"axis", {0}}}},
      {"concat", {{2, 1}, {2, 2}}, {{"axis", {1}}}},
      {"gather", {{3, 4}}, {{"axis", {1}}, {"indices", {3, 0, 3}}, {"indices_shape", {3}}}},
      {"gather", {{3, 2}}, {{"axis", {0}}, {"indices", {2, 2, 0, 1}}, {"indices_shape", {2, 2}}}},
      {"expand", {{3, 1}}, {{"shape", {2, 3, 3}}}},
  };
  for (const auto& c : cases) {
    const auto g = graph_of(c);
    const int y = g.graph.outputs[0];
    for (const auto& v : visibilities())
      for (int64_t i = 0; i < numel(g.graph.tensors[y].shape); ++i)
        for (int64_t delta : {1, -977}) expect_rejected(g, v, y, i, delta, describe(c) + " output");
  }
}

// reshape -> transpose -> pad -> slice: claims meet at committed intermediates; lying about one
// (committing the changed tensor) breaks the next node's reduction.
TEST(ZkShapeProof, ChainVerifiesAndRejectsChangedIntermediates) {
  TestGraph g;
  const int x = g.graph.add_input("x", {2, 3, 5}, 0, 1.0, 1000);
  g.inputs.push_back(testing::random_tensor({2, 3, 5}, 1000, 5));
  const int a = testing::add_op(g.graph, "reshape", {x}, {{"shape", {6, 5}}});
  const int b = testing::add_op(g.graph, "transpose", {a}, {{"perm", {1, 0}}});
  const int c = testing::add_op(g.graph, "pad", {b}, {{"pads", {0, 1, 1, 0}}, {"value", {0}}});
  g.graph.outputs = {testing::add_op(g.graph, "slice", {c}, {{"starts", {0, 1}}, {"steps", {2, 2}}, {"counts", {3, 3}}})};
  expect_zk_accepts(g, "shape chain", TwinPoints::except_scalars);
  for (const auto& v : visibilities())
    for (int t : {a, b, c})
      for (int64_t i = 0; i < 30; i += 7) expect_rejected(g, v, t, i, 1, "intermediate");
}

// A pure pass-through (no sumcheck in plain mode), a map with a fill value, and two sources.
TEST(ZkShapeProof, RejectsTamperedProofComponents) {
  for (const Case& c : {Case{"transpose", {{2, 3, 5}}, {{"perm", {2, 0, 1}}}},
                        Case{"pad", {{3, 5}}, {{"pads", {2, 1, 0, 3}}, {"value", {-7}}}},
                        Case{"concat", {{3, 2}, {3, 5}}, {{"axis", {1}}}}}) {
    testing::expect_rejects_tampered_components(graph_of(c));
  }
}

TEST(ZkShapeProof, SentValuesAreNeverPlainEvaluations) {
  for (const Case& c : {Case{"reshape", {{1, 3, 4, 4}}, {{"shape", {1, 48}}}},
                        Case{"gather", {{3, 6, 2}}, {{"axis", {1}}, {"indices", {5, 1, 2, 1, 0, 3}}, {"indices_shape", {2, 3}}}},
                        Case{"concat", {{2, 3}, {5, 3}}, {{"axis", {0}}}},
                        Case{"expand", {{3, 1}}, {{"shape", {2, 3, 5}}}},
                        Case{"transpose", {{3, 5, 2}}, {{"perm", {2, 0, 1}}}},
                        Case{"slice", {{7, 5}}, {{"starts", {6, 4}}, {"steps", {-2, -1}}, {"counts", {4, 5}}}},
                        Case{"pad", {{2, 3, 3}}, {{"pads", {0, 1, 2, 0, 0, 1}}, {"value", {5}}}}}) {
    testing::expect_sends_no_plain_values(graph_of(c));
  }
}

// ---- the max family ----

IntAttrs pool(std::vector<int64_t> k, std::vector<int64_t> s, std::vector<int64_t> p, std::vector<int64_t> d) {
  return {{"kernel", k}, {"strides", s}, {"pads", p}, {"dilations", d}};
}

// max_proof_test.cpp's cases.
std::vector<Case> max_cases() {
  return {
      {"maxpool", {{2, 3, 6, 6}}, pool({2, 2}, {2, 2}, {0, 0, 0, 0}, {1, 1})},
      {"maxpool", {{1, 2, 5, 7}}, pool({3, 3}, {2, 2}, {1, 1, 1, 1}, {1, 1})},
      {"maxpool", {{1, 3, 7, 5}}, pool({3, 2}, {2, 1}, {1, 0, 1, 1}, {1, 2})},
      {"maxpool", {{2, 3, 3, 5}}, pool({3, 5}, {1, 1}, {0, 0, 0, 0}, {1, 1})},
      {"max", {{3, 5}, {3, 5}}, {}},
      {"max", {{2, 3, 5}, {5}}, {}},
      {"min", {{4, 1}, {1, 6}}, {}},
      {"min", {{7}, {1}}, {}},
      {"reduce_max", {{3, 5, 4}}, {{"axes", {1}}, {"keepdims", {0}}}},
      {"reduce_max", {{3, 5, 4, 3}}, {{"axes", {0, 2}}, {"keepdims", {1}}}},
      {"reduce_max", {{2, 3, 5, 5}}, {{"axes", {2, 3}}, {"keepdims", {1}}}},
      {"reduce_max", {{5, 3}}, {{"keepdims", {0}}}},
  };
}

TEST(ZkMaxProof, HonestProofsVerify) {
  for (const auto& c : max_cases()) {
    expect_zk_accepts(graph_of(c, 1000, 31), describe(c), TwinPoints::except_scalars);
    // Many ties, negative maxima.
    expect_zk_accepts(graph_of(c, 2, 32), describe(c) + " (ties)", TwinPoints::except_scalars);
  }
}

// max against a constant (weights): public and private operands in one sumcheck.
TEST(ZkMaxProof, HonestProofWithConstantOperandVerifies) {
  for (const std::string op : {"max", "min"}) {
    TestGraph g;
    const int x = g.graph.add_input("x", {3, 5}, 0, 1.0, 100);
    g.inputs.push_back(testing::random_tensor({3, 5}, 100, 8));
    const int w = g.graph.add_constant("w", testing::random_tensor({5}, 100, 9), 0, 1.0);
    g.graph.outputs = {testing::add_op(g.graph, op, {x, w}, {})};
    expect_zk_accepts(g, op + " against a constant", TwinPoints::except_scalars);
  }
}

TEST(ZkMaxProof, LargeBoundUsesSeveralLimbs) {
  const int64_t bound = int64_t(1) << 40;
  for (const Case& c : {Case{"maxpool", {{1, 2, 5, 5}}, pool({2, 2}, {2, 2}, {1, 1, 0, 0}, {1, 1})},
                        Case{"max", {{3, 4}, {4}}, {}}, Case{"reduce_max", {{3, 4}}, {{"axes", {0}}}}}) {
    const auto g = graph_of(c, bound, 1);
    expect_zk_accepts(g, describe(c), TwinPoints::except_scalars);
    expect_zk_rejects_single_changes(g, describe(c), 2);
  }
}

TEST(ZkMaxProof, RejectsAnySingleChange) {
  for (const auto& c : max_cases()) expect_zk_rejects_single_changes(graph_of(c, 50, 33), describe(c), 3);
}

// Every gap non-negative, but no candidate equals the output (one-hot selection fails), or, for
// max / min of two, both gaps positive (the product is not 0): an output beyond every candidate.
TEST(ZkMaxProof, RejectsOutputBeyondEveryCandidate) {
  for (const auto& c : max_cases()) {
    const auto g = graph_of(c, 50, 34);
    for (const auto& v : visibilities()) {
      auto r = testing::run_zk_layer_proofs(g.graph, g.inputs, v, [&](circuit::Plan& p, circuit::Witness& w) {
        w.values[p.graph.outputs[0]].data[0] += c.op == "min" ? -1 : 1;
        testing::rederive_aux(p, w, 0);
      });
      EXPECT_FALSE(r.accepted) << describe(c) << ", " << vis(v);
    }
  }
}

// All inputs negative; the prover claims a padded cell (value V < -bound) as the maximum. The
// layer's relations hold (the padded tap's gap is 0, the real tap's gap V - x is consistent); what
// refuses it is the range lookup on the gap limbs (proven by the driver, in ZK mode too), which a
// real gap below 0 fails. So: the ZK layer proof accepts only witnesses whose gap limbs are out of
// range.
TEST(ZkMaxProof, PaddedCellIsNeverTheMaximum) {
  auto g = testing::single_node("maxpool", {{1, 1, 3, 3}}, 5, pool({2, 2}, {2, 2}, {1, 1, 0, 0}, {1, 1}), 36);
  for (auto& v : g.inputs[0].data) v = -5 + (v % 2 == 0);
  const auto plan = circuit::make_plan(g.graph);
  const int sel = testing::aux_named(plan, 0, "selector.0"), gap = testing::aux_named(plan, 0, "gap.0");
  ASSERT_GE(sel, 0);
  ASSERT_GE(gap, 0);
  // One gap limb (bound 5): padded taps read V = -2^(W - 1).
  ASSERT_LT(testing::aux_named(plan, 0, "gap.1"), 0);
  const int64_t v = -(int64_t(1) << (kMaxLimbBits - 1));
  const auto cheat = [&](circuit::Plan& p, circuit::Witness& w) {
    // Output (0, 0) reads taps (0,0), (0,1), (1,0) in the padding and (1,1) = x[0][0].
    w.values[p.graph.outputs[0]].data[0] = v;
    for (int64_t k = 0; k < 4; ++k) {
      w.values[sel].data[k] = k == 0;
      w.values[gap].data[k] = k < 3 ? 0 : v - w.values[p.graph.inputs[0]].data[0];
    }
  };
  for (const auto& vis_setting : visibilities()) {
    const auto r = testing::run_zk_layer_proofs(g.graph, g.inputs, vis_setting, cheat);
    bool limbs_in_range = true;
    for (int64_t e : r.witness.values[gap].data) limbs_in_range &= e >= 0 && e < (int64_t(1) << kMaxLimbBits);
    EXPECT_FALSE(r.accepted && limbs_in_range) << vis(vis_setting);
  }
}

TEST(ZkMaxProof, RejectsTamperedProofComponents) {
  for (const auto& c : {max_cases()[1], max_cases()[5], max_cases()[6], max_cases()[9]}) {
    testing::expect_rejects_tampered_components(graph_of(c, 1000, 37));
  }
}

TEST(ZkMaxProof, SentValuesAreNeverPlainEvaluations) {
  for (const auto& c : {max_cases()[2], max_cases()[5], max_cases()[7], max_cases()[8]}) {
    testing::expect_sends_no_plain_values(graph_of(c, 1000, 38));
  }
}

}  // namespace
}  // namespace zk::layers
