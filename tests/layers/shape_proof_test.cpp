// Proofs of the shape operators (index maps): reshape, transpose, slice, concat, pad, gather,
// expand.
#include <gtest/gtest.h>

#include "layers/index_map.hpp"
#include "layers/layer.hpp"
#include "proof_harness.hpp"

namespace zk::layers {
namespace {

using testing::random_tensor;

struct OneNode {
  IntGraph graph;
  std::vector<IntTensor> inputs;
  IntNode node;
};

OneNode one_node(const std::string& op, const std::vector<Shape>& in_shapes, IntAttrs attrs) {
  OneNode g;
  g.node.op = op;
  g.node.name = op + "_node";
  g.node.attrs = std::move(attrs);
  for (size_t k = 0; k < in_shapes.size(); ++k) {
    std::string name = "x";
    name += std::to_string(k);
    g.node.inputs.push_back(g.graph.add_input(name, in_shapes[k], 0, 1.0, 1000));
    g.inputs.push_back(random_tensor(in_shapes[k], 1000, 17 + k));
  }
  g.graph.outputs = {g.graph.add_node(g.node, {"y"}, 0, 1.0)};
  g.node = g.graph.nodes.back();
  return g;
}

std::string describe(const OneNode& g) {
  std::string s = g.node.op + " of " + shape_str(g.graph.tensors[g.node.inputs[0]].shape);
  for (const auto& [k, v] : g.node.attrs) s += " " + k + "=" + shape_str(v);
  return s;
}

void expect_honest(const OneNode& g) {
  auto result = testing::run_layer_proofs(g.graph, g.inputs);
  EXPECT_TRUE(result.accepted) << describe(g) << ": " << result.reason;
}

// Changes one output entry at a time; every such proof must be rejected.
void expect_every_change_rejected(const OneNode& g) {
  const int64_t n = numel(g.graph.tensors[g.graph.outputs[0]].shape);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t delta : {int64_t(1), int64_t(-977)}) {
      auto result = testing::run_layer_proofs(g.graph, g.inputs, [&](circuit::Plan& p, circuit::Witness& w) {
        w.values[p.graph.outputs[0]].data.at(i) += delta;
      });
      EXPECT_FALSE(result.accepted) << describe(g) << ": entry " << i << " changed by " << delta;
    }
  }
}

TEST(ShapeProof, SamePaddedLayoutIsExact) {
  // Brute force: the padded index of every real entry, both ways.
  auto padded_positions = [](const Shape& s) {
    const MleLayout layout = mle_layout(s);
    std::vector<int64_t> out;
    std::vector<int64_t> idx(s.size(), 0);
    for (int64_t k = 0; k < numel(s); ++k) {
      int64_t p = 0;
      for (size_t d = 0; d < s.size(); ++d) p = p * layout.padded[d] + idx[d];
      out.push_back(p);
      for (size_t d = s.size(); d-- > 0;) {
        if (++idx[d] < s[d]) break;
        idx[d] = 0;
      }
    }
    return std::make_pair(out, layout.num_vars);
  };
  std::vector<Shape> shapes;
  const int64_t sizes[] = {1, 2, 3, 4, 5, 6, 8, 12};
  for (int64_t a : sizes) {
    shapes.push_back({a});
    for (int64_t b : sizes) {
      shapes.push_back({a, b});
      for (int64_t c : {1, 2, 3, 4}) shapes.push_back({a, b, c});
    }
  }
  size_t same = 0;
  for (const Shape& a : shapes) {
    for (const Shape& b : shapes) {
      if (numel(a) != numel(b)) continue;
      auto pa = padded_positions(a), pb = padded_positions(b);
      EXPECT_EQ(same_padded_layout(a, b), pa == pb) << shape_str(a) << " vs " << shape_str(b);
      same += pa == pb;
    }
  }
  EXPECT_GT(same, shapes.size());  // not only the diagonal
  EXPECT_TRUE(same_padded_layout({1, 3, 4, 4}, {1, 48}));
  EXPECT_TRUE(same_padded_layout({3, 1, 5}, {3, 5, 1}));
  EXPECT_FALSE(same_padded_layout({2, 3, 5}, {6, 5}));
  EXPECT_TRUE(same_padded_layout({}, {1, 1}));
}

