// embedding: rows of a table picked by run-time indices (ONNX Gather on axis 0 of a rank-2 table
// with non-constant indices, i.e. a token embedding):
//   out[s, d] = E[ids[s], d]          E: [V, D], ids: any shape S, out: S + [D]
// Inputs: 0 the table E (a constant in practice, but any tensor works), 1 the indices. An index
// outside [0, V) is an Error naming the node and the position (ONNX's negative indices are refused
// too: a token id is never negative, and accepting them would need a second selected row).
//
// Proof. The prover commits a one-hot matrix H of shape S + [V] with H[s, v] = [v = ids[s]], range
// checked to {0, 1} (range_table(1)). With the driver's point r = (r_D, r_S) on out (r_D on D's
// variables, the lowest; r_S on S's), one challge α and sel_X the real-entry selector of X:
//   (1) out~(r) = Σ_{s,v} eq(r_S, s)·H(s, v)·sel_V(v)·E~(v, r_D)       the selection
//   (2) Σ_s eq(r_S, s)·sel_S(s)·(Σ_{v<V} H(s, v) − 1) = 0                one selected row per index
//   (3) Σ_s eq(r_S, s)·sel_S(s)·(Σ_{v<V} v·H(s, v) − ids(s)) = 0         the selected row is ids[s]
// batched as (1) + α·(2) + α²·(3): one degree-3 sumcheck over H's cube. Its tables are products of
// a table in s alone and one in v alone (whose multilinear extension is the product of theirs) or
// separate factors (a product of two tables in the same variables is not multilinear):
//   eq(r_S, s)·sel_V(v) · E~(v, r_D) · H                    (1)
//   eq(r_S, s)·P(v) · sel_S(s) · H,  P(v) = [v < V]·(α + α²·v)   (2), (3)
//   −α² · eq(r_S, s)·[v = 0] · sel_S(s) · ids(s)            (3)'s indices, once per s
// At the end point ρ = (ρ_V, ρ_S) the prover sends H~(ρ), E~(ρ_V, r_D) and ids~(ρ_S) (claims on
// H, E and ids); the verifier evaluates the rest itself (P~(ρ_V) in O(V)).
//
// Why it is sound. (2) and (3) are zero-checks of per-index polynomials weighted by sel_S (r_S is
// drawn after every commitment, α after r_S), so they hold for every real s. Real entries of H are
// 0 or 1 (the lookup), so (2) leaves exactly one v* < V with H[s, v*] = 1 (V < p), and (3) makes
// ids[s] = v* (no wrap: Σ v·H < V < p). (1) is an identity of multilinear polynomials, so
// out[s, d] = Σ_{v<V} H[s, v]·E[v, d] = E[ids[s], d] for every real (s, d); rows of H beyond V carry
// sel_V and never contribute. Padded s (rows of H the lookup does not see) only reach out's padded
// entries, which no consumer reads (docs/security.md "Padded entries"). An index outside [0, V) has
// no H satisfying (2) and (3), so such a witness cannot be proven; honest execution refuses it.
// Error: the sumcheck's 3·(n_S + n_V)/|K| plus the zero-checks' (n_S + 2)/|K|, over 120 bits.
#include <optional>
#include <string>

#include "layers/layers.hpp"
#include "layers/proof.hpp"
#include "layers/proof_util.hpp"
#include "poly/multilinear.hpp"

