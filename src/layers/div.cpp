// div: element-wise division of two tensors (broadcasting), rounded half up and saturated:
//   N = A·2^shift_n,  D = B·2^shift_d,  s = sign(D)
//   q = floor((s·N + floor(|D|/2)) / |D|)          (proven as q·|D| + r = s·N + floor(|D|/2),
//                                                    0 ≤ r < |D|)
//   Y = min(max(q, lo), hi)
// D = 0 is an Error at run time (naming the node). Division by a constant never comes here: the
// quantizer multiplies by a quantized reciprocal (mul_const + rescale).
//
// Proof (all tensors at the output's shape; A', B' are the inputs broadcast to it). The prover
// commits the sign bit g = [D < 0] (range_table(1)), limbs of P − 1 where P = |D|, of R and R',
// and of u = |Y − q| (the amount saturation moved q); Y is range checked to [lo, hi] (interval
// table, or limbs of Y − lo and hi − Y). With τ(Y) = (2Y − lo − hi)/(hi − lo), per real entry:
//   (P)  P = (1 − 2g)·2^shift_d·B'                        P = |D| ≥ 1: D ≠ 0 is proven too
//   (Q)  2(1 − 2g)·2^shift_n·A' + P = 2P·(Y + u·τ(Y)) + R  the rounded division, floor(|D|/2)
//                                                         folded in as for softmax:
//                                                         floor((sN + floor(P/2))/P)
//                                                         = floor((2sN + P)/(2P)) for P ≥ 1
//   (C)  u·(Y − lo)·(hi − Y) = 0                          saturation (as rescale's clamp mode)
//   (R)  R + R' = 2P − 1                                  0 ≤ R < 2P
// (P), (Q), (C) are one degree-4 zero-check at the driver's point r (γ, α drawn after the
// commitments); (R) and Y's range limbs are linear and checked at the sumcheck's end point.
// lo = hi (the output is a constant) proves only (P) and Y ∈ [lo, lo].
//
// Why it is sound. g ∈ {0, 1}, P − 1 ≥ 0, R, R', u ≥ 0 are integers below their limb ranges, and
// the plan refuses the node unless every relation's terms stay below p in magnitude, so each holds
// in Z: (P) gives P = ±D with P ≥ 1, hence P = |D|, D ≠ 0 and 1 − 2g = sign(D). (C): a product of
// integers is 0 in F_p only if a factor is, so u = 0 (q := Y), or Y = lo and q := lo − u ≤ lo, or
// Y = hi and q := hi + u ≥ hi: Y = clamp(q) with q = Y + u·τ(Y) an integer. (R) gives 0 ≤ R < 2P
// and (Q) makes q the rounded quotient. The widths depend on the inputs' bounds only through
// β = bits_for(max(|N|, |D|) bound): the witness function, which sees no bounds, takes the first β
// whose aux count matches (counts are non-decreasing in β, so the layout is the same).
// Padding: (P), (Q), (C) are identities over the cube met by honest zero padding (P's constant 1
// carries the real-entry selector), and no relation sums over entries.
#include <functional>
#include <optional>

#include "layers/layers.hpp"
#include "layers/proof.hpp"
#include "layers/proof_util.hpp"
#include "layers/range_check.hpp"
#include "poly/multilinear.hpp"

