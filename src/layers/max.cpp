// Maxima.
//   maxpool:    2-D max pooling of [N, C, H, W]; attributes kernel [2], strides [2],
//               pads [4] (top, left, bottom, right), dilations [2]. Padded cells are not
//               candidates (ONNX pads with −inf).
//   max / min:  element-wise over two inputs with broadcasting (both at the same scale).
//   reduce_max: max over `axes` (keepdims 0/1); GlobalMaxPool is reduce_max over {2, 3}.
//
// Proofs. y = max_i x_i needs y ≥ x_i for every candidate and y = x_i for one of them. The first
// is a range check of the gaps D_i = y − x_i ≥ 0 (committed limbs, range_check.hpp). For the
// second:
//   max / min (2 candidates): the product argument D_a·D_b = 0, a degree-3 zero-check
//     sum_b eq(r, b)·D_a(b)·D_b(b) = 0 at the driver's point r; no extra column. Then, at the
//     sumcheck's point s, the prover sends the limbs of D_a, D_b and y~(s), a~, b~ at the broadcast
//     points, and the verifier checks D_a~(s) = y~(s) − a'~(s), D_b~(s) = y~(s) − b'~(s) (signs
//     flipped for min). Over F_p the product of two integers in [0, 2^b) is 0 only if one is 0.
//   maxpool, reduce_max (K candidates per output): a product of K gaps would need a degree-(K+1)
//     sumcheck (over our limit of 4 for a 2x2 window) or K − 1 committed partial products, so the
//     prover instead commits a one-hot selector S (range_table(1)) with D, both laid out as one
//     entry per (output, candidate), and proves per real output o
//         sum_i S_i·(1 + γ·D_i) = 1
//     with one degree-3 sumcheck (γ drawn after the commitments, r from the driver). For random γ
//     this is sum_i S_i = 1 and sum_i S_i·D_i = 0. As integers S_i ∈ {0,1}, so exactly one S_i is 1
//     (K < p), and sum S_i·D_i < K·2^b < p (checked at plan time) makes every S_i·D_i = 0: the
//     selected gap is 0, so y equals that candidate, and every gap is ≥ 0, so y is their maximum.
//     The gap relation D = y − x is linear: for reduce_max it is checked at s directly (y broadcast
//     along the reduced axes); for maxpool x is read through the window map, so a second sumcheck
//     over the input's spatial variables evaluates the gathered input with the public window
//     weights (proof_util.hpp window_weights), which the verifier evaluates per dimension.
//   MaxPool's out-of-input taps take the public value V = −2^(Wn−1) (n = the number of gap limbs,
//     chosen with 2^(Wn−1) > the input bound B). Their gap y − V stays in the limbs' range, and
//     selecting one would force y = V < −B ≤ every real candidate, making some real gap negative,
//     which the range check refuses: padded cells can never be the maximum.
//
// Zero-knowledge mode (docs/zk.md §2) runs the same sumchecks through the context: masked, with the
// limbed columns' mask twins (limbs_twin) and the sums' public constants (known_sum). The linear
// checks at the sumcheck's point (max / min's D = ±(y − x'), reduce_max's D = y' − x) relate twin
// values with independent masks, which no longer satisfy them, so in ZK mode they join the
// sumcheck as eq-weighted zero-check terms under fresh challenges (add_gap_terms); maxpool's second
// sumcheck, whose claimed sum is built from y~ and D~, takes them as the sent twin values of y and
// of D's limbs (parts of its ClaimedSum).
#include <optional>
#include <set>

#include "layers/layers.hpp"
#include "layers/proof.hpp"
#include "layers/proof_util.hpp"
#include "layers/range_check.hpp"
#include "poly/multilinear.hpp"

