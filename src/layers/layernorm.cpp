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
//
// Proof. Per group k (keep shape: x's shape with the normalised dims set to 1) the prover commits
// μ as limbs of μ + O (O = 2^(w·c − 1) > B, c full limbs of w bits), ρ_μ ∈ [0, 2n − 1] and
// ρ_V ∈ [0, n − 1] (interval tables, or limbs when n is large), and limbs of σ, Δ1 = V − σ² and Δ2 = (σ+1)² − 1 − V; per entry limbs of R and
// R'; z is range checked to [−Z, Z], Z = 2^(t+1)·(isqrt(n) + 1) + 1 (the header's bound; an
// interval table, or limbs of z + Z). V itself is never committed: V = Δ1 + σ². The relations:
//   (G1) 2·Σ_i x_i + n = 2n·μ + ρ_μ                     μ = round(S/n)
//   (G2) Σ_i (x_i − μ)² + n·E = n·(Δ1 + σ²) + ρ_V      V − E = floor(Σd²/n)
//   (G3) Δ1 + Δ2 = 2σ                                 σ² ≤ V ≤ σ² + 2σ, i.e. σ = isqrt(V)
//   (E1) 2^(t+1)·(x_i − μ) + σ = 2σ·z_i + R_i          z = floor((2^(t+1)·d + σ)/(2σ)), which is
//                                                     floor((d·2^t + floor(σ/2))/σ) for σ ≥ 1
//   (E2) R_i + R'_i = 2σ − 1                          0 ≤ R_i < 2σ
// (E1), (G1) and (G2) are one degree-3 sumcheck over x's cube at the driver's point r: (E1) as a
// zero-check with eq(r, ·); the group sums with W(b) = eq(r_k, group(b))·[b's normalised
// coordinates are real] and the one-per-group terms with W0(b) = eq(r_k, group(b))·[those
// coordinates are 0], r_k = r without the normalised coordinates, batched by a challenge α drawn
// after all commitments; group constants (n, n·E) carry the group selector. (G3), (E2) and the
// range limbs of z are linear and checked at the sumcheck's end point.
//
// Why it is sound. Every committed value is range checked, and the plan checks that each relation's
// terms stay below p in magnitude (refusing the node otherwise), so every relation holds in Z:
// (G1) with 0 ≤ ρ_μ < 2n makes μ the rounded mean; (G2) with 0 ≤ ρ_V < n makes V := Δ1 + σ² equal
// floor(Σd²/n) + E ≥ 1; (G3) with Δ1, Δ2 ≥ 0 gives σ² ≤ V < (σ+1)², σ ≥ 0, so σ = isqrt(V) ≥ 1;
// (E2) bounds R below 2σ; then (E1) is the division. Bit widths depend on the input bound B only
// through β = bits_for(B): the witness function cannot see B, so it finds the β whose aux count
// matches (counts are non-decreasing in β, so any β that matches gives the same layout).
// Padding: W, W0 vanish outside a group's real entries; (E1), (E2) are identities over the cube,
// met by honest zero padding, with constants multiplied by the real-entry selector.
//
// rmsnorm (RMSNormalization, and x·1/sqrt(mean(x²) + ε) as PyTorch decomposes it) is the same
// layer with μ = 0: V = floor(Σ x_i² / n) + E, σ = isqrt(V), z_i = floor((x_i·2^t + floor(σ/2))/σ).
// Its proof is this one without (G1), μ and ρ_μ (nothing is committed for them, their terms are
// dropped); every other relation, bound and argument is unchanged (|x_i| ≤ B ≤ 2B, so the
// layer-norm bounds are conservative for it).
#include <deque>
#include <functional>
#include <optional>

#include "layers/layers.hpp"
#include "layers/proof.hpp"
#include "layers/proof_util.hpp"
#include "layers/range_check.hpp"
#include "poly/multilinear.hpp"

namespace zk::layers {

namespace {

struct Geo {
  int64_t groups, n;
};

// rmsnorm is layernorm without the mean subtraction.
bool centered(const IntNode& node) { return node.op != "rmsnorm"; }

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
    const int64_t mu = centered(node) ? floor_div(2 * s + g.n, 2 * g.n) : 0;
    int64_t q = 0;
    for (int64_t i = 0; i < g.n; ++i) q += (xp[i] - mu) * (xp[i] - mu);
    const int64_t sigma = isqrt(q / g.n + e);
    for (int64_t i = 0; i < g.n; ++i) yp[i] = floor_div(((xp[i] - mu) << t) + sigma / 2, sigma);
  }
}


