// Proofs of layernorm and rmsnorm (the same proof without the mean): group widths 24 and 64,
// groups over several trailing dims, tiny and large variances, wide output ranges, and cheating
// provers.
#include "cheat_helpers.hpp"

namespace zk::layers {
namespace {

using testing::expect_accepts;
using testing::expect_rejects_single_changes;
using testing::single_node;

IntAttrs attrs(int64_t axis, int64_t eps, int64_t out_bits) {
  return {{"axis", {axis}}, {"eps", {eps}}, {"out_bits", {out_bits}}};
}

struct Case {
  std::string name;
  Shape shape;
  int64_t bound;
  IntAttrs attrs;
};

std::vector<Case> cases() {
  return {
      {"width 24", {3, 24}, 1000, attrs(-1, 1, 8)},
      {"width 64, 16-bit activations", {2, 64}, 32767, attrs(-1, 5, 12)},
      {"groups over two dims (3 x 4)", {2, 3, 4}, 500, attrs(1, 2, 10)},
      {"one group of 5", {5}, 100, attrs(0, 1, 6)},
      {"large eps dominates", {4, 6}, 10, attrs(-1, 1000000, 8)},
      {"input needing two limbs", {2, 12}, int64_t(1) << 20, attrs(-1, 1, 4)},
  };
}

const char* const kOps[] = {"layernorm", "rmsnorm"};

TEST(LayerNormProof, HonestProofsVerify) {
  for (const char* op : kOps)
    for (const auto& c : cases()) expect_accepts(single_node(op, {c.shape}, c.bound, c.attrs, 3), std::string(op) + " " + c.name);
}

TEST(RmsNormLayer, MatchesTheDefinition) {
  // z = round(x·2^t / isqrt(floor(Σx²/n) + E)), half up, per group of the trailing dims.
  auto t = single_node("rmsnorm", {{3, 7}}, 2000, attrs(-1, 3, 10), 5);
  t.inputs[0].data[0] = -2000;
  const IntTensor z = execute(t.graph, t.inputs)[t.graph.outputs[0]];
  for (int64_t g = 0; g < 3; ++g) {
    int64_t q = 0;
    for (int64_t i = 0; i < 7; ++i) q += t.inputs[0].data[g * 7 + i] * t.inputs[0].data[g * 7 + i];
    const int64_t sigma = isqrt(q / 7 + 3);
    for (int64_t i = 0; i < 7; ++i) {
      const int64_t x = t.inputs[0].data[g * 7 + i];
      EXPECT_EQ(z.data[g * 7 + i], floor_div(x * 1024 + sigma / 2, sigma)) << g << "," << i;
    }
  }
}

TEST(RmsNormProof, CommitsNoMean) {
  auto layer = circuit::make_plan(single_node("layernorm", {{2, 24}}, 1000, attrs(-1, 1, 8)).graph);
  auto rms = circuit::make_plan(single_node("rmsnorm", {{2, 24}}, 1000, attrs(-1, 1, 8)).graph);
  EXPECT_GE(testing::aux_named(layer, 0, "mean-remainder"), 0);
  EXPECT_LT(testing::aux_named(rms, 0, "mean-remainder"), 0);
  EXPECT_LT(testing::aux_named(rms, 0, "mean.0"), 0);
  EXPECT_LT(rms.node_aux[0].size(), layer.node_aux[0].size());
}

TEST(LayerNormProof, ConstantAndExtremeGroups) {
  // A constant group (variance 0, σ = isqrt(eps)), one at ±bound, and a negative-mean group.
  auto t = single_node("layernorm", {{3, 5}}, 1000, attrs(-1, 1, 8));
  t.inputs[0].data = {7, 7, 7, 7, 7, 1000, -1000, 1000, -1000, 1000, -3, -900, -4, -5, -1};
  expect_accepts(t, "extremes");
  expect_rejects_single_changes(t, "extremes", 15);
  t = single_node("rmsnorm", {{3, 5}}, 1000, attrs(-1, 1, 8));
  t.inputs[0].data = {0, 0, 0, 0, 0, 1000, -1000, 1000, -1000, 1000, -3, -900, -4, -5, -1};
  expect_accepts(t, "rms extremes");
  expect_rejects_single_changes(t, "rms extremes", 15);
}

TEST(LayerNormProof, RejectsAnySingleChange) {
  for (const char* op : kOps)
    for (const auto& c : cases())
      expect_rejects_single_changes(single_node(op, {c.shape}, c.bound, c.attrs, 8), std::string(op) + " " + c.name, 4);
}

TEST(LayerNormProof, RejectsAWrongSigma) {
  // σ + 1 with Δ1, Δ2 recomputed for it breaks V = Δ1 + σ² or the Δ ranges.
  for (const char* op : kOps) {
  auto t = single_node(op, {{2, 24}}, 1000, attrs(-1, 1, 8), 4);
  auto plan = circuit::make_plan(t.graph);
  const int sigma = testing::aux_named(plan, 0, "sigma.0"), d1 = testing::aux_named(plan, 0, "sigma-low.0"),
            d2 = testing::aux_named(plan, 0, "sigma-high.0");
  ASSERT_GE(sigma, 0);
  auto result = testing::run_layer_proofs(t.graph, t.inputs, [&](circuit::Plan&, circuit::Witness& w) {
    const int64_t s = w.values[sigma].data[0], v = w.values[d1].data[0] + s * s;
    w.values[sigma].data[0] = s + 1;
    w.values[d1].data[0] = v - (s + 1) * (s + 1);
    w.values[d2].data[0] = 2 * (s + 1) - w.values[d1].data[0];
  });
  EXPECT_FALSE(result.accepted) << op;
  }
}

TEST(LayerNormProof, InsideAChain) {
  testing::TestGraph t;
  const int x = t.graph.add_input("x", {3, 10}, 0, 1.0, 2000);
  t.inputs.push_back(testing::random_tensor({3, 10}, 2000, 6));
  const int z = testing::add_op(t.graph, "layernorm", {x}, attrs(-1, 3, 8));
  t.graph.outputs = {testing::add_op(t.graph, "mul_const", {z}, {{"c", {-2}}})};
  expect_accepts(t, "chain");
  expect_rejects_single_changes(t, "chain", 4);
}

TEST(LayerNormProof, RefusesBoundsThatCouldWrap) {
  IntGraph g;
  // Passes the executor's 2^62 checks, but 2σ·z reaches 2^66 in the division relation.
  const int x = g.add_input("x", {2, 8}, 0, 1.0, int64_t(1) << 20);
  g.outputs = {testing::add_op(g, "layernorm", {x}, attrs(-1, 1, 38))};
  EXPECT_THROW(circuit::make_plan(g), Error);
}

}  // namespace
}  // namespace zk::layers
