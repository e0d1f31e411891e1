// layernorm: normalisation over the trailing dims from `axis` (n elements per group), without
// the affine part (the quantizer adds γ and β as `mul` + `rescale` + `add`):
//   S = Σ x_i
//   μ = floor((2S + n) / (2n))                    (round half up of S/n)
//   d_i = x_i − μ
//   V = floor(Σ d_i² / n) + E                     (E ≥ 1: ε at the input scale squared, rounded)
//   σ = isqrt(V)                                  (largest σ with σ² ≤ V; σ ≥ 1)
//   z_i = floor((d_i·2^t + floor(σ/2)) / σ)       (round half up of d_i/σ at scale 2^t)
// Each step is provable with the division relation q·d + r = n (0 ≤ r < d) and, for σ, the range
// checks V − σ² ≥ 0 and (σ+1)² − V > 0. This replaces an rsqrt table: the variance spans up to
// 2·bits bits, far beyond any table, and a pre-rescale into a small table would lose precision
// for small variances. Bound: |d_i| ≤ sqrt(Σd²) ≤ sqrt(n·V) < 2·sqrt(n)·σ, so |z| ≤ 2^(t+1)·⌈√n⌉ + 1.
#include "layers/layers.hpp"

namespace zk::layers {

namespace {

struct Geo {
  int64_t groups, n;
};

Geo geo(const IntNode& node, const Shape& x) {
  const int64_t axis = norm_axis(node, node.get("axis", -1), static_cast<int64_t>(x.size()));
  Geo g{1, 1};
  for (int64_t d = 0; d < axis; ++d) g.groups *= x[d];
  for (size_t d = axis; d < x.size(); ++d) g.n *= x[d];
  return g;
}

std::vector<OutInfo> infer(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  Geo g = geo(node, in[0]->shape);
  if (g.n < 1) throw Error(node.where() + ": empty normalisation group");
  const int64_t e = node.get("eps"), t = node.get("out_bits");
  if (e < 1) throw Error(node.where() + ": eps must be >= 1 (so that the divisor is never zero)");
  if (t < 0 || t > 40) throw Error(node.where() + ": out_bits must be in [0, 40]");
  const Wide b = in[0]->bound;
  checked(node, 2 * (g.n * b) + g.n, "the sum");
  checked(node, Wide(g.n) * (2 * b) * (2 * b), "the sum of squared deviations");
  checked(node, 4 * b * b + e, "the variance");
  const Wide num = ((2 * b) << t) + (Wide(1) << 31);
  checked(node, num, "the normalisation numerator");
  const Wide by_n = (Wide(2) << t) * (isqrt(g.n) + 1) + 1;
  return {{in[0]->shape, checked(node, std::min(by_n, ((2 * b) << t) + 1), "the output")}};
}

void forward(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  Geo g = geo(node, in[0]->shape);
  const int64_t e = node.get("eps"), t = node.get("out_bits");
  const auto& x = in[0]->data;
  auto& y = out[0].data;
  for (int64_t grp = 0; grp < g.groups; ++grp) {
    const int64_t* xp = x.data() + grp * g.n;
    int64_t* yp = y.data() + grp * g.n;
    int64_t s = 0;
    for (int64_t i = 0; i < g.n; ++i) s += xp[i];
    const int64_t mu = floor_div(2 * s + g.n, 2 * g.n);
    int64_t q = 0;
    for (int64_t i = 0; i < g.n; ++i) q += (xp[i] - mu) * (xp[i] - mu);
    const int64_t sigma = isqrt(q / g.n + e);
    for (int64_t i = 0; i < g.n; ++i) yp[i] = floor_div(((xp[i] - mu) << t) + sigma / 2, sigma);
  }
}

}  // namespace

const LayerDef kLayerNormLayer{"layernorm", 1, 1, 1, infer, forward};

}  // namespace zk::layers