// ---- proof ----

constexpr Wide kP = Wide(Fp::kModulus);

struct Scheme {
  bool centered = true;  // false: rmsnorm (no μ, no ρ_μ, no (G1))
  int64_t axis = 0, n = 1, t = 0, eps = 1;
  Bounded z;                         // z ∈ [−Z, Z], one-sided
  Bounded rho_mu, rho_v;             // two-sided: [0, 2n − 1], [0, n − 1]
  unsigned mu_limbs = 0;             // μ + O in mu_limbs full-width limbs
  int64_t offset = 0;                // O
  unsigned sigma_bits = 0, gap_bits = 0;  // σ; Δ1, Δ2, R, R'
  size_t aux_count = 0;
};

Scheme scheme_of(const IntNode& node, const Shape& x, unsigned beta) {
  Scheme s;
  s.centered = centered(node);
  s.axis = norm_axis(node, node.get("axis", -1), static_cast<int64_t>(x.size()));
  s.n = geo(node, x).n;
  s.t = node.get("out_bits");
  s.eps = node.get("eps");
  const Wide zb = (Wide(2) << s.t) * (isqrt(s.n) + 1) + 1;
  s.z = bounded_layout(-static_cast<int64_t>(zb), static_cast<int64_t>(zb), false);
  s.rho_mu = bounded_layout(0, 2 * s.n - 1, true);
  s.rho_v = bounded_layout(0, s.n - 1, true);
  if (beta > 46) throw Error(node.where() + ": input bound too large for a layer-norm proof");
  const Wide bmax = (Wide(1) << beta) - 1;
  s.mu_limbs = s.centered ? (beta + 1 + kMaxLimbBits - 1) / kMaxLimbBits : 0;
  s.offset = s.centered ? int64_t(1) << (kMaxLimbBits * s.mu_limbs - 1) : 0;
  const Wide vmax = 4 * bmax * bmax + s.eps;
  if (vmax >= (Wide(1) << 62)) throw Error(node.where() + ": variance too large for a layer-norm proof");
  const int64_t sigma_max = isqrt(static_cast<int64_t>(vmax));
  s.sigma_bits = bits_for(sigma_max);
  s.gap_bits = bits_for(2 * Wide(sigma_max));
  s.aux_count = bounded_limb_count(s.z) + 1 + bounded_limb_count(s.rho_v) + s.mu_limbs + limb_count(s.sigma_bits) +
                4 * limb_count(s.gap_bits) + (s.centered ? 1 + bounded_limb_count(s.rho_mu) : 0);
  return s;
}

Grouping grouping(const Scheme& s, const Shape& x) {
  std::vector<bool> reduced(x.size(), false);
  for (size_t d = static_cast<size_t>(s.axis); d < x.size(); ++d) reduced[d] = true;
  return Grouping(x, reduced);
}

void refuse(const IntNode& node, const std::string& what) {
  throw Error(node.where() + ": " + what + " is too large for a sound layer-norm proof (a relation could wrap mod p)");
}

// The plan-time checks of the header's soundness argument.
void check_bounds(const IntNode& node, const Scheme& s, int64_t bound) {
  const Wide n = s.n, b = bound, o = s.offset;
  const Wide sigma = Wide(1) << s.sigma_bits, gap = Wide(1) << s.gap_bits;
  // (G1) is checked with |μ| < O; once it holds in Z, μ is the rounded mean and |x − μ| ≤ 2B.
  const Wide d = 2 * b;
  const Wide zmax = s.z.wide ? Wide(1) << s.z.bits : Wide(s.z.hi);
  if (2 * n * b + n + 2 * n * o + 2 * n >= kP) refuse(node, "the group sum");
  if (n * d * d + n * gap + n * sigma * sigma + n + n * s.eps >= kP) refuse(node, "the sum of squared deviations");
  if ((d << (s.t + 1)) + sigma + 2 * sigma * zmax + gap >= kP) refuse(node, "the normalisation numerator");
}

