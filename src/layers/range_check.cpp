#include "layers/range_check.hpp"

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

Fp2 open_limbs(ProverContext& ctx, const Limbs& limbs, const std::vector<Fp2>& point) {
  Fp2 total;
  unsigned shift = 0;
  for (size_t j = 0; j < limbs.ids.size(); ++j) {
    const Fp2 v = evaluate_mle(std::span<const Fp>(ctx.mle(limbs.ids[j])), point);
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
  open_limbs(ctx, b.low, point);
  if (b.upper) open_limbs(ctx, b.high, point);
}

void check_bounded(VerifierContext& ctx, const Bounded& b, const std::vector<Fp2>& point, Fp2 value, Fp2 sel) {
  if (!b.wide) return;
  if (open_limbs(ctx, b.low, point) != value - Fp2::from_signed(b.lo) * sel)
    throw VerifyError("a bounded column minus its lower bound does not match its range limbs");
  if (b.upper && open_limbs(ctx, b.high, point) != Fp2::from_signed(b.hi) * sel - value)
    throw VerifyError("the upper bound minus a bounded column does not match its range limbs");
}

}  // namespace zk::layers
