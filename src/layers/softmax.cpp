// softmax along `axis`, in integers:
//   m   = max_j x_j                                   (max argument, as in maxpool)
//   e_j = T[min(m − x_j, |T| − 1)]                    (T[d] ≈ exp(−d·step_in)·2^s_e, a public table;
//                                                      T[0] ≥ 1, differences beyond the table
//                                                      saturate to its last entry, ≈ 0)
//   S   = Σ_j e_j                                     (≥ T[0] ≥ 1, never zero)
//   y_j = floor((e_j·2^t + floor(S/2)) / S)           (round half up of e_j/S at scale 2^t;
//                                                      proven as q·S + r = n, 0 ≤ r < S)
// Attributes: axis, table, out_bits t. Output bound 2^t (e_j ≤ S).
#include "layers/layers.hpp"

namespace zk::layers {

namespace {

struct Geo {
  int64_t outer, n, inner;
};

Geo geo(const IntNode& node, const Shape& x) {
  const int64_t axis = norm_axis(node, node.get("axis", -1), static_cast<int64_t>(x.size()));
  Geo g{1, x[axis], 1};
  for (int64_t d = 0; d < axis; ++d) g.outer *= x[d];
  for (size_t d = axis + 1; d < x.size(); ++d) g.inner *= x[d];
  return g;
}

std::vector<OutInfo> infer(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  Geo g = geo(node, in[0]->shape);
  const auto& t = node.vec("table");
  const int64_t bits = node.get("out_bits");
  if (t.empty() || t[0] < 1) throw Error(node.where() + ": exp table must start with a positive entry");
  if (bits < 0 || bits > 40) throw Error(node.where() + ": out_bits must be in [0, 40]");
  Wide tmax = 0;
  for (int64_t v : t) {
    if (v < 0) throw Error(node.where() + ": negative exp table entry");
    tmax = std::max(tmax, Wide(v));
  }
  checked(node, Wide(2) * in[0]->bound, "the max-subtracted input");
  Wide sum = tmax * g.n;
  checked(node, sum, "the sum of exponentials");
  checked(node, (tmax << bits) + sum, "the division numerator");
  return {{in[0]->shape, int64_t(1) << bits}};
}

void forward(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  Geo g = geo(node, in[0]->shape);
  const auto& t = node.vec("table");
  const int64_t bits = node.get("out_bits");
  const auto last = static_cast<int64_t>(t.size()) - 1;
  const auto& x = in[0]->data;
  auto& y = out[0].data;
  std::vector<int64_t> e(static_cast<size_t>(g.n));
  for (int64_t o = 0; o < g.outer; ++o)
    for (int64_t i = 0; i < g.inner; ++i) {
      const int64_t base = o * g.n * g.inner + i;
      int64_t m = x[base];
      for (int64_t j = 1; j < g.n; ++j) m = std::max(m, x[base + j * g.inner]);
      int64_t s = 0;
      for (int64_t j = 0; j < g.n; ++j) {
        e[j] = t[std::min(m - x[base + j * g.inner], last)];
        s += e[j];
      }
      for (int64_t j = 0; j < g.n; ++j) y[base + j * g.inner] = floor_div((e[j] << bits) + s / 2, s);
    }
}

}  // namespace

const LayerDef kSoftmaxLayer{"softmax", 1, 1, 1, infer, forward};

}  // namespace zk::layers
