// rescale (requantization): the only place where the integer graph rounds.
//
//   q = floor((m·x + 2^(k−1)) / 2^k)          (round half up of m·x / 2^k; for k = 0: q = m·x)
//   y = min(max(q, lo), hi)                    (saturation to the activation range)
//
// m is 1 for the power-of-two scales of the float quantizer; int8 QDQ models use an integer
// multiplier m ≈ M·2^k approximating the real requantization factor M = s_in·s_w / s_out, either
// one value or one per channel along `axis` (per-channel weight scales).
//
// Proof. h = 2^(k−1) (0 for k = 0), B = the static bound of x, M the multiplier broadcast to x's
// shape. From B alone (so prover and verifier agree without the data) the plan derives the range
// [q_min, q_max] of q and the range [y_lo, y_hi] = [clamp(q_min), clamp(q_max)] of y, and one of
// three modes:
//   constant  y_lo = y_hi: y does not depend on x. Proof: y lies in the interval table [y_lo, y_lo].
//   linear    lo ≤ q_min and q_max ≤ hi (saturation cannot happen): y = q, and per real entry
//               m·x + h = 2^k·y + r,   0 ≤ r < 2^k.
//   clamp     otherwise. The prover also commits u = |y − q| ≥ 0 (the amount saturation moved q),
//             and per real entry
//               m·x + h = 2^k·(y + u·τ(y)) + r,   τ(y) = (2y − lo − hi) / (hi − lo),
//               u·(y − lo)·(hi − y) = 0,          0 ≤ u < 2^b_u,   lo ≤ y ≤ hi.
// r and u are virtual columns over committed limbs (range_check.hpp). y is range-checked by
// the interval table [lo, hi] when hi − lo < 2^16 (always, for the quantizer's activation ranges;
// one table shared by every rescale with the same range), and otherwise by limbs of y − lo and
// hi − y (the second omitted when lo + 2^b − 1 = hi). The check uses lo and hi, not the tighter
// y_lo and y_hi, also because the witness function sees only the node and its tensors, not the
// static bound: its aux layout must follow from the attributes and the aux count (r: limbs of k
// bits; y: from lo, hi; u: the rest).
//
// Why clamp mode is sound: every range-checked value is an integer of magnitude < p, so the product
// being 0 in F_p (a field) means u = 0 or y = lo or y = hi. If u = 0, q := y ∈ [lo, hi]. If u > 0
// and y = lo, τ = −1 and q := lo − u < lo; if y = hi, τ = 1 and q := hi + u > hi (lo < hi here,
// lo = hi is constant mode). Either way y = clamp(q). The linear relation holds in F_p between
// integers whose combination m·x + h − 2^k·q − r is bounded by mmax·B + h + 2^k·(|y|max + 2^b_u)
// + 2^k; the plan refuses the node unless that is < p, so it holds over Z, and 0 ≤ r < 2^k makes
// q = floor((m·x + h) / 2^k). Linear mode is the same argument with u = 0.
//
// Protocol (after the driver's claim y~(r) = v):
//   range limbs of y, if any: send their evaluations at r; check v − lo·S(r) (and hi·S(r) − v)
//     against them, S = real-entry selector (real_selector).
//   linear mode, one m: send R(r) (limbs) and x~(r); check m·x~(r) + h·S(r) = 2^k·v + R(r).
//   otherwise: (clamp: draw γ) one sumcheck at r of degree 3 (4 in clamp mode),
//       sum_b eq(r, b)·[2^k·y + 2^k·u·τ(y) + R − M·x + γ·u·(y − lo)(hi − y)](b) = h·S(r),
//     then send y~(s), x~(s) and the limbs of R and u at s; the verifier computes eq(r, s) and
//     M~(s) = m~(s_axis) itself (M is public). A zero-check at the driver's random r proves the
//     bracket equals h on real entries and 0 on padding, entry by entry, with error ≤ n/|K|.
//   zero-knowledge mode: the zero-check in every mode but constant, y's range limbs folded into it
//     (see prove()).
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>

#include "layers/layers.hpp"
#include "layers/proof.hpp"
#include "layers/proof_util.hpp"
#include "layers/range_check.hpp"
#include "poly/multilinear.hpp"

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

// ---- proof ----

enum class Mode { Constant, Linear, Clamp };

struct Scheme {
  Params p;
  int64_t half = 0;
  Mode mode = Mode::Linear;
  int64_t ylo = 0, yhi = 0;  // the range of y implied by the bound of x (decides the mode)
  unsigned r_bits = 0, u_bits = 0;
  bool y_wide = false;        // y checked by limbs of y − lo (and hi − y) instead of an interval table
  unsigned y_bits = 0;
  bool y_upper = false;       // limbs of hi − y present
};

