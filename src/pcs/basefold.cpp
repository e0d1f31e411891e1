// BaseFold over Reed-Solomon: commit, batched open, verify. The protocol is described step by
// step in docs/pcs.md; comments here explain the choices that are not obvious from that text.
#include <omp.h>

#include <algorithm>
#include <string>

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

void absorb_header(Transcript& t, const Commitment& c, std::span<const Claim> claims) {
  const PcsParams& p = c.params;
  t.absorb("pcs.root", c.root);
  t.absorb("pcs.params", uint64_t(p.log_inv_rate) | uint64_t(p.fold_arity_log) << 8 |
                             uint64_t(p.pow_bits) << 16 | uint64_t(p.final_log_size) << 24 |
                             uint64_t(p.hiding) << 32 | uint64_t(p.num_queries) << 40);
  t.absorb("pcs.total_vars", uint64_t(c.layout.total_vars));
  t.absorb("pcs.num_polys", uint64_t(c.layout.polys.size()));
  for (const Placement& pl : c.layout.polys) t.absorb("pcs.poly_vars", uint64_t(pl.num_vars));
  t.absorb("pcs.num_claims", uint64_t(claims.size()));
  for (const Claim& cl : claims) {
    t.absorb("pcs.claim_poly", uint64_t(cl.poly));
    t.absorb("pcs.claim_point", std::span<const Fp2>(cl.point));
    t.absorb("pcs.claim_value", cl.value);
  }
}

// The point of claim k in the big table's coordinates: its own point, then the bits that select
// its subcube.
std::vector<Fp2> full_point(const Placement& pl, std::span<const Fp2> point, unsigned total_vars) {
  std::vector<Fp2> q(point.begin(), point.end());
  const uint64_t high = pl.offset >> pl.num_vars;
  for (unsigned j = pl.num_vars; j < total_vars; ++j) q.push_back(((high >> (j - pl.num_vars)) & 1) ? Fp2::one() : Fp2::zero());
  return q;
}