Scheme plan_scheme(const IntNode& node, const IntGraph& g) {
  const TensorInfo& x = g.tensors.at(node.inputs[0]);
  Scheme s = scheme_of(node, x.shape, bits_for(x.bound));
  check_bounds(node, s, x.bound);
  return s;
}

struct Aux {
  Bounded z, rm, rv;
  int rho_mu = -1, rho_v = -1;
  Limbs mu, sigma, d1, d2, r, rc;
};

Aux take_aux(const Scheme& s, std::span<const int> aux) {
  Aux a;
  size_t cursor = 0;
  a.z = s.z;
  take_bounded(aux, cursor, a.z);
  a.rm = s.rho_mu;
  a.rv = s.rho_v;
  if (s.centered) {
    if (cursor >= aux.size()) throw Error("layernorm proof: aux tensors do not match the plan");
    a.rho_mu = aux[cursor++];
    take_bounded(aux, cursor, a.rm);
  }
  if (cursor >= aux.size()) throw Error("layernorm proof: aux tensors do not match the plan");
  a.rho_v = aux[cursor++];
  take_bounded(aux, cursor, a.rv);
  a.mu = take_limbs(aux, cursor, kMaxLimbBits * s.mu_limbs);
  a.sigma = take_limbs(aux, cursor, s.sigma_bits);
  a.d1 = take_limbs(aux, cursor, s.gap_bits);
  a.d2 = take_limbs(aux, cursor, s.gap_bits);
  a.r = take_limbs(aux, cursor, s.gap_bits);
  a.rc = take_limbs(aux, cursor, s.gap_bits);
  if (cursor != aux.size()) throw Error("layernorm proof: aux tensors do not match the plan");
  return a;
}

void plan(const IntNode& node, PlanBuilder& b) {
  const Shape& x = b.graph().tensors.at(node.inputs[0]).shape;
  Scheme s = plan_scheme(node, b.graph());
  const Grouping g = grouping(s, x);
  plan_bounded(b, "output", node.outputs[0], x, s.z);
  if (s.centered) {
    const int rm = b.add_aux("mean-remainder", g.keep());
    plan_bounded(b, "mean-remainder", rm, g.keep(), s.rho_mu);
  }
  const int rv = b.add_aux("variance-remainder", g.keep());
  plan_bounded(b, "variance-remainder", rv, g.keep(), s.rho_v);
  plan_limbs(b, "mean", g.keep(), kMaxLimbBits * s.mu_limbs);
  plan_limbs(b, "sigma", g.keep(), s.sigma_bits);
  plan_limbs(b, "sigma-low", g.keep(), s.gap_bits);
  plan_limbs(b, "sigma-high", g.keep(), s.gap_bits);
  plan_limbs(b, "remainder", x, s.gap_bits);
  plan_limbs(b, "remainder-gap", x, s.gap_bits);
}

void witness(const IntNode& node, std::span<const IntTensor* const> in, std::span<const IntTensor* const> out,
             std::span<IntTensor> aux) {
  const IntTensor &x = *in[0], &z = *out[0];
  Scheme s;
  bool found = false;
  for (unsigned beta = 0; beta <= 46 && !found; ++beta) {
    try {
      s = scheme_of(node, x.shape, beta);
    } catch (const Error&) {
      break;
    }
    found = s.aux_count == aux.size();
  }
  if (!found) throw Error(node.where() + ": layer-norm witness: no layout has " + std::to_string(aux.size()) + " aux tensors");
  const Geo g = geo(node, x.shape);
  Shape keep = x.shape;
  for (size_t d = static_cast<size_t>(s.axis); d < keep.size(); ++d) keep[d] = 1;
  IntTensor rm(keep), rv(keep), mu(keep), sigma(keep), d1(keep), d2(keep), r(x.shape), rc(x.shape);
  for (int64_t k = 0; k < g.groups; ++k) {
    const int64_t* xp = x.data.data() + k * g.n;
    int64_t sum = 0;
    for (int64_t i = 0; i < g.n; ++i) sum += xp[i];
    const int64_t m = s.centered ? floor_div(2 * sum + g.n, 2 * g.n) : 0;
    int64_t q = 0;
    for (int64_t i = 0; i < g.n; ++i) q += (xp[i] - m) * (xp[i] - m);
    const int64_t v = q / g.n + s.eps, sg = isqrt(v);
    rm.data[k] = 2 * sum + g.n - 2 * g.n * m;
    rv.data[k] = q - g.n * (q / g.n);
    mu.data[k] = m + s.offset;
    sigma.data[k] = sg;
    d1.data[k] = v - sg * sg;
    d2.data[k] = 2 * sg - d1.data[k];
    for (int64_t i = 0; i < g.n; ++i) {
      const int64_t j = k * g.n + i;
      const Wide rem = (Wide(xp[i] - m) << (s.t + 1)) + sg - 2 * Wide(sg) * z.data[j];
      r.data[j] = static_cast<int64_t>(rem);
      rc.data[j] = 2 * sg - 1 - r.data[j];
    }
  }
  size_t cursor = 0;
  fill_bounded(s.z, z, aux, cursor);
  if (s.centered) {
    aux[cursor] = rm;
    ++cursor;
    fill_bounded(s.rho_mu, rm, aux, cursor);
  }
  aux[cursor] = rv;
  ++cursor;
  fill_bounded(s.rho_v, rv, aux, cursor);
  fill_limbs(mu, s.mu_limbs, aux, cursor);
  fill_limbs(sigma, limb_count(s.sigma_bits), aux, cursor);
  const size_t cg = limb_count(s.gap_bits);
  fill_limbs(d1, cg, aux, cursor);
  fill_limbs(d2, cg, aux, cursor);
  fill_limbs(r, cg, aux, cursor);
  fill_limbs(rc, cg, aux, cursor);
}