// Depends on node attributes for everything the witness needs, on the bound only for the mode,
// the width of u and the interval table.
bool wide_y(const Params& p) { return Wide(p.hi) - p.lo >= (Wide(1) << kMaxLimbBits); }
unsigned wide_y_bits(const Params& p) { return bits_for(Wide(p.hi) - p.lo); }
bool wide_y_upper(const Params& p) { return Wide(p.lo) + (Wide(1) << wide_y_bits(p)) - 1 > p.hi; }

Scheme make_scheme(const IntNode& node, const Shape& x, int64_t bound) {
  Scheme s;
  s.p = params(node, x);
  const Params& p = s.p;
  Wide mmax = 0;
  for (int64_t m : p.m) mmax = std::max(mmax, wabs(m));
  s.half = p.k ? int64_t(1) << (p.k - 1) : 0;
  const Wide span = mmax * bound;
  // Arithmetic shift of a signed __int128 is floor division, as in forward().
  const Wide qmin = (Wide(s.half) - span) >> p.k, qmax = (Wide(s.half) + span) >> p.k;
  auto clampw = [&](Wide q) { return static_cast<int64_t>(std::min<Wide>(std::max<Wide>(q, p.lo), p.hi)); };
  s.ylo = clampw(qmin);
  s.yhi = clampw(qmax);
  if (s.ylo == s.yhi) {
    s.mode = Mode::Constant;
    return s;
  }
  s.r_bits = static_cast<unsigned>(p.k);
  s.mode = (qmin < p.lo || qmax > p.hi) ? Mode::Clamp : Mode::Linear;
  if (s.mode == Mode::Clamp) s.u_bits = bits_for(std::max(Wide(p.lo) - qmin, qmax - Wide(p.hi)));
  s.y_wide = wide_y(p);
  if (s.y_wide) {
    s.y_bits = wide_y_bits(p);
    s.y_upper = wide_y_upper(p);
  }
  const Wide ymax = std::max(wabs(p.lo), wabs(p.hi));
  const Wide two_k = Wide(1) << p.k;
  const Wide qabs = ymax + (s.mode == Mode::Clamp ? (Wide(1) << s.u_bits) : 0);
  if (span + s.half + two_k * (qabs + 1) >= Wide(Fp::kModulus)) {
    throw Error(node.where() + ": |m·x| up to " + std::to_string(static_cast<int64_t>(span)) + " with k = " +
                std::to_string(p.k) + " is too large for a sound rescale proof (the relation could wrap mod p)");
  }
  return s;
}

Scheme scheme_of(const IntNode& node, const IntGraph& g) {
  const TensorInfo& x = g.tensors.at(node.inputs[0]);
  return make_scheme(node, x.shape, x.bound);
}

void plan(const IntNode& node, PlanBuilder& b) {
  const Scheme s = scheme_of(node, b.graph());
  const Shape& shape = b.graph().tensors.at(node.inputs[0]).shape;
  const int y = node.outputs[0];
  if (s.mode == Mode::Constant) {
    b.add_lookup(interval_table(s.ylo, s.yhi), {y});
    return;
  }
  if (!s.y_wide) b.add_lookup(interval_table(s.p.lo, s.p.hi), {y});
  plan_limbs(b, "remainder", shape, s.r_bits);
  if (s.y_wide) {
    plan_limbs(b, "y-lo", shape, s.y_bits);
    if (s.y_upper) plan_limbs(b, "hi-y", shape, s.y_bits);
  }
  plan_limbs(b, "saturation", shape, s.u_bits);
}

void witness(const IntNode& node, std::span<const IntTensor* const> in, std::span<const IntTensor* const> out,
             std::span<IntTensor> aux) {
  const IntTensor& x = *in[0];
  const IntTensor& y = *out[0];
  const Params p = params(node, x.shape);
  const int64_t half = p.k ? int64_t(1) << (p.k - 1) : 0;
  int64_t inner = 1, ch = 1;
  if (p.axis >= 0) {
    ch = x.shape[p.axis];
    for (size_t d = p.axis + 1; d < x.shape.size(); ++d) inner *= x.shape[d];
  }
  IntTensor r(x.shape), u(x.shape), ya(x.shape), yb(x.shape);
  for (size_t i = 0; i < x.data.size(); ++i) {
    const int64_t m = p.axis >= 0 ? p.m[(static_cast<int64_t>(i) / inner) % ch] : p.m[0];
    const int64_t num = m * x.data[i] + half;
    const int64_t q = num >> p.k;
    r.data[i] = num - q * (int64_t(1) << p.k);
    u.data[i] = std::abs(y.data[i] - q);
    ya.data[i] = y.data[i] - p.lo;
    yb.data[i] = p.hi - y.data[i];
  }
  // The layout is [remainder][y − lo, hi − y if wide][saturation]; everything but the last group's
  // size follows from the attributes (see the header).
  size_t cursor = 0;
  fill_limbs(r, limb_count(static_cast<unsigned>(p.k)), aux, cursor);
  if (wide_y(p)) {
    const size_t n = limb_count(wide_y_bits(p));
    fill_limbs(ya, n, aux, cursor);
    if (wide_y_upper(p)) fill_limbs(yb, n, aux, cursor);
  }
  fill_limbs(u, aux.size() - cursor, aux, cursor);
}