namespace zk::layers {

// Shared with pool.cpp (sum pooling has the same window geometry).
Pool2D pool_geometry(const IntNode& node, const Shape& x) {
  if (x.size() != 4) throw Error(node.where() + ": only 2-D pooling of a rank-4 input is supported");
  auto k = node.vec("kernel");
  auto s = node.vec("strides", {1, 1});
  auto p = node.vec("pads", {0, 0, 0, 0});
  auto d = node.vec("dilations", {1, 1});
  if (k.size() != 2 || s.size() != 2 || p.size() != 4 || d.size() != 2)
    throw Error(node.where() + ": kernel/strides/dilations need 2 values and pads 4");
  Pool2D g{k[0], k[1], s[0], s[1], p[0], p[1], p[2], p[3], d[0], d[1], 0, 0};
  const int64_t geo[] = {g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, g.pb, g.pr, g.dh, g.dw};
  check_geometry(node, geo, "kernel, stride, pad or dilation");
  for (int64_t v : {g.kh, g.kw, g.sh, g.sw, g.dh, g.dw})
    if (v < 1) throw Error(node.where() + ": kernel, strides and dilations must be >= 1");
  for (int64_t v : p)
    if (v < 0) throw Error(node.where() + ": negative pads");
  const int64_t eh = x[2] + g.pt + g.pb - g.dh * (g.kh - 1) - 1, ew = x[3] + g.pl + g.pr - g.dw * (g.kw - 1) - 1;
  if (eh < 0 || ew < 0) throw Error(node.where() + ": window larger than the padded input");
  g.oh = eh / g.sh + 1;
  g.ow = ew / g.sw + 1;
  return g;
}

namespace {

std::vector<OutInfo> infer_maxpool(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  const Shape& x = in[0]->shape;
  Pool2D g = pool_geometry(node, x);
  return {{Shape{x[0], x[1], g.oh, g.ow}, in[0]->bound}};
}

void forward_maxpool(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor& x = *in[0];
  Pool2D g = pool_geometry(node, x.shape);
  const int64_t planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3];
  for (int64_t p = 0; p < planes; ++p) {
    const int64_t* xp = x.data.data() + p * h * w;
    int64_t* yp = out[0].data.data() + p * g.oh * g.ow;
    for (int64_t oy = 0; oy < g.oh; ++oy)
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        bool any = false;
        int64_t best = 0;
        for (int64_t i = 0; i < g.kh; ++i) {
          const int64_t iy = oy * g.sh - g.pt + i * g.dh;
          if (iy < 0 || iy >= h) continue;
          for (int64_t j = 0; j < g.kw; ++j) {
            const int64_t ix = ox * g.sw - g.pl + j * g.dw;
            if (ix < 0 || ix >= w) continue;
            const int64_t v = xp[iy * w + ix];
            if (!any || v > best) best = v;
            any = true;
          }
        }
        if (!any) throw Error(node.where() + ": a pooling window lies entirely in the padding");
        yp[oy * g.ow + ox] = best;
      }
  }
}

std::vector<OutInfo> infer_maxmin(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 2);
  return {{broadcast_shapes(node, in[0]->shape, in[1]->shape), std::max(in[0]->bound, in[1]->bound)}};
}

template <bool Max>
void forward_maxmin(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor &a = *in[0], &b = *in[1];
  IntTensor& y = out[0];
  auto sa = broadcast_strides(a.shape, y.shape), sb = broadcast_strides(b.shape, y.shape);
  for_each_broadcast(y.shape, sa, sb, [&](int64_t o, int64_t ia, int64_t ib) {
    y.data[o] = Max ? std::max(a.data[ia], b.data[ib]) : std::min(a.data[ia], b.data[ib]);
  });
}

}  // namespace

ReduceGeo reduce_geometry(const IntNode& node, const Shape& x) {
  const auto rank = static_cast<int64_t>(x.size());
  std::set<int64_t> axes;
  auto given = node.vec("axes", {});
  if (given.empty())
    for (int64_t a = 0; a < rank; ++a) axes.insert(a);
  for (int64_t a : given) axes.insert(norm_axis(node, a, rank));
  const bool keep = node.get("keepdims", 1) != 0;
  ReduceGeo r;
  r.in_strides = strides_of(x);
  r.count = 1;
  for (int64_t d = 0; d < rank; ++d) {
    if (axes.count(d)) {
      r.count *= x[d];
      r.reduced.push_back(d);
      if (keep) r.out.push_back(1);
    } else {
      r.kept.push_back(d);
      r.out.push_back(x[d]);
    }
  }
  return r;
}

void for_each_reduction(const Shape& x, const ReduceGeo& r, const std::function<void(int64_t, int64_t)>& f) {
  // Output index o enumerates kept dims in order; each input element maps to exactly one o.
  const int64_t n = numel(x);
  std::vector<int64_t> kept_strides(r.kept.size(), 1);
  for (size_t k = r.kept.size(); k-- > 1;) kept_strides[k - 1] = kept_strides[k] * x[r.kept[k]];
  std::vector<int64_t> idx(x.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t o = 0;
    for (size_t k = 0; k < r.kept.size(); ++k) o += idx[r.kept[k]] * kept_strides[k];
    f(o, i);
    for (size_t d = x.size(); d-- > 0;) {
      if (++idx[d] < x[d]) break;
      idx[d] = 0;
    }
  }
}