// Tables: 0 eq(r, ·), 1 W, 2 W0, 3 x, 4 μ, 5 z, 6 σ, 7 R, 8 ρ_μ, 9 ρ_V, 10 Δ1 (group tensors spread).
std::vector<sumcheck::Term> terms(const Scheme& s, Fp2 alpha) {
  const Fp2 a2 = alpha * alpha, n(Fp(static_cast<uint64_t>(s.n))), two(Fp(2));
  const Fp2 big(Fp(uint64_t(1) << (s.t + 1)));
  std::vector<sumcheck::Term> t = {
      {big, {0, 3}},          {-big, {0, 4}},         {Fp2::one(), {0, 6}},   {-two, {0, 6, 5}},
      {-Fp2::one(), {0, 7}},  {a2, {1, 3, 3}},        {-two * a2, {1, 3, 4}}, {a2, {1, 4, 4}},
      {-n * a2, {2, 10}},     {-n * a2, {2, 6, 6}},   {-a2, {2, 9}},
  };
  // (G1); without it (rmsnorm) μ is the zero column and the μ terms above vanish.
  if (s.centered) t.insert(t.end(), {{two * alpha, {1, 3}}, {-two * n * alpha, {2, 4}}, {-alpha, {2, 8}}});
  return t;
}

Fp2 target(const Scheme& s, Fp2 alpha, Fp2 selk) {
  const Fp2 n(Fp(static_cast<uint64_t>(s.n)));
  const Fp2 g2 = -(alpha * alpha * n * Fp2(Fp(static_cast<uint64_t>(s.eps))) * selk);
  return s.centered ? g2 - alpha * n * selk : g2;
}

// Zero-knowledge mode (docs/zk.md §2) runs this same code, with the changes the rules force: the
// linear checks (G3), (E2) and the range limbs of z, ρ_μ, ρ_V, which fail on twin values (the
// masks of the tensors they relate are independent), join the sumcheck: (E2) and z's limbs as
// zero-checks weighted by eq(r, ·), (G3) and the group columns' limbs weighted by W0 (a zero-check
// over the keep cube: W0 picks one entry per group), batched by fresh challenges (ζ, and one δ per
// bounded column as range_check.hpp's bounded_terms). Every private table gets its mask twin (the
// same limb combination and spreading applied to the masks; μ's offset, public, sits in both slots)
// and every value sent is a twin value.
// Appended tables: 11 Δ2, 12 R', 13 the real-entry selector of x, 14 the keep selector (spread),
// then the range limbs of z, ρ_μ (centered), ρ_V that are wide, low before high.
struct ZkExtra {
  Fp2 zeta, dz, drm, drv;
  uint32_t next = 15;  // the next appended table
  uint32_t z_lo = 0, z_hi = 0, rm_lo = 0, rm_hi = 0, rv_lo = 0, rv_hi = 0;
};