struct AuxLimbs {
  Limbs r, ya, yb, u;
};

AuxLimbs take_aux(const Scheme& s, std::span<const int> aux) {
  AuxLimbs a;
  size_t cursor = 0;
  a.r = take_limbs(aux, cursor, s.r_bits);
  if (s.y_wide) {
    a.ya = take_limbs(aux, cursor, s.y_bits);
    if (s.y_upper) a.yb = take_limbs(aux, cursor, s.y_bits);
  }
  a.u = take_limbs(aux, cursor, s.u_bits);
  if (cursor != aux.size()) throw Error("rescale proof: aux tensors do not match the plan");
  return a;
}

bool per_channel(const Scheme& s) { return s.p.axis >= 0; }
bool needs_sumcheck(const Scheme& s) { return s.mode == Mode::Clamp || per_channel(s); }

// The multipliers broadcast over x's padded layout: m[c] wherever the axis coordinate c is real.
std::vector<Fp> multiplier_table(const Scheme& s, const Shape& x) {
  const MleLayout layout = mle_layout(x);
  unsigned shift = 0;
  for (size_t d = s.p.axis + 1; d < x.size(); ++d) shift += layout.bits[d];
  const size_t mask = (size_t(1) << layout.bits[s.p.axis]) - 1;
  std::vector<Fp> t(size_t(1) << layout.num_vars);
  for (size_t b = 0; b < t.size(); ++b) {
    const size_t c = (b >> shift) & mask;
    if (c < s.p.m.size()) t[b] = Fp::from_signed(s.p.m[c]);
  }
  return t;
}

Fp2 multiplier_eval(const Scheme& s, const Shape& x, std::span<const Fp2> point) {
  auto dims = split_point(mle_layout(x), point);
  std::vector<Fp> m(size_t(1) << dims[s.p.axis].size());
  for (size_t c = 0; c < s.p.m.size(); ++c) m[c] = Fp::from_signed(s.p.m[c]);
  return evaluate_mle(std::span<const Fp>(m), dims[s.p.axis]);
}

// The zero-check's tables: eq(r, ·), y, x, then only those the scheme uses (remainder limbs when
// k > 0, multipliers when per-channel, saturation limbs in clamp mode); in ZK mode with a wide y,
// then the real-entry selector and y's range limbs (bounded_terms).
struct Tables {
  static constexpr uint32_t eq = 0, y = 1, x = 2;
  uint32_t r = 0, m = 0, u = 0, sel = 0, ya = 0, yb = 0, count = 3;
};

Tables tables_of(const Scheme& s, bool zk) {
  Tables t;
  if (s.r_bits) t.r = t.count++;
  if (per_channel(s)) t.m = t.count++;
  if (s.mode == Mode::Clamp) t.u = t.count++;
  if (zk && s.y_wide) {
    t.sel = t.count++;
    t.ya = t.count++;
    if (s.y_upper) t.yb = t.count++;
  }
  return t;
}

// y's range as range_check's Bounded (the same layout: limbs of y − lo, and of hi − y if needed).
Bounded y_range(const Scheme& s, const AuxLimbs& a) {
  Bounded b;
  b.lo = s.p.lo;
  b.hi = s.p.hi;
  b.wide = s.y_wide;
  b.upper = s.y_upper;
  b.bits = s.y_bits;
  b.low = a.ya;
  b.high = a.yb;
  return b;
}

