// Proofs of sumpool and reduce_sum (linear maps with public window / reduction weights).
#include "cheat_helpers.hpp"
#include "conv_pool_cases.hpp"

namespace zk::layers {
namespace {

using testing::pool_attrs;

TEST(PoolProof, SumPoolHonestAndCheating) {
  for (const auto& c : testing::sumpool_cases()) {
    auto t = testing::single_node("sumpool", {c.x}, 1000, c.attrs, 21);
    testing::expect_accepts(t, c.name);
    testing::expect_rejects_single_changes(t, c.name, 10);
  }
}

TEST(PoolProof, ReduceSumHonestAndCheating) {
  for (const auto& c : testing::reduce_sum_cases()) {
    auto t = testing::single_node("reduce_sum", {c.x}, 1000, c.attrs, 22);
    testing::expect_accepts(t, c.name);
    testing::expect_rejects_single_changes(t, c.name, 10);
  }
}

TEST(PoolProof, AveragePoolChain) {
  // sumpool → mul_const → rescale → reduce_sum: every intermediate is committed, claims flow back.
  testing::TestGraph t;
  const int x = t.graph.add_input("x", {1, 3, 6, 5}, 0, 1.0, 300);
  t.inputs.push_back(testing::random_tensor({1, 3, 6, 5}, 300, 4));
  const int s = testing::add_op(t.graph, "sumpool", {x}, pool_attrs({2, 2}, {2, 2}, {0, 0, 0, 1}, {1, 1}));
  const int m = testing::add_op(t.graph, "mul_const", {s}, {{"c", {43}}});
  const int r = testing::add_op(t.graph, "rescale", {m}, {{"k", {7}}, {"lo", {-32767}}, {"hi", {32767}}});
  t.graph.outputs = {testing::add_op(t.graph, "reduce_sum", {r}, {{"axes", {2, 3}}, {"keepdims", {0}}})};
  testing::expect_accepts(t, "chain");
  testing::expect_rejects_single_changes(t, "chain", 4);
}

}  // namespace
}  // namespace zk::layers