TEST(ShapeProof, Reshape) {
  const std::vector<std::pair<Shape, Shape>> cases = {
      {{2, 3, 5}, {6, 5}}, {{6, 5}, {30}},      {{2, 3, 5}, {30}},        {{1, 3, 4, 4}, {1, 48}},
      {{3, 5}, {3, 1, 5}}, {{3, 1, 5}, {15}},   {{7, 6}, {2, 21}},        {{4, 6}, {2, 3, 4}},
      {{5}, {5, 1}},       {{2, 3, 2}, {3, 4}}, {{64, 7, 7}, {1, 3136}}, {{1}, {1, 1}}};
  for (auto [x, y] : cases) expect_honest(one_node("reshape", {x}, {{"shape", y}}));
}

TEST(ShapeProof, Transpose) {
  const std::vector<std::pair<Shape, Shape>> cases = {
      {{3, 5, 2}, {2, 0, 1}}, {{3, 5, 2}, {1, 2, 0}}, {{3, 5, 2}, {0, 2, 1}},
      {{2, 3, 5, 7}, {0, 2, 3, 1}}, {{2, 3, 5, 7}, {3, 2, 1, 0}}, {{1, 6, 1, 3}, {2, 3, 0, 1}}};
  for (auto [x, perm] : cases) expect_honest(one_node("transpose", {x}, {{"perm", perm}}));
}

TEST(ShapeProof, Slice) {
  struct Case {
    Shape x, starts, steps, counts;
  };
  const std::vector<Case> cases = {
      {{7, 5}, {1, 0}, {2, 1}, {3, 5}},          // steps, untouched last dim
      {{7, 5}, {0, 0}, {1, 1}, {4, 5}},          // prefix of a dim of the same padded size
      {{7, 5}, {6, 4}, {-2, -1}, {4, 5}},        // negative steps: reversed
      {{3, 6, 5}, {0, 2, 1}, {1, 3, 2}, {3, 2, 2}},
      {{3, 6, 5}, {2, 0, 0}, {1, 1, 1}, {1, 6, 5}},  // one index of the first axis (Split-like)
      {{9}, {8}, {-3}, {3}}};
  for (const auto& c : cases) {
    expect_honest(one_node("slice", {c.x}, {{"starts", c.starts}, {"steps", c.steps}, {"counts", c.counts}}));
  }
}

TEST(ShapeProof, Pad) {
  struct Case {
    Shape x, pads;
    int64_t value;
  };
  const std::vector<Case> cases = {
      {{3, 5}, {1, 0, 0, 2}, 0},     {{3, 5}, {0, 0, 1, 0}, 0},  // end padding inside the same padded size
      {{3, 5}, {2, 1, 0, 3}, -7},    {{2, 3, 3}, {0, 1, 1, 0, 1, 1}, 0},
      {{2, 3, 3}, {0, 1, 2, 0, 0, 1}, 5}, {{6}, {0, 0}, 3}, {{3, 5}, {0, 0, 1, 1}, -2}};
  for (const auto& c : cases) expect_honest(one_node("pad", {c.x}, {{"pads", c.pads}, {"value", {c.value}}}));
}

TEST(ShapeProof, Concat) {
  struct Case {
    std::vector<Shape> xs;
    int64_t axis;
  };
  const std::vector<Case> cases = {
      {{{2, 3}, {5, 3}}, 0},           {{{3, 2}, {3, 5}, {3, 1}}, 1},    {{{2, 3, 5}, {2, 1, 5}, {2, 4, 5}}, 1},
      {{{2, 3, 5}, {2, 3, 2}}, -1},    {{{4, 3}, {4, 3}}, 0},            {{{1, 3, 2, 2}, {1, 5, 2, 2}}, 1}};
  for (const auto& c : cases) expect_honest(one_node("concat", c.xs, {{"axis", {c.axis}}}));
}

TEST(ShapeProof, Gather) {
  struct Case {
    Shape x;
    int64_t axis;
    Shape indices, indices_shape;
  };
  const std::vector<Case> cases = {
      {{5, 3}, 0, {4, 0, 0, 2}, {4}},     {{3, 6, 2}, 1, {5, 1, 2, 1, 0, 3}, {2, 3}},
      {{3, 6}, 1, {2}, {}},               {{7}, 0, {6, 5, 4, 3, 2, 1, 0}, {7}},
      {{5, 3}, 1, {1, 1, 1, 1, 1}, {5}}};
  for (const auto& c : cases) {
    expect_honest(one_node("gather", {c.x}, {{"axis", {c.axis}}, {"indices", c.indices}, {"indices_shape", c.indices_shape}}));
  }
}