namespace {

std::vector<OutInfo> infer_reduce_max(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  return {{reduce_geometry(node, in[0]->shape).out, in[0]->bound}};
}

void forward_reduce_max(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor& x = *in[0];
  ReduceGeo r = reduce_geometry(node, x.shape);
  if (r.count == 0) throw Error(node.where() + ": max over an empty set");
  std::vector<char> seen(out[0].data.size(), 0);
  auto& y = out[0].data;
  for_each_reduction(x.shape, r, [&](int64_t o, int64_t i) {
    if (!seen[o] || x.data[i] > y[o]) y[o] = x.data[i];
    seen[o] = 1;
  });
}

// ---- proofs ----

int64_t bound_of(const IntGraph& g, int tensor) { return g.tensors.at(tensor).bound; }

// ---- zero-knowledge helpers (docs/zk.md §2) ----

std::optional<sumcheck::TableRef> as_ref(const std::optional<std::vector<Fp2>>& mask) {
  return mask ? std::optional<sumcheck::TableRef>(*mask) : std::nullopt;
}

// A limbed column's value at `point` (open_limbs, one limb at a time), each limb also added to
// `sum` as the part c·2^shift·limb: a later sumcheck whose claimed sum contains the column is, in
// ZK mode, made of the twin values the node sent (docs/zk.md §2.4), which are the limbs'.
template <class Ctx>
Fp2 open_limbs_into(Ctx& ctx, const Limbs& limbs, const std::vector<Fp2>& point, ClaimedSum& sum, Fp2 c) {
  Fp2 total;
  unsigned shift = 0;
  for (size_t j = 0; j < limbs.ids.size(); ++j) {
    const Fp2 v = open_limbs(ctx, Limbs{{limbs.ids[j]}, {limbs.widths[j]}}, point);
    const Fp scale(uint64_t(1) << shift);
    sum.add(c * scale, limbs.ids[j], point, v);
    total += v * scale;
    shift += limbs.widths[j];
  }
  return total;
}

// c·eq(r2, .)·(D - σ(Y - X)) over the tables (eq, d, y, x): in ZK mode the gap relation D = σ(Y - X)
// joins the sumcheck as a zero-check, since the plain linear check of sent values fails for twins.
void add_gap_terms(std::vector<sumcheck::Term>& terms, Fp2 c, bool max, uint32_t eq, uint32_t d, uint32_t y,
                   uint32_t x) {
  const Fp2 sc = max ? c : -c;
  terms.push_back({c, {eq, d}});
  terms.push_back({-sc, {eq, y}});
  terms.push_back({sc, {eq, x}});
}

// ---- max / min: gaps and the product argument ----

// Both gaps get the same width, so the witness (which cannot see bounds) splits the aux in halves.
unsigned maxmin_gap_bits(const IntNode& node, const IntGraph& g) {
  const Wide by = std::max(bound_of(g, node.inputs[0]), bound_of(g, node.inputs[1]));
  return bits_for(2 * by);
}

void plan_maxmin(const IntNode& node, PlanBuilder& b) {
  const Shape& y = b.graph().tensors.at(node.outputs[0]).shape;
  const unsigned bits = maxmin_gap_bits(node, b.graph());
  plan_limbs(b, "gap-a", y, bits);
  plan_limbs(b, "gap-b", y, bits);
}

template <bool Max>
void witness_maxmin(const IntNode&, std::span<const IntTensor* const> in, std::span<const IntTensor* const> out,
                    std::span<IntTensor> aux) {
  const IntTensor &a = *in[0], &b = *in[1], &y = *out[0];
  IntTensor da(y.shape), db(y.shape);
  auto sa = broadcast_strides(a.shape, y.shape), sb = broadcast_strides(b.shape, y.shape);
  for_each_broadcast(y.shape, sa, sb, [&](int64_t o, int64_t ia, int64_t ib) {
    da.data[o] = Max ? y.data[o] - a.data[ia] : a.data[ia] - y.data[o];
    db.data[o] = Max ? y.data[o] - b.data[ib] : b.data[ib] - y.data[o];
  });
  size_t cursor = 0;
  fill_limbs(da, aux.size() / 2, aux, cursor);
  fill_limbs(db, aux.size() / 2, aux, cursor);
}

const std::vector<sumcheck::Term>& product_terms() {
  static const std::vector<sumcheck::Term> terms = {{Fp2::one(), {0, 1, 2}}};
  return terms;
}

template <bool Max>
void prove_maxmin(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  const unsigned bits = maxmin_gap_bits(node, ctx.graph());
  size_t cursor = 0;
  const Limbs la = take_limbs(ctx.aux(), cursor, bits), lb = take_limbs(ctx.aux(), cursor, bits);
  const auto& r = out[0].point;
  const unsigned n = static_cast<unsigned>(r.size());
  const int a = node.inputs[0], b = node.inputs[1], y = node.outputs[0];
  const Shape& ys = ctx.shape(y);
  const auto eq = eq_table(r);
  const auto ta = limbs_table(ctx, la, n), tb = limbs_table(ctx, lb, n);
  const auto ma = limbs_twin(ctx, la, n), mb = limbs_twin(ctx, lb, n);
  std::vector<sumcheck::TableRef> tables = {eq, ta, tb};
  std::vector<std::optional<sumcheck::TableRef>> masks = {std::nullopt, as_ref(ma), as_ref(mb)};
  std::vector<sumcheck::Term> terms = product_terms();
  std::vector<Fp> ab, bb;
  std::optional<std::vector<Fp2>> my, mab, mbb;
  if (ctx.zk()) {
    const Fp2 gamma = ctx.challenge();
    add_gap_terms(terms, gamma, Max, 0, 1, 3, 4);
    add_gap_terms(terms, gamma * gamma, Max, 0, 2, 3, 5);
    auto spread = [&](const IntTensor& t) { return broadcast_table(t, ys); };
    ab = spread(ctx.value(a));
    bb = spread(ctx.value(b));
    my = ctx.twin(y, [](const IntTensor& t) { return mle_table(t); });
    mab = ctx.twin(a, spread);
    mbb = ctx.twin(b, spread);
    tables.insert(tables.end(), {ctx.mle(y), ab, bb});
    masks.insert(masks.end(), {as_ref(my), as_ref(mab), as_ref(mbb)});
  }
  auto result = ctx.masked_sumcheck(tables, masks, terms, known_sum(Fp2()));
  const auto& s = result.point;
  open_limbs(ctx, la, s);
  open_limbs(ctx, lb, s);
  send_evaluation(ctx, y, s);
  send_evaluation(ctx, a, broadcast_point(ctx.shape(a), ys, s).point);
  send_evaluation(ctx, b, broadcast_point(ctx.shape(b), ys, s).point);
}

template <bool Max>
void verify_maxmin(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  const unsigned bits = maxmin_gap_bits(node, ctx.graph());
  size_t cursor = 0;
  const Limbs la = take_limbs(ctx.aux(), cursor, bits), lb = take_limbs(ctx.aux(), cursor, bits);
  const auto& r = out[0].point;
  const int a = node.inputs[0], b = node.inputs[1], y = node.outputs[0];
  std::vector<sumcheck::Term> terms = product_terms();
  if (ctx.zk()) {
    const Fp2 gamma = ctx.challenge();
    add_gap_terms(terms, gamma, Max, 0, 1, 3, 4);
    add_gap_terms(terms, gamma * gamma, Max, 0, 2, 3, 5);
  }
  const bool is_private[6] = {false, true, true, ctx.is_private(y), ctx.is_private(a), ctx.is_private(b)};
  auto claim = ctx.masked_sumcheck(static_cast<unsigned>(r.size()), terms,
                                   std::span<const bool>(is_private, ctx.zk() ? 6 : 3), known_sum(Fp2()));
  const auto& s = claim.point;
  const Fp2 da = open_limbs(ctx, la, s), db = open_limbs(ctx, lb, s);
  const Fp2 vy = receive_evaluation(ctx, y, s);
  const auto pa = broadcast_point(ctx.shape(a), ctx.shape(y), s), pb = broadcast_point(ctx.shape(b), ctx.shape(y), s);
  const Fp2 va = receive_evaluation(ctx, a, pa.point) * pa.factor, vb = receive_evaluation(ctx, b, pb.point) * pb.factor;
  std::vector<Fp2> evaluations = {eq_eval(r, s), da, db};
  if (ctx.zk()) evaluations.insert(evaluations.end(), {vy, va, vb});
  ctx.check_final(claim, evaluations, terms);
  if (!ctx.zk() && (da != (Max ? vy - va : va - vy) || db != (Max ? vy - vb : vb - vy)))
    throw VerifyError("a gap column does not match the output and its inputs");
}

// ---- one-hot selection (maxpool, reduce_max) ----

// sum_b E(b)·S(b)·(1 + γ·D(b)): tables E, S, D.
std::vector<sumcheck::Term> selection_terms(Fp2 gamma) { return {{Fp2::one(), {0, 1}}, {gamma, {0, 1, 2}}}; }

// sum_i S_i·D_i < K·2^bits must stay below p for the selection argument (see the header).
void check_selection_size(const IntNode& node, int64_t candidates, unsigned bits) {
  if (bits > 62 || Wide(candidates) * (Wide(1) << bits) >= Wide(Fp::kModulus))
    throw Error(node.where() + ": " + std::to_string(candidates) + " candidates of " + std::to_string(bits) +
                "-bit gaps are too many for a sound max proof");
}

// ---- reduce_max ----

Shape keep_shape(const Shape& x, const ReduceGeo& g) {
  Shape k = x;
  for (int64_t d : g.reduced) k[d] = 1;
  return k;
}

unsigned reduce_gap_bits(const IntNode& node, const IntGraph& g) {
  return bits_for(2 * Wide(bound_of(g, node.inputs[0])));
}

void plan_reduce_max(const IntNode& node, PlanBuilder& b) {
  const Shape& x = b.graph().tensors.at(node.inputs[0]).shape;
  const unsigned bits = reduce_gap_bits(node, b.graph());
  check_selection_size(node, reduce_geometry(node, x).count, bits);
  plan_limbs(b, "selector", x, 1);
  plan_limbs(b, "gap", x, bits);
}

void witness_reduce_max(const IntNode& node, std::span<const IntTensor* const> in,
                        std::span<const IntTensor* const> out, std::span<IntTensor> aux) {
  const IntTensor &x = *in[0], &y = *out[0];
  const ReduceGeo g = reduce_geometry(node, x.shape);
  IntTensor sel(x.shape), gap(x.shape);
  std::vector<char> chosen(y.data.size(), 0);
  for_each_reduction(x.shape, g, [&](int64_t o, int64_t i) {
    gap.data[i] = y.data[o] - x.data[i];
    if (gap.data[i] == 0 && !chosen[o]) sel.data[i] = chosen[o] = 1;
  });
  size_t cursor = 0;
  fill_limbs(sel, 1, aux, cursor);
  fill_limbs(gap, aux.size() - 1, aux, cursor);
}

// E(b) = eq(r, kept coordinates of b) where b's reduced coordinates are real, else 0: the group
// sums of a Grouping whose reduced dimensions are those keep shrinks.
std::vector<Fp2> reduce_weights(const Shape& x, const Shape& keep, std::span<const Fp2> r) {
  std::vector<bool> reduced(x.size());
  for (size_t d = 0; d < x.size(); ++d) reduced[d] = keep[d] != x[d];
  return Grouping(x, reduced).sum_weights(r);
}

// ZK mode: the gap relation D = y' - x (y' the maximum broadcast along the reduced axes) joins the
// sumcheck as c·eq(r2, .)·(D - y' + x) for a fresh point r2 and weight c (add_gap_terms), over the
// tables (E, S, D, eq(r2, .), y', x).
template <class Ctx>
std::vector<sumcheck::Term> reduce_max_terms(Ctx& ctx, Fp2 gamma, unsigned n, std::vector<Fp2>& r2) {
  auto terms = selection_terms(gamma);
  if (!ctx.zk()) return terms;
  r2 = ctx.challenges(n);
  add_gap_terms(terms, ctx.challenge(), true, 3, 2, 4, 5);
  return terms;
}

void prove_reduce_max(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  const int x = node.inputs[0], y = node.outputs[0];
  const Shape& xs = ctx.shape(x);
  const Shape keep = keep_shape(xs, reduce_geometry(node, xs));
  size_t cursor = 0;
  const Limbs ls = take_limbs(ctx.aux(), cursor, 1), ld = take_limbs(ctx.aux(), cursor, reduce_gap_bits(node, ctx.graph()));
  const Fp2 gamma = ctx.challenge();
  const auto& r = out[0].point;
  const unsigned n = mle_layout(xs).num_vars;
  const auto e = reduce_weights(xs, keep, r);
  const auto ts = limbs_table(ctx, ls, n), td = limbs_table(ctx, ld, n);
  const auto ms = limbs_twin(ctx, ls, n), md = limbs_twin(ctx, ld, n);
  std::vector<sumcheck::TableRef> tables = {e, ts, td};
  std::vector<std::optional<sumcheck::TableRef>> masks = {std::nullopt, as_ref(ms), as_ref(md)};
  std::vector<Fp2> r2, e2;
  const auto terms = reduce_max_terms(ctx, gamma, n, r2);
  std::vector<Fp> yb;
  std::optional<std::vector<Fp2>> myb, mx;
  if (ctx.zk()) {
    // y' = y seen with the keep shape (same layout), broadcast over the reduced axes.
    auto spread = [&](const IntTensor& t) {
      IntTensor k = t;
      k.shape = keep;
      return broadcast_table(k, xs);
    };
    e2 = eq_table(r2);
    yb = spread(ctx.value(y));
    myb = ctx.twin(y, spread);
    mx = ctx.twin(x, [](const IntTensor& t) { return mle_table(t); });
    tables.insert(tables.end(), {e2, yb, ctx.mle(x)});
    masks.insert(masks.end(), {std::nullopt, as_ref(myb), as_ref(mx)});
  }
  auto result = ctx.masked_sumcheck(tables, masks, terms, known_sum(real_selector(ctx.shape(y), r)));
  const auto& s = result.point;
  open_limbs(ctx, ls, s);
  open_limbs(ctx, ld, s);
  send_evaluation(ctx, y, broadcast_point(keep, xs, s).point);
  send_evaluation(ctx, x, s);
}

void verify_reduce_max(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  const int x = node.inputs[0], y = node.outputs[0];
  const Shape& xs = ctx.shape(x);
  const Shape keep = keep_shape(xs, reduce_geometry(node, xs));
  size_t cursor = 0;
  const Limbs ls = take_limbs(ctx.aux(), cursor, 1), ld = take_limbs(ctx.aux(), cursor, reduce_gap_bits(node, ctx.graph()));
  const Fp2 gamma = ctx.challenge();
  const auto& r = out[0].point;
  const unsigned n = mle_layout(xs).num_vars;
  std::vector<Fp2> r2;
  const auto terms = reduce_max_terms(ctx, gamma, n, r2);
  const bool is_private[6] = {false, true, true, false, ctx.is_private(y), ctx.is_private(x)};
  auto claim = ctx.masked_sumcheck(n, terms, std::span<const bool>(is_private, ctx.zk() ? 6 : 3),
                                   known_sum(real_selector(ctx.shape(y), r)));
  const auto& s = claim.point;
  const Fp2 vs = open_limbs(ctx, ls, s), vd = open_limbs(ctx, ld, s);
  const auto bp = broadcast_point(keep, xs, s);
  const Fp2 vy = receive_evaluation(ctx, y, bp.point), vx = receive_evaluation(ctx, x, s);
  std::vector<Fp2> evaluations = {eq_eval(r, bp.point) * bp.factor, vs, vd};
  if (ctx.zk()) evaluations.insert(evaluations.end(), {eq_eval(r2, s), vy * bp.factor, vx});
  ctx.check_final(claim, evaluations, terms);
  if (!ctx.zk() && vd != vy * bp.factor - vx) throw VerifyError("the gap column is not the broadcast maximum minus the input");
}

// ---- maxpool ----

Shape candidates_shape(const Shape& x, const Pool2D& g) { return {x[0], x[1], g.oh, g.ow, g.kh, g.kw}; }
Window1D rows(const Shape& x, const Pool2D& g) { return {g.oh, g.kh, g.sh, g.pt, g.dh, x[2]}; }
Window1D cols(const Shape& x, const Pool2D& g) { return {g.ow, g.kw, g.sw, g.pl, g.dw, x[3]}; }

// Gap limbs are all W bits wide (kMaxLimbBits): n limbs with 2^(Wn−1) > B, so that V = −2^(Wn−1) follows
// from the aux count alone (the witness does not see B).
unsigned pool_gap_bits(const IntNode& node, const IntGraph& g) {
  const Wide b = bound_of(g, node.inputs[0]);
  unsigned n = 1;
  while ((Wide(1) << (kMaxLimbBits * n - 1)) <= b) ++n;
  return kMaxLimbBits * n;
}
int64_t pad_value(unsigned gap_bits) { return -(int64_t(1) << (gap_bits - 1)); }

void plan_maxpool(const IntNode& node, PlanBuilder& b) {
  const Shape& x = b.graph().tensors.at(node.inputs[0]).shape;
  const Pool2D g = pool_geometry(node, x);
  const unsigned bits = pool_gap_bits(node, b.graph());
  check_selection_size(node, g.kh * g.kw, bits);
  const Shape c = candidates_shape(x, g);
  plan_limbs(b, "selector", c, 1);
  plan_limbs(b, "gap", c, bits);
}

void witness_maxpool(const IntNode& node, std::span<const IntTensor* const> in, std::span<const IntTensor* const> out,
                     std::span<IntTensor> aux) {
  const IntTensor &x = *in[0], &y = *out[0];
  const Pool2D g = pool_geometry(node, x.shape);
  const int64_t v = pad_value(static_cast<unsigned>((aux.size() - 1) * kMaxLimbBits));
  const Shape cs = candidates_shape(x.shape, g);
  IntTensor sel(cs), gap(cs);
  const int64_t h = x.shape[2], w = x.shape[3], planes = x.shape[0] * x.shape[1];
  int64_t k = 0;
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t oy = 0; oy < g.oh; ++oy)
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        const int64_t best = y.data[(p * g.oh + oy) * g.ow + ox];
        bool chosen = false;
        for (int64_t i = 0; i < g.kh; ++i)
          for (int64_t j = 0; j < g.kw; ++j, ++k) {
            const int64_t iy = oy * g.sh - g.pt + i * g.dh, ix = ox * g.sw - g.pl + j * g.dw;
            const bool valid = iy >= 0 && iy < h && ix >= 0 && ix < w;
            gap.data[k] = best - (valid ? x.data[(p * h + iy) * w + ix] : v);
            if (valid && gap.data[k] == 0 && !chosen) sel.data[k] = chosen = true;
          }
      }
  size_t cursor = 0;
  fill_limbs(sel, 1, aux, cursor);
  fill_limbs(gap, aux.size() - 1, aux, cursor);
}