ZkExtra zk_layout(bool zk, const Aux& a, const std::function<Fp2()>& challenge) {
  ZkExtra z;
  if (!zk) return z;
  z.zeta = challenge();
  auto place = [&](const Bounded& b, Fp2& delta, uint32_t& lo, uint32_t& hi) {
    if (!b.wide) return;
    delta = challenge();
    lo = hi = z.next++;
    if (b.upper) hi = z.next++;
  };
  place(a.z, z.dz, z.z_lo, z.z_hi);
  if (a.rho_mu >= 0) place(a.rm, z.drm, z.rm_lo, z.rm_hi);
  place(a.rv, z.drv, z.rv_lo, z.rv_hi);
  return z;
}

std::vector<sumcheck::Term> zk_terms(const Aux& a, const ZkExtra& z) {
  const Fp2 z2 = z.zeta * z.zeta, two(Fp(2));
  std::vector<sumcheck::Term> t = {{z.zeta, {2, 10}}, {z.zeta, {2, 11}}, {-two * z.zeta, {2, 6}}, {z2, {0, 7}},
                                   {z2, {0, 12}},     {-two * z2, {0, 6}}, {z2, {0, 13}}};
  auto add = [&](const std::vector<sumcheck::Term>& b) { t.insert(t.end(), b.begin(), b.end()); };
  if (a.z.wide) add(bounded_terms(a.z, 0, 5, 13, z.z_lo, z.z_hi, z.dz));
  if (a.rho_mu >= 0 && a.rm.wide) add(bounded_terms(a.rm, 2, 8, 14, z.rm_lo, z.rm_hi, z.drm));
  if (a.rv.wide) add(bounded_terms(a.rv, 2, 9, 14, z.rv_lo, z.rv_hi, z.drv));
  return t;
}

// The range limbs of a bounded column at a point. In ZK mode their relation to the column is part
// of this layer's zero-check; range_check's open_bounded / check_bounded at a point are plain-only.
void open_range_limbs(ProverContext& ctx, const Bounded& b, const std::vector<Fp2>& point) {
  if (!b.wide) return;
  open_limbs(ctx, b.low, point);
  if (b.upper) open_limbs(ctx, b.high, point);
}
// The verifier's side: appends the low (and high) limb values, times `factor`, to `evals`.
void receive_range_limbs(VerifierContext& ctx, const Bounded& b, const std::vector<Fp2>& point, Fp2 factor,
                         std::vector<Fp2>& evals) {
  if (!b.wide) return;
  evals.push_back(open_limbs(ctx, b.low, point) * factor);
  if (b.upper) evals.push_back(open_limbs(ctx, b.high, point) * factor);
}

