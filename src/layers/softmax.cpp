// softmax along `axis`, in integers:
//   m   = max_j x_j                                   (max argument, as in maxpool)
//   e_j = T[min(m − x_j, |T| − 1)]                    (T[d] ≈ exp(−d·step_in)·2^s_e, a public table;
//                                                      T[0] ≥ 1, differences beyond the table
//                                                      saturate to its last entry, ≈ 0)
//   S   = Σ_j e_j                                     (≥ T[0] ≥ 1, never zero)
//   y_j = floor((e_j·2^t + floor(S/2)) / S)           (round half up of e_j/S at scale 2^t;
//                                                      proven as q·S + r = n, 0 ≤ r < S)
// Attributes: axis, table, out_bits t. Output bound 2^t (e_j ≤ S).
//
// Proof. B = the static bound of x, n = the row length, T*[d] = T[min(d, |T| − 1)] for d in
// [0, 2B] (every gap m − x_j lies there). The prover commits, per row, the maximum m and the sum
// s; per entry the one-hot selector S (range_table(1)), the gap D and e (the pair (D, e) looked
// up in the public table {(d, T*[d])}), and limbs of R and R' (range_check.hpp). y is range
// checked to [0, 2^t] (interval table, or limbs of y when that is wider than a limb). Per real
// row k and real j:
//   (1) D_j = m − x_j                          linear, checked at one random point
//   (2) Σ_j S_j·(1 + γ·D_j) = 1                 one-hot selection of a zero gap (as max.cpp)
//   (3) s = Σ_j e_j
//   (4) 2^(t+1)·e_j + s = 2·s·y_j + R_j         the division, with floor(s/2) folded in:
//                                               floor((N + floor(s/2))/s) = floor((2N + s)/(2s))
//                                               for s ≥ 1 (for odd s no integer lies in between)
//   (5) R_j + R'_j = 2s − 1                     so 0 ≤ R_j < 2s; linear, checked at one point
// (2), (3) and (4) are one degree-3 sumcheck over x's cube at the driver's point r (γ and the
// batching challenge α drawn after all commitments): (4) weighted by eq(r, ·) as a zero-check,
// (2) and (3) weighted by W(b) = eq(r_k, row(b))·[b's axis coordinate is real] and, for the one
// per-row term s, by W0(b) = eq(r_k, row(b))·[axis coordinate 0]; r_k is r without its axis
// coordinates. The prover then sends every table at the sumcheck's end point ρ (m and s at ρ's
// row point) and the verifier checks (1), (5) and y's range limbs there.
//
// Why it is sound (all values below are integers of magnitude < p, so F_p equalities hold in Z,
// which the plan checks per node from B, n, |T| and t, refusing the node otherwise):
//   D_j ∈ [0, 2B] (lookup), so by (1) D_j + x_j is one field element for the whole row; those
//   integers lie in [−B, 3B], so they are one integer M and m = M. S_j ∈ {0, 1} and (2) give one
//   selected j* with D_j* = 0 (Σ S_j·D_j < n·(2B + 1) < p): M = x_j* ≥ x_j for all j, M is the
//   row maximum, and e_j = T*[M − x_j] by the lookup. (3): s is the integer Σ e_j ≥ T[0] ≥ 1.
//   (5): R_j < 2s. (4) with 0 ≤ y ≤ 2^(t+1) holds in Z, so y_j = floor((2^(t+1)·e_j + s)/(2s)).
// Padding: W and W0 vanish on padded axis coordinates, so padded entries of e, S, D never reach
// a row's relation; (4) and (1) are identities over the whole cube, met by the honest zero
// padding; constants carry the real-entry selector.
#include <functional>
#include <optional>

#include "hash/sha256.hpp"
#include "layers/layers.hpp"
#include "layers/proof.hpp"
#include "layers/proof_util.hpp"
#include "layers/range_check.hpp"
#include "poly/multilinear.hpp"

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


// ---- proof ----

int64_t axis_of(const IntNode& node, const Shape& x) {
  return norm_axis(node, node.get("axis", -1), static_cast<int64_t>(x.size()));
}

