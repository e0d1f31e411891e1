// Zero-knowledge mode (docs/zk.md §2) of the transformer families: div, softmax, layernorm /
// rmsnorm and embedding, through proof_harness.hpp's run_zk_layer_proofs. Per op: honest proofs
// under the four visibility settings on odd shapes and every attribute variant of the plain tests,
// the plain tests' cheating provers, tampered proof components, and no plain value sent.
#include <gtest/gtest.h>

#include <cmath>

#include "cheat_helpers.hpp"
#include "zk_checks.hpp"

namespace zk::layers {
namespace {

using testing::expect_zk_accepts;
using testing::expect_zk_rejects_single_changes;
using testing::single_node;
using testing::TestGraph;
using testing::TwinPoints;
using testing::vis;
using testing::visibilities;

// A cheating prover that edits several entries at once (`tamper`), under every visibility.
void expect_zk_rejects(const TestGraph& t, const std::function<void(circuit::Plan&, circuit::Witness&)>& tamper,
                       const std::string& what) {
  for (const auto& v : visibilities()) {
    auto r = testing::run_zk_layer_proofs(t.graph, t.inputs, v, tamper);
    EXPECT_FALSE(r.accepted) << what << ", " << vis(v) << " was accepted";
  }
}

// ---- embedding ----

// A table of V rows (a constant, i.e. weights, or an input when `table_input`), and ids that
// step through the rows with a stride coprime to most V (repeats included once they wrap).
TestGraph embedding_graph(const Shape& table, const Shape& ids, uint64_t seed, bool table_input = false) {
  TestGraph t;
  std::vector<int> in;
  if (table_input) {
    in.push_back(t.graph.add_input("table", table, 0, 1.0, 300));
    t.inputs.push_back(testing::random_tensor(table, 300, seed));
  } else {
    in.push_back(t.graph.add_constant("table", testing::random_tensor(table, 300, seed), 0, 1.0));
  }
  in.push_back(t.graph.add_input("ids", ids, 0, 1.0, kIndexInputBound));
  IntTensor& idx = t.inputs.emplace_back(ids);
  for (int64_t s = 0; s < idx.size(); ++s) idx.data[s] = (static_cast<int64_t>(seed) + 7 * s) % table[0];
  t.graph.outputs = {testing::add_op(t.graph, "embedding", in, {})};
  return t;
}

std::vector<std::pair<std::string, TestGraph>> embedding_cases() {
  std::vector<std::pair<std::string, TestGraph>> c;
  c.emplace_back("[1, 5] ids into 10 x 6", embedding_graph({10, 6}, {1, 5}, 3));
  c.emplace_back("[3] ids into 7 x 3", embedding_graph({7, 3}, {3}, 4));
  c.emplace_back("powers of two", embedding_graph({16, 8}, {2, 4}, 5));
  c.emplace_back("table as an input", embedding_graph({5, 12}, {2, 3}, 6, true));
  c.emplace_back("one row", embedding_graph({1, 5}, {3}, 7));
  c.emplace_back("wide rows, few ids", embedding_graph({3, 40}, {2}, 8));
  return c;
}

TEST(ZkTransformerProof, HonestEmbeddingVerifies) {
  for (const auto& [name, t] : embedding_cases()) expect_zk_accepts(t, "embedding " + name, TwinPoints::all);
  // embedding -> add of a position table, as GPT's input stage: the claim on the output meets a
  // private intermediate tensor.
  TestGraph t = embedding_graph({9, 5}, {1, 3}, 13);
  const int pos = t.graph.add_constant("pos", testing::random_tensor({1, 3, 5}, 50, 14), 0, 1.0);
  const int y = t.graph.outputs[0];
  t.graph.outputs = {testing::add_op(t.graph, "add", {y, pos}, {{"shift_a", {0}}, {"shift_b", {0}}})};
  expect_zk_accepts(t, "embedding chain", TwinPoints::all);
  if (find_layer("reshape")->proof->zk) expect_zk_accepts(t, "embedding chain", TwinPoints::all);
}

TEST(ZkTransformerProof, EmbeddingRejectsCheats) {
  expect_zk_rejects_single_changes(embedding_graph({10, 6}, {1, 5}, 8), "embedding");
  expect_zk_rejects_single_changes(embedding_graph({5, 12}, {2, 3}, 9, true), "embedding, table input");
}

// The one-hot entry of position s moved to row v (the matrix stays Boolean), optionally with row
// v of the table written into the output, as a prover claiming another token would.
void select_row(circuit::Witness& w, const TestGraph& t, int h, int64_t s, int64_t v, bool fix_output) {
  const IntTensor& e = *t.graph.constant(t.graph.nodes[0].inputs[0]);
  const int64_t rows = e.shape[0], width = e.shape[1];
  for (int64_t j = 0; j < rows; ++j) w.values[h].data[s * rows + j] = j == v ? 1 : 0;
  if (fix_output)
    for (int64_t d = 0; d < width; ++d) w.values[t.graph.outputs[0]].data[s * width + d] = e.data[v * width + d];
}

TEST(ZkTransformerProof, EmbeddingRejectsAnotherRowNoRowOrTwoRows) {
  auto t = embedding_graph({10, 6}, {5}, 11);
  t.inputs[0].data[1] = 4;
  const int h = testing::aux_named(circuit::make_plan(t.graph), 0, "onehot");
  ASSERT_GE(h, 0);
  for (bool fix_output : {true, false})
    expect_zk_rejects(t, [&](circuit::Plan&, circuit::Witness& w) { select_row(w, t, h, 3, 8, fix_output); },
                      "another row");
  expect_zk_rejects(
      t,
      [&](circuit::Plan&, circuit::Witness& w) {
        for (int64_t j = 0; j < 10; ++j) w.values[h].data[10 + j] = 0;
        for (int64_t d = 0; d < 6; ++d) w.values[t.graph.outputs[0]].data[6 + d] = 0;
      },
      "no row");
  // Rows 0 and 4 selected (Σ v·H still equals the index) with the output their sum.
  expect_zk_rejects(
      t,
      [&](circuit::Plan&, circuit::Witness& w) {
        w.values[h].data[10] = 1;
        for (int64_t d = 0; d < 6; ++d) w.values[t.graph.outputs[0]].data[6 + d] += t.graph.constant(t.graph.nodes[0].inputs[0])->data[d];
      },
      "two rows");
  // The public index 10 (one past the table) claimed to select row 9.
  expect_zk_rejects(
      t,
      [&](circuit::Plan&, circuit::Witness& w) {
        w.values[t.graph.inputs[0]].data[0] = 10;
        select_row(w, t, h, 0, 9, true);
      },
      "an out-of-range index");
}

TEST(ZkTransformerProof, EmbeddingProofComponents) {
  for (const auto& t : {embedding_graph({10, 6}, {1, 5}, 3), embedding_graph({5, 12}, {2, 3}, 6, true)}) {
    testing::expect_rejects_tampered_components(t);
    testing::expect_sends_no_plain_values(t);
  }
}

// ---- softmax ----

// T[d] ≈ 2^se·exp(−d / 2^scale) down to its first zero, as the quantizer builds it.
IntAttrs softmax_attrs(int64_t axis, int64_t out_bits, int scale = 4, int se = 10) {
  std::vector<int64_t> table;
  do {
    const double d = std::ldexp(static_cast<double>(table.size()), -scale);
    table.push_back(static_cast<int64_t>(std::llround(std::ldexp(std::exp(-d), se))));
  } while (table.back() != 0);
  return {{"axis", {axis}}, {"table", table}, {"out_bits", {out_bits}}};
}

struct UnaryCase {
  std::string name;
  Shape shape;
  int64_t bound;
  IntAttrs attrs;
};

std::vector<UnaryCase> softmax_cases() {
  return {
      {"rows of 5", {3, 5}, 100, softmax_attrs(-1, 12)},
      {"rows of 7 on axis 1", {2, 7}, 60, softmax_attrs(1, 10)},
      {"middle axis of 3, inner 5", {2, 3, 5}, 80, softmax_attrs(1, 12)},
      {"leading axis", {6, 2}, 50, softmax_attrs(0, 8)},
      {"rank 1, length 7", {7}, 120, softmax_attrs(0, 14, 5, 14)},
      {"wide output (limbs of y)", {3, 5}, 40, softmax_attrs(-1, 17)},
  };
}

TEST(ZkTransformerProof, HonestSoftmaxVerifies) {
  for (const auto& c : softmax_cases())
    expect_zk_accepts(single_node("softmax", {c.shape}, c.bound, c.attrs, 5), c.name, TwinPoints::all);
  // Ties for the maximum, gaps far beyond the table (e = 0), a constant row.
  auto t = single_node("softmax", {{3, 5}}, 100, softmax_attrs(-1, 12));
  t.inputs[0].data = {7, 9, 9, -3, 0, 100, -100, -99, 100, 0, 4, 4, 4, 4, 4};
  expect_zk_accepts(t, "ties", TwinPoints::all);
  // Inside a chain: the softmax output is a private intermediate tensor.
  TestGraph c;
  const int x = c.graph.add_input("x", {3, 6}, 0, 1.0, 90);
  c.inputs.push_back(testing::random_tensor({3, 6}, 90, 4));
  const int y = testing::add_op(c.graph, "softmax", {x}, softmax_attrs(-1, 12));
  c.graph.outputs = {testing::add_op(c.graph, "mul_const", {y}, {{"c", {3}}})};
  expect_zk_accepts(c, "softmax chain", TwinPoints::all);
}

TEST(ZkTransformerProof, SoftmaxRejectsCheats) {
  for (const auto& c : {softmax_cases()[0], softmax_cases()[2], softmax_cases()[5]})
    expect_zk_rejects_single_changes(single_node("softmax", {c.shape}, c.bound, c.attrs, 9), "softmax " + c.name);
  // A maximum one too high keeps every gap non-negative; no zero gap remains to select.
  auto t = single_node("softmax", {{2, 5}}, 50, softmax_attrs(-1, 10), 3);
  const auto plan = circuit::make_plan(t.graph);
  const int m = testing::aux_named(plan, 0, "max"), gap = testing::aux_named(plan, 0, "gap");
  ASSERT_GE(m, 0);
  ASSERT_GE(gap, 0);
  expect_zk_rejects(
      t,
      [&](circuit::Plan&, circuit::Witness& w) {
        w.values[m].data[0] += 1;
        for (int j = 0; j < 5; ++j) w.values[gap].data[j] += 1;
      },
      "a wrong maximum");
}

TEST(ZkTransformerProof, SoftmaxProofComponents) {
  for (const auto& c : {softmax_cases()[1], softmax_cases()[5]}) {
    const auto t = single_node("softmax", {c.shape}, c.bound, c.attrs, 2);
    testing::expect_rejects_tampered_components(t);
    testing::expect_sends_no_plain_values(t);
  }
}

// ---- layernorm, rmsnorm ----

IntAttrs norm_attrs(int64_t axis, int64_t eps, int64_t out_bits) {
  return {{"axis", {axis}}, {"eps", {eps}}, {"out_bits", {out_bits}}};
}

std::vector<UnaryCase> norm_cases() {
  return {
      {"width 24", {3, 24}, 1000, norm_attrs(-1, 1, 8)},
      {"width 64, 16-bit activations", {2, 64}, 32767, norm_attrs(-1, 5, 12)},
      {"groups over two dims (3 x 4)", {2, 3, 4}, 500, norm_attrs(1, 2, 10)},
      {"one group of 5", {5}, 100, norm_attrs(0, 1, 6)},
      {"large eps dominates", {4, 6}, 10, norm_attrs(-1, 1000000, 8)},
      {"input needing two limbs", {2, 12}, int64_t(1) << 20, norm_attrs(-1, 1, 4)},
      // n = 300: the group remainders ρ_μ < 2n and ρ_V < n need range limbs (wide).
      {"width 300 (limbs of the remainders)", {2, 300}, 200, norm_attrs(-1, 3, 8)},
  };
}

const char* const kNormOps[] = {"layernorm", "rmsnorm"};

TEST(ZkTransformerProof, HonestNormVerifies) {
  for (const char* op : kNormOps) {
    for (const auto& c : norm_cases())
      expect_zk_accepts(single_node(op, {c.shape}, c.bound, c.attrs, 3), std::string(op) + " " + c.name,
                        TwinPoints::all);
    // A constant group (variance 0), one at ±bound, a negative-mean group.
    auto t = single_node(op, {{3, 5}}, 1000, norm_attrs(-1, 1, 8));
    t.inputs[0].data = {7, 7, 7, 7, 7, 1000, -1000, 1000, -1000, 1000, -3, -900, -4, -5, -1};
    expect_zk_accepts(t, std::string(op) + " extremes", TwinPoints::all);
    // Inside a chain: the normalised tensor is a private intermediate.
    TestGraph c;
    const int x = c.graph.add_input("x", {3, 10}, 0, 1.0, 2000);
    c.inputs.push_back(testing::random_tensor({3, 10}, 2000, 6));
    const int z = testing::add_op(c.graph, op, {x}, norm_attrs(-1, 3, 8));
    c.graph.outputs = {testing::add_op(c.graph, "mul_const", {z}, {{"c", {-2}}})};
    expect_zk_accepts(c, std::string(op) + " chain", TwinPoints::all);
  }
}

TEST(ZkTransformerProof, NormRejectsCheats) {
  const auto cases = norm_cases();
  for (const char* op : kNormOps) {
    for (size_t i : {0, 2, 6}) {
      const auto& c = cases[i];
      expect_zk_rejects_single_changes(single_node(op, {c.shape}, c.bound, c.attrs, 8), std::string(op) + " " + c.name, 2);
    }
    // σ + 1 with Δ1, Δ2 recomputed for it breaks V = Δ1 + σ² or the Δ ranges.
    auto t = single_node(op, {{2, 24}}, 1000, norm_attrs(-1, 1, 8), 4);
    const auto plan = circuit::make_plan(t.graph);
    const int sigma = testing::aux_named(plan, 0, "sigma.0"), d1 = testing::aux_named(plan, 0, "sigma-low.0"),
              d2 = testing::aux_named(plan, 0, "sigma-high.0");
    ASSERT_GE(sigma, 0);
    expect_zk_rejects(
        t,
        [&](circuit::Plan&, circuit::Witness& w) {
          const int64_t s = w.values[sigma].data[0], v = w.values[d1].data[0] + s * s;
          w.values[sigma].data[0] = s + 1;
          w.values[d1].data[0] = v - (s + 1) * (s + 1);
          w.values[d2].data[0] = 2 * (s + 1) - w.values[d1].data[0];
        },
        std::string(op) + " a wrong sigma");
  }
}

TEST(ZkTransformerProof, NormProofComponents) {
  const auto cases = norm_cases();
  for (const char* op : kNormOps)
    for (size_t i : {2, 6}) {
      const auto& c = cases[i];
      const auto t = single_node(op, {c.shape}, c.bound, c.attrs, 2);
      testing::expect_rejects_tampered_components(t);
      testing::expect_sends_no_plain_values(t);
    }
}

// ---- div ----

IntAttrs div_attrs(int64_t lo, int64_t hi, int64_t kn = 0, int64_t kd = 0) {
  return {{"lo", {lo}}, {"hi", {hi}}, {"shift_n", {kn}}, {"shift_d", {kd}}};
}

// A / B with B an input (`b_input`) or a constant (weights); zero divisors replaced by 1 or -1.
TestGraph div_graph(const Shape& a, const Shape& b, int64_t ba, int64_t bb, IntAttrs at, bool b_input = true) {
  TestGraph t;
  IntTensor d = testing::random_tensor(b, bb, 11);
  for (size_t i = 0; i < d.data.size(); ++i)
    if (d.data[i] == 0) d.data[i] = i % 2 ? 1 : -1;
  std::vector<int> in = {t.graph.add_input("a", a, 0, 1.0, ba)};
  t.inputs.push_back(testing::random_tensor(a, ba, 10));
  if (b_input) {
    in.push_back(t.graph.add_input("b", b, 0, 1.0, bb));
    t.inputs.push_back(std::move(d));
  } else {
    in.push_back(t.graph.add_constant("b", std::move(d), 0, 1.0));
  }
  t.graph.outputs = {testing::add_op(t.graph, "div", in, std::move(at))};
  return t;
}

std::vector<std::pair<std::string, TestGraph>> div_cases() {
  std::vector<std::pair<std::string, TestGraph>> c;
  c.emplace_back("same shape, no saturation", div_graph({3, 5}, {3, 5}, 1000, 50, div_attrs(-32768, 32767)));
  c.emplace_back("broadcast divisor row", div_graph({3, 7}, {7}, 300, 20, div_attrs(-1000, 1000, 4)));
  c.emplace_back("saturation both ends", div_graph({2, 5}, {2, 1}, 5000, 9, div_attrs(-100, 100, 2)));
  c.emplace_back("shifted divisor", div_graph({6}, {6}, 200, 100, div_attrs(-50, 60, 3, 2)));
  c.emplace_back("wide output range (limbs)", div_graph({2, 3}, {2, 3}, int64_t(1) << 20, 3, div_attrs(-200000, 150000)));
  c.emplace_back("by a constant scalar", div_graph({4, 3}, {1}, 700, 9, div_attrs(-1000, 1000, 1), false));
  c.emplace_back("by a constant row", div_graph({2, 3}, {3}, 500, 40, div_attrs(-20, 20, 2), false));
  c.emplace_back("constant output (lo = hi)", div_graph({2, 3}, {2, 3}, 100, 10, div_attrs(5, 5)));
  c.emplace_back("divisors of magnitude 1", div_graph({5}, {5}, 1, 1, div_attrs(-1, 1)));
  return c;
}

TEST(ZkTransformerProof, HonestDivVerifies) {
  for (const auto& [name, t] : div_cases()) expect_zk_accepts(t, "div " + name, TwinPoints::all);
  // Halves round up, negative divisors flip the numerator: 7/2 → 4, −7/2 → −3, 7/−2 → −3, −7/−2 → 4.
  auto t = div_graph({6}, {6}, 10, 10, div_attrs(-100, 100));
  t.inputs[0].data = {7, -7, 7, -7, 5, -1};
  t.inputs[1].data = {2, 2, -2, -2, 10, 3};
  expect_zk_accepts(t, "div signs", TwinPoints::all);
}

TEST(ZkTransformerProof, DivRejectsCheats) {
  const auto cases = div_cases();
  for (size_t i : {1, 2, 4, 5}) expect_zk_rejects_single_changes(cases[i].second, "div " + cases[i].first);
  expect_zk_rejects_single_changes(cases[7].second, "div " + cases[7].first, 3, false);
  // y = q = 300 with u = 0 (outside [lo, hi]); then y = lo with u = lo − q < 0 made positive.
  auto t = div_graph({3}, {3}, 1000, 10, div_attrs(-10, 10));
  t.inputs[0].data = {900, 5, -900};
  t.inputs[1].data = {3, 1, 3};
  const int u0 = testing::aux_named(circuit::make_plan(t.graph), 0, "saturation.0");
  ASSERT_GE(u0, 0);
  for (auto [y, u] : {std::pair<int64_t, int64_t>{300, 0}, {-10, 310}})
    expect_zk_rejects(
        t,
        [&](circuit::Plan& p, circuit::Witness& w) {
          w.values[p.graph.outputs[0]].data[0] = y;
          w.values[u0].data[0] = u;
        },
        "an unclamped output");
}

TEST(ZkTransformerProof, DivProofComponents) {
  const auto cases = div_cases();
  for (size_t i : {1, 4, 7}) {
    testing::expect_rejects_tampered_components(cases[i].second);
    testing::expect_sends_no_plain_values(cases[i].second);
  }
}

}  // namespace
}  // namespace zk::layers
