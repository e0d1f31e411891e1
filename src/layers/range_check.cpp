#include "layers/range_check.hpp"

#include <algorithm>

#include "layers/proof_util.hpp"
#include "poly/multilinear.hpp"

namespace zk::layers {

unsigned bits_for(__int128 v) {
  if (v < 0) throw Error("bits_for: negative value");
  unsigned b = 0;
  while (v > 0) {
    ++b;
    v >>= 1;
  }
  return b;
}

std::vector<unsigned> limb_widths(unsigned bits) {
  // 63 bits would let sum 2^(W j) L_j reach p; no layer needs that much.
  if (bits > 62) throw Error("range check of " + std::to_string(bits) + " bits is too wide to be sound");
  std::vector<unsigned> w;
  for (unsigned done = 0; done < bits; done += kMaxLimbBits) w.push_back(std::min(kMaxLimbBits, bits - done));
  return w;
}

LookupTable interval_table(int64_t lo, int64_t hi) {
  if (hi < lo || static_cast<__int128>(hi) - lo >= (__int128(1) << kMaxLimbBits))
    throw Error("interval table [" + std::to_string(lo) + ", " + std::to_string(hi) + "] is empty or too large");
  LookupTable t;
  t.key = "interval[" + std::to_string(lo) + "," + std::to_string(hi) + "]";
  t.inputs.reserve(static_cast<size_t>(hi - lo + 1));
  for (int64_t v = lo; v <= hi; ++v) t.inputs.push_back(v);
  return t;
}

Limbs plan_limbs(PlanBuilder& builder, const std::string& name, const Shape& shape, unsigned bits) {
  Limbs limbs;
  limbs.widths = limb_widths(bits);
  for (size_t j = 0; j < limbs.widths.size(); ++j) {
    const int id = builder.add_aux(name + "." + std::to_string(j), shape);
    builder.add_lookup(range_table(limbs.widths[j]), {id});
    limbs.ids.push_back(id);
  }
  return limbs;
}

Limbs take_limbs(std::span<const int> aux, size_t& cursor, unsigned bits) {
  Limbs limbs;
  limbs.widths = limb_widths(bits);
  if (cursor + limbs.widths.size() > aux.size()) throw Error("layer proof: fewer aux tensors than the plan declares");
  for (size_t j = 0; j < limbs.widths.size(); ++j) limbs.ids.push_back(aux[cursor++]);
  return limbs;
}

size_t limb_count(unsigned bits) { return limb_widths(bits).size(); }

void fill_limbs(const IntTensor& v, size_t count, std::span<IntTensor> aux, size_t& cursor) {
  if (cursor + count > aux.size()) throw Error("layer witness: fewer aux tensors than the plan declares");
  const unsigned total = static_cast<unsigned>(count * kMaxLimbBits);
  for (int64_t x : v.data)
    if (x < 0 || (total < 63 && x >= (int64_t(1) << total)))
      throw Error("layer witness: value " + std::to_string(x) + " does not fit " + std::to_string(count) +
                  " limbs (the proof's bound analysis is wrong)");
  for (size_t j = 0; j < count; ++j) {
    IntTensor& limb = aux[cursor++];
    limb = IntTensor(v.shape);
    const unsigned shift = static_cast<unsigned>(j * kMaxLimbBits);
    for (size_t k = 0; k < v.data.size(); ++k)
      limb.data[k] = shift < 63 ? (v.data[k] >> shift) & ((int64_t(1) << kMaxLimbBits) - 1) : 0;
  }
}

std::vector<Fp> limbs_table(ProverContext& ctx, const Limbs& limbs, unsigned num_vars) {
  std::vector<Fp> table(size_t(1) << num_vars);
  unsigned shift = 0;
  for (size_t j = 0; j < limbs.ids.size(); ++j) {
    const auto& limb = ctx.mle(limbs.ids[j]);
    if (limb.size() != table.size()) throw Error("limbs_table: limb of the wrong size");
    const Fp scale(uint64_t(1) << shift);
    for (size_t i = 0; i < table.size(); ++i) table[i] += scale * limb[i];
    shift += limbs.widths[j];
  }
  return table;
}

std::optional<std::vector<Fp2>> limbs_twin(ProverContext& ctx, const Limbs& limbs, unsigned num_vars) {
  if (limbs.ids.empty() || !ctx.zk_mask(limbs.ids[0])) return std::nullopt;
  std::vector<Fp2> table(size_t(1) << num_vars);
  unsigned shift = 0;
  for (size_t j = 0; j < limbs.ids.size(); ++j) {
    const auto mask = ctx.twin(limbs.ids[j], [](const IntTensor& t) { return mle_table(t); });
    if (!mask || mask->size() != table.size()) throw Error("limbs_twin: limbs without masks, or of the wrong size");
    const Fp scale(uint64_t(1) << shift);
    for (size_t i = 0; i < table.size(); ++i) table[i] += (*mask)[i] * scale;
    shift += limbs.widths[j];
  }
  return table;
}

Fp2 open_limbs(ProverContext& ctx, const Limbs& limbs, const std::vector<Fp2>& point) {
  Fp2 total;
  unsigned shift = 0;
  for (size_t j = 0; j < limbs.ids.size(); ++j) {
    const Fp2 v = ctx.evaluate(limbs.ids[j], point);
    ctx.send(v);
    ctx.claim(limbs.ids[j], point, v);
    total += v * Fp(uint64_t(1) << shift);
    shift += limbs.widths[j];
  }
  return total;
}

Fp2 open_limbs(VerifierContext& ctx, const Limbs& limbs, const std::vector<Fp2>& point) {
  Fp2 total;
  unsigned shift = 0;
  for (size_t j = 0; j < limbs.ids.size(); ++j) {
    const Fp2 v = ctx.receive();
    ctx.claim(limbs.ids[j], point, v);
    total += v * Fp(uint64_t(1) << shift);
    shift += limbs.widths[j];
  }
  return total;
}

Bounded bounded_layout(int64_t lo, int64_t hi, bool two_sided) {
  if (hi < lo) throw Error("bounded column: empty range");
  Bounded b;
  b.lo = lo;
  b.hi = hi;
  const __int128 span = __int128(hi) - lo;
  b.wide = span >= (__int128(1) << kMaxLimbBits);
  if (b.wide) {
    b.bits = bits_for(span);
    b.upper = two_sided && (__int128(1) << b.bits) - 1 > span;
  }
  return b;
}

size_t bounded_limb_count(const Bounded& b) { return b.wide ? limb_count(b.bits) * (b.upper ? 2 : 1) : 0; }

void plan_bounded(PlanBuilder& builder, const std::string& name, int column, const Shape& shape, Bounded& b) {
  if (!b.wide) {
    builder.add_lookup(interval_table(b.lo, b.hi), {column});
    return;
  }
  b.low = plan_limbs(builder, name + "-lo", shape, b.bits);
  if (b.upper) b.high = plan_limbs(builder, "hi-" + name, shape, b.bits);
}

void take_bounded(std::span<const int> aux, size_t& cursor, Bounded& b) {
  if (!b.wide) return;
  b.low = take_limbs(aux, cursor, b.bits);
  if (b.upper) b.high = take_limbs(aux, cursor, b.bits);
}

void fill_bounded(const Bounded& b, const IntTensor& column, std::span<IntTensor> aux, size_t& cursor) {
  if (!b.wide) return;
  IntTensor low(column.shape), high(column.shape);
  for (size_t i = 0; i < column.data.size(); ++i) {
    low.data[i] = column.data[i] - b.lo;
    high.data[i] = b.hi - column.data[i];
  }
  fill_limbs(low, limb_count(b.bits), aux, cursor);
  if (b.upper) fill_limbs(high, limb_count(b.bits), aux, cursor);
}

void open_bounded(ProverContext& ctx, const Bounded& b, const std::vector<Fp2>& point) {
  if (!b.wide) return;
  if (ctx.zk()) throw Error("open_bounded at a point is plain-mode only: the ZK form takes the column's claim");
  open_limbs(ctx, b.low, point);
  if (b.upper) open_limbs(ctx, b.high, point);
}

void check_bounded(VerifierContext& ctx, const Bounded& b, const std::vector<Fp2>& point, Fp2 value, Fp2 sel) {
  if (!b.wide) return;
  if (ctx.zk()) throw Error("check_bounded at a point is plain-mode only: the ZK form takes the column's claim");
  if (open_limbs(ctx, b.low, point) != value - Fp2::from_signed(b.lo) * sel)
    throw VerifyError("a bounded column minus its lower bound does not match its range limbs");
  if (b.upper && open_limbs(ctx, b.high, point) != Fp2::from_signed(b.hi) * sel - value)
    throw VerifyError("the upper bound minus a bounded column does not match its range limbs");
}

std::vector<sumcheck::Term> bounded_terms(const Bounded& b, uint32_t eq, uint32_t column, uint32_t sel,
                                          uint32_t lo_limbs, uint32_t hi_limbs, Fp2 delta) {
  const Fp2 lo = Fp2::from_signed(b.lo);
  if (!b.upper) return {{delta, {eq, column}}, {-delta * lo, {eq, sel}}, {-delta, {eq, lo_limbs}}};
  // With c − lo = Lo, the upper relation hi − c = Hi is Lo + Hi = (hi − lo)·S; the two weighted
  // relations are collected by table (each term costs the prover a pass over the tables).
  const Fp2 d2 = delta * delta;
  return {{delta, {eq, column}},
          {-delta * lo - d2 * (Fp2::from_signed(b.hi) - lo), {eq, sel}},
          {d2 - delta, {eq, lo_limbs}},
          {d2, {eq, hi_limbs}}};
}

std::vector<Fp> selector_table(const Shape& shape) {
  IntTensor ones(shape);
  std::fill(ones.data.begin(), ones.data.end(), 1);
  return mle_table(ones);
}

namespace {
// The standalone ZK bounded check's tables: eq(p, ·), c, S, Lo, [Hi].
constexpr uint32_t kEq = 0, kColumn = 1, kSel = 2, kLo = 3, kHi = 4;
size_t bounded_tables(const Bounded& b) { return b.upper ? 5 : 4; }
}  // namespace

void open_bounded(ProverContext& ctx, const Bounded& b, const TensorClaim& column) {
  if (!ctx.zk()) return open_bounded(ctx, b, column.point);
  if (!b.wide) return;
  const Fp2 delta = ctx.challenge();
  const auto& p = column.point;
  const unsigned n = static_cast<unsigned>(p.size());
  const auto eq = eq_table(p);
  const auto sel = selector_table(ctx.shape(column.tensor));
  const auto lo = limbs_table(ctx, b.low, n);
  const auto lo_mask = limbs_twin(ctx, b.low, n);
  std::vector<Fp> hi;
  std::optional<std::vector<Fp2>> hi_mask;
  auto mask_of = [](const auto& m) { return m ? std::optional<sumcheck::TableRef>(*m) : std::nullopt; };
  const auto column_mask = ctx.twin(column.tensor, [](const IntTensor& t) { return mle_table(t); });
  std::vector<sumcheck::TableRef> tables = {eq, ctx.mle(column.tensor), sel, lo};
  std::vector<std::optional<sumcheck::TableRef>> masks = {std::nullopt, mask_of(column_mask), std::nullopt,
                                                          mask_of(lo_mask)};
  if (b.upper) {
    hi = limbs_table(ctx, b.high, n);
    hi_mask = limbs_twin(ctx, b.high, n);
    tables.emplace_back(hi);
    masks.push_back(mask_of(hi_mask));
  }
  const auto result = ctx.masked_sumcheck(tables, masks, bounded_terms(b, kEq, kColumn, kSel, kLo, kHi, delta),
                                          known_sum(Fp2::zero()));
  const std::vector<Fp2>& s = result.point;
  const Fp2 v = ctx.evaluate(column.tensor, s);
  ctx.send(v);
  ctx.claim(column.tensor, s, v);
  open_limbs(ctx, b.low, s);
  if (b.upper) open_limbs(ctx, b.high, s);
}

void check_bounded(VerifierContext& ctx, const Bounded& b, const TensorClaim& column) {
  const Shape& shape = ctx.shape(column.tensor);
  if (!ctx.zk()) return check_bounded(ctx, b, column.point, column.value, real_selector(shape, column.point));
  if (!b.wide) return;
  const Fp2 delta = ctx.challenge();
  const auto& p = column.point;
  const auto terms = bounded_terms(b, kEq, kColumn, kSel, kLo, kHi, delta);
  const bool limbs_private = ctx.is_private(b.low.ids.at(0));
  const bool is_private[5] = {false, ctx.is_private(column.tensor), false, limbs_private, limbs_private};
  const auto claim = ctx.masked_sumcheck(static_cast<unsigned>(p.size()), terms,
                                         std::span<const bool>(is_private, bounded_tables(b)), known_sum(Fp2::zero()));
  const Fp2 vc = ctx.receive();
  ctx.claim(column.tensor, claim.point, vc);
  std::vector<Fp2> evals = {eq_eval(p, claim.point), vc, real_selector(shape, claim.point),
                            open_limbs(ctx, b.low, claim.point)};
  if (b.upper) evals.push_back(open_limbs(ctx, b.high, claim.point));
  ctx.check_final(claim, evals, terms);
}

}  // namespace zk::layers