// Everything the witness needs follows from the attributes and x's shape (it sees no bounds).
struct Scheme {
  int64_t axis = 0, n = 1, t = 0, tmax = 0;
  Wide smax = 0;     // the largest row sum
  unsigned r_bits = 0;
  Bounded y;         // y ∈ [0, 2^t], one-sided: (4) pins y down, the range only stops wrapping
};

Scheme scheme_of(const IntNode& node, const Shape& x) {
  Scheme s;
  s.axis = axis_of(node, x);
  s.n = x[s.axis];
  s.t = node.get("out_bits");
  for (int64_t v : node.vec("table")) s.tmax = std::max(s.tmax, v);
  s.smax = Wide(s.n) * s.tmax;
  s.r_bits = bits_for(2 * s.smax - 1);
  s.y = bounded_layout(0, int64_t(1) << s.t, false);
  return s;
}

Grouping grouping(const Scheme& s, const Shape& x) {
  std::vector<bool> reduced(x.size(), false);
  reduced[s.axis] = true;
  return Grouping(x, reduced);
}

constexpr Wide kP = Wide(Fp::kModulus);
constexpr int64_t kMaxExpTable = int64_t(1) << 22;

void refuse(const IntNode& node, const std::string& why) {
  throw Error(node.where() + ": " + why + " is too large for a sound softmax proof (a relation could wrap mod p)");
}

// The plan-time checks of the header's soundness argument.
void check_bounds(const IntNode& node, const Scheme& s, int64_t bound) {
  const Wide dmax = 2 * Wide(bound);
  if (dmax + 1 > kMaxExpTable)
    throw Error(node.where() + ": the exp table over gaps up to " + std::to_string(static_cast<int64_t>(dmax)) +
                " would exceed 2^22 entries (input bound too large for a softmax proof)");
  if (Wide(s.n) * (dmax + 1) >= kP) refuse(node, "the row length times the gap range");
  const Wide ymax = s.y.wide ? Wide(1) << s.y.bits : Wide(1) << s.t;
  const Wide rmax = Wide(1) << s.r_bits;
  if ((Wide(s.tmax) << (s.t + 1)) + s.smax + 2 * s.smax * ymax + rmax >= kP) refuse(node, "the division numerator");
  if (2 * rmax + 2 * s.smax + 1 >= kP) refuse(node, "the remainder range");
}

LookupTable exp_table(const IntNode& node, int64_t dmax) {
  const auto& t = node.vec("table");
  std::vector<uint8_t> bytes;
  auto put = [&](int64_t v) {
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * i)));
  };
  put(dmax);
  for (int64_t v : t) put(v);
  LookupTable table;
  table.key = "softmax-exp:" + std::to_string(dmax) + ":" + to_hex(sha256(bytes));
  const auto last = static_cast<int64_t>(t.size()) - 1;
  for (int64_t d = 0; d <= dmax; ++d) {
    table.inputs.push_back(d);
    table.outputs.push_back(t[static_cast<size_t>(std::min(d, last))]);
  }
  return table;
}

// Aux layout: m, s (per row), S, D, e (per entry), R limbs, R' limbs, y's range limbs.
struct Aux {
  int m = -1, s = -1, sel = -1, gap = -1, exp = -1;
  Limbs r, rc;
  Bounded y;
};

void plan(const IntNode& node, PlanBuilder& b) {
  const TensorInfo& xi = b.graph().tensors.at(node.inputs[0]);
  Scheme s = scheme_of(node, xi.shape);
  check_bounds(node, s, xi.bound);
  const Grouping g = grouping(s, xi.shape);
  b.add_aux("max", g.keep());
  b.add_aux("sum", g.keep());
  plan_limbs(b, "selector", xi.shape, 1);
  const int gap = b.add_aux("gap", xi.shape), e = b.add_aux("exp", xi.shape);
  b.add_lookup(exp_table(node, 2 * xi.bound), {gap, e});
  plan_limbs(b, "remainder", xi.shape, s.r_bits);
  plan_limbs(b, "remainder-gap", xi.shape, s.r_bits);
  plan_bounded(b, "output", node.outputs[0], xi.shape, s.y);
}