TEST(ShapeProof, Expand) {
  const std::vector<std::pair<Shape, Shape>> cases = {
      {{3, 1}, {3, 5}}, {{5}, {3, 5}}, {{1, 5}, {2, 3, 5}}, {{3, 1, 2}, {3, 6, 2}}, {{1}, {3, 7}}, {{2, 3}, {2, 3}}};
  for (auto [x, y] : cases) expect_honest(one_node("expand", {x}, {{"shape", y}}));
}

// The fast paths: which maps need no sumcheck, and how many variables the others sum over.
TEST(ShapeProof, PassThroughDetection) {
  auto vars = [](const IndexMap& m) { return index_map_sumcheck_vars(m); };
  auto reshape = [](Shape x, Shape y) {
    IndexMap m;
    m.out = y;
    m.sources.push_back({0, x, {}});
    return m;
  };
  // A reshape between identical layouts: one identity factor that passes through.
  IndexMap flat = reshape({1, 3, 4, 4}, {1, 48});
  flat.sources[0].factors.push_back({{0, 1}, {0, 1, 2, 3}, true, {}});
  EXPECT_EQ(vars(flat), 0u);
  // Between different layouts: a sumcheck over the input group's variables.
  IndexMap mixed = reshape({2, 3, 5}, {6, 5});
  mixed.sources[0].factors.push_back({{0}, {0, 1}, true, {}});
  mixed.sources[0].factors.push_back({{1}, {2}, true, {}});
  EXPECT_EQ(vars(mixed), 3u);  // (2,3) pads to 2·4: 3 variables; the 5s pass through
  // A slice dim with the same padded size whose tail is dropped is not a pass-through (those input
  // entries would leak into the sum); one whose output is padding beyond the input is.
  IndexMap prefix = reshape({7}, {5});
  prefix.sources[0].factors.push_back({{0}, {0}, false, {0, 1, 2, 3, 4}});
  EXPECT_EQ(vars(prefix), 3u);
  IndexMap endpad = reshape({5}, {7});
  endpad.sources[0].factors.push_back({{0}, {0}, false, {0, 1, 2, 3, 4, -1, -1}});
  // Not a pass-through: output cells 5 and 6 are filled, and reading the input at those padded
  // indices would read the prover's padding.
  EXPECT_EQ(vars(endpad), 3u);
}

// Sumcheck rounds in the node's proof (-1: no sumcheck at all, a pure pass-through).
int sumcheck_rounds(const OneNode& g) {
  circuit::Plan plan = circuit::make_plan(g.graph);
  circuit::Witness witness = circuit::make_witness(plan, g.inputs);
  Transcript transcript("zkinfer/test/shape-rounds");
  circuit::ProverSession prover(plan, witness, transcript);
  std::vector<TensorClaim> claims;
  auto proof = prover.prove_node(0, claims);
  EXPECT_LE(proof.sumchecks.size(), 1u);
  return proof.sumchecks.empty() ? -1 : static_cast<int>(proof.sumchecks[0].rounds.size());
}

TEST(ShapeProof, OperatorsTakeTheFastPaths) {
  EXPECT_EQ(sumcheck_rounds(one_node("transpose", {{2, 3, 5, 7}}, {{"perm", {3, 1, 0, 2}}})), -1);
  EXPECT_EQ(sumcheck_rounds(one_node("expand", {{3, 1}}, {{"shape", {2, 3, 5}}})), -1);
  EXPECT_EQ(sumcheck_rounds(one_node("reshape", {{1, 3, 4, 4}}, {{"shape", {1, 48}}})), -1);
  EXPECT_EQ(sumcheck_rounds(one_node("reshape", {{3, 5}}, {{"shape", {3, 1, 5}}})), -1);
  EXPECT_EQ(sumcheck_rounds(one_node("reshape", {{2, 3, 5}}, {{"shape", {6, 5}}})), 3);  // the 5s pass
  EXPECT_EQ(sumcheck_rounds(one_node("reshape", {{6, 5}}, {{"shape", {30}}})), 6);
  EXPECT_EQ(sumcheck_rounds(one_node("pad", {{3, 5}}, {{"pads", {0, 0, 1, 0}}, {"value", {0}}})), 2);  // the filled row must not read padding
  EXPECT_EQ(sumcheck_rounds(one_node("pad", {{3, 5}}, {{"pads", {0, 0, 1, 0}}, {"value", {2}}})), 2);  // the filled row must not read padding
  EXPECT_EQ(sumcheck_rounds(one_node("pad", {{3, 5}}, {{"pads", {1, 0, 0, 0}}, {"value", {0}}})), 2);
  EXPECT_EQ(sumcheck_rounds(one_node("slice", {{3, 6, 5}}, {{"starts", {0, 1, 0}}, {"steps", {1, 2, 1}}, {"counts", {3, 3, 5}}})), 3);
  EXPECT_EQ(sumcheck_rounds(one_node("concat", {{3, 2}, {3, 5}, {3, 1}}, {{"axis", {1}}})), 3);
  EXPECT_EQ(sumcheck_rounds(one_node("gather", {{3, 6, 2}}, {{"axis", {1}}, {"indices", {5, 1, 2, 1, 0, 3}}, {"indices_shape", {2, 3}}})), 3);
}