// gamma weighs the saturation product (clamp mode); delta, in ZK mode only, y's range relations.
std::vector<sumcheck::Term> zero_check_terms(const Scheme& s, const AuxLimbs& a, const Tables& t, Fp2 gamma,
                                             std::optional<Fp2> delta) {
  const Params& p = s.p;
  const Fp two_k(uint64_t(1) << p.k);
  std::vector<sumcheck::Term> terms = {{Fp2(two_k), {t.eq, t.y}}};
  if (s.r_bits) terms.push_back({Fp2::one(), {t.eq, t.r}});
  if (per_channel(s)) terms.push_back({-Fp2::one(), {t.eq, t.m, t.x}});
  else terms.push_back({-Fp2::from_signed(p.m[0]), {t.eq, t.x}});
  if (s.mode == Mode::Clamp) {
    const Fp lo = Fp::from_signed(p.lo), hi = Fp::from_signed(p.hi);
    const Fp inv = (hi - lo).inverse();
    // 2^k·u·(2y − lo − hi)/(hi − lo) + γ·u·(y − lo)(hi − y), expanded into monomials of u and y.
    terms.push_back({Fp2(two_k * Fp(2) * inv) + gamma * (lo + hi), {t.eq, t.u, t.y}});
    terms.push_back({-(Fp2(two_k * (lo + hi) * inv) + gamma * (lo * hi)), {t.eq, t.u}});
    terms.push_back({-gamma, {t.eq, t.u, t.y, t.y}});
  }
  if (delta && s.y_wide) {
    // A term over the same tables as one already there joins it: each term costs the prover a pass.
    for (auto& term : bounded_terms(y_range(s, a), t.eq, t.y, t.sel, t.ya, t.yb, *delta)) {
      auto same = std::find_if(terms.begin(), terms.end(), [&](const auto& u) { return u.factors == term.factors; });
      if (same != terms.end()) same->coefficient += term.coefficient;
      else terms.push_back(std::move(term));
    }
  }
  return terms;
}

std::optional<sumcheck::TableRef> mask_ref(const std::optional<std::vector<Fp2>>& m) {
  return m ? std::optional<sumcheck::TableRef>(*m) : std::nullopt;
}

// Zero-knowledge mode (docs/zk.md §2) runs the zero-check in every mode but constant: the plain
// linear mode's check m·x~(r) + h·S(r) = 2^k·v + R(r), and the check of y's range limbs against v,
// are linear identities between sent values, which twin values (independent masks per tensor) do
// not satisfy. y's range relations join the zero-check (bounded_terms, weighted by a challenge δ),
// so a node is one masked sumcheck whose claimed sum h·S(r) the verifier computes itself; the
// output's twin value stays a claim on y for the driver, as the plain clamp mode leaves it.
void prove(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  const Scheme s = scheme_of(node, ctx.graph());
  if (s.mode == Mode::Constant) return;  // the interval lookup on y is the whole proof
  const int x = node.inputs[0], y = node.outputs[0];
  const Shape& shape = ctx.shape(x);
  const AuxLimbs a = take_aux(s, ctx.aux());
  const auto& r = out[0].point;
  if (s.y_wide && !ctx.zk()) {
    open_limbs(ctx, a.ya, r);
    if (s.y_upper) open_limbs(ctx, a.yb, r);
  }
  if (!needs_sumcheck(s) && !ctx.zk()) {
    open_limbs(ctx, a.r, r);
    send_evaluation(ctx, x, r);
    return;
  }
  const Fp2 gamma = s.mode == Mode::Clamp ? ctx.challenge() : Fp2();
  const std::optional<Fp2> delta = ctx.zk() && s.y_wide ? std::optional(ctx.challenge()) : std::nullopt;
  const unsigned n = static_cast<unsigned>(r.size());
  const Tables t = tables_of(s, ctx.zk());
  const auto eq = eq_table(r);
  auto mle_of = [](const IntTensor& v) { return mle_table(v); };
  const auto y_mask = ctx.twin(y, mle_of), x_mask = ctx.twin(x, mle_of);
  std::vector<Fp> rt, mt, ut, sel, yat, ybt;
  std::optional<std::vector<Fp2>> r_mask, u_mask, ya_mask, yb_mask;
  std::vector<sumcheck::TableRef> tables = {eq, ctx.mle(y), ctx.mle(x)};
  std::vector<std::optional<sumcheck::TableRef>> masks = {std::nullopt, mask_ref(y_mask), mask_ref(x_mask)};
  auto add_limbs = [&](const Limbs& l, std::vector<Fp>& table, std::optional<std::vector<Fp2>>& mask) {
    table = limbs_table(ctx, l, n);
    mask = limbs_twin(ctx, l, n);
    tables.emplace_back(table);
    masks.push_back(mask_ref(mask));
  };
  if (s.r_bits) add_limbs(a.r, rt, r_mask);
  if (per_channel(s)) {
    tables.emplace_back(mt = multiplier_table(s, shape));
    masks.emplace_back();
  }
  if (s.mode == Mode::Clamp) add_limbs(a.u, ut, u_mask);
  if (delta) {
    tables.emplace_back(sel = selector_table(shape));
    masks.emplace_back();
    add_limbs(a.ya, yat, ya_mask);
    if (s.y_upper) add_limbs(a.yb, ybt, yb_mask);
  }
  const Fp2 target = Fp2(Fp(static_cast<uint64_t>(s.half))) * real_selector(shape, r);
  auto result = ctx.masked_sumcheck(tables, masks, zero_check_terms(s, a, t, gamma, delta), known_sum(target));
  for (int tensor : {y, x}) send_evaluation(ctx, tensor, result.point);
  open_limbs(ctx, a.r, result.point);
  open_limbs(ctx, a.u, result.point);
  if (delta) {
    open_limbs(ctx, a.ya, result.point);
    open_limbs(ctx, a.yb, result.point);
  }
}