void prove(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  const int x = node.inputs[0], z = node.outputs[0];
  const Shape& xs = ctx.shape(x);
  const Scheme s = plan_scheme(node, ctx.graph());
  const Aux a = take_aux(s, ctx.aux());
  const Grouping g = grouping(s, xs);
  const Fp2 alpha = ctx.challenge();
  const ZkExtra zx = zk_layout(ctx.zk(), a, [&] { return ctx.challenge(); });
  const auto& r = out[0].point;
  const auto rk = g.at(r).keep_point;
  const unsigned nv = static_cast<unsigned>(r.size()), nk = static_cast<unsigned>(rk.size());
  const auto selk = selector_table(g.keep());
  const Fp offset(static_cast<uint64_t>(s.offset));
  auto mu = limbs_table(ctx, a.mu, nk);
  for (size_t i = 0; i < mu.size(); ++i) mu[i] -= offset * selk[i];
  const auto eq = eq_table(r);
  const auto w = g.sum_weights(rk), w0 = g.first_weights(rk);
  auto spread = [&](const std::vector<Fp>& t) { return g.spread(std::span<const Fp>(t)); };
  const auto mu_s = spread(mu);
  const auto sigma_s = spread(limbs_table(ctx, a.sigma, nk));
  const auto d1_s = spread(limbs_table(ctx, a.d1, nk));
  // rmsnorm: ρ_μ does not exist and no term reads table 8; μ's zero column fills the slot.
  const auto rm_s = s.centered ? spread(ctx.mle(a.rho_mu)) : mu_s;
  const auto rv_s = spread(ctx.mle(a.rho_v));
  const auto rem = limbs_table(ctx, a.r, nv);
  std::vector<sumcheck::TableRef> tables = {eq, w, w0, ctx.mle(x), mu_s, ctx.mle(z), sigma_s, rem, rm_s, rv_s, d1_s};
  std::vector<sumcheck::Term> terms_used = terms(s, alpha);
  // ZK only: the masks of the tables above, then the appended tables and theirs.
  std::vector<std::optional<std::vector<Fp2>>> twins;
  std::deque<std::vector<Fp>> extra;
  if (ctx.zk()) {
    auto twin_spread = [&](std::optional<std::vector<Fp2>> t) -> std::optional<std::vector<Fp2>> {
      if (!t) return std::nullopt;
      return g.spread(std::span<const Fp2>(*t));
    };
    auto mu_twin = limbs_twin(ctx, a.mu, nk);
    if (mu_twin)
      for (size_t i = 0; i < mu_twin->size(); ++i) (*mu_twin)[i] -= Fp2(offset * selk[i]);
    auto group_twin = [&](int t) { return ctx.twin(t, [&](const IntTensor& v) { return spread(mle_table(v)); }); };
    twins = {std::nullopt,
             std::nullopt,
             std::nullopt,
             ctx.twin(x, mle_table),
             twin_spread(std::move(mu_twin)),
             ctx.twin(z, mle_table),
             twin_spread(limbs_twin(ctx, a.sigma, nk)),
             limbs_twin(ctx, a.r, nv),
             s.centered ? group_twin(a.rho_mu) : std::nullopt,
             group_twin(a.rho_v),
             twin_spread(limbs_twin(ctx, a.d1, nk)),
             twin_spread(limbs_twin(ctx, a.d2, nk)),
             limbs_twin(ctx, a.rc, nv),
             std::nullopt,
             std::nullopt};
    for (auto* t : {&extra.emplace_back(spread(limbs_table(ctx, a.d2, nk))), &extra.emplace_back(limbs_table(ctx, a.rc, nv)),
                    &extra.emplace_back(selector_table(xs)), &extra.emplace_back(spread(selk))})
      tables.emplace_back(*t);
    auto add_range = [&](const Bounded& b, unsigned n, bool keep) {
      if (!b.wide) return;
      for (const Limbs* l : {&b.low, &b.high}) {
        if (l == &b.high && !b.upper) break;
        tables.emplace_back(extra.emplace_back(keep ? spread(limbs_table(ctx, *l, n)) : limbs_table(ctx, *l, n)));
        twins.push_back(keep ? twin_spread(limbs_twin(ctx, *l, n)) : limbs_twin(ctx, *l, n));
      }
    };
    add_range(a.z, nv, false);
    if (s.centered) add_range(a.rm, nk, true);
    add_range(a.rv, nk, true);
    const auto zt = zk_terms(a, zx);
    terms_used.insert(terms_used.end(), zt.begin(), zt.end());
  }
  std::vector<std::optional<sumcheck::TableRef>> masks;
  for (const auto& t : twins) masks.push_back(t ? std::optional<sumcheck::TableRef>(*t) : std::nullopt);
  auto result = ctx.masked_sumcheck(tables, masks, terms_used, known_sum(target(s, alpha, real_selector(g.keep(), rk))));
  const auto& rho = result.point;
  const auto rho_k = g.at(rho).keep_point;
  send_evaluation(ctx, x, rho);
  send_evaluation(ctx, z, rho);
  open_limbs(ctx, a.r, rho);
  open_limbs(ctx, a.rc, rho);
  open_range_limbs(ctx, a.z, rho);
  open_limbs(ctx, a.mu, rho_k);
  open_limbs(ctx, a.sigma, rho_k);
  open_limbs(ctx, a.d1, rho_k);
  open_limbs(ctx, a.d2, rho_k);
  if (s.centered) send_evaluation(ctx, a.rho_mu, rho_k);
  send_evaluation(ctx, a.rho_v, rho_k);
  if (s.centered) open_range_limbs(ctx, a.rm, rho_k);
  open_range_limbs(ctx, a.rv, rho_k);
}