namespace zk::layers {

namespace {

void check_table(const IntNode& node, const Shape& e) {
  if (e.size() != 2) throw Error(node.where() + ": the embedding table must have rank 2 (got " + shape_str(e) + ")");
}

std::vector<OutInfo> infer(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 2);
  const Shape& e = in[0]->shape;
  check_table(node, e);
  if (e[0] < 1) throw Error(node.where() + ": empty embedding table");
  Shape out = in[1]->shape;
  out.push_back(e[1]);
  return {{out, in[0]->bound}};
}

// The index at position s, checked against the table's row count.
int64_t row_of(const IntNode& node, const IntTensor& ids, int64_t s, int64_t rows) {
  const int64_t v = ids.data[s];
  if (v < 0 || v >= rows)
    throw Error(node.where() + ": index " + std::to_string(v) + " at position " + std::to_string(s) +
                " is outside the table's rows [0, " + std::to_string(rows) + ")");
  return v;
}

void forward(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor &e = *in[0], &ids = *in[1];
  const int64_t rows = e.shape[0], width = e.shape[1];
  auto dst = out[0].data.begin();
  for (int64_t s = 0; s < ids.size(); ++s) {
    auto src = e.data.begin() + row_of(node, ids, s, rows) * width;
    dst = std::copy(src, src + width, dst);
  }
}

// ---- proof ----

Shape onehot_shape(const Shape& ids, int64_t rows) {
  Shape h = ids;
  h.push_back(rows);
  return h;
}

void plan(const IntNode& node, PlanBuilder& b) {
  const IntGraph& g = b.graph();
  const int h = b.add_aux("onehot", onehot_shape(g.tensors.at(node.inputs[1]).shape, g.tensors.at(node.inputs[0]).shape[0]));
  b.add_lookup(range_table(1), {h});
}

void witness(const IntNode& node, std::span<const IntTensor* const> in, std::span<const IntTensor* const>,
             std::span<IntTensor> aux) {
  const IntTensor &e = *in[0], &ids = *in[1];
  const int64_t rows = e.shape[0];
  IntTensor h(onehot_shape(ids.shape, rows));
  for (int64_t s = 0; s < ids.size(); ++s) h.data[s * rows + row_of(node, ids, s, rows)] = 1;
  aux[0] = std::move(h);
}

struct Points {
  std::vector<Fp2> r_d, r_s;  // the output point split: table columns, index positions
  unsigned v_bits = 0;
};

Points split(const Shape& e, std::span<const Fp2> r) {
  const unsigned d_bits = ceil_log2(static_cast<size_t>(e[1]));
  Points p;
  p.r_d.assign(r.begin(), r.begin() + d_bits);
  p.r_s.assign(r.begin() + d_bits, r.end());
  p.v_bits = ceil_log2(static_cast<size_t>(e[0]));
  return p;
}

// E's point (columns low, rows high).
std::vector<Fp2> table_point(const Points& p, std::span<const Fp2> rho_v) {
  std::vector<Fp2> pt = p.r_d;
  pt.insert(pt.end(), rho_v.begin(), rho_v.end());
  return pt;
}

// Tables: 0 eq(r_S)·sel_V, 1 E~(v, r_D), 2 H, 3 eq(r_S)·P, 4 sel_S, 5 eq(r_S)·[v = 0], 6 ids.
std::vector<sumcheck::Term> terms(Fp2 alpha) {
  return {{Fp2::one(), {0, 1, 2}}, {Fp2::one(), {3, 4, 2}}, {-(alpha * alpha), {5, 4, 6}}};
}

// Spreads a table over the index positions (s high, v low): out[s·|v| + v] = t[v].
template <class T>
std::vector<T> spread_over_positions(const std::vector<T>& t, size_t ns) {
  std::vector<T> out(ns * t.size());
  for (size_t s = 0; s < ns; ++s) std::copy(t.begin(), t.end(), out.begin() + s * t.size());
  return out;
}

// Spreads a table over the table rows (s high, v low): out[s·nv + v] = t[s].
std::vector<Fp> spread_over_rows(const std::vector<Fp>& t, size_t nv) {
  std::vector<Fp> out(t.size() * nv);
  for (size_t s = 0; s < t.size(); ++s) std::fill_n(out.begin() + s * nv, nv, t[s]);
  return out;
}

// The claimed sum: out~(r) plus α·Σ_s eq(r_S, s)·sel_S(s), a public constant (no tensor).
ClaimedSum claimed_sum(const TensorClaim& out, Fp2 alpha, const Shape& ids, const Points& p) {
  ClaimedSum sum(out);
  sum.add(Fp2::one(), -1, {}, alpha * real_selector(ids, p.r_s));
  return sum;
}

// Zero-knowledge mode (docs/zk.md §2) runs this same code: the claimed sum is made of the output's
// twin value and a public constant, E~(v, r_D), H and the ids get their mask twins (the same
// binding and spreading applied to the mask), and every value sent is a twin value.
void prove(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  const int e = node.inputs[0], ids = node.inputs[1], h = ctx.aux()[0];
  const Shape &es = ctx.shape(e), &is = ctx.shape(ids);
  const Points p = split(es, out[0].point);
  const Fp2 alpha = ctx.challenge(), a2 = alpha * alpha;
  const int64_t rows = es[0];
  const size_t nv = size_t(1) << p.v_bits;
  // E~(v, r_D) for every v: bind the column variables.
  std::vector<std::optional<Fp2>> fixed(p.r_d.size() + p.v_bits);
  for (size_t j = 0; j < p.r_d.size(); ++j) fixed[j] = p.r_d[j];
  const auto eq_s = eq_table(p.r_s);
  IntTensor ones(is);
  std::fill(ones.data.begin(), ones.data.end(), 1);
  const auto sel_s = mle_table(ones);
  const size_t ns = eq_s.size();
  auto table_rows = [&](const IntTensor& t) { return spread_over_positions(bind_variables(mle_table(t), fixed), ns); };
  auto ids_rows = [&](const IntTensor& t) { return spread_over_rows(mle_table(t), nv); };
  const auto er_s = spread_over_positions(bind_variables(ctx.mle(e), fixed), ns);
  const auto sel_spread = spread_over_rows(sel_s, nv), ids_spread = spread_over_rows(ctx.mle(ids), nv);
  std::vector<Fp2> eq_sel(ns * nv), eq_p(ns * nv), eq_first(ns * nv);
  for (size_t s = 0; s < ns; ++s) {
    eq_first[s * nv] = eq_s[s];
    for (size_t v = 0; v < nv && static_cast<int64_t>(v) < rows; ++v) {
      eq_sel[s * nv + v] = eq_s[s];
      eq_p[s * nv + v] = eq_s[s] * (alpha + a2 * Fp2(Fp(static_cast<uint64_t>(v))));
    }
  }
  const auto me = ctx.twin(e, table_rows), mh = ctx.twin(h, mle_table), mids = ctx.twin(ids, ids_rows);
  auto mask = [](const std::optional<std::vector<Fp2>>& m) {
    return m ? std::optional<sumcheck::TableRef>(*m) : std::nullopt;
  };
  std::vector<sumcheck::TableRef> tables = {eq_sel, er_s, ctx.mle(h), eq_p, sel_spread, eq_first, ids_spread};
  const std::vector<std::optional<sumcheck::TableRef>> masks = {std::nullopt, mask(me),     mask(mh),    std::nullopt,
                                                                std::nullopt, std::nullopt, mask(mids)};
  auto result = ctx.masked_sumcheck(tables, masks, terms(alpha), claimed_sum(out[0], alpha, is, p));
  const auto& rho = result.point;
  const std::vector<Fp2> rho_v(rho.begin(), rho.begin() + p.v_bits), rho_s(rho.begin() + p.v_bits, rho.end());
  send_evaluation(ctx, h, rho);
  send_evaluation(ctx, e, table_point(p, rho_v));
  send_evaluation(ctx, ids, rho_s);
}

void verify(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  const int e = node.inputs[0], ids = node.inputs[1], h = ctx.aux()[0];
  const Shape &es = ctx.shape(e), &is = ctx.shape(ids);
  const Points p = split(es, out[0].point);
  const Fp2 alpha = ctx.challenge(), a2 = alpha * alpha;
  const bool is_private[7] = {false, ctx.is_private(e), ctx.is_private(h), false, false, false, ctx.is_private(ids)};
  auto claim = ctx.masked_sumcheck(static_cast<unsigned>(p.r_s.size() + p.v_bits), terms(alpha), is_private,
                                   claimed_sum(out[0], alpha, is, p));
  const auto& rho = claim.point;
  const std::vector<Fp2> rho_v(rho.begin(), rho.begin() + p.v_bits), rho_s(rho.begin() + p.v_bits, rho.end());
  const Fp2 vh = receive_evaluation(ctx, h, rho);
  const Fp2 ve = receive_evaluation(ctx, e, table_point(p, rho_v));
  const Fp2 vids = receive_evaluation(ctx, ids, rho_s);
  const int64_t rows = es[0];
  const auto eq_v = eq_table(rho_v);
  Fp2 weighted_rows = Fp2::zero();  // Σ_{v<V} eq(ρ_V, v)·v
  for (int64_t v = 1; v < rows; ++v) weighted_rows += eq_v[v] * Fp2(Fp(static_cast<uint64_t>(v)));
  const Fp2 eq_s = eq_eval(p.r_s, rho_s), sel_v = prefix_selector(rho_v, rows);
  const std::vector<Fp2> evals = {eq_s * sel_v, ve, vh, eq_s * (alpha * sel_v + a2 * weighted_rows),
                                  real_selector(is, rho_s), eq_s * eq_eval_at_index(rho_v, 0), vids};
  ctx.check_final(claim, evals, terms(alpha));
}

const LayerProofDef kEmbeddingProof{plan, witness, prove, verify, true};

}  // namespace

const LayerDef kEmbeddingLayer{"embedding", 2, 2, 1, infer, forward, &kEmbeddingProof};

}  // namespace zk::layers