Aux take_aux(const Scheme& s, std::span<const int> aux) {
  if (aux.size() < 5) throw Error("softmax proof: aux tensors do not match the plan");
  Aux a;
  a.m = aux[0];
  a.s = aux[1];
  a.sel = aux[2];
  a.gap = aux[3];
  a.exp = aux[4];
  size_t cursor = 5;
  a.r = take_limbs(aux, cursor, s.r_bits);
  a.rc = take_limbs(aux, cursor, s.r_bits);
  a.y = s.y;
  take_bounded(aux, cursor, a.y);
  if (cursor != aux.size()) throw Error("softmax proof: aux tensors do not match the plan");
  return a;
}

void witness(const IntNode& node, std::span<const IntTensor* const> in, std::span<const IntTensor* const> out,
             std::span<IntTensor> aux) {
  const IntTensor &x = *in[0], &y = *out[0];
  const Scheme s = scheme_of(node, x.shape);
  const Geo g = geo(node, x.shape);
  const auto& t = node.vec("table");
  const auto last = static_cast<int64_t>(t.size()) - 1;
  Shape keep = x.shape;
  keep[s.axis] = 1;
  IntTensor m(keep), sum(keep), sel(x.shape), gap(x.shape), e(x.shape), r(x.shape), rc(x.shape);
  for (int64_t o = 0; o < g.outer; ++o)
    for (int64_t i = 0; i < g.inner; ++i) {
      const int64_t row = o * g.inner + i, base = o * g.n * g.inner + i;
      int64_t best = x.data[base], arg = 0;
      for (int64_t j = 1; j < g.n; ++j)
        if (x.data[base + j * g.inner] > best) best = x.data[base + j * g.inner], arg = j;
      int64_t total = 0;
      for (int64_t j = 0; j < g.n; ++j) {
        const int64_t k = base + j * g.inner;
        gap.data[k] = best - x.data[k];
        e.data[k] = t[static_cast<size_t>(std::min(gap.data[k], last))];
        total += e.data[k];
      }
      sel.data[base + arg * g.inner] = 1;
      m.data[row] = best;
      sum.data[row] = total;
      for (int64_t j = 0; j < g.n; ++j) {
        const int64_t k = base + j * g.inner;
        const Wide rem = (Wide(e.data[k]) << (s.t + 1)) + total - 2 * Wide(total) * y.data[k];
        r.data[k] = static_cast<int64_t>(rem);
        rc.data[k] = 2 * total - 1 - r.data[k];
      }
    }
  aux[0] = std::move(m);
  aux[1] = std::move(sum);
  aux[3] = std::move(gap);
  aux[4] = std::move(e);
  size_t cursor = 2;
  fill_limbs(sel, 1, aux, cursor);
  cursor = 5;
  const size_t cr = limb_count(s.r_bits);
  fill_limbs(r, cr, aux, cursor);
  fill_limbs(rc, cr, aux, cursor);
  fill_bounded(s.y, y, aux, cursor);
}

// Tables: 0 eq(r, ·), 1 W, 2 W0, 3 e, 4 s spread, 5 y, 6 R, 7 S, 8 D.
std::vector<sumcheck::Term> terms(const Scheme& s, Fp2 gamma, Fp2 alpha) {
  const Fp2 a2 = alpha * alpha;
  return {
      {Fp2(Fp(uint64_t(1) << (s.t + 1))), {0, 3}},
      {Fp2::one(), {0, 4}},
      {-Fp2(Fp(2)), {0, 4, 5}},
      {-Fp2::one(), {0, 6}},
      {alpha, {1, 7}},
      {alpha * gamma, {1, 7, 8}},
      {a2, {1, 3}},
      {-a2, {2, 4}},
  };
}