// Sub-points of a candidate-tensor point: (n, c, oy, ox, i, j).
struct PoolPoint {
  std::vector<std::vector<Fp2>> dims;
  std::vector<Fp2> out;  // the point on y
};
PoolPoint split_pool_point(const Shape& cs, const Shape& ys, std::span<const Fp2> s) {
  PoolPoint pp;
  pp.dims = split_point(mle_layout(cs), s);
  pp.out = join_point(mle_layout(ys), {pp.dims[0], pp.dims[1], pp.dims[2], pp.dims[3]});
  return pp;
}

// The gathered input G~(s) = sum_x x~(s_n, s_c, h, w)·Wr(h)·Wc(w) that the gap relation implies,
// D = y (on real taps) − G − V·(real candidates − taps inside the input), as a claimed sum of the
// sent values y~ and D's limbs (open_column adds those) and a public constant (added here).
void add_gathered_target(ClaimedSum& sum, const Shape& x, const Shape& ys, const Pool2D& g, const PoolPoint& pp, int y,
                         Fp2 vy, int64_t v) {
  const auto& d = pp.dims;
  const Fp2 taps = prefix_selector(d[4], g.kh) * prefix_selector(d[5], g.kw);
  const Fp2 real = real_selector(ys, pp.out) * taps;
  const Fp2 inside = prefix_selector(d[0], x[0]) * prefix_selector(d[1], x[1]) *
                     window_valid(rows(x, g), d[2], d[4]) * window_valid(cols(x, g), d[3], d[5]);
  sum.add(-Fp2::from_signed(v), -1, {}, real - inside);
  sum.add(taps, y, pp.out, vy);
}