// Sums of the degree-2 round polynomial of sum_y b(y) w(y) over x_0, at x_0 = 0, 1, 2.
template <typename F>
std::array<Fp2, 3> round_sums(std::span<const F> b, std::span<const Fp2> w) {
  const int64_t half = static_cast<int64_t>(b.size() / 2);
  Fp2 g0, g1, g2;
#pragma omp parallel if (half >= 8192)
  {
    Fp2 l0, l1, l2;
#pragma omp for schedule(static) nowait
    for (int64_t j = 0; j < half; ++j) {
      const F b0 = b[2 * j], b1 = b[2 * j + 1];
      const Fp2 w0 = w[2 * j], w1 = w[2 * j + 1];
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

// Binds x_0 = alpha in both tables and returns the next round's sums from the same pass: the
// tables are read once per round instead of twice (the sumcheck is memory-bound at 2^24).
template <typename F>
std::array<Fp2, 3> bind_and_sum(std::span<const F> b, std::span<const Fp2> w, Fp2 alpha, std::vector<Fp2>& b_out,
                                std::vector<Fp2>& w_out) {
  const int64_t quarter = static_cast<int64_t>(b.size() / 4);
  b_out.resize(b.size() / 2);
  w_out.resize(b.size() / 2);
  Fp2 g0, g1, g2;
#pragma omp parallel if (quarter >= 4096)
  {
    Fp2 l0, l1, l2;
#pragma omp for schedule(static) nowait
    for (int64_t j = 0; j < quarter; ++j) {
      const F* bi = b.data() + 4 * j;
      const Fp2* wi = w.data() + 4 * j;
      const Fp2 b0 = Fp2(bi[0]) + alpha * (bi[1] - bi[0]);
      const Fp2 b1 = Fp2(bi[2]) + alpha * (bi[3] - bi[2]);
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

}  // namespace

std::pair<Commitment, std::unique_ptr<ProverData>> commit(std::span<const std::vector<Fp>> polys,
                                                           const PcsParams& params) {
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
    auto mask = random_fp_vector(size_t(1) << c.layout.mask->num_vars);
    std::copy(mask.begin(), mask.end(), data->table.begin() + c.layout.mask->offset);
  }
  {
    std::vector<Fp> coefficients = data->table;
    evaluations_to_coefficients(coefficients);
    data->codeword = low_degree_extend_bitrev(coefficients, params.log_inv_rate);
  }
  const Schedule schedule = detail::make_schedule(c.layout.total_vars, params);
  data->tree = std::make_unique<MerkleTree>(std::span<const Fp>(data->codeword), size_t(1) << schedule.k[0],
                                            params.hiding);
  c.root = data->tree->root();
  Commitment out = c;
  return {std::move(out), std::move(data)};
}

OpeningProof open(const ProverData& data, std::span<const Claim> claims, Transcript& transcript) {
  const Commitment& c = data.commitment;
  const Layout& layout = c.layout;
  const PcsParams& params = c.params;
  const unsigned n = layout.total_vars;
  for (size_t i = 0; i < claims.size(); ++i) {
    if (claims[i].poly >= layout.polys.size()) throw Error("pcs open: claim " + std::to_string(i) + " names no polynomial");
    if (claims[i].point.size() != layout.polys[claims[i].poly].num_vars) {
      throw Error("pcs open: claim " + std::to_string(i) + " has a point of the wrong length");
    }
  }
  absorb_header(transcript, c, claims);
  const Schedule schedule = detail::make_schedule(n, params);
  OpeningProof proof;

  // 1. Batch every claim into one: sum_y big(y) W(y) = sum_k beta_k v_k.
  std::vector<Fp2> mask_point;
  if (layout.mask) {
    mask_point = transcript.challenge_ext_vector("pcs.mask_point", layout.mask->num_vars);
    const Fp2 v = evaluate_mle(
        std::span<const Fp>(data.table).subspan(layout.mask->offset, size_t(1) << layout.mask->num_vars), mask_point);
    transcript.absorb("pcs.mask_value", v);
    proof.mask_value = v;
  }
  const size_t num_terms = claims.size() + (layout.mask ? 1 : 0);
  const std::vector<Fp2> betas = transcript.challenge_ext_vector("pcs.batch", num_terms);
  Fp2 claim = Fp2::zero();
  std::vector<Fp2> w;
  auto add_term = [&](const Placement& pl, std::span<const Fp2> point, Fp2 beta) {
    if (w.empty() && pl.num_vars == n) {
      w = eq_table(point, beta);  // one polynomial filling the table: no zero pass, no temporary
      return;
    }
    if (w.empty()) w.assign(size_t(1) << n, Fp2::zero());
    const std::vector<Fp2> eq = eq_table(point, beta);
    const int64_t size = static_cast<int64_t>(eq.size());
    Fp2* dst = w.data() + pl.offset;
#pragma omp parallel for if (size >= 65536) schedule(static)
    for (int64_t i = 0; i < size; ++i) dst[i] += eq[i];
  };
  for (size_t k = 0; k < claims.size(); ++k) {
    add_term(layout.polys[claims[k].poly], claims[k].point, betas[k]);
    claim += betas[k] * claims[k].value;
  }
  if (layout.mask) {
    add_term(*layout.mask, mask_point, betas.back());
    claim += betas.back() * *proof.mask_value;
  }
  if (w.empty()) w.assign(size_t(1) << n, Fp2::zero());  // no claims at all

  // 2. Sumcheck over big * W, binding x_0 first; the same challenges fold the codeword, and after
  //    each group of k rounds the folded codeword gets its own Merkle tree.
  std::vector<Fp2> alphas;
  std::vector<Fp2> b;  // the big table once it has left the base field
  std::vector<std::vector<Fp2>> layers;  // folded codewords, layers 1 .. L-1
  std::vector<std::unique_ptr<MerkleTree>> trees;
  std::array<Fp2, 3> g{};
  if (schedule.s > 0) {
    g = round_sums(std::span<const Fp>(data.table), std::span<const Fp2>(w));
    if (g[0] + g[1] != claim) throw Error("pcs open: the claimed values do not match the committed polynomials");
  }
  std::vector<Fp2> b_next, w_next;
  for (size_t layer = 0; layer < schedule.num_layers(); ++layer) {
    for (unsigned step = 0; step < schedule.k[layer]; ++step) {
      proof.sumcheck.push_back(g);
      transcript.absorb("pcs.round", std::span<const Fp2>(g));
      const Fp2 alpha = transcript.challenge_ext("pcs.alpha");
      alphas.push_back(alpha);
      if (alphas.size() < schedule.s) {
        g = alphas.size() == 1 ? bind_and_sum(std::span<const Fp>(data.table), std::span<const Fp2>(w), alpha, b_next, w_next)
                               : bind_and_sum(std::span<const Fp2>(b), std::span<const Fp2>(w), alpha, b_next, w_next);
        // Move, not swap: the larger previous tables are freed rather than kept as scratch.
        b = std::move(b_next);
        w = std::move(w_next);
        b_next = {};
        w_next = {};
      } else if (alphas.size() == 1) {
        b = fix_first_variable(std::span<const Fp>(data.table), alpha);
      } else {
        fix_first_variable_in_place(b, alpha);
      }
    }
    if (layer + 1 < schedule.num_layers()) {
      // The next layer is the fold of this one by the round challenges; an honest prover gets the
      // same word by re-encoding the bound table's coefficients, which costs a few NTTs instead
      // of ~2^k multiplications per symbol (tests check the two agree).
      std::vector<Fp2> coefficients = b;
      detail::evaluations_to_coefficients_ext(coefficients);
      std::vector<Fp2> next = encode_ext(coefficients, params.log_inv_rate);
      trees.push_back(std::make_unique<MerkleTree>(std::span<const Fp2>(next), size_t(1) << schedule.k[layer + 1],
                                                   params.hiding));
      layers.push_back(std::move(next));
      proof.layer_roots.push_back(trees.back()->root());
      transcript.absorb("pcs.layer_root", proof.layer_roots.back());
    }
  }

  // 3. The last message in clear, as monomial coefficients (= the univariate's coefficients).
  if (schedule.s == 0) {
    Fp2 sum = Fp2::zero();
    for (size_t i = 0; i < data.table.size(); ++i) sum += w[i] * data.table[i];
    if (sum != claim) throw Error("pcs open: the claimed values do not match the committed polynomials");
    proof.final_coefficients.assign(data.table.begin(), data.table.end());
  } else {
    proof.final_coefficients = std::move(b);
  }
  w = {};
  w_next = {};
  b_next = {};
  detail::evaluations_to_coefficients_ext(proof.final_coefficients);
  transcript.absorb("pcs.final", std::span<const Fp2>(proof.final_coefficients));

  // 4. Grinding, then the queries: one row per layer per query, found by shifting the index.
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
      }
      proof.merkle.push_back(data.tree->open(unique));
    } else {
      const std::vector<Fp2>& cw = layers[layer - 1];
      std::vector<Fp2> opened;
      opened.reserve(unique.size() * width);
      for (size_t r : unique) opened.insert(opened.end(), cw.begin() + r * width, cw.begin() + (r + 1) * width);
      proof.folded_rows.push_back(std::move(opened));
      proof.merkle.push_back(trees[layer - 1]->open(unique));
    }
  }
  return proof;
}

void verify(const Commitment& commitment, std::span<const Claim> claims, const OpeningProof& proof,
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
  for (size_t i = 0; i < claims.size(); ++i) {
    if (claims[i].poly >= layout.polys.size()) reject("claim " + std::to_string(i) + " names no polynomial");
    if (claims[i].point.size() != layout.polys[claims[i].poly].num_vars) {
      reject("claim " + std::to_string(i) + " has a point of the wrong length");
    }
  }
  absorb_header(transcript, commitment, claims);
  const Schedule schedule = detail::make_schedule(n, params);
  const size_t num_layers = schedule.num_layers();

  // Shape first, so that nothing below indexes out of range on a hostile proof.
  if (proof.mask_value.has_value() != layout.mask.has_value()) reject("proof shape: mask value");
  if (proof.sumcheck.size() != schedule.s) reject("proof shape: number of sumcheck rounds");
  if (proof.layer_roots.size() != num_layers - 1) reject("proof shape: number of layer roots");
  if (proof.final_coefficients.size() != (size_t(1) << schedule.final_vars())) reject("proof shape: final polynomial size");
  if (proof.folded_rows.size() != num_layers - 1) reject("proof shape: number of folded layers opened");
  if (proof.merkle.size() != num_layers) reject("proof shape: number of Merkle proofs");

  // 1. Batching.
  std::vector<Fp2> mask_point;
  if (layout.mask) {
    mask_point = transcript.challenge_ext_vector("pcs.mask_point", layout.mask->num_vars);
    transcript.absorb("pcs.mask_value", *proof.mask_value);
  }
  const size_t num_terms = claims.size() + (layout.mask ? 1 : 0);
  const std::vector<Fp2> betas = transcript.challenge_ext_vector("pcs.batch", num_terms);
  Fp2 claim = Fp2::zero();
  for (size_t k = 0; k < claims.size(); ++k) claim += betas[k] * claims[k].value;
  if (layout.mask) claim += betas.back() * *proof.mask_value;

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
  //    sum_z big'(z) W~(alpha, z) = sum_k beta_k eq(q_k[..s], alpha) big'~(q_k[s..]).
  {
    const size_t s = schedule.s;
    Fp2 expected = Fp2::zero();
    auto term = [&](const Placement& pl, std::span<const Fp2> point, Fp2 beta) {
      const std::vector<Fp2> q = full_point(pl, point, n);
      const std::span<const Fp2> qs(q);
      return beta * eq_eval(qs.first(s), alphas) *
             detail::evaluate_monomial_multilinear(proof.final_coefficients, qs.subspan(s));
    };
    for (size_t k = 0; k < claims.size(); ++k) expected += term(layout.polys[claims[k].poly], claims[k].point, betas[k]);
    if (layout.mask) expected += term(*layout.mask, mask_point, betas.back());
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
  for (size_t layer = 0; layer < num_layers; ++layer) {
    const std::string name = "layer " + std::to_string(layer);
    const unsigned k = schedule.k[layer];
    const unsigned m = schedule.layer_log_size(layer);
    if (layer > 0) {
      for (size_t& r : rows) r >>= k;
    }
    const std::vector<size_t> unique = sorted_unique(rows);
    const size_t width = size_t(1) << k;
    const size_t opened = layer == 0 ? proof.layer0_rows.size() : proof.folded_rows[layer - 1].size();
    if (opened != unique.size() * width) reject("query openings: " + name + " has the wrong number of symbols");
    const MerkleMultiProof& mp = proof.merkle[layer];
    if (params.hiding ? mp.salts.size() != unique.size() : !mp.salts.empty()) reject("query openings: " + name + " salts");
    std::vector<Digest> leaves(unique.size());
    for (size_t a = 0; a < unique.size(); ++a) {
      const Salt* salt = params.hiding ? &mp.salts[a] : nullptr;
      leaves[a] = layer == 0 ? MerkleTree::hash_row(std::span<const Fp>(proof.layer0_rows).subspan(a * width, width), salt)
                             : MerkleTree::hash_row(std::span<const Fp2>(proof.folded_rows[layer - 1]).subspan(a * width, width), salt);
    }
    const Digest& root = layer == 0 ? commitment.root : proof.layer_roots[layer - 1];
    if (!MerkleTree::verify(root, size_t(1) << (m - k), unique, leaves, mp)) reject("Merkle proof of " + name);

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
      folded[a] = layer == 0 ? folder.fold(proof.layer0_rows.data() + a * width, k, g_inv, a_ptr)
                             : folder.fold(proof.folded_rows[layer - 1].data() + a * width, k, g_inv, a_ptr);
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
