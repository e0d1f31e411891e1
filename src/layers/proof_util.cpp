#include "layers/proof_util.hpp"

#include "layers/layer.hpp"
#include "poly/multilinear.hpp"

namespace zk::layers {

Fp2 ProverContext::evaluate(int tensor, std::span<const Fp2> point) {
  return evaluate_mle(std::span<const Fp>(mle(tensor)), point);
}

Fp2 send_evaluation(ProverContext& ctx, int tensor, const std::vector<Fp2>& point) {
  const Fp2 v = ctx.evaluate(tensor, point);
  ctx.send(v);
  ctx.claim(tensor, point, v);
  return v;
}

Fp2 receive_evaluation(VerifierContext& ctx, int tensor, const std::vector<Fp2>& point) {
  const Fp2 v = ctx.receive();
  ctx.claim(tensor, point, v);
  return v;
}

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

Grouping::Grouping(const Shape& x, const std::vector<bool>& reduced) : x_(x), keep_(x), reduced_(reduced) {
  if (reduced.size() != x.size()) throw Error("Grouping: one flag per dimension expected");
  for (size_t d = 0; d < x.size(); ++d)
    if (reduced[d]) keep_[d] = 1;
  const MleLayout lx = mle_layout(x), lk = mle_layout(keep_);
  if (lx.num_vars > 31) throw Error("Grouping: tensor too large");
  const size_t rank = x.size();
  std::vector<unsigned> shift(rank), kshift(rank);
  unsigned acc = 0, kacc = 0;
  for (size_t d = rank; d-- > 0;) {
    shift[d] = acc;
    kshift[d] = kacc;
    acc += lx.bits[d];
    kacc += lk.bits[d];
  }
  const size_t size = size_t(1) << lx.num_vars;
  group_.resize(size);
  flags_.resize(size);
  for (size_t b = 0; b < size; ++b) {
    size_t k = 0;
    bool real = true, zero = true;
    for (size_t d = 0; d < rank; ++d) {
      const size_t c = (b >> shift[d]) & ((size_t(1) << lx.bits[d]) - 1);
      if (!reduced[d]) k |= c << kshift[d];
      else {
        real = real && c < static_cast<size_t>(x[d]);
        zero = zero && c == 0;
      }
    }
    group_[b] = static_cast<uint32_t>(k);
    flags_[b] = static_cast<uint8_t>((real ? 1 : 0) | (zero ? 2 : 0));
  }
}

namespace {
template <class T>
std::vector<T> spread_impl(const std::vector<uint32_t>& group, const std::vector<uint8_t>& flags,
                           std::span<const T> t, uint8_t mask) {
  std::vector<T> out(group.size());
  for (size_t b = 0; b < out.size(); ++b)
    if (flags[b] & mask) out[b] = t[group[b]];
  return out;
}
}  // namespace

std::vector<Fp> Grouping::spread(std::span<const Fp> t) const {
  if (t.size() != (size_t(1) << mle_layout(keep_).num_vars)) throw Error("Grouping: group table of the wrong size");
  return spread_impl(group_, flags_, t, 1);
}
std::vector<Fp2> Grouping::spread(std::span<const Fp2> t) const {
  if (t.size() != (size_t(1) << mle_layout(keep_).num_vars)) throw Error("Grouping: group table of the wrong size");
  return spread_impl(group_, flags_, t, 1);
}
std::vector<Fp2> Grouping::sum_weights(std::span<const Fp2> rk) const {
  const auto eq = eq_table(rk);
  return spread_impl(group_, flags_, std::span<const Fp2>(eq), 1);
}
std::vector<Fp2> Grouping::first_weights(std::span<const Fp2> rk) const {
  const auto eq = eq_table(rk);
  return spread_impl(group_, flags_, std::span<const Fp2>(eq), 2);
}

Grouping::At Grouping::at(std::span<const Fp2> x_point) const {
  const BroadcastPoint bp = broadcast_point(keep_, x_, x_point);
  At a;
  a.keep_point = bp.point;
  a.real = bp.factor;
  a.first = Fp2::one();
  const auto dims = split_point(mle_layout(x_), x_point);
  for (size_t d = 0; d < x_.size(); ++d)
    if (reduced_[d])
      for (const Fp2& c : dims[d]) a.first *= Fp2::one() - c;
  return a;
}

std::vector<Fp> broadcast_table(const IntTensor& x, const Shape& y) {
  IntTensor expanded(y);
  auto sx = broadcast_strides(x.shape, y);
  for_each_broadcast(y, sx, sx, [&](int64_t o, int64_t ix, int64_t) { expanded.data[o] = x.data[ix]; });
  return mle_table(expanded);
}

}  // namespace zk::layers