const std::vector<sumcheck::Term>& gather_terms() {
  static const std::vector<sumcheck::Term> terms = {{Fp2::one(), {0, 1}}};
  return terms;
}

void prove_maxpool(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  const int x = node.inputs[0], y = node.outputs[0];
  const Shape &xs = ctx.shape(x), &ys = ctx.shape(y);
  const Pool2D g = pool_geometry(node, xs);
  const Shape cs = candidates_shape(xs, g);
  const unsigned bits = pool_gap_bits(node, ctx.graph());
  size_t cursor = 0;
  const Limbs ls = take_limbs(ctx.aux(), cursor, 1), ld = take_limbs(ctx.aux(), cursor, bits);
  const Fp2 gamma = ctx.challenge();
  const auto& r = out[0].point;
  const MleLayout lc = mle_layout(cs);
  // E(o, t) = eq(r, o) on real taps t; the taps are the lowest variables.
  const size_t taps = size_t(1) << (lc.bits[4] + lc.bits[5]);
  std::vector<Fp2> e(size_t(1) << lc.num_vars);
  {
    const auto eq = eq_table(r);
    for (size_t o = 0; o < eq.size(); ++o)
      for (int64_t i = 0; i < g.kh; ++i)
        for (int64_t j = 0; j < g.kw; ++j) e[o * taps + (static_cast<size_t>(i) << lc.bits[5]) + j] = eq[o];
  }
  const auto ts = limbs_table(ctx, ls, lc.num_vars), td = limbs_table(ctx, ld, lc.num_vars);
  const auto ms = limbs_twin(ctx, ls, lc.num_vars), md = limbs_twin(ctx, ld, lc.num_vars);
  std::vector<sumcheck::TableRef> tables = {e, ts, td};
  std::vector<std::optional<sumcheck::TableRef>> masks = {std::nullopt, as_ref(ms), as_ref(md)};
  auto result = ctx.masked_sumcheck(tables, masks, selection_terms(gamma), known_sum(real_selector(ys, r)));
  const PoolPoint pp = split_pool_point(cs, ys, result.point);
  open_limbs(ctx, ls, result.point);
  ClaimedSum target = known_sum(Fp2());
  open_limbs_into(ctx, ld, result.point, target, -Fp2::one());
  const Fp2 vy = send_evaluation(ctx, y, pp.out);
  add_gathered_target(target, xs, ys, g, pp, y, vy, pad_value(bits));
  // Second sumcheck: the window gather over the input's (h, w) variables, (n, c) bound to s.
  const MleLayout lx = mle_layout(xs);
  std::vector<std::optional<Fp2>> fixed(lx.num_vars);
  const unsigned spatial = lx.bits[2] + lx.bits[3];
  for (unsigned k = 0; k < lx.bits[1]; ++k) fixed[spatial + k] = pp.dims[1][k];
  for (unsigned k = 0; k < lx.bits[0]; ++k) fixed[spatial + lx.bits[1] + k] = pp.dims[0][k];
  const auto tx = bind_variables(ctx.mle(x), fixed);
  const auto mx = ctx.twin(x, [&](const IntTensor& t) { return bind_variables(mle_table(t), fixed); });
  const auto wr = window_weights(rows(xs, g), pp.dims[2], &pp.dims[4]);
  const auto wc = window_weights(cols(xs, g), pp.dims[3], &pp.dims[5]);
  std::vector<Fp2> tw(tx.size());
  for (size_t h = 0; h < wr.size(); ++h)
    for (size_t w = 0; w < wc.size(); ++w) tw[(h << lx.bits[3]) | w] = wr[h] * wc[w];
  std::vector<sumcheck::TableRef> gather = {tx, tw};
  const std::vector<std::optional<sumcheck::TableRef>> gather_masks = {as_ref(mx), std::nullopt};
  auto second = ctx.masked_sumcheck(gather, gather_masks, gather_terms(), target);
  const std::vector<Fp2> t_w(second.point.begin(), second.point.begin() + lx.bits[3]);
  const std::vector<Fp2> t_h(second.point.begin() + lx.bits[3], second.point.end());
  send_evaluation(ctx, x, join_point(lx, {pp.dims[0], pp.dims[1], t_h, t_w}));
}

