#include "layers/proof_util.hpp"

#include "poly/multilinear.hpp"

namespace zk::layers {

Fp2 real_selector(const Shape& shape, std::span<const Fp2> point) {
  const MleLayout layout = mle_layout(shape);
  auto dims = split_point(layout, point);
  Fp2 s = Fp2::one();
  for (size_t d = 0; d < shape.size(); ++d) s *= prefix_selector(dims[d], shape[d]);
  return s;
}

std::vector<Fp2> bind_variables(std::span<const Fp> table, const std::vector<std::optional<Fp2>>& fixed) {
  if (table.size() != (size_t(1) << fixed.size())) throw Error("bind_variables: table size is not 2^(variables)");
  std::vector<Fp2> cur(table.begin(), table.end());
  // Binding the highest remaining variable first leaves the positions of the lower ones unchanged.
  for (size_t j = fixed.size(); j-- > 0;) {
    if (!fixed[j]) continue;
    const Fp2 r = *fixed[j];
    const size_t block = size_t(1) << j, half = cur.size() / 2;
    for (size_t out = 0; out < half; ++out) {
      const size_t hi = out >> j, lo = out & (block - 1);
      const size_t a = (hi << (j + 1)) | lo;
      cur[out] = cur[a] + r * (cur[a | block] - cur[a]);
    }
    cur.resize(half);
  }
  return cur;
}

namespace {
std::vector<Fp2> tap_weights(const Window1D& w, const std::vector<Fp2>* r_tap) {
  if (!r_tap) return std::vector<Fp2>(static_cast<size_t>(w.kernel), Fp2::one());
  auto e = eq_table(*r_tap);
  if (e.size() < static_cast<size_t>(w.kernel)) throw Error("window: tap point too short");
  e.resize(static_cast<size_t>(w.kernel));
  return e;
}
}  // namespace

std::vector<Fp2> window_weights(const Window1D& w, std::span<const Fp2> r_out, const std::vector<Fp2>* r_tap) {
  const auto eo = eq_table(r_out);
  const auto et = tap_weights(w, r_tap);
  std::vector<Fp2> g(size_t(1) << ceil_log2(static_cast<size_t>(w.in)));
  for (int64_t o = 0; o < w.out; ++o)
    for (int64_t i = 0; i < w.kernel; ++i) {
      const int64_t h = o * w.stride - w.pad + i * w.dilation;
      if (h >= 0 && h < w.in) g[static_cast<size_t>(h)] += eo[static_cast<size_t>(o)] * et[static_cast<size_t>(i)];
    }
  return g;
}

Fp2 window_valid(const Window1D& w, std::span<const Fp2> r_out, std::span<const Fp2> r_tap) {
  const auto eo = eq_table(r_out);
  const auto et = eq_table(r_tap);
  Fp2 total;
  for (int64_t o = 0; o < w.out; ++o)
    for (int64_t i = 0; i < w.kernel; ++i) {
      const int64_t h = o * w.stride - w.pad + i * w.dilation;
      if (h >= 0 && h < w.in) total += eo[static_cast<size_t>(o)] * et[static_cast<size_t>(i)];
    }
  return total;
}

}  // namespace zk::layers