namespace zk::layers {

namespace {

std::vector<OutInfo> infer(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 2);
  Shape y = broadcast_shapes(node, in[0]->shape, in[1]->shape);
  const int64_t kn = node.get("shift_n", 0), kd = node.get("shift_d", 0);
  if (kn < 0 || kn > 61 || kd < 0 || kd > 61) throw Error(node.where() + ": shifts must be in [0, 61]");
  const int64_t lo = node.get("lo"), hi = node.get("hi");
  if (lo > hi) throw Error(node.where() + ": empty saturation range");
  const Wide n = Wide(in[0]->bound) << kn, d = Wide(in[1]->bound) << kd;
  checked(node, d, "the divisor");
  checked(node, n + d / 2, "the division numerator");
  const Wide lim = std::max(wabs(lo), wabs(hi));
  return {{y, checked(node, (lo > 0 || hi < 0) ? lim : std::min(lim, n + 1), "the quotient")}};
}

void forward(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor &a = *in[0], &b = *in[1];
  const int64_t kn = node.get("shift_n", 0), kd = node.get("shift_d", 0);
  const int64_t lo = node.get("lo"), hi = node.get("hi");
  IntTensor& y = out[0];
  auto sa = broadcast_strides(a.shape, y.shape), sb = broadcast_strides(b.shape, y.shape);
  for_each_broadcast(y.shape, sa, sb, [&](int64_t o, int64_t ia, int64_t ib) {
    int64_t d = b.data[ib] * (int64_t(1) << kd);
    int64_t n = a.data[ia] * (int64_t(1) << kn);
    if (d == 0) throw Error(node.where() + ": division by zero at output index " + std::to_string(o));
    if (d < 0) {
      d = -d;
      n = -n;
    }
    y.data[o] = std::min(std::max(floor_div(n + d / 2, d), lo), hi);
  });
}


// ---- proof ----

constexpr Wide kP = Wide(Fp::kModulus);

struct Scheme {
  int64_t kn = 0, kd = 0, lo = 0, hi = 0;
  bool constant = false;
  Bounded y;
  unsigned p_bits = 0, r_bits = 0, u_bits = 0;
  size_t aux_count = 0;
};

Scheme scheme_of(const IntNode& node, unsigned beta) {
  Scheme s;
  s.kn = node.get("shift_n", 0);
  s.kd = node.get("shift_d", 0);
  s.lo = node.get("lo");
  s.hi = node.get("hi");
  s.constant = s.lo == s.hi;
  if (beta > 61) throw Error(node.where() + ": operands too large for a division proof");
  const Wide m = (Wide(1) << beta) - 1;  // |N|, |D| ≤ m
  s.p_bits = bits_for(std::max<Wide>(m - 1, 0));
  s.aux_count = 1 + limb_count(s.p_bits);
  if (s.constant) {
    s.y = bounded_layout(s.lo, s.hi, true);
    return s;
  }
  s.y = bounded_layout(s.lo, s.hi, true);
  s.r_bits = bits_for(std::max<Wide>(2 * m - 1, 0));
  // |q| ≤ m: q = floor((2sN + P)/(2P)) with |N| ≤ m, P ≥ 1.
  s.u_bits = bits_for(std::max<Wide>({Wide(0), Wide(s.lo) + m, m - Wide(s.hi)}));
  s.aux_count += bounded_limb_count(s.y) + 2 * limb_count(s.r_bits) + limb_count(s.u_bits);
  return s;
}

unsigned beta_of(const IntNode& node, const IntGraph& g) {
  const Wide n = Wide(g.tensors.at(node.inputs[0]).bound) << node.get("shift_n", 0);
  const Wide d = Wide(g.tensors.at(node.inputs[1]).bound) << node.get("shift_d", 0);
  return bits_for(std::max(n, d));
}

void refuse(const IntNode& node, const std::string& what) {
  throw Error(node.where() + ": " + what + " is too large for a sound division proof (a relation could wrap mod p)");
}

Scheme plan_scheme(const IntNode& node, const IntGraph& g) {
  const unsigned beta = beta_of(node, g);
  Scheme s = scheme_of(node, beta);
  const Wide m = (Wide(1) << beta) - 1, pmax = Wide(1) << s.p_bits;
  if (pmax + 1 + m >= kP) refuse(node, "the divisor");
  if (!s.constant) {
    const Wide rmax = Wide(1) << s.r_bits, umax = Wide(1) << s.u_bits;
    const Wide qabs = std::max(wabs(s.lo), wabs(s.hi)) + umax;
    if (2 * rmax + 2 * pmax + 1 >= kP) refuse(node, "the remainder range");
    if (umax >= kP || Wide(s.hi) - s.lo >= kP) refuse(node, "the saturation range");
    if (2 * m + pmax + 2 * pmax * qabs + rmax >= kP) refuse(node, "the division numerator");
  }
  return s;
}

struct Aux {
  Limbs sign, p, r, rc, u;
  Bounded y;
};

Aux take_aux(const Scheme& s, std::span<const int> aux) {
  Aux a;
  size_t cursor = 0;
  a.sign = take_limbs(aux, cursor, 1);
  a.y = s.y;
  if (!s.constant) take_bounded(aux, cursor, a.y);
  a.p = take_limbs(aux, cursor, s.p_bits);
  if (!s.constant) {
    a.r = take_limbs(aux, cursor, s.r_bits);
    a.rc = take_limbs(aux, cursor, s.r_bits);
    a.u = take_limbs(aux, cursor, s.u_bits);
  }
  if (cursor != aux.size()) throw Error("div proof: aux tensors do not match the plan");
  return a;
}

void plan(const IntNode& node, PlanBuilder& b) {
  Scheme s = plan_scheme(node, b.graph());
  const Shape& y = b.graph().tensors.at(node.outputs[0]).shape;
  plan_limbs(b, "sign", y, 1);
  if (s.constant) b.add_lookup(interval_table(s.lo, s.hi), {node.outputs[0]});
  else plan_bounded(b, "output", node.outputs[0], y, s.y);
  plan_limbs(b, "divisor", y, s.p_bits);
  if (s.constant) return;
  plan_limbs(b, "remainder", y, s.r_bits);
  plan_limbs(b, "remainder-gap", y, s.r_bits);
  plan_limbs(b, "saturation", y, s.u_bits);
}

void witness(const IntNode& node, std::span<const IntTensor* const> in, std::span<const IntTensor* const> out,
             std::span<IntTensor> aux) {
  const IntTensor &a = *in[0], &b = *in[1], &y = *out[0];
  Scheme s;
  bool found = false;
  for (unsigned beta = 0; beta <= 61 && !found; ++beta) {
    s = scheme_of(node, beta);
    found = s.aux_count == aux.size();
  }
  if (!found) throw Error(node.where() + ": division witness: no layout has " + std::to_string(aux.size()) + " aux tensors");
  IntTensor sign(y.shape), p(y.shape), r(y.shape), rc(y.shape), u(y.shape);
  auto sa = broadcast_strides(a.shape, y.shape), sb = broadcast_strides(b.shape, y.shape);
  for_each_broadcast(y.shape, sa, sb, [&](int64_t o, int64_t ia, int64_t ib) {
    const Wide d = Wide(b.data[ib]) << s.kd, n = Wide(a.data[ia]) << s.kn;
    const Wide pd = d < 0 ? -d : d, sn = d < 0 ? -n : n;
    // Arithmetic shift of a negative __int128 floors, like floor_div.
    Wide num = 2 * sn + pd, q = num / (2 * pd);
    if (num % (2 * pd) != 0 && num < 0) q -= 1;
    sign.data[o] = d < 0;
    p.data[o] = static_cast<int64_t>(pd - 1);
    r.data[o] = static_cast<int64_t>(num - 2 * pd * q);
    rc.data[o] = static_cast<int64_t>(2 * pd - 1) - r.data[o];
    u.data[o] = static_cast<int64_t>(wabs(Wide(y.data[o]) - q));
  });
  size_t cursor = 0;
  fill_limbs(sign, 1, aux, cursor);
  if (!s.constant) fill_bounded(s.y, y, aux, cursor);
  fill_limbs(p, limb_count(s.p_bits), aux, cursor);
  if (s.constant) return;
  fill_limbs(r, limb_count(s.r_bits), aux, cursor);
  fill_limbs(rc, limb_count(s.r_bits), aux, cursor);
  fill_limbs(u, limb_count(s.u_bits), aux, cursor);
}

// Tables: 0 eq(r, ·), 1 Y, 2 A', 3 B', 4 g, 5 P, 6 R, 7 u.
std::vector<sumcheck::Term> terms(const Scheme& s, Fp2 gamma, Fp2 alpha) {
  auto pow2 = [](int64_t k) { return Fp2(Fp(uint64_t(1) << k)); };
  std::vector<sumcheck::Term> t = {
      {alpha, {0, 5}}, {-alpha * pow2(s.kd), {0, 3}}, {alpha * pow2(s.kd + 1), {0, 4, 3}}};
  if (s.constant) return t;
  const Fp2 lo = Fp2::from_signed(s.lo), hi = Fp2::from_signed(s.hi), two(Fp(2));
  const Fp2 inv = (hi - lo).inverse();
  const std::vector<sumcheck::Term> q = {
      {pow2(s.kn + 1), {0, 2}},
      {-pow2(s.kn + 2), {0, 4, 2}},
      {Fp2::one(), {0, 5}},
      {-two, {0, 5, 1}},
      {-two * two * inv, {0, 5, 7, 1}},
      {two * (lo + hi) * inv, {0, 5, 7}},
      {-Fp2::one(), {0, 6}},
      {-gamma, {0, 7, 1, 1}},
      {gamma * (lo + hi), {0, 7, 1}},
      {-gamma * lo * hi, {0, 7}},
  };
  t.insert(t.end(), q.begin(), q.end());
  return t;
}

// Zero-knowledge mode (docs/zk.md §2) runs this same code, with the changes the rules force: the
// linear checks (R) and Y's range limbs, which fail on twin values (the masks of R, R', P and of Y
// and its limbs are independent), join the zero-check weighted by eq(r, ·) and batched by fresh
// challenges (ζ, and δ for the range limbs as range_check.hpp's bounded_terms), with the tables
// they need appended; every private table gets its mask twin (the same broadcast or limb
// combination applied to the masks; P's public selector sits in both slots), and every value sent
// is a twin value. Appended tables (not for a constant output): 8 R', 9 the real-entry selector,
// then Y's range limbs when wide, low before high.
struct ZkExtra {
  Fp2 zeta, delta;
};

ZkExtra zk_challenges(bool zk, const Scheme& s, const std::function<Fp2()>& challenge) {
  ZkExtra z;
  if (!zk || s.constant) return z;
  z.zeta = challenge();
  if (s.y.wide) z.delta = challenge();
  return z;
}

std::vector<sumcheck::Term> all_terms(bool zk, const Scheme& s, const Aux& x, Fp2 gamma, Fp2 alpha, const ZkExtra& z) {
  auto t = terms(s, gamma, alpha);
  if (!zk || s.constant) return t;
  t.insert(t.end(), {{z.zeta, {0, 6}}, {z.zeta, {0, 8}}, {-Fp2(Fp(2)) * z.zeta, {0, 5}}, {z.zeta, {0, 9}}});
  if (x.y.wide) {
    const auto b = bounded_terms(x.y, 0, 1, 9, 10, x.y.upper ? 11 : 10, z.delta);
    t.insert(t.end(), b.begin(), b.end());
  }
  return t;
}

void prove(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  const int a = node.inputs[0], b = node.inputs[1], y = node.outputs[0];
  const Shape& ys = ctx.shape(y);
  const Scheme s = plan_scheme(node, ctx.graph());
  const Aux x = take_aux(s, ctx.aux());
  const Fp2 gamma = ctx.challenge(), alpha = ctx.challenge();
  const ZkExtra z = zk_challenges(ctx.zk(), s, [&] { return ctx.challenge(); });
  const auto& r = out[0].point;
  const unsigned nv = static_cast<unsigned>(r.size());
  const auto eq = eq_table(r);
  auto broadcast = [&](const IntTensor& t) { return broadcast_table(t, ys); };
  const auto ta = broadcast(ctx.value(a)), tb = broadcast(ctx.value(b));
  const auto sel = selector_table(ys);
  auto tp = limbs_table(ctx, x.p, nv);
  for (size_t i = 0; i < tp.size(); ++i) tp[i] += sel[i];
  const auto tr = limbs_table(ctx, x.r, nv), tu = limbs_table(ctx, x.u, nv);
  std::vector<sumcheck::TableRef> tables = {eq, ctx.mle(y), ta, tb, ctx.mle(x.sign.ids[0]), tp, tr, tu};
  // ZK only: the masks of the tables above, then the appended tables and theirs.
  std::vector<std::optional<std::vector<Fp2>>> twins;
  std::vector<Fp> trc, y_low, y_high;
  if (ctx.zk()) {
    auto p_twin = limbs_twin(ctx, x.p, nv);  // none when |D| ≤ 1: P is the public selector
    if (p_twin)
      for (size_t i = 0; i < p_twin->size(); ++i) (*p_twin)[i] += Fp2(sel[i]);
    twins = {std::nullopt,          ctx.twin(y, mle_table), ctx.twin(a, broadcast), ctx.twin(b, broadcast),
             ctx.twin(x.sign.ids[0], mle_table), std::move(p_twin), limbs_twin(ctx, x.r, nv), limbs_twin(ctx, x.u, nv)};
    if (!s.constant) {
      trc = limbs_table(ctx, x.rc, nv);
      tables.insert(tables.end(), {trc, sel});
      twins.insert(twins.end(), {limbs_twin(ctx, x.rc, nv), std::nullopt});
      if (x.y.wide) {
        tables.emplace_back(y_low = limbs_table(ctx, x.y.low, nv));
        twins.push_back(limbs_twin(ctx, x.y.low, nv));
      }
      if (x.y.upper) {
        tables.emplace_back(y_high = limbs_table(ctx, x.y.high, nv));
        twins.push_back(limbs_twin(ctx, x.y.high, nv));
      }
    }
  }
  std::vector<std::optional<sumcheck::TableRef>> masks;
  for (const auto& t : twins) masks.push_back(t ? std::optional<sumcheck::TableRef>(*t) : std::nullopt);
  auto result = ctx.masked_sumcheck(tables, masks, all_terms(ctx.zk(), s, x, gamma, alpha, z), known_sum(Fp2()));
  const auto& rho = result.point;
  send_evaluation(ctx, y, rho);
  send_evaluation(ctx, a, broadcast_point(ctx.shape(a), ys, rho).point);
  send_evaluation(ctx, b, broadcast_point(ctx.shape(b), ys, rho).point);
  open_limbs(ctx, x.sign, rho);
  open_limbs(ctx, x.p, rho);
  open_limbs(ctx, x.r, rho);
  open_limbs(ctx, x.rc, rho);
  open_limbs(ctx, x.u, rho);
  if (!ctx.zk()) return open_bounded(ctx, x.y, rho);
  if (x.y.wide) open_limbs(ctx, x.y.low, rho);
  if (x.y.upper) open_limbs(ctx, x.y.high, rho);
}

void verify(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  const int a = node.inputs[0], b = node.inputs[1], y = node.outputs[0];
  const Shape& ys = ctx.shape(y);
  const Scheme s = plan_scheme(node, ctx.graph());
  const Aux x = take_aux(s, ctx.aux());
  const Fp2 gamma = ctx.challenge(), alpha = ctx.challenge();
  const ZkExtra z = zk_challenges(ctx.zk(), s, [&] { return ctx.challenge(); });
  const auto& r = out[0].point;
  const auto terms_used = all_terms(ctx.zk(), s, x, gamma, alpha, z);
  // Per table, as prove() lists them: aux tensors are committed; a limb combination without limbs
  // (P for |D| ≤ 1, u when nothing can saturate, R and u for a constant output) is public.
  auto has = [](const Limbs& l) { return !l.ids.empty(); };
  const bool priv[12] = {false, ctx.is_private(y), ctx.is_private(a), ctx.is_private(b), true, has(x.p), has(x.r),
                         has(x.u), has(x.rc), false, true, true};
  const size_t tables = !ctx.zk() || s.constant ? 8 : 10 + (x.y.wide ? 1 : 0) + (x.y.upper ? 1 : 0);
  auto claim = ctx.masked_sumcheck(static_cast<unsigned>(r.size()), terms_used, std::span<const bool>(priv, tables),
                                   known_sum(Fp2()));
  const auto& rho = claim.point;
  const auto pa = broadcast_point(ctx.shape(a), ys, rho), pb = broadcast_point(ctx.shape(b), ys, rho);
  const Fp2 vy = receive_evaluation(ctx, y, rho);
  const Fp2 va = receive_evaluation(ctx, a, pa.point) * pa.factor, vb = receive_evaluation(ctx, b, pb.point) * pb.factor;
  const Fp2 vg = open_limbs(ctx, x.sign, rho), vp1 = open_limbs(ctx, x.p, rho);
  const Fp2 vr = open_limbs(ctx, x.r, rho), vrc = open_limbs(ctx, x.rc, rho), vu = open_limbs(ctx, x.u, rho);
  const Fp2 sel = real_selector(ys, rho);
  std::vector<Fp2> evals = {eq_eval(r, rho), vy, va, vb, vg, vp1 + sel, vr, vu};
  if (ctx.zk()) {
    if (!s.constant) evals.insert(evals.end(), {vrc, sel});
    if (x.y.wide) evals.push_back(open_limbs(ctx, x.y.low, rho));
    if (x.y.upper) evals.push_back(open_limbs(ctx, x.y.high, rho));
    return ctx.check_final(claim, evals, terms_used);
  }
  check_bounded(ctx, x.y, rho, vy, sel);
  sumcheck::check_final(claim, evals, terms_used);
  if (!s.constant && vr + vrc != Fp2(Fp(2)) * vp1 + sel) throw VerifyError("a remainder is not below twice the divisor");
}

const LayerProofDef kDivProof{plan, witness, prove, verify, true};

}  // namespace

const LayerDef kDivLayer{"div", 2, 2, 1, infer, forward, &kDivProof};

}  // namespace zk::layers
