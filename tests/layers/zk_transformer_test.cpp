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

using testing::expect_rejected;
using testing::single_node;
using testing::TestGraph;
using testing::vis;
using testing::visibilities;

void expect_zk_accepts(const TestGraph& t, const std::string& what) {
  for (const auto& v : visibilities()) {
    auto r = testing::run_zk_layer_proofs(t.graph, t.inputs, v);
    EXPECT_TRUE(r.accepted) << what << ", " << vis(v) << ": " << r.reason;
  }
}

// The plain tests' "change any single committed value" prover in ZK mode: up to `per_tensor`
// entries of every output and aux tensor, by +1 and -1, under every visibility.
void expect_zk_rejects_single_changes(const TestGraph& t, const std::string& what, int64_t per_tensor = 3) {
  const circuit::Plan plan = circuit::make_plan(t.graph);
  std::vector<int> targets;
  for (size_t n = 0; n < plan.graph.nodes.size(); ++n) {
    targets.insert(targets.end(), plan.graph.nodes[n].outputs.begin(), plan.graph.nodes[n].outputs.end());
    targets.insert(targets.end(), plan.node_aux[n].begin(), plan.node_aux[n].end());
  }
  for (const auto& v : visibilities())
    for (int tensor : targets) {
      const int64_t size = numel(plan.shapes[tensor]), step = std::max<int64_t>(1, size / per_tensor);
      for (int64_t i = 0; i < size; i += step)
        for (int64_t delta : {1, -1}) expect_rejected(t, v, tensor, i, delta, what + " '" + plan.names[tensor] + "'");
    }
}

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
  for (const auto& [name, t] : embedding_cases()) expect_zk_accepts(t, "embedding " + name);
  // embedding -> add of a position table, as GPT's input stage: the claim on the output meets a
  // private intermediate tensor.
  TestGraph t = embedding_graph({9, 5}, {1, 3}, 13);
  const int pos = t.graph.add_constant("pos", testing::random_tensor({1, 3, 5}, 50, 14), 0, 1.0);
  const int y = t.graph.outputs[0];
  t.graph.outputs = {testing::add_op(t.graph, "add", {y, pos}, {{"shift_a", {0}}, {"shift_b", {0}}})};
  expect_zk_accepts(t, "embedding chain");
  if (find_layer("reshape")->proof->zk) expect_zk_accepts(t, "embedding chain");
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

}  // namespace
}  // namespace zk::layers