// Zero-knowledge mode (docs/zk.md §2) runs this same code, with the changes the rules force: the
// linear checks (1), (5) and y's range limbs, which fail on twin values (the masks of m, x, D, R,
// R' are independent), join the sumcheck as zero-checks weighted by eq(r, ·) and batched by fresh
// challenges (ζ, and δ for the range limbs as range_check.hpp's bounded_terms), with the tables
// they need appended; every private table gets its mask twin, and every value sent is a twin value.
// Appended tables: 9 m spread, 10 x, 11 R', 12 the real-entry selector of x, 13 y's range limbs.
struct ZkExtra {
  Fp2 zeta, delta;
};

ZkExtra zk_challenges(bool zk, bool bounded, const std::function<Fp2()>& challenge) {
  ZkExtra z;
  if (!zk) return z;
  z.zeta = challenge();
  if (bounded) z.delta = challenge();
  return z;
}

std::vector<sumcheck::Term> zk_terms(const Aux& a, const ZkExtra& z) {
  const Fp2 z2 = z.zeta * z.zeta;
  std::vector<sumcheck::Term> t = {{z.zeta, {0, 8}}, {-z.zeta, {0, 9}}, {z.zeta, {0, 10}}, {z2, {0, 6}},
                                   {z2, {0, 11}},    {-z2 * Fp2(Fp(2)), {0, 4}}, {z2, {0, 12}}};
  if (a.y.wide) {
    const auto b = bounded_terms(a.y, 0, 5, 12, 13, 13, z.delta);
    t.insert(t.end(), b.begin(), b.end());
  }
  return t;
}

void prove(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  const int x = node.inputs[0], y = node.outputs[0];
  const Shape& xs = ctx.shape(x);
  const Scheme s = scheme_of(node, xs);
  const Aux a = take_aux(s, ctx.aux());
  const Grouping g = grouping(s, xs);
  const Fp2 gamma = ctx.challenge(), alpha = ctx.challenge();
  const ZkExtra z = zk_challenges(ctx.zk(), a.y.wide, [&] { return ctx.challenge(); });
  const auto& r = out[0].point;
  const auto rk = g.at(r).keep_point;
  const unsigned nv = static_cast<unsigned>(r.size());
  const auto eq = eq_table(r);
  const auto w = g.sum_weights(rk), w0 = g.first_weights(rk);
  auto spread = [&](const IntTensor& t) { return g.spread(std::span<const Fp>(mle_table(t))); };
  const auto sum = g.spread(std::span<const Fp>(ctx.mle(a.s)));
  const auto rem = limbs_table(ctx, a.r, nv);
  std::vector<sumcheck::TableRef> tables = {eq, w, w0, ctx.mle(a.exp), sum, ctx.mle(y), rem, ctx.mle(a.sel), ctx.mle(a.gap)};
  auto terms_used = terms(s, gamma, alpha);
  // ZK only: the masks of the tables above, then the appended tables and theirs.
  std::vector<std::optional<std::vector<Fp2>>> twins;
  std::vector<Fp> m_spread, rem_gap, sel, y_low;
  if (ctx.zk()) {
    twins = {std::nullopt, std::nullopt, std::nullopt, ctx.twin(a.exp, mle_table), ctx.twin(a.s, spread),
             ctx.twin(y, mle_table), limbs_twin(ctx, a.r, nv), ctx.twin(a.sel, mle_table), ctx.twin(a.gap, mle_table),
             ctx.twin(a.m, spread), ctx.twin(x, mle_table), limbs_twin(ctx, a.rc, nv), std::nullopt};
    m_spread = g.spread(std::span<const Fp>(ctx.mle(a.m)));
    rem_gap = limbs_table(ctx, a.rc, nv);
    sel = selector_table(xs);
    tables.insert(tables.end(), {m_spread, ctx.mle(x), rem_gap, sel});
    if (a.y.wide) {
      y_low = limbs_table(ctx, a.y.low, nv);
      tables.emplace_back(y_low);
      twins.push_back(limbs_twin(ctx, a.y.low, nv));
    }
    const auto extra = zk_terms(a, z);
    terms_used.insert(terms_used.end(), extra.begin(), extra.end());
  }
  std::vector<std::optional<sumcheck::TableRef>> masks;
  for (const auto& t : twins) masks.push_back(t ? std::optional<sumcheck::TableRef>(*t) : std::nullopt);
  const Fp2 target = alpha * real_selector(g.keep(), rk);
  auto result = ctx.masked_sumcheck(tables, masks, terms_used, known_sum(target));
  const auto& rho = result.point;
  const auto rho_k = g.at(rho).keep_point;
  for (int tensor : {a.exp, y, a.sel, a.gap, x}) send_evaluation(ctx, tensor, rho);
  send_evaluation(ctx, a.s, rho_k);
  send_evaluation(ctx, a.m, rho_k);
  open_limbs(ctx, a.r, rho);
  open_limbs(ctx, a.rc, rho);
  if (!ctx.zk()) open_bounded(ctx, a.y, rho);
  else if (a.y.wide) open_limbs(ctx, a.y.low, rho);
}