void verify(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  const int x = node.inputs[0], z = node.outputs[0];
  const Shape& xs = ctx.shape(x);
  const Scheme s = plan_scheme(node, ctx.graph());
  const Aux a = take_aux(s, ctx.aux());
  const Grouping g = grouping(s, xs);
  const Fp2 alpha = ctx.challenge();
  const ZkExtra zx = zk_layout(ctx.zk(), a, [&] { return ctx.challenge(); });
  const auto& r = out[0].point;
  const auto rk = g.at(r).keep_point;
  std::vector<sumcheck::Term> terms_used = terms(s, alpha);
  // Per table, as prove() lists them: aux tensors are committed, so private in ZK mode; μ and the
  // ρ_μ slot are the zero column for rmsnorm.
  bool priv[21] = {false, false, false, ctx.is_private(x), s.centered, ctx.is_private(z), true, true, s.centered, true, true,
                   true,  true,  false, false};
  size_t tables = 11;
  if (ctx.zk()) {
    tables = zx.next;
    std::fill(priv + 15, priv + tables, true);
    const auto zt = zk_terms(a, zx);
    terms_used.insert(terms_used.end(), zt.begin(), zt.end());
  }
  auto claim = ctx.masked_sumcheck(static_cast<unsigned>(r.size()), terms_used, std::span<const bool>(priv, tables),
                                   known_sum(target(s, alpha, real_selector(g.keep(), rk))));
  const auto& rho = claim.point;
  const Grouping::At at = g.at(rho);
  const auto& rho_k = at.keep_point;
  const Fp2 sel = real_selector(xs, rho), selk = real_selector(g.keep(), rho_k);
  const Fp2 vx = receive_evaluation(ctx, x, rho), vz = receive_evaluation(ctx, z, rho);
  const Fp2 vr = open_limbs(ctx, a.r, rho), vrc = open_limbs(ctx, a.rc, rho);
  std::vector<Fp2> range_evals;
  if (ctx.zk()) receive_range_limbs(ctx, a.z, rho, Fp2::one(), range_evals);
  else check_bounded(ctx, a.z, rho, vz, sel);
  const Fp2 vmu = open_limbs(ctx, a.mu, rho_k) - Fp2(Fp(static_cast<uint64_t>(s.offset))) * selk;
  const Fp2 vsigma = open_limbs(ctx, a.sigma, rho_k);
  const Fp2 vd1 = open_limbs(ctx, a.d1, rho_k), vd2 = open_limbs(ctx, a.d2, rho_k);
  const Fp2 vrm = s.centered ? receive_evaluation(ctx, a.rho_mu, rho_k) : Fp2::zero();
  const Fp2 vrv = receive_evaluation(ctx, a.rho_v, rho_k);
  if (ctx.zk()) {
    if (s.centered) receive_range_limbs(ctx, a.rm, rho_k, at.real, range_evals);
    receive_range_limbs(ctx, a.rv, rho_k, at.real, range_evals);
  } else {
    if (s.centered) check_bounded(ctx, a.rm, rho_k, vrm, selk);
    check_bounded(ctx, a.rv, rho_k, vrv, selk);
  }
  const Fp2 ek = eq_eval(rk, rho_k);
  std::vector<Fp2> evals = {eq_eval(r, rho), ek * at.real, ek * at.first, vx, vmu * at.real, vz,
                            vsigma * at.real, vr, vrm * at.real, vrv * at.real, vd1 * at.real};
  if (ctx.zk()) {
    evals.insert(evals.end(), {vd2 * at.real, vrc, sel, selk * at.real});
    evals.insert(evals.end(), range_evals.begin(), range_evals.end());
    return ctx.check_final(claim, evals, terms_used);
  }
  sumcheck::check_final(claim, evals, terms_used);
  const Fp2 two(Fp(2));
  if (vr + vrc != two * vsigma * at.real - sel) throw VerifyError("a remainder is not below twice sigma");
  if (vd1 + vd2 != two * vsigma) throw VerifyError("sigma is not the integer square root of the variance");
}

const LayerProofDef kLayerNormProof{plan, witness, prove, verify, true};

}  // namespace

const LayerDef kLayerNormLayer{"layernorm", 1, 1, 1, infer, forward, &kLayerNormProof};
const LayerDef kRmsNormLayer{"rmsnorm", 1, 1, 1, infer, forward, &kLayerNormProof};

}  // namespace zk::layers