TEST(ShapeProof, RejectsAnyChangedOutput) {
  const std::vector<OneNode> graphs = {
      one_node("reshape", {{2, 3, 2}}, {{"shape", {3, 4}}}),
      one_node("reshape", {{3, 1, 2}}, {{"shape", {3, 2}}}),
      one_node("transpose", {{2, 3, 2}}, {{"perm", {2, 0, 1}}}),
      one_node("slice", {{5, 3}}, {{"starts", {4, 0}}, {"steps", {-2, 1}}, {"counts", {3, 3}}}),
      one_node("pad", {{2, 3}}, {{"pads", {1, 0, 0, 2}}, {"value", {4}}}),
      one_node("pad", {{3, 3}}, {{"pads", {0, 0, 0, 1}}, {"value", {0}}}),
      one_node("pad", {{3, 3}}, {{"pads", {0, 0, 1, 1}}, {"value", {6}}}),  // pass-through with a fill
      one_node("concat", {{2, 3}, {1, 3}, {2, 3}}, {{"axis", {0}}}),
      one_node("concat", {{2, 1}, {2, 2}}, {{"axis", {1}}}),
      one_node("gather", {{3, 4}}, {{"axis", {1}}, {"indices", {3, 0, 3}}, {"indices_shape", {3}}}),
      one_node("gather", {{3, 2}}, {{"axis", {0}}, {"indices", {2, 2, 0, 1}}, {"indices_shape", {2, 2}}}),
      one_node("expand", {{3, 1}}, {{"shape", {2, 3, 3}}}),
  };
  for (const auto& g : graphs) {
    expect_honest(g);
    expect_every_change_rejected(g);
  }
}

// A chain whose intermediate tensors are committed: lying about one of them (the prover commits
// the changed tensor and claims its evaluations) breaks the next node's reduction.
TEST(ShapeProof, ChainRejectsChangedIntermediate) {
  IntGraph graph;
  const int x = graph.add_input("x", {2, 3, 5}, 0, 1.0, 1000);
  auto add = [&](const std::string& op, int in, IntAttrs attrs) {
    IntNode n;
    n.op = op;
    n.name = op;
    n.inputs = {in};
    n.attrs = std::move(attrs);
    return graph.add_node(n, {op + "_out"}, 0, 1.0);
  };
  const int a = add("reshape", x, {{"shape", {6, 5}}});
  const int b = add("transpose", a, {{"perm", {1, 0}}});
  const int c = add("pad", b, {{"pads", {0, 1, 1, 0}}, {"value", {0}}});
  graph.outputs = {add("slice", c, {{"starts", {0, 1}}, {"steps", {2, 2}}, {"counts", {3, 3}}})};
  std::vector<IntTensor> inputs = {random_tensor({2, 3, 5}, 1000, 5)};
  auto honest = testing::run_layer_proofs(graph, inputs);
  ASSERT_TRUE(honest.accepted) << honest.reason;
  for (int t : {a, b}) {
    for (int64_t i = 0; i < 30; ++i) {
      auto result = testing::run_layer_proofs(graph, inputs, [&](circuit::Plan&, circuit::Witness& w) {
        w.values[t].data.at(i) += 1;
      });
      EXPECT_FALSE(result.accepted) << "tensor " << t << " entry " << i;
    }
  }
}

}  // namespace
}  // namespace zk::layers
