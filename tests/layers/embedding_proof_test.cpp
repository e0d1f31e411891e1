// Proofs of embedding (Gather of table rows by run-time indices): non-power-of-two tables and
// index shapes, [B, T] indices, out-of-range indices, and cheating provers that keep the one-hot
// matrix Boolean (so the lookup alone cannot catch them).
#include "cheat_helpers.hpp"

namespace zk::layers {
namespace {

using testing::expect_accepts;
using testing::expect_rejects_single_changes;

// A table (constant, or an input when `table_input`) and ids in [0, V).
testing::TestGraph embedding_graph(const Shape& table, const Shape& ids, uint64_t seed, bool table_input = false) {
  testing::TestGraph t;
  IntTensor e = testing::random_tensor(table, 300, seed);
  int te;
  if (table_input) {
    te = t.graph.add_input("table", table, 0, 1.0, 300);
  } else {
    te = t.graph.add_constant("table", e, 0, 1.0);
  }
  const int ti = t.graph.add_input("ids", ids, 0, 1.0, kIndexInputBound);
  if (table_input) t.inputs.push_back(e);
  IntTensor idx(ids);
  std::mt19937_64 rng(seed + 7);
  for (auto& v : idx.data) v = static_cast<int64_t>(rng() % static_cast<uint64_t>(table[0]));
  t.inputs.push_back(idx);
  t.graph.outputs = {testing::add_op(t.graph, "embedding", {te, ti}, {})};
  return t;
}

const IntTensor& table_of(const testing::TestGraph& t) {
  const IntTensor* c = t.graph.constant(t.graph.nodes[0].inputs[0]);
  return c ? *c : t.inputs[0];
}

TEST(EmbeddingLayer, CopiesTheIndexedRows) {
  auto t = embedding_graph({10, 6}, {1, 5}, 1);
  auto values = execute(t.graph, t.inputs);
  const IntTensor& out = values[t.graph.outputs[0]];
  ASSERT_EQ(out.shape, (Shape{1, 5, 6}));
  const IntTensor& e = table_of(t);
  for (int64_t s = 0; s < 5; ++s)
    for (int64_t d = 0; d < 6; ++d) EXPECT_EQ(out.data[s * 6 + d], e.data[t.inputs[0].data[s] * 6 + d]);
}

TEST(EmbeddingLayer, RefusesIndicesOutsideTheTable) {
  for (int64_t bad : {int64_t(10), int64_t(-1), int64_t(1) << 30}) {
    auto t = embedding_graph({10, 6}, {4}, 2);
    t.inputs[0].data[2] = bad;
    try {
      execute(t.graph, t.inputs);
      ADD_FAILURE() << "index " << bad << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("outside the table's rows [0, 10)"), std::string::npos) << e.what();
    }
  }
}

TEST(EmbeddingLayer, IntegerInputsIndexOnlyEmbeddings) {
  // A loaded graph may read token ids only as embedding indices (their bound is proven nowhere
  // else): as an operand of anything else, even after a reshape, it is refused.
  auto t = embedding_graph({10, 6}, {1, 5}, 17);
  EXPECT_NO_THROW(t.graph.check_bounds());
  const int ids = t.graph.inputs[0], y = t.graph.outputs[0];
  const int v = testing::add_op(t.graph, "reshape", {ids}, {{"shape", {5, 1}}});
  EXPECT_NO_THROW(t.graph.check_bounds());
  testing::add_op(t.graph, "add", {v, y}, {{"shift_a", {0}}, {"shift_b", {0}}});
  EXPECT_THROW(t.graph.check_bounds(), Error);
}

TEST(EmbeddingProof, HonestProofsVerify) {
  expect_accepts(embedding_graph({10, 6}, {1, 5}, 3), "[1, 5] ids into 10 x 6");
  expect_accepts(embedding_graph({7, 3}, {3}, 4), "[3] ids into 7 x 3");
  expect_accepts(embedding_graph({16, 8}, {2, 4}, 5), "powers of two");
  expect_accepts(embedding_graph({5, 12}, {2, 3}, 6, true), "table as an input");
  expect_accepts(embedding_graph({1, 5}, {3}, 7), "one row");
}

TEST(EmbeddingProof, RejectsAnySingleChange) {
  expect_rejects_single_changes(embedding_graph({10, 6}, {1, 5}, 8), "[1, 5] ids", 8);
  expect_rejects_single_changes(embedding_graph({5, 12}, {2, 3}, 9, true), "table input", 8);
}

// Moves the one-hot entry of position s to row v (the matrix stays Boolean) and optionally writes
// row v of the table into the output, as a prover claiming another token would.
void select_row(circuit::Witness& w, const testing::TestGraph& t, int h, int64_t s, int64_t v, bool fix_output) {
  const IntTensor& e = table_of(t);
  const int64_t rows = e.shape[0], width = e.shape[1];
  for (int64_t j = 0; j < rows; ++j) w.values[h].data[s * rows + j] = j == v ? 1 : 0;
  if (fix_output)
    for (int64_t d = 0; d < width; ++d) w.values[t.graph.outputs[0]].data[s * width + d] = e.data[v * width + d];
}

TEST(EmbeddingProof, RejectsAnotherRowForTheSameIndex) {
  auto t = embedding_graph({10, 6}, {1, 5}, 10);
  auto plan = circuit::make_plan(t.graph);
  const int h = testing::aux_named(plan, 0, "onehot");
  ASSERT_GE(h, 0);
  const int64_t v = (t.inputs[0].data[3] + 4) % 10;
  for (bool fix_output : {true, false}) {
    auto r = testing::run_layer_proofs(t.graph, t.inputs,
                                       [&](circuit::Plan&, circuit::Witness& w) { select_row(w, t, h, 3, v, fix_output); });
    EXPECT_FALSE(r.accepted) << "fix_output " << fix_output;
  }
}

TEST(EmbeddingProof, RejectsNoRowOrTwoRows) {
  auto t = embedding_graph({10, 6}, {5}, 11);
  auto plan = circuit::make_plan(t.graph);
  const int h = testing::aux_named(plan, 0, "onehot");
  t.inputs[0].data[1] = 4;
  // No row selected and a zero output row.
  auto none = testing::run_layer_proofs(t.graph, t.inputs, [&](circuit::Plan&, circuit::Witness& w) {
    for (int64_t j = 0; j < 10; ++j) w.values[h].data[10 + j] = 0;
    for (int64_t d = 0; d < 6; ++d) w.values[t.graph.outputs[0]].data[6 + d] = 0;
  });
  EXPECT_FALSE(none.accepted);
  // Rows 0 and 4 selected (Σ v·H still equals the index) with the output their sum.
  auto two = testing::run_layer_proofs(t.graph, t.inputs, [&](circuit::Plan&, circuit::Witness& w) {
    w.values[h].data[10] = 1;
    for (int64_t d = 0; d < 6; ++d) w.values[t.graph.outputs[0]].data[6 + d] += table_of(t).data[d];
  });
  EXPECT_FALSE(two.accepted);
}

TEST(EmbeddingProof, AnOutOfRangeIndexCannotBeProven) {
  // The prover claims the public index 10 (one past the table) selects row 9 (or nothing).
  auto t = embedding_graph({10, 6}, {4}, 12);
  auto plan = circuit::make_plan(t.graph);
  const int h = testing::aux_named(plan, 0, "onehot");
  const int ids = t.graph.inputs[0];
  for (bool any_row : {true, false}) {
    auto r = testing::run_layer_proofs(t.graph, t.inputs, [&](circuit::Plan&, circuit::Witness& w) {
      w.values[ids].data[0] = 10;
      if (any_row) {
        select_row(w, t, h, 0, 9, true);
      } else {
        for (int64_t j = 0; j < 10; ++j) w.values[h].data[j] = 0;
      }
    });
    EXPECT_FALSE(r.accepted) << "any_row " << any_row;
  }
}

TEST(EmbeddingProof, PaddedColumnsOfTheOneHotNeverCount) {
  // Real columns of index 2's row all zero (the lookup only sees real entries) and the one moved
  // into a padded column (v = 12 of 16), whose table row is zero, with a zero output row.
  auto t = embedding_graph({10, 6}, {1, 5}, 15);
  auto plan = circuit::make_plan(t.graph);
  const int h = testing::aux_named(plan, 0, "onehot");
  auto r = testing::run_layer_proofs(
      t.graph, t.inputs,
      [&](circuit::Plan&, circuit::Witness& w) {
        for (int64_t j = 0; j < 10; ++j) w.values[h].data[2 * 10 + j] = 0;
        for (int64_t d = 0; d < 6; ++d) w.values[t.graph.outputs[0]].data[2 * 6 + d] = 0;
      },
      [&](const circuit::Plan&, const circuit::Witness& w) {
        testing::CommittedTables c;
        c[h] = mle_table(w.values[h]);
        c[h][2 * 16 + 12] = Fp::one();
        return c;
      });
  EXPECT_FALSE(r.accepted);
}

TEST(EmbeddingProof, IdsReshapedFirst) {
  // [6] ids viewed as [2, 3] before the lookup (HF GPT-2's input_ids.view(-1, T)).
  testing::TestGraph t;
  const int e = t.graph.add_constant("table", testing::random_tensor({7, 5}, 100, 16), 0, 1.0);
  const int ids = t.graph.add_input("ids", {6}, 0, 1.0, kIndexInputBound);
  t.inputs.push_back(IntTensor({6}, {0, 6, 3, 3, 1, 5}));
  const int v = testing::add_op(t.graph, "reshape", {ids}, {{"shape", {2, 3}}});
  t.graph.outputs = {testing::add_op(t.graph, "embedding", {e, v}, {})};
  expect_accepts(t, "reshaped ids");
  expect_rejects_single_changes(t, "reshaped ids", 6);
}

TEST(EmbeddingProof, InsideAChain) {
  // embedding -> add of a position table, as GPT's input stage.
  testing::TestGraph t = embedding_graph({9, 5}, {1, 3}, 13);
  const int pos = t.graph.add_constant("pos", testing::random_tensor({1, 3, 5}, 50, 14), 0, 1.0);
  const int y = t.graph.outputs[0];
  t.graph.outputs = {testing::add_op(t.graph, "add", {y, pos}, {{"shift_a", {0}}, {"shift_b", {0}}})};
  expect_accepts(t, "chain");
  expect_rejects_single_changes(t, "chain", 4);
}

}  // namespace
}  // namespace zk::layers