void verify(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  const int x = node.inputs[0], y = node.outputs[0];
  const Shape& xs = ctx.shape(x);
  const Scheme s = scheme_of(node, xs);
  const Aux a = take_aux(s, ctx.aux());
  const Grouping g = grouping(s, xs);
  const Fp2 gamma = ctx.challenge(), alpha = ctx.challenge();
  const ZkExtra z = zk_challenges(ctx.zk(), a.y.wide, [&] { return ctx.challenge(); });
  const auto& r = out[0].point;
  const auto rk = g.at(r).keep_point;
  const Fp2 target = alpha * real_selector(g.keep(), rk);
  auto terms_used = terms(s, gamma, alpha);
  // Per table, as prove() lists them; every aux tensor is committed, so private in ZK mode.
  const bool priv[14] = {false, false, false, true, true, ctx.is_private(y), true, true, true, true, ctx.is_private(x),
                         true,  false, true};
  size_t tables = 9;
  if (ctx.zk()) {
    tables = a.y.wide ? 14 : 13;
    const auto extra = zk_terms(a, z);
    terms_used.insert(terms_used.end(), extra.begin(), extra.end());
  }
  auto claim = ctx.masked_sumcheck(static_cast<unsigned>(r.size()), terms_used, std::span<const bool>(priv, tables),
                                   known_sum(target));
  const auto& rho = claim.point;
  const Grouping::At at = g.at(rho);
  const Fp2 ve = receive_evaluation(ctx, a.exp, rho), vy = receive_evaluation(ctx, y, rho), vs = receive_evaluation(ctx, a.sel, rho);
  const Fp2 vd = receive_evaluation(ctx, a.gap, rho), vx = receive_evaluation(ctx, x, rho);
  const Fp2 vsum = receive_evaluation(ctx, a.s, at.keep_point) * at.real;
  const Fp2 vm = receive_evaluation(ctx, a.m, at.keep_point) * at.real;
  const Fp2 vr = open_limbs(ctx, a.r, rho), vrc = open_limbs(ctx, a.rc, rho);
  const Fp2 sel = real_selector(xs, rho);
  const Fp2 ek = eq_eval(rk, at.keep_point);
  std::vector<Fp2> evals = {eq_eval(r, rho), ek * at.real, ek * at.first, ve, vsum, vy, vr, vs, vd};
  if (!ctx.zk()) {
    check_bounded(ctx, a.y, rho, vy, sel);
    sumcheck::check_final(claim, evals, terms_used);
    if (vd != vm - vx) throw VerifyError("the gap column is not the row maximum minus the input");
    if (vr + vrc != Fp2(Fp(2)) * vsum - sel) throw VerifyError("a remainder is not below twice the row sum");
    return;
  }
  evals.insert(evals.end(), {vm, vx, vrc, sel});
  if (a.y.wide) evals.push_back(open_limbs(ctx, a.y.low, rho));
  ctx.check_final(claim, evals, terms_used);
}

const LayerProofDef kSoftmaxProof{plan, witness, prove, verify, true};

}  // namespace

const LayerDef kSoftmaxLayer{"softmax", 1, 1, 1, infer, forward, &kSoftmaxProof};

}  // namespace zk::layers
