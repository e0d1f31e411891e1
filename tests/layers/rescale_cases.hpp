#pragma once
// The rescale nodes both rescale test files prove (plain: rescale_proof_test.cpp, zero-knowledge:
// zk_rescale_test.cpp): every mode (constant, linear, clamp), scalar and per-channel multipliers,
// remainders and saturation gaps wider than one limb, narrow and wide output ranges.
#include <string>
#include <vector>

#include "layers/int_graph.hpp"

namespace zk::testing {

inline layers::IntAttrs rescale_attrs(int64_t k, int64_t lo, int64_t hi, std::vector<int64_t> m = {1}, int64_t axis = 1) {
  layers::IntAttrs a{{"k", {k}}, {"lo", {lo}}, {"hi", {hi}}, {"m", m}};
  if (m.size() > 1) a["axis"] = {axis};
  return a;
}

struct RescaleCase {
  std::string name;
  layers::Shape shape;
  int64_t bound;
  layers::IntAttrs attrs;
};

inline std::vector<RescaleCase> rescale_cases() {
  auto a = [](int64_t k, int64_t lo, int64_t hi, std::vector<int64_t> m = {1}) { return rescale_attrs(k, lo, hi, std::move(m)); };
  return {
      {"linear, wide y", {3, 5}, 1000, a(4, -32767, 32767)},
      {"linear, narrow y", {3, 5}, 1000, a(4, -127, 127)},
      {"linear, wide y (limbs)", {3, 5}, 1000, a(4, -1000000, 1000000)},
      {"clamp both ends, u two limbs", {2, 7}, 1 << 20, a(4, -1000, 1000)},
      {"clamp, k = 0, m = 3", {5, 3}, 100, a(0, -50, 120, {3})},
      {"clamp, negative m", {6}, 500, a(2, -40, 40, {-5})},
      {"per-channel clamp", {2, 3, 5}, 3000, a(3, -200, 300, {3, -2, 5})},
      {"per-channel linear, channel last", {3, 6}, 300, a(1, -32767, 32767, {1, 2, 3, 4, 5, 7})},
      {"remainder of two limbs (k = 20)", {3, 3}, int64_t(1) << 30, a(20, -32767, 32767)},
      {"wide clamp range, hi − y limbs", {4, 3}, int64_t(1) << 24, a(2, -100000, 70000)},
      {"wide y, no hi − y limbs (lo + 2^b − 1 = hi)", {5, 3}, 3000, a(2, -100, 411)},
      {"only the low end saturates", {9}, 1000, a(1, -100, 32767)},
      {"constant", {4, 3}, 100, a(0, -500, -200)},
      {"linear, k = 0, narrow y: no aux tensor", {7, 3}, 100, a(0, -127, 127, {-1})},
      {"rank 0", {}, 1000, a(3, -50, 50)},
  };
}

}  // namespace zk::testing
