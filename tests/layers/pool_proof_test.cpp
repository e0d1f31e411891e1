// Proofs of sumpool and reduce_sum (linear maps with public window / reduction weights).
#include "cheat_helpers.hpp"

namespace zk::layers {
namespace {

IntAttrs pool(std::vector<int64_t> k, std::vector<int64_t> s, std::vector<int64_t> p, std::vector<int64_t> d) {
  return {{"kernel", k}, {"strides", s}, {"pads", p}, {"dilations", d}};
}

struct PoolCase {
  std::string name;
  Shape x;
  IntAttrs attrs;
};

std::vector<PoolCase> pool_cases() {
  return {
      {"2x2 stride 2", {2, 3, 6, 6}, pool({2, 2}, {2, 2}, {0, 0, 0, 0}, {1, 1})},
      {"3x3 stride 1 padded", {1, 2, 5, 7}, pool({3, 3}, {1, 1}, {1, 1, 1, 1}, {1, 1})},
      {"asymmetric, dilated", {1, 3, 7, 5}, pool({3, 2}, {2, 1}, {1, 0, 1, 1}, {1, 2})},
      {"global", {3, 5, 3, 3}, pool({3, 3}, {1, 1}, {0, 0, 0, 0}, {1, 1})},
      {"1x1", {1, 1, 1, 1}, pool({1, 1}, {1, 1}, {0, 0, 0, 0}, {1, 1})},
  };
}

struct ReduceCase {
  std::string name;
  Shape x;
  IntAttrs attrs;
};

std::vector<ReduceCase> reduce_cases() {
  return {
      {"non-power-of-two axis", {3, 5, 4}, {{"axes", {1}}, {"keepdims", {1}}}},
      {"power-of-two axis, keepdims 0", {3, 5, 4}, {{"axes", {2}}, {"keepdims", {0}}}},
      {"mixed axes", {3, 5, 4, 6}, {{"axes", {0, 2, 3}}, {"keepdims", {1}}}},
      {"GlobalAveragePool", {2, 3, 5, 5}, {{"axes", {2, 3}}, {"keepdims", {1}}}},
      {"all axes to a scalar", {7, 3}, {{"keepdims", {0}}}},
      {"negative axis", {2, 6, 3}, {{"axes", {-1}}, {"keepdims", {0}}}},
  };
}

TEST(PoolProof, SumPoolHonestAndCheating) {
  for (const auto& c : pool_cases()) {
    auto t = testing::single_node("sumpool", {c.x}, 1000, c.attrs, 21);
    testing::expect_accepts(t, c.name);
    testing::expect_rejects_single_changes(t, c.name, 10);
  }
}

TEST(PoolProof, ReduceSumHonestAndCheating) {
  for (const auto& c : reduce_cases()) {
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
  const int s = testing::add_op(t.graph, "sumpool", {x}, pool({2, 2}, {2, 2}, {0, 0, 0, 1}, {1, 1}));
  const int m = testing::add_op(t.graph, "mul_const", {s}, {{"c", {43}}});
  const int r = testing::add_op(t.graph, "rescale", {m}, {{"k", {7}}, {"lo", {-32767}}, {"hi", {32767}}});
  t.graph.outputs = {testing::add_op(t.graph, "reduce_sum", {r}, {{"axes", {2, 3}}, {"keepdims", {0}}})};
  testing::expect_accepts(t, "chain");
  testing::expect_rejects_single_changes(t, "chain", 4);
}

}  // namespace
}  // namespace zk::layers