void verify_maxpool(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  const int x = node.inputs[0], y = node.outputs[0];
  const Shape &xs = ctx.shape(x), &ys = ctx.shape(y);
  const Pool2D g = pool_geometry(node, xs);
  const Shape cs = candidates_shape(xs, g);
  const unsigned bits = pool_gap_bits(node, ctx.graph());
  size_t cursor = 0;
  const Limbs ls = take_limbs(ctx.aux(), cursor, 1), ld = take_limbs(ctx.aux(), cursor, bits);
  const Fp2 gamma = ctx.challenge();
  const auto& r = out[0].point;
  const MleLayout lc = mle_layout(cs);
  const bool selection_private[3] = {false, true, true};
  auto claim = ctx.masked_sumcheck(lc.num_vars, selection_terms(gamma), selection_private,
                                   known_sum(real_selector(ys, r)));
  const PoolPoint pp = split_pool_point(cs, ys, claim.point);
  const Fp2 vs = open_limbs(ctx, ls, claim.point);
  ClaimedSum target = known_sum(Fp2());
  const Fp2 vd = open_limbs_into(ctx, ld, claim.point, target, -Fp2::one());
  const Fp2 vy = receive_evaluation(ctx, y, pp.out);
  const Fp2 e = eq_eval(r, pp.out) * prefix_selector(pp.dims[4], g.kh) * prefix_selector(pp.dims[5], g.kw);
  ctx.check_final(claim, std::vector<Fp2>{e, vs, vd}, selection_terms(gamma));
  add_gathered_target(target, xs, ys, g, pp, y, vy, pad_value(bits));
  const MleLayout lx = mle_layout(xs);
  const bool gather_private[2] = {ctx.is_private(x), false};
  auto second = ctx.masked_sumcheck(lx.bits[2] + lx.bits[3], gather_terms(), gather_private, target);
  const std::vector<Fp2> t_w(second.point.begin(), second.point.begin() + lx.bits[3]);
  const std::vector<Fp2> t_h(second.point.begin() + lx.bits[3], second.point.end());
  const Fp2 vx = receive_evaluation(ctx, x, join_point(lx, {pp.dims[0], pp.dims[1], t_h, t_w}));
  const auto wr = window_weights(rows(xs, g), pp.dims[2], &pp.dims[4]);
  const auto wc = window_weights(cols(xs, g), pp.dims[3], &pp.dims[5]);
  const Fp2 weight = evaluate_mle(std::span<const Fp2>(wr), t_h) * evaluate_mle(std::span<const Fp2>(wc), t_w);
  ctx.check_final(second, std::vector<Fp2>{vx, weight}, gather_terms());
}

const LayerProofDef kMaxPoolProof{plan_maxpool, witness_maxpool, prove_maxpool, verify_maxpool, true};
const LayerProofDef kMaxProof{plan_maxmin, witness_maxmin<true>, prove_maxmin<true>, verify_maxmin<true>, true};
const LayerProofDef kMinProof{plan_maxmin, witness_maxmin<false>, prove_maxmin<false>, verify_maxmin<false>, true};
const LayerProofDef kReduceMaxProof{plan_reduce_max, witness_reduce_max, prove_reduce_max, verify_reduce_max, true};

}  // namespace

const LayerDef kMaxPoolLayer{"maxpool", 1, 1, 1, infer_maxpool, forward_maxpool, &kMaxPoolProof};
const LayerDef kMaxLayer{"max", 2, 2, 1, infer_maxmin, forward_maxmin<true>, &kMaxProof};
const LayerDef kMinLayer{"min", 2, 2, 1, infer_maxmin, forward_maxmin<false>, &kMinProof};
const LayerDef kReduceMaxLayer{"reduce_max", 1, 1, 1, infer_reduce_max, forward_reduce_max, &kReduceMaxProof};

}  // namespace zk::layers