void verify(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  const Scheme s = scheme_of(node, ctx.graph());
  if (s.mode == Mode::Constant) return;
  const int x = node.inputs[0], y = node.outputs[0];
  const Shape& shape = ctx.shape(x);
  const AuxLimbs a = take_aux(s, ctx.aux());
  const auto& r = out[0].point;
  const Fp2 v = out[0].value;
  const Fp2 sel = real_selector(shape, r);
  if (s.y_wide && !ctx.zk()) {
    if (open_limbs(ctx, a.ya, r) != v - Fp2::from_signed(s.p.lo) * sel)
      throw VerifyError("output minus lo does not match its range limbs");
    if (s.y_upper && open_limbs(ctx, a.yb, r) != Fp2::from_signed(s.p.hi) * sel - v)
      throw VerifyError("hi minus output does not match its range limbs");
  }
  const Fp two_k(uint64_t(1) << s.p.k);
  const Fp half(static_cast<uint64_t>(s.half));
  if (!needs_sumcheck(s) && !ctx.zk()) {
    const Fp2 vr = open_limbs(ctx, a.r, r);
    const Fp2 vx = receive_evaluation(ctx, x, r);
    if (vx * Fp::from_signed(s.p.m[0]) + sel * half != v * two_k + vr)
      throw VerifyError("m·x + 2^(k−1) is not 2^k·y + remainder");
    return;
  }
  const Fp2 gamma = s.mode == Mode::Clamp ? ctx.challenge() : Fp2();
  const std::optional<Fp2> delta = ctx.zk() && s.y_wide ? std::optional(ctx.challenge()) : std::nullopt;
  const Tables t = tables_of(s, ctx.zk());
  const auto terms = zero_check_terms(s, a, t, gamma, delta);
  // Aux tensors are committed: the limb tables are private exactly when the mode is ZK.
  std::vector<uint8_t> is_private(t.count, ctx.zk());
  is_private[t.eq] = false;
  is_private[t.y] = ctx.is_private(y);
  is_private[t.x] = ctx.is_private(x);
  if (per_channel(s)) is_private[t.m] = false;
  if (delta) is_private[t.sel] = false;
  const std::unique_ptr<bool[]> flags(new bool[t.count]);
  std::copy(is_private.begin(), is_private.end(), flags.get());
  auto claim = ctx.masked_sumcheck(static_cast<unsigned>(r.size()), terms, std::span<const bool>(flags.get(), t.count),
                                   known_sum(sel * half));
  std::vector<Fp2> evals(t.count);
  evals[t.eq] = eq_eval(r, claim.point);
  evals[t.y] = receive_evaluation(ctx, y, claim.point);
  evals[t.x] = receive_evaluation(ctx, x, claim.point);
  const Fp2 vr = open_limbs(ctx, a.r, claim.point);
  const Fp2 vu = open_limbs(ctx, a.u, claim.point);
  if (s.r_bits) evals[t.r] = vr;
  if (per_channel(s)) evals[t.m] = multiplier_eval(s, shape, claim.point);
  if (s.mode == Mode::Clamp) evals[t.u] = vu;
  if (delta) {
    evals[t.sel] = real_selector(shape, claim.point);
    evals[t.ya] = open_limbs(ctx, a.ya, claim.point);
    const Fp2 vyb = open_limbs(ctx, a.yb, claim.point);
    if (s.y_upper) evals[t.yb] = vyb;
  }
  ctx.check_final(claim, evals, terms);
}

const LayerProofDef kRescaleProof{plan, witness, prove, verify, true};

}  // namespace

const LayerDef kRescaleLayer{"rescale", 1, 1, 1, infer, forward, &kRescaleProof};

}  // namespace zk::layers
