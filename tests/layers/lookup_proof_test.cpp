// Proofs of lookup (y = T[x − lo]): the layer declares a function table; the lookup argument (here
// the harness's membership check) is what rejects a wrong output.
#include <set>

#include "cheat_helpers.hpp"
#include "conv_pool_cases.hpp"

namespace zk::layers {
namespace {

using testing::square_table;

TEST(LookupProof, HonestProofsVerify) {
  for (const Shape& s : testing::lookup_shapes()) {
    auto t = testing::single_node("lookup", {s}, 20, {{"lo", {-25}}, {"table", square_table(-25, 60)}});
    testing::expect_accepts(t, shape_str(s));
  }
}

TEST(LookupProof, RejectsAnyWrongOutputEntry) {
  auto t = testing::single_node("lookup", {{3, 5}}, 20, {{"lo", {-20}}, {"table", square_table(-20, 41)}});
  testing::expect_rejects_single_changes(t, "lookup", 15);
  // A value that is in the table's output column but belongs to another input.
  auto result = testing::run_layer_proofs(t.graph, t.inputs, [&](circuit::Plan& p, circuit::Witness& w) {
    const int64_t x = w.values[p.graph.inputs[0]].data[4];
    w.values[p.graph.outputs[0]].data[4] = square_table(-20, 41)[(x == 20 ? 19 : x + 1) + 20];
  });
  EXPECT_FALSE(result.accepted);
}

TEST(LookupProof, TablesAreSharedByContentOnly) {
  // Two nodes with the same table share one lookup table; a different table gets its own key.
  testing::TestGraph t;
  const int x = t.graph.add_input("x", {4, 3}, 0, 1.0, 10);
  t.inputs.push_back(testing::random_tensor({4, 3}, 10, 3));
  const IntAttrs a{{"lo", {-10}}, {"table", square_table(-10, 21)}};
  IntAttrs b = a;
  b["table"][5] += 1;
  const int y1 = testing::add_op(t.graph, "lookup", {x}, a);
  const int y2 = testing::add_op(t.graph, "lookup", {x}, a);
  const int y3 = testing::add_op(t.graph, "lookup", {x}, b);
  t.graph.outputs = {y1, y2, y3};
  auto plan = circuit::make_plan(t.graph);
  // Count the lookup nodes' declarations only (the plan also range-checks the private input).
  std::set<size_t> tables;
  size_t lookups = 0;
  for (const auto& decl : plan.lookups) {
    if (decl.columns.size() == 2 && (decl.columns[1] == y1 || decl.columns[1] == y2 || decl.columns[1] == y3)) {
      ++lookups;
      tables.insert(decl.table);
    }
  }
  EXPECT_EQ(tables.size(), 2u);
  EXPECT_EQ(lookups, 3u);
  testing::expect_accepts(t, "three lookups");
}

TEST(LookupProof, AfterARescale) {
  // x of the lookup is a committed intermediate: rescale → lookup.
  testing::TestGraph t;
  const int x = t.graph.add_input("x", {5, 4}, 0, 1.0, 4000);
  t.inputs.push_back(testing::random_tensor({5, 4}, 4000, 9));
  const int q = testing::add_op(t.graph, "rescale", {x}, {{"k", {6}}, {"lo", {-30}}, {"hi", {30}}});
  t.graph.outputs = {testing::add_op(t.graph, "lookup", {q}, {{"lo", {-30}}, {"table", square_table(-30, 61)}})};
  testing::expect_accepts(t, "rescale → lookup");
  testing::expect_rejects_single_changes(t, "rescale → lookup");
}

}  // namespace
}  // namespace zk::layers
