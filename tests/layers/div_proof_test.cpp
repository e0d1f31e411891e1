// Proofs of div: by a tensor (same shape and broadcast), by a constant tensor, negative
// numerators and divisors, saturation at both ends, shifts, a constant output, and cheating provers.
#include "cheat_helpers.hpp"

namespace zk::layers {
namespace {

using testing::expect_accepts;
using testing::expect_rejects_single_changes;

IntAttrs attrs(int64_t lo, int64_t hi, int64_t kn = 0, int64_t kd = 0) {
  return {{"lo", {lo}}, {"hi", {hi}}, {"shift_n", {kn}}, {"shift_d", {kd}}};
}

// A random tensor with no zero entries (a zero divisor is a run-time error, not a proof case).
IntTensor nonzero(const Shape& shape, int64_t bound, uint64_t seed) {
  IntTensor t = testing::random_tensor(shape, bound, seed);
  for (auto& v : t.data)
    if (v == 0) v = 1;
  return t;
}

testing::TestGraph by_tensor(const Shape& a, const Shape& b, int64_t ba, int64_t bb, IntAttrs at, uint64_t seed) {
  testing::TestGraph t;
  const int x = t.graph.add_input("a", a, 0, 1.0, ba), y = t.graph.add_input("b", b, 0, 1.0, bb);
  t.inputs = {testing::random_tensor(a, ba, seed), nonzero(b, bb, seed + 1)};
  t.graph.outputs = {testing::add_op(t.graph, "div", {x, y}, std::move(at))};
  return t;
}

testing::TestGraph by_constant(const Shape& a, int64_t ba, IntTensor c, IntAttrs at, uint64_t seed) {
  testing::TestGraph t;
  const int x = t.graph.add_input("a", a, 0, 1.0, ba);
  const int k = t.graph.add_constant("c", std::move(c), 0, 1.0);
  t.inputs = {testing::random_tensor(a, ba, seed)};
  t.graph.outputs = {testing::add_op(t.graph, "div", {x, k}, std::move(at))};
  return t;
}

std::vector<std::pair<std::string, testing::TestGraph>> cases(uint64_t seed) {
  std::vector<std::pair<std::string, testing::TestGraph>> c;
  c.emplace_back("same shape, no saturation", by_tensor({3, 5}, {3, 5}, 1000, 50, attrs(-32768, 32767), seed));
  c.emplace_back("broadcast divisor row", by_tensor({3, 7}, {7}, 300, 20, attrs(-1000, 1000, 4), seed));
  c.emplace_back("saturation both ends", by_tensor({2, 5}, {2, 1}, 5000, 9, attrs(-100, 100, 2), seed));
  c.emplace_back("shifted divisor", by_tensor({6}, {6}, 200, 100, attrs(-50, 60, 3, 2), seed));
  c.emplace_back("wide output range (limbs)", by_tensor({2, 3}, {2, 3}, int64_t(1) << 20, 3, attrs(-200000, 150000), seed));
  c.emplace_back("by a constant scalar", by_constant({4, 3}, 700, IntTensor({1}, {-7}), attrs(-1000, 1000, 1), seed));
  c.emplace_back("by a constant row", by_constant({2, 3}, 500, IntTensor({3}, {3, -11, 40}), attrs(-20, 20, 2), seed));
  c.emplace_back("constant output (lo = hi)", by_tensor({2, 3}, {2, 3}, 100, 10, attrs(5, 5), seed));
  return c;
}

TEST(DivProof, HonestProofsVerify) {
  for (auto& [name, t] : cases(3)) expect_accepts(t, name);
}

TEST(DivProof, RoundingAndSigns) {
  // Halves round up, negative divisors flip the numerator: 7/2 → 4, −7/2 → −3, 7/−2 → −3, −7/−2 → 4.
  testing::TestGraph t = by_tensor({6}, {6}, 10, 10, attrs(-100, 100), 1);
  t.inputs[0].data = {7, -7, 7, -7, 5, -1};
  t.inputs[1].data = {2, 2, -2, -2, 10, 3};
  const auto values = execute(t.graph, t.inputs);
  EXPECT_EQ(values[t.graph.outputs[0]].data, (std::vector<int64_t>{4, -3, -3, 4, 1, 0}));
  expect_accepts(t, "signs");
  expect_rejects_single_changes(t, "signs", 6);
}

TEST(DivProof, RejectsAnySingleChange) {
  for (auto& [name, t] : cases(7)) expect_rejects_single_changes(t, name, 4);
}

TEST(DivProof, RejectsUnclampedOutput) {
  testing::TestGraph t = by_tensor({3}, {3}, 1000, 10, attrs(-10, 10), 2);
  t.inputs[0].data = {900, 5, -900};
  t.inputs[1].data = {3, 1, 3};
  auto plan = circuit::make_plan(t.graph);
  const int u0 = testing::aux_named(plan, 0, "saturation.0");
  ASSERT_GE(u0, 0);
  // y = q = 300 with u = 0 (outside [lo, hi]); then y = lo with u = lo − q < 0 forced positive.
  auto result = testing::run_layer_proofs(t.graph, t.inputs, [&](circuit::Plan& p, circuit::Witness& w) {
    w.values[p.graph.outputs[0]].data[0] = 300;
    w.values[u0].data[0] = 0;
  });
  EXPECT_FALSE(result.accepted);
  result = testing::run_layer_proofs(t.graph, t.inputs, [&](circuit::Plan& p, circuit::Witness& w) {
    w.values[p.graph.outputs[0]].data[0] = -10;
    w.values[u0].data[0] = 310;
  });
  EXPECT_FALSE(result.accepted);
}

TEST(DivProof, RefusesBoundsThatCouldWrap) {
  IntGraph g;
  const int a = g.add_input("a", {2}, 0, 1.0, int64_t(1) << 40), b = g.add_input("b", {2}, 0, 1.0, int64_t(1) << 40);
  g.outputs = {testing::add_op(g, "div", {a, b}, attrs(-(int64_t(1) << 40), int64_t(1) << 40))};
  EXPECT_THROW(circuit::make_plan(g), Error);
}

}  // namespace
}  // namespace zk::layers
