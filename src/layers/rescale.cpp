// rescale (requantization): the only place where the integer graph rounds.
//
//   q = floor((m·x + 2^(k−1)) / 2^k)          (round half up of m·x / 2^k; for k = 0: q = m·x)
//   y = min(max(q, lo), hi)                    (saturation to the activation range)
//
// m is 1 for the power-of-two scales of the float quantizer; int8 QDQ models use an integer
// multiplier m ≈ M·2^k approximating the real requantization factor M = s_in·s_w / s_out, either
// one value or one per channel along `axis` (per-channel weight scales).
//
// Proof obligations (issue 4): the prover commits q, r and y with
//   m·x + 2^(k−1) = 2^k·q + r,   0 ≤ r < 2^k              (range check of r, k bits)
// and y = clamp(q, lo, hi), shown by: either lo ≤ q ≤ hi and y = q, or q < lo and y = lo, or
// q > hi and y = hi (range checks on q − lo, hi − q or their negations). Saturation therefore
// never makes the relation between x and y ambiguous: y is a function of x.
#include "layers/layers.hpp"

namespace zk::layers {

namespace {

struct Params {
  int64_t k, lo, hi, axis;
  std::vector<int64_t> m;
};

Params params(const IntNode& node, const Shape& x) {
  Params p;
  p.k = node.get("k");
  if (p.k < 0 || p.k > 61) throw Error(node.where() + ": shift k must be in [0, 61]");
  p.lo = node.get("lo");
  p.hi = node.get("hi");
  if (p.lo > p.hi) throw Error(node.where() + ": empty saturation range");
  p.m = node.vec("m", {1});
  p.axis = -1;
  if (p.m.size() != 1) {
    p.axis = norm_axis(node, node.get("axis"), static_cast<int64_t>(x.size()));
    if (static_cast<int64_t>(p.m.size()) != x[p.axis])
      throw Error(node.where() + ": " + std::to_string(p.m.size()) + " multipliers for " + std::to_string(x[p.axis]) +
                  " channels");
  }
  return p;
}

std::vector<OutInfo> infer(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  Params p = params(node, in[0]->shape);
  Wide mmax = 0;
  for (int64_t m : p.m) mmax = std::max(mmax, wabs(m));
  const Wide half = p.k ? Wide(1) << (p.k - 1) : 0;
  Wide num = mmax * in[0]->bound + half;
  checked(node, num, "the rescaled numerator");
  Wide q = (num >> p.k) + 1;
  Wide lim = std::max(wabs(p.lo), wabs(p.hi));
  // A range that does not contain 0 forces |y| >= min(|lo|, |hi|) as well; the max covers both.
  if (p.lo > 0 || p.hi < 0) return {{in[0]->shape, checked(node, lim, "the saturation range")}};
  return {{in[0]->shape, checked(node, std::min(q, lim), "the output")}};
}

void forward(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor& x = *in[0];
  Params p = params(node, x.shape);
  const int64_t half = p.k ? int64_t(1) << (p.k - 1) : 0;
  auto& y = out[0].data;
  int64_t inner = 1, ch = 1;
  if (p.axis >= 0) {
    ch = x.shape[p.axis];
    for (size_t d = p.axis + 1; d < x.shape.size(); ++d) inner *= x.shape[d];
  }
  for (size_t i = 0; i < y.size(); ++i) {
    const int64_t m = p.axis >= 0 ? p.m[(static_cast<int64_t>(i) / inner) % ch] : p.m[0];
    // C++20 defines >> on negative values as arithmetic, i.e. floor division by 2^k.
    const int64_t q = (m * x.data[i] + half) >> p.k;
    y[i] = std::min(std::max(q, p.lo), p.hi);
  }
}

}  // namespace

const LayerDef kRescaleLayer{"rescale", 1, 1, 1, infer, forward};

}  // namespace zk::layers
