// BaseFold over Reed-Solomon: commit, batched open, verify. The protocol is described step by
// step in docs/pcs.md; comments here explain the choices that are not obvious from that text.
#include <omp.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>

#include "field/ntt.hpp"
#include "field/random.hpp"
#include "pcs/fold.hpp"
#include "pcs/pcs.hpp"
#include "poly/multilinear.hpp"
#include "poly/univariate.hpp"

namespace zk::pcs {

using detail::CosetFolder;
using detail::Schedule;

void PcsParams::validate() const {
  auto bad = [](const std::string& what) { throw Error("pcs parameters: " + what); };
  if (log_inv_rate < 1 || log_inv_rate > 8) bad("log_inv_rate must be in [1, 8]");
  if (fold_arity_log < 1 || fold_arity_log > detail::kMaxFoldArityLog) bad("fold_arity_log must be in [1, 8]");
  if (num_queries < 1 || num_queries > 1024) bad("num_queries must be in [1, 1024]");
  if (pow_bits > 32) bad("pow_bits must be at most 32");
  if (final_log_size > 16) bad("final_log_size must be at most 16");
}

Layout Layout::compute(std::span<const unsigned> poly_num_vars, const PcsParams& params) {
  if (poly_num_vars.empty()) throw Error("pcs: nothing to commit (no polynomials)");
  Layout layout;
  layout.polys.resize(poly_num_vars.size());
  std::vector<size_t> order(poly_num_vars.size());
  for (size_t i = 0; i < order.size(); ++i) {
    if (poly_num_vars[i] > 30) throw Error("pcs: polynomial " + std::to_string(i) + " has too many variables");
    order[i] = i;
  }
  // Descending powers of two placed back to back are automatically aligned to their own size.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return poly_num_vars[a] > poly_num_vars[b]; });
  uint64_t end = 0;
  for (size_t i : order) {
    layout.polys[i] = {poly_num_vars[i], end};
    end += uint64_t(1) << poly_num_vars[i];
  }
  uint64_t total = end;
  if (params.hiding) {
    // The mask must cover every layer-0 symbol a proof opens (num_queries rows of 2^k).
    unsigned mask_vars = ceil_log2(params.num_queries) + params.fold_arity_log;
    total += uint64_t(1) << mask_vars;
    layout.total_vars = ceil_log2(total);
    // The top subcube: its monomial coefficients are exactly the top coefficients of P(Y), so the
    // mask adds Y^(N - 2^m) * M(Y) to the codeword -- non-zero multiplier at every domain point.
    layout.mask = Placement{mask_vars, (uint64_t(1) << layout.total_vars) - (uint64_t(1) << mask_vars)};
  } else {
    layout.total_vars = ceil_log2(total);
  }
  if (layout.total_vars + params.log_inv_rate > Fp::kTwoAdicity) {
    throw Error("pcs: committed data too large for the field's 2-adic subgroup (2^" +
                std::to_string(layout.total_vars) + " entries at rate 2^-" +
                std::to_string(params.log_inv_rate) + ")");
  }
  return layout;
}

namespace {

[[noreturn]] void reject(const std::string& what) { throw VerifyError("pcs opening rejected: " + what); }

void absorb_header(Transcript& t, const Commitment& c, const ClaimSet& claims) {
  const PcsParams& p = c.params;
  t.absorb("pcs.root", c.root);
  t.absorb("pcs.params", uint64_t(p.log_inv_rate) | uint64_t(p.fold_arity_log) << 8 |
                             uint64_t(p.pow_bits) << 16 | uint64_t(p.final_log_size) << 24 |
                             uint64_t(p.hiding) << 32 | uint64_t(p.num_queries) << 40);
  t.absorb("pcs.total_vars", uint64_t(c.layout.total_vars));
  t.absorb("pcs.num_polys", uint64_t(c.layout.polys.size()));
  for (const Placement& pl : c.layout.polys) t.absorb("pcs.poly_vars", uint64_t(pl.num_vars));
  t.absorb("pcs.num_claims", uint64_t(claims.evaluations.size()));
  for (const Claim& cl : claims.evaluations) {
    t.absorb("pcs.claim_poly", uint64_t(cl.poly));
    t.absorb("pcs.claim_point", std::span<const Fp2>(cl.point));
    t.absorb("pcs.claim_value", cl.value);
  }
  t.absorb("pcs.num_weighted", uint64_t(claims.weighted.size()));
  for (const WeightedClaim& cl : claims.weighted) {
    t.absorb("pcs.weighted_poly", uint64_t(cl.poly));
    t.absorb("pcs.weighted_weights", std::span<const Fp2>(cl.weights));
    t.absorb("pcs.weighted_value", cl.value);
  }
  t.absorb("pcs.num_combinations", uint64_t(claims.combinations.size()));
  for (const CombinationClaim& cl : claims.combinations) {
    t.absorb("pcs.combination_terms", uint64_t(cl.terms.size()));
    for (const CombinationClaim::Term& term : cl.terms) {
      t.absorb("pcs.term_poly", uint64_t(term.poly));
      t.absorb("pcs.term_weighted", uint64_t(!term.weights.empty()));
      t.absorb("pcs.term_point", std::span<const Fp2>(term.point));
      t.absorb("pcs.term_weights", std::span<const Fp2>(term.weights));
      t.absorb("pcs.term_coefficient", term.coefficient);
    }
    t.absorb("pcs.combination_value", cl.value);
  }
}

// One linear functional of the big table: coefficient * P(point), or coefficient * <weights, P>.
struct Term {
  const Placement* placement;
  std::span<const Fp2> point;
  std::span<const Fp2> weights;  // non-empty for a weighted term
  Fp2 coefficient;
};

// Every claim of a ClaimSet as "sum of terms = value", in the order the batching challenges are
// drawn (evaluations, weighted, combinations). Malformed claims throw `Error` (prover) or
// `VerifyError` (verifier) naming the claim.
struct BatchedClaim {
  std::vector<Term> terms;
  Fp2 value;
};

std::vector<BatchedClaim> normalize_claims(const Layout& layout, const ClaimSet& claims, bool verifying) {
  auto fail = [&](const std::string& what) {
    if (verifying) throw VerifyError("pcs opening rejected: " + what);
    throw Error("pcs open: " + what);
  };
  auto make_term = [&](const std::string& name, size_t poly, std::span<const Fp2> point,
                       std::span<const Fp2> weights, Fp2 coefficient) {
    if (poly >= layout.polys.size()) fail(name + " names no polynomial");
    const Placement& pl = layout.polys[poly];
    if (weights.empty()) {
      if (point.size() != pl.num_vars) fail(name + " has a point of the wrong length");
    } else {
      if (!point.empty()) fail(name + " has both a point and weights");
      if (pl.num_vars > kMaxWeightedClaimVars) {
        fail(name + " weighs a polynomial of more than 2^" + std::to_string(kMaxWeightedClaimVars) + " entries");
      }
      if (weights.size() != (size_t(1) << pl.num_vars)) fail(name + " has the wrong number of weights");
    }
    return Term{&pl, point, weights, coefficient};
  };
  std::vector<BatchedClaim> out;
  for (size_t i = 0; i < claims.evaluations.size(); ++i) {
    const Claim& c = claims.evaluations[i];
    out.push_back({{make_term("claim " + std::to_string(i), c.poly, c.point, {}, Fp2::one())}, c.value});
  }
  for (size_t i = 0; i < claims.weighted.size(); ++i) {
    const WeightedClaim& c = claims.weighted[i];
    const std::string name = "weighted claim " + std::to_string(i);
    if (c.weights.empty()) fail(name + " has no weights");
    out.push_back({{make_term(name, c.poly, {}, c.weights, Fp2::one())}, c.value});
  }
  for (size_t i = 0; i < claims.combinations.size(); ++i) {
    const CombinationClaim& c = claims.combinations[i];
    BatchedClaim b{{}, c.value};
    for (size_t t = 0; t < c.terms.size(); ++t) {
      const CombinationClaim::Term& term = c.terms[t];
      b.terms.push_back(make_term("combination claim " + std::to_string(i) + " term " + std::to_string(t), term.poly,
                                  term.point, term.weights, term.coefficient));
    }
    out.push_back(std::move(b));
  }
  return out;
}

// The point of claim k in the big table's coordinates: its own point, then the bits that select
// its subcube.
std::vector<Fp2> full_point(const Placement& pl, std::span<const Fp2> point, unsigned total_vars) {
  std::vector<Fp2> q(point.begin(), point.end());
  const uint64_t high = pl.offset >> pl.num_vars;
  for (unsigned j = pl.num_vars; j < total_vars; ++j) q.push_back(((high >> (j - pl.num_vars)) & 1) ? Fp2::one() : Fp2::zero());
  return q;
}

// Sums of the degree-2 round polynomial of sum_y b(y) w(y) over x_0, at x_0 = 0, 1, 2, for each
// table b at once: one pass over w however many tables share it. A table is anything indexable
// whose entries are Fp or Fp2 (a span, or a MaskedTable below).
template <typename... Tables>
std::array<std::array<Fp2, 3>, sizeof...(Tables)> round_sums(std::span<const Fp2> w, const Tables&... tables) {
  using Sums = std::array<std::array<Fp2, 3>, sizeof...(Tables)>;
  const int64_t half = static_cast<int64_t>(w.size() / 2);
  Sums g{};
#pragma omp parallel if (half >= 8192)
  {
    Sums l{};
#pragma omp for schedule(static) nowait
    for (int64_t j = 0; j < half; ++j) {
      const Fp2 w0 = w[2 * j], w1 = w[2 * j + 1], w2 = w1 + w1 - w0;
      size_t i = 0;
      (
          [&](const auto& b) {
            const auto b0 = b[2 * j], b1 = b[2 * j + 1];
            l[i][0] += w0 * b0;
            l[i][1] += w1 * b1;
            l[i][2] += w2 * (b1 + b1 - b0);
            ++i;
          }(tables),
          ...);
    }
#pragma omp critical
    for (size_t i = 0; i < l.size(); ++i) {
      for (size_t c = 0; c < 3; ++c) g[i][c] += l[i][c];
    }
  }
  return g;
}

// T + rho*M, read on the fly: the masked table of a zero-knowledge opening is never stored (it
// would be N symbols of K written once and read once by the first round).
template <typename F>
struct MaskedTable {
  std::span<const Fp> t;
  std::span<const F> m;
  Fp2 rho;
  Fp2 operator[](size_t i) const { return rho * m[i] + t[i]; }
};

// Binds x_0 = alpha in both tables and returns the next round's sums from the same pass: the
// tables are read once per round instead of twice (the sumcheck is memory-bound at 2^24).
template <typename Table>
std::array<Fp2, 3> bind_and_sum(const Table& b, std::span<const Fp2> w, Fp2 alpha, std::vector<Fp2>& b_out,
                                std::vector<Fp2>& w_out) {
  const int64_t quarter = static_cast<int64_t>(w.size() / 4);
  b_out.resize(w.size() / 2);
  w_out.resize(w.size() / 2);
  Fp2 g0, g1, g2;
#pragma omp parallel if (quarter >= 4096)
  {
    Fp2 l0, l1, l2;
#pragma omp for schedule(static) nowait
    for (int64_t j = 0; j < quarter; ++j) {
      const auto b00 = b[4 * j], b01 = b[4 * j + 1], b10 = b[4 * j + 2], b11 = b[4 * j + 3];
      const Fp2* wi = w.data() + 4 * j;
      const Fp2 b0 = Fp2(b00) + alpha * (b01 - b00);
      const Fp2 b1 = Fp2(b10) + alpha * (b11 - b10);
      const Fp2 w0 = wi[0] + alpha * (wi[1] - wi[0]);
      const Fp2 w1 = wi[2] + alpha * (wi[3] - wi[2]);
      b_out[2 * j] = b0;
      b_out[2 * j + 1] = b1;
      w_out[2 * j] = w0;
      w_out[2 * j + 1] = w1;
      l0 += w0 * b0;
      l1 += w1 * b1;
      l2 += (w1 + w1 - w0) * (b1 + b1 - b0);
    }
#pragma omp critical
    {
      g0 += l0;
      g1 += l1;
      g2 += l2;
    }
  }
  return {g0, g1, g2};
}

// The RS codeword of a message with coefficients in K: the code is F_p-linear and the domain is
// in F_p, so each coordinate of K encodes separately.
std::vector<Fp2> encode_ext(std::span<const Fp2> coefficients, unsigned log_inv_rate) {
  const int64_t n = static_cast<int64_t>(coefficients.size());
  std::vector<Fp> c0(n), c1(n);
#pragma omp parallel for if (n >= 65536) schedule(static)
  for (int64_t i = 0; i < n; ++i) {
    c0[i] = coefficients[i].c0();
    c1[i] = coefficients[i].c1();
  }
  const std::vector<Fp> e0 = low_degree_extend_bitrev(c0, log_inv_rate);
  c0 = {};
  const std::vector<Fp> e1 = low_degree_extend_bitrev(c1, log_inv_rate);
  const int64_t m = static_cast<int64_t>(e0.size());
  std::vector<Fp2> out(m);
#pragma omp parallel for if (m >= 65536) schedule(static)
  for (int64_t i = 0; i < m; ++i) out[i] = Fp2(e0[i], e1[i]);
  return out;
}

std::vector<size_t> sorted_unique(std::vector<size_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// Field elements expanded from a seed: SHA-256(domain || seed || counter), 4 words per block,
// rejection-sampled below p like random_fp.
std::vector<Fp> seeded_fp_vector(const Seed& seed, size_t n) {
  std::vector<Fp> out;
  out.reserve(n);
  std::array<uint8_t, 16 + 32 + 8> message{};
  const char domain[16] = "zkinfer/pcs/msk";
  std::copy(domain, domain + 16, message.begin());
  std::copy(seed.begin(), seed.end(), message.begin() + 16);
  for (uint64_t counter = 0; out.size() < n; ++counter) {
    std::memcpy(message.data() + 48, &counter, sizeof counter);
    const Digest block = sha256(message);
    for (size_t w = 0; w < 4 && out.size() < n; ++w) {
      uint64_t v;
      std::memcpy(&v, block.data() + 8 * w, sizeof v);
      if (v < Fp::kModulus) out.push_back(Fp::from_raw_unchecked(v));
    }
  }
  return out;
}

std::pair<Commitment, std::unique_ptr<ProverData>> commit_with(std::span<const std::vector<Fp>> polys,
                                                                const PcsParams& params, const Seed* seed) {
  params.validate();
  std::vector<unsigned> num_vars(polys.size());
  for (size_t i = 0; i < polys.size(); ++i) {
    if (polys[i].empty()) throw Error("pcs commit: polynomial " + std::to_string(i) + " is empty");
    num_vars[i] = log2_exact(polys[i].size());
  }
  auto data = std::make_unique<ProverData>();
  Commitment& c = data->commitment;
  c.params = params;
  c.layout = Layout::compute(num_vars, params);
  const size_t n_entries = size_t(1) << c.layout.total_vars;
  data->table.assign(n_entries, Fp::zero());
  for (size_t i = 0; i < polys.size(); ++i) {
    std::copy(polys[i].begin(), polys[i].end(), data->table.begin() + c.layout.polys[i].offset);
  }
  if (c.layout.mask) {
    const size_t mask_size = size_t(1) << c.layout.mask->num_vars;
    auto mask = seed ? seeded_fp_vector(*seed, mask_size) : random_fp_vector(mask_size);
    std::copy(mask.begin(), mask.end(), data->table.begin() + c.layout.mask->offset);
  }
  {
    std::vector<Fp> coefficients = data->table;
    evaluations_to_coefficients(coefficients);
    data->codeword = low_degree_extend_bitrev(coefficients, params.log_inv_rate);
  }
  const Schedule schedule = detail::make_schedule(c.layout.total_vars, params);
  if (seed && params.hiding) {
    // A salt seed of its own, so that no salt shares a SHA-256 input with the mask stream.
    std::array<uint8_t, 16 + 32> message{};
    const char domain[16] = "zkinfer/pcs/slt";
    std::copy(domain, domain + 16, message.begin());
    std::copy(seed->begin(), seed->end(), message.begin() + 16);
    data->tree = std::make_unique<MerkleTree>(std::span<const Fp>(data->codeword), size_t(1) << schedule.k[0],
                                              sha256(message));
  } else {
    data->tree = std::make_unique<MerkleTree>(std::span<const Fp>(data->codeword), size_t(1) << schedule.k[0],
                                              params.hiding);
  }
  c.root = data->tree->root();
  Commitment out = c;
  return {std::move(out), std::move(data)};
}

}  // namespace

std::pair<Commitment, std::unique_ptr<ProverData>> commit(std::span<const std::vector<Fp>> polys,
                                                           const PcsParams& params) {
  return commit_with(polys, params, nullptr);
}

std::pair<Commitment, std::unique_ptr<ProverData>> commit(std::span<const std::vector<Fp>> polys,
                                                           const PcsParams& params, const Seed& seed) {
  return commit_with(polys, params, &seed);
}

namespace {

// The batched functional W = sum_c beta_c sum_t coefficient_t * functional_t, as a table.
std::vector<Fp2> build_weights(const std::vector<BatchedClaim>& claims, std::span<const Fp2> betas, unsigned n) {
  std::vector<Fp2> w;
  auto dense = [&] {
    if (w.empty()) w.assign(size_t(1) << n, Fp2::zero());
  };
  for (size_t c = 0; c < claims.size(); ++c) {
    for (const Term& t : claims[c].terms) {
      const Fp2 scale = betas[c] * t.coefficient;
      const Placement& pl = *t.placement;
      if (!t.weights.empty()) {
        dense();
        for (size_t i = 0; i < t.weights.size(); ++i) w[pl.offset + i] += scale * t.weights[i];
        continue;
      }
      if (w.empty() && pl.num_vars == n) {
        w = eq_table(t.point, scale);  // one polynomial filling the table: no zero pass, no temporary
        continue;
      }
      dense();
      const std::vector<Fp2> eq = eq_table(t.point, scale);
      const int64_t size = static_cast<int64_t>(eq.size());
      Fp2* dst = w.data() + pl.offset;
#pragma omp parallel for if (size >= 65536) schedule(static)
      for (int64_t i = 0; i < size; ++i) dst[i] += eq[i];
    }
  }
  dense();  // no claims at all
  return w;
}

template <typename Table>
Fp2 inner_product(const Table& a, std::span<const Fp2> w) {
  const int64_t n = static_cast<int64_t>(w.size());
  Fp2 sum;
#pragma omp parallel if (n >= 65536)
  {
    Fp2 local;
#pragma omp for schedule(static) nowait
    for (int64_t i = 0; i < n; ++i) local += w[i] * a[i];
#pragma omp critical
    sum += local;
  }
  return sum;
}

// The folded codewords of layers 1 .. L-1, their trees, and the last message (evaluation form).
struct CommitPhase {
  std::vector<std::vector<Fp2>> layers;
  std::vector<std::unique_ptr<MerkleTree>> trees;
  std::vector<Fp2> final_message;
};

// Sumcheck over table * W, binding x_0 first; the same challenges fold the codeword, and after
// each group of k rounds the folded codeword gets its own Merkle tree. `table` is the committed
// table (a span over F_p) or, in a zero-knowledge opening, a MaskedTable; `g` is its first
// round's sums, which the caller computes (the masked opening gets them in the pass that gives mu).
template <typename Table>
CommitPhase run_commit_phase(const Table& table, std::vector<Fp2> w, Fp2 claim, std::array<Fp2, 3> g,
                             const Schedule& schedule, const PcsParams& params, Transcript& transcript,
                             OpeningProof& proof) {
  CommitPhase out;
  std::vector<Fp2> alphas;
  std::vector<Fp2> b;  // the table once bound (always in the extension field)
  auto bind_first = [&](Fp2 alpha) {  // only when s == 1: a table of at most 2^(final_log_size + 1)
    std::vector<Fp2> bound(w.size() / 2);
    for (size_t j = 0; j < bound.size(); ++j) bound[j] = Fp2(table[2 * j]) + alpha * (table[2 * j + 1] - table[2 * j]);
    return bound;
  };
  if (schedule.s == 0) {
    if (inner_product(table, std::span<const Fp2>(w)) != claim) {
      throw Error("pcs open: the claimed values do not match the committed polynomials");
    }
    for (size_t i = 0; i < w.size(); ++i) out.final_message.push_back(Fp2(table[i]));
    return out;
  }
  if (g[0] + g[1] != claim) throw Error("pcs open: the claimed values do not match the committed polynomials");
  std::vector<Fp2> b_next, w_next;
  for (size_t layer = 0; layer < schedule.num_layers(); ++layer) {
    for (unsigned step = 0; step < schedule.k[layer]; ++step) {
      proof.sumcheck.push_back(g);
      transcript.absorb("pcs.round", std::span<const Fp2>(g));
      const Fp2 alpha = transcript.challenge_ext("pcs.alpha");
      alphas.push_back(alpha);
      if (alphas.size() < schedule.s) {
        g = alphas.size() == 1 ? bind_and_sum(table, std::span<const Fp2>(w), alpha, b_next, w_next)
                               : bind_and_sum(std::span<const Fp2>(b), std::span<const Fp2>(w), alpha, b_next, w_next);
        // Move, not swap: the larger previous tables are freed rather than kept as scratch.
        b = std::move(b_next);
        w = std::move(w_next);
        b_next = {};
        w_next = {};
      } else if (alphas.size() == 1) {
        b = bind_first(alpha);
        w = {};
      } else {
        fix_first_variable_in_place(b, alpha);
        w = {};
      }
    }
    if (layer + 1 < schedule.num_layers()) {
      // The next layer is the fold of this one by the round challenges; an honest prover gets the
      // same word by re-encoding the bound table's coefficients, which costs a few NTTs instead
      // of ~2^k multiplications per symbol (tests check the two agree).
      std::vector<Fp2> coefficients = b;
      detail::evaluations_to_coefficients_ext(coefficients);
      std::vector<Fp2> next = encode_ext(coefficients, params.log_inv_rate);
      out.trees.push_back(std::make_unique<MerkleTree>(std::span<const Fp2>(next), size_t(1) << schedule.k[layer + 1],
                                                       params.hiding));
      out.layers.push_back(std::move(next));
      proof.layer_roots.push_back(out.trees.back()->root());
      transcript.absorb("pcs.layer_root", proof.layer_roots.back());
    }
  }
  out.final_message = std::move(b);
  return out;
}

// The fresh mask of a zero-knowledge opening: a uniformly random table M of the packed table's
// size over F (F_p, or K where detail::opening_mask_in_base_field says no), its codeword and its
// salted tree (rows as wide as layer 0's).
template <typename F>
struct OpeningMask {
  std::vector<F> table;
  std::vector<F> codeword;
  std::unique_ptr<MerkleTree> tree;
};

template <typename F>
OpeningMask<F> sample_opening_mask(unsigned n, const Schedule& schedule, const PcsParams& params) {
  OpeningMask<F> m;
  std::vector<F> coefficients;
  if constexpr (std::is_same_v<F, Fp>) {
    m.table = random_fp_vector(size_t(1) << n);
    coefficients = m.table;
    evaluations_to_coefficients(coefficients);
    m.codeword = low_degree_extend_bitrev(coefficients, params.log_inv_rate);
  } else {
    m.table = random_fp2_vector(size_t(1) << n);
    coefficients = m.table;
    detail::evaluations_to_coefficients_ext(coefficients);
    m.codeword = encode_ext(coefficients, params.log_inv_rate);
  }
  m.tree = std::make_unique<MerkleTree>(std::span<const F>(m.codeword), size_t(1) << schedule.k[0], true);
  return m;
}

// Steps 3-4 of a zero-knowledge opening after M is committed and the batching drawn: one pass over
// W gives T's and M's first-round sums, mu = <M, W> = g_M(0) + g_M(1), and after rho the first
// round of T + rho*M as g_T + rho*g_M.
template <typename F>
CommitPhase run_masked_commit_phase(std::span<const Fp> t, std::span<const F> m, std::vector<Fp2> w, Fp2 claim,
                                    const Schedule& schedule, const PcsParams& params, Transcript& transcript,
                                    OpeningProof& proof) {
  const auto [g_t, g_m] = round_sums(std::span<const Fp2>(w), t, m);
  const Fp2 mu = g_m[0] + g_m[1];  // a hiding table has at least 4 entries, so there is a pair
  proof.mask_value = mu;
  transcript.absorb("pcs.zk_mask_sum", mu);
  const Fp2 rho = transcript.challenge_ext("pcs.zk_rho");
  std::array<Fp2, 3> g;
  for (size_t c = 0; c < 3; ++c) g[c] = g_t[c] + rho * g_m[c];
  return run_commit_phase(MaskedTable<F>{t, m, rho}, std::move(w), claim + rho * mu, g, schedule, params, transcript,
                          proof);
}

// M's opened layer-0 rows as the proof stores them: F_p words, two per symbol of a K mask.
void append_mask_row(std::vector<Fp>& out, std::span<const Fp> row) { out.insert(out.end(), row.begin(), row.end()); }
void append_mask_row(std::vector<Fp>& out, std::span<const Fp2> row) {
  for (Fp2 v : row) {
    out.push_back(v.c0());
    out.push_back(v.c1());
  }
}

// sum_z final(z) * W~_t(alpha, z) for one term: what the term contributes to the last sumcheck
// claim once the first s variables are bound to alpha. `final_evals` (evaluation form of the final
// message) is built on first use: only weighted terms on polynomials with more than s variables
// need it.
Fp2 final_term_value(const Term& t, unsigned n, std::span<const Fp2> alphas, std::span<const Fp2> final_coefficients,
                     std::vector<Fp2>& final_evals) {
  const size_t s = alphas.size();
  const Placement& pl = *t.placement;
  if (t.weights.empty()) {
    const std::vector<Fp2> q = full_point(pl, t.point, n);
    const std::span<const Fp2> qs(q);
    return eq_eval(qs.first(s), alphas) * detail::evaluate_monomial_multilinear(final_coefficients, qs.subspan(s));
  }
  if (pl.num_vars <= s) {
    // All of the polynomial's own variables are bound: w~(alpha_low) times the selector of its
    // subcube, split between the bound high variables and the free ones.
    const std::vector<Fp2> q = full_point(pl, alphas.first(pl.num_vars), n);
    const std::span<const Fp2> qs(q);
    return evaluate_mle(t.weights, alphas.first(pl.num_vars)) *
           eq_eval(qs.subspan(pl.num_vars, s - pl.num_vars), alphas.subspan(pl.num_vars)) *
           detail::evaluate_monomial_multilinear(final_coefficients, qs.subspan(s));
  }
  // The polynomial outlives the folding: bind the weights' first s variables and sum against the
  // final message's entries on the polynomial's (shrunken) subcube.
  if (final_evals.empty()) {
    final_evals.assign(final_coefficients.begin(), final_coefficients.end());
    detail::coefficients_to_evaluations_ext(final_evals);
  }
  std::vector<Fp2> bound(t.weights.begin(), t.weights.end());
  for (size_t i = 0; i < s; ++i) fix_first_variable_in_place(bound, alphas[i]);
  const size_t base = pl.offset >> s;
  Fp2 sum;
  for (size_t z = 0; z < bound.size(); ++z) sum += bound[z] * final_evals[base + z];
  return sum;
}

}  // namespace

OpeningProof open(const ProverData& data, std::span<const Claim> claims, Transcript& transcript) {
  return open(data, ClaimSet{claims, {}, {}}, transcript);
}

OpeningProof open(const ProverData& data, const ClaimSet& claim_set, Transcript& transcript) {
  const Commitment& c = data.commitment;
  const Layout& layout = c.layout;
  const PcsParams& params = c.params;
  const unsigned n = layout.total_vars;
  const std::vector<BatchedClaim> claims = normalize_claims(layout, claim_set, false);
  absorb_header(transcript, c, claim_set);
  const Schedule schedule = detail::make_schedule(n, params);
  OpeningProof proof;

  // 1. Hiding: commit to a fresh uniformly random table M before any challenge that depends on it.
  const bool masked = params.masked_opening();
  const bool base_mask = masked && detail::opening_mask_in_base_field(schedule, params.num_queries);
  OpeningMask<Fp> mask;
  OpeningMask<Fp2> mask_ext;
  if (masked) {
    if (base_mask) {
      mask = sample_opening_mask<Fp>(n, schedule, params);
    } else {
      mask_ext = sample_opening_mask<Fp2>(n, schedule, params);
    }
    proof.mask_root = (base_mask ? mask.tree : mask_ext.tree)->root();
    transcript.absorb("pcs.zk_mask_root", *proof.mask_root);
  }

  // 2. Batch every claim into one: sum_y T(y) W(y) = sum_c beta_c v_c.
  const std::vector<Fp2> betas = transcript.challenge_ext_vector("pcs.batch", claims.size());
  Fp2 claim = Fp2::zero();
  for (size_t k = 0; k < claims.size(); ++k) claim += betas[k] * claims[k].value;
  std::vector<Fp2> w = build_weights(claims, betas, n);

  // 3. Hiding: mu = <M, W>, then the whole opening runs on U = T + rho*M with claim y + rho*mu.
  //    The functionals of U an opening reveals are uniform whatever T is (docs/pcs.md), so
  //    everything derived from them is simulatable.
  CommitPhase phase;
  const std::span<const Fp> t(data.table);
  if (base_mask) {
    phase = run_masked_commit_phase(t, std::span<const Fp>(mask.table), std::move(w), claim, schedule, params,
                                    transcript, proof);
    mask.table = {};
  } else if (masked) {
    phase = run_masked_commit_phase(t, std::span<const Fp2>(mask_ext.table), std::move(w), claim, schedule, params,
                                    transcript, proof);
    mask_ext.table = {};
  } else {
    const std::array<Fp2, 3> g = round_sums(std::span<const Fp2>(w), t)[0];
    phase = run_commit_phase(t, std::move(w), claim, g, schedule, params, transcript, proof);
  }

  // 4. The last message in clear, as monomial coefficients (= the univariate's coefficients).
  proof.final_coefficients = std::move(phase.final_message);
  detail::evaluations_to_coefficients_ext(proof.final_coefficients);
  transcript.absorb("pcs.final", std::span<const Fp2>(proof.final_coefficients));

  // 5. Grinding, then the queries: one row per layer per query, found by shifting the index.
  proof.pow_nonce = transcript.grind(params.pow_bits);
  const uint64_t rows0 = data.tree->num_rows();
  const std::vector<uint64_t> queries = transcript.challenge_indices("pcs.query", rows0, params.num_queries);
  std::vector<size_t> rows(queries.begin(), queries.end());
  for (size_t layer = 0; layer < schedule.num_layers(); ++layer) {
    if (layer > 0) {
      for (size_t& r : rows) r >>= schedule.k[layer];
    }
    const std::vector<size_t> unique = sorted_unique(rows);
    const size_t width = size_t(1) << schedule.k[layer];
    if (layer == 0) {
      for (size_t r : unique) {
        proof.layer0_rows.insert(proof.layer0_rows.end(), data.codeword.begin() + r * width,
                                 data.codeword.begin() + (r + 1) * width);
        if (base_mask) {
          append_mask_row(proof.mask_rows, std::span<const Fp>(mask.codeword).subspan(r * width, width));
        } else if (masked) {
          append_mask_row(proof.mask_rows, std::span<const Fp2>(mask_ext.codeword).subspan(r * width, width));
        }
      }
      proof.merkle.push_back(data.tree->open(unique));
      if (masked) proof.mask_merkle = (base_mask ? mask.tree : mask_ext.tree)->open(unique);
    } else {
      const std::vector<Fp2>& cw = phase.layers[layer - 1];
      std::vector<Fp2> opened;
      opened.reserve(unique.size() * width);
      for (size_t r : unique) opened.insert(opened.end(), cw.begin() + r * width, cw.begin() + (r + 1) * width);
      proof.folded_rows.push_back(std::move(opened));
      proof.merkle.push_back(phase.trees[layer - 1]->open(unique));
    }
  }
  return proof;
}

void verify(const Commitment& commitment, std::span<const Claim> claims, const OpeningProof& proof,
            Transcript& transcript) {
  verify(commitment, ClaimSet{claims, {}, {}}, proof, transcript);
}

void verify(const Commitment& commitment, const ClaimSet& claim_set, const OpeningProof& proof,
            Transcript& transcript) {
  const PcsParams& params = commitment.params;
  const Layout& layout = commitment.layout;
  try {
    params.validate();
    std::vector<unsigned> num_vars;
    for (const Placement& pl : layout.polys) num_vars.push_back(pl.num_vars);
    if (!(Layout::compute(num_vars, params) == layout)) reject("commitment layout is inconsistent");
  } catch (const VerifyError&) {
    throw;
  } catch (const Error& e) {
    reject(std::string("malformed commitment: ") + e.what());
  }
  const unsigned n = layout.total_vars;
  const std::vector<BatchedClaim> claims = normalize_claims(layout, claim_set, true);
  absorb_header(transcript, commitment, claim_set);
  const Schedule schedule = detail::make_schedule(n, params);
  const size_t num_layers = schedule.num_layers();
  const bool hiding = params.hiding;  // salted leaves
  const bool masked = params.masked_opening();  // the opening runs on T + rho*M
  const bool base_mask = masked && detail::opening_mask_in_base_field(schedule, params.num_queries);

  // Shape first, so that nothing below indexes out of range on a hostile proof.
  if (proof.mask_root.has_value() != masked || proof.mask_value.has_value() != masked) reject("proof shape: mask");
  if (!masked && (!proof.mask_rows.empty() || !proof.mask_merkle.siblings.empty() || !proof.mask_merkle.salts.empty())) {
    reject("proof shape: mask openings without a masked opening");
  }
  if (proof.sumcheck.size() != schedule.s) reject("proof shape: number of sumcheck rounds");
  if (proof.layer_roots.size() != num_layers - 1) reject("proof shape: number of layer roots");
  if (proof.final_coefficients.size() != (size_t(1) << schedule.final_vars())) reject("proof shape: final polynomial size");
  if (proof.folded_rows.size() != num_layers - 1) reject("proof shape: number of folded layers opened");
  if (proof.merkle.size() != num_layers) reject("proof shape: number of Merkle proofs");

  // 1. Batching, and in hiding mode the switch to U = T + rho*M.
  if (masked) transcript.absorb("pcs.zk_mask_root", *proof.mask_root);
  const std::vector<Fp2> betas = transcript.challenge_ext_vector("pcs.batch", claims.size());
  Fp2 claim = Fp2::zero();
  for (size_t k = 0; k < claims.size(); ++k) claim += betas[k] * claims[k].value;
  Fp2 rho = Fp2::zero();
  if (masked) {
    transcript.absorb("pcs.zk_mask_sum", *proof.mask_value);
    rho = transcript.challenge_ext("pcs.zk_rho");
    claim += rho * *proof.mask_value;
  }

  // 2. Sumcheck rounds, absorbing each layer's root where the prover committed it.
  std::vector<Fp2> alphas;
  for (size_t layer = 0; layer < num_layers; ++layer) {
    for (unsigned step = 0; step < schedule.k[layer]; ++step) {
      const std::array<Fp2, 3>& g = proof.sumcheck[alphas.size()];
      if (g[0] + g[1] != claim) reject("sumcheck round " + std::to_string(alphas.size()) + ": g(0) + g(1) != claim");
      transcript.absorb("pcs.round", std::span<const Fp2>(g));
      const Fp2 alpha = transcript.challenge_ext("pcs.alpha");
      claim = interpolate_at(std::span<const Fp2>(g), alpha);
      alphas.push_back(alpha);
    }
    if (layer + 1 < num_layers) transcript.absorb("pcs.layer_root", proof.layer_roots[layer]);
  }
  transcript.absorb("pcs.final", std::span<const Fp2>(proof.final_coefficients));

  // 3. The last sumcheck claim, finished by the verifier over the remaining variables:
  //    sum_z U'(z) W~(alpha, z), term by term.
  {
    Fp2 expected = Fp2::zero();
    std::vector<Fp2> final_evals;
    for (size_t k = 0; k < claims.size(); ++k) {
      for (const Term& t : claims[k].terms) {
        expected += betas[k] * t.coefficient * final_term_value(t, n, alphas, proof.final_coefficients, final_evals);
      }
    }
    if (expected != claim) reject("final sumcheck claim does not match the final polynomial");
  }

  // 4. Proof of work and queries.
  if (!transcript.check_grind(params.pow_bits, proof.pow_nonce)) reject("proof of work");
  const unsigned m0 = schedule.layer_log_size(0);
  const uint64_t rows0 = uint64_t(1) << (m0 - schedule.k[0]);
  const std::vector<uint64_t> queries = transcript.challenge_indices("pcs.query", rows0, params.num_queries);
  std::vector<size_t> rows(queries.begin(), queries.end());
  const CosetFolder folder(params.fold_arity_log);
  std::vector<size_t> prev_unique;
  std::vector<Fp2> prev_folded;
  auto leaf_salt = [&](const MerkleMultiProof& mp, size_t a) { return hiding ? &mp.salts[a] : nullptr; };
  for (size_t layer = 0; layer < num_layers; ++layer) {
    const std::string name = "layer " + std::to_string(layer);
    const unsigned k = schedule.k[layer];
    const unsigned m = schedule.layer_log_size(layer);
    if (layer > 0) {
      for (size_t& r : rows) r >>= k;
    }
    const std::vector<size_t> unique = sorted_unique(rows);
    const size_t width = size_t(1) << k;
    const size_t num_rows = size_t(1) << (m - k);
    const size_t opened = layer == 0 ? proof.layer0_rows.size() : proof.folded_rows[layer - 1].size();
    if (opened != unique.size() * width) reject("query openings: " + name + " has the wrong number of symbols");
    const MerkleMultiProof& mp = proof.merkle[layer];
    if (hiding ? mp.salts.size() != unique.size() : !mp.salts.empty()) reject("query openings: " + name + " salts");
    std::vector<Digest> leaves(unique.size());
    for (size_t a = 0; a < unique.size(); ++a) {
      leaves[a] = layer == 0 ? MerkleTree::hash_row(std::span<const Fp>(proof.layer0_rows).subspan(a * width, width), leaf_salt(mp, a))
                             : MerkleTree::hash_row(std::span<const Fp2>(proof.folded_rows[layer - 1]).subspan(a * width, width), leaf_salt(mp, a));
    }
    const Digest& root = layer == 0 ? commitment.root : proof.layer_roots[layer - 1];
    if (!MerkleTree::verify(root, num_rows, unique, leaves, mp)) reject("Merkle proof of " + name);

    // Layer 0 in hiding mode: the rows of U are T's rows plus rho times M's, both authenticated.
    std::vector<Fp2> u_rows;
    if (layer == 0 && masked) {
      const size_t words = base_mask ? 1 : 2;  // F_p words per symbol of M
      if (proof.mask_rows.size() != unique.size() * width * words) reject("query openings: mask rows have the wrong number of symbols");
      if (proof.mask_merkle.salts.size() != unique.size()) reject("query openings: mask salts");
      std::vector<Fp2> m_rows(unique.size() * width);
      for (size_t i = 0; i < m_rows.size(); ++i) {
        m_rows[i] = base_mask ? Fp2(proof.mask_rows[i]) : Fp2(proof.mask_rows[2 * i], proof.mask_rows[2 * i + 1]);
      }
      for (size_t a = 0; a < unique.size(); ++a) {
        const Salt* salt = &proof.mask_merkle.salts[a];
        leaves[a] = base_mask ? MerkleTree::hash_row(std::span<const Fp>(proof.mask_rows).subspan(a * width, width), salt)
                              : MerkleTree::hash_row(std::span<const Fp2>(m_rows).subspan(a * width, width), salt);
      }
      if (!MerkleTree::verify(*proof.mask_root, num_rows, unique, leaves, proof.mask_merkle)) reject("Merkle proof of the mask rows");
      u_rows.resize(m_rows.size());
      for (size_t i = 0; i < u_rows.size(); ++i) u_rows[i] = rho * m_rows[i] + proof.layer0_rows[i];
    }

    // The previous layer's folds must reappear as symbols of this layer's rows.
    for (size_t a = 0; a < prev_unique.size(); ++a) {
      const size_t r = prev_unique[a];
      const size_t pos = std::lower_bound(unique.begin(), unique.end(), r >> k) - unique.begin();
      const Fp2 symbol = proof.folded_rows[layer - 1][pos * width + (r & (width - 1))];
      if (symbol != prev_folded[a]) reject("fold consistency between layers " + std::to_string(layer - 1) + " and " + std::to_string(layer));
    }
    const Fp2* a_ptr = alphas.data() + schedule.first_round(layer);
    std::vector<Fp2> folded(unique.size());
    for (size_t a = 0; a < unique.size(); ++a) {
      const Fp g_inv = detail::coset_shift_inverse(m, k, unique[a]);
      if (layer > 0) {
        folded[a] = folder.fold(proof.folded_rows[layer - 1].data() + a * width, k, g_inv, a_ptr);
      } else if (masked) {
        folded[a] = folder.fold(u_rows.data() + a * width, k, g_inv, a_ptr);
      } else {
        folded[a] = folder.fold(proof.layer0_rows.data() + a * width, k, g_inv, a_ptr);
      }
    }
    prev_unique = unique;
    prev_folded = std::move(folded);
  }
  // The last layer's folds are symbols of the final polynomial's codeword.
  const unsigned m_final = schedule.layer_log_size(num_layers);
  const Fp w_final = Fp::root_of_unity(m_final);
  for (size_t a = 0; a < prev_unique.size(); ++a) {
    const Fp x = w_final.pow(bit_reverse(prev_unique[a], m_final));
    if (detail::evaluate_univariate(proof.final_coefficients, x) != prev_folded[a]) {
      reject("final polynomial disagrees with the last folded layer");
    }
  }
}

}  // namespace zk::pcs
