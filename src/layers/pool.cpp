// Sums over windows and axes. Averages are not divided here: the quantizer follows with
// `mul_const` by a quantized 1/n and a `rescale`, so every rounding stays in one audited layer.
//   sumpool:    2-D window sums of [N, C, H, W] (same attributes as maxpool); padded cells count as
//               zero (AveragePool with count_include_pad = 1, or without padding).
//   reduce_sum: sum over `axes` (all when absent), keepdims 0/1 (ReduceSum, ReduceMean,
//               GlobalAveragePool = reduce_sum over {2, 3}).
//
// Proofs (linear maps; no aux tensors, no lookups). The driver's claim y~(r) = v is a weighted sum
// of the input, with public weights that factor per dimension:
//   sumpool:    y~(r) = sum_{h,w} x~(r_n, r_c, h, w)·Wr(h)·Wc(w), Wr(h) = sum of eq(r_oy, oy) over
//               the window rows (oy, i) that read input row h (padding reads nothing), Wc alike.
//               One degree-2 sumcheck over the input's spatial variables only (the batch and
//               channel coordinates bind directly to r's); the prover sends x~ at the end point and
//               the verifier evaluates Wr, Wc there in O(OH·kh + H) and O(OW·kw + W).
//   reduce_sum: y~(r) = sum over the reduced coordinates of x~(r_kept, ·), restricted to real
//               entries. A reduced dimension whose size is a power of two has no padding, so its sum
//               is 2^bits·x~(…, 1/2, …) (a multilinear polynomial's mean over the cube is its value
//               at the centre); only the other reduced dimensions need a degree-2 sumcheck with the
//               real-entry selector as weight. With no such dimension the prover just sends x~ at
//               (r_kept, 1/2, …) and the verifier checks v = 2^m·x~.
// Padding entries of x only ever meet padded outputs (the weights vanish on padded window and
// reduced coordinates), so a cheating producer's non-zero padding cannot leak into a real output.
// Zero-knowledge mode (docs/zk.md §2) runs the same sumchecks through the context (the bound input
// table gets its mask twin, the output claim its mask term); reduce_sum's no-sumcheck shortcut
// would need the output's mask to be 2^m times the input's at the same point, so in ZK mode it runs
// the general sumcheck too, over zero free variables (the output's mask term supplies the rounds).
#include <optional>

#include "layers/layers.hpp"
#include "layers/proof.hpp"
#include "layers/proof_util.hpp"
#include "poly/multilinear.hpp"

namespace zk::layers {

namespace {

std::vector<OutInfo> infer_sumpool(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  const Shape& x = in[0]->shape;
  Pool2D g = pool_geometry(node, x);
  return {{Shape{x[0], x[1], g.oh, g.ow}, checked(node, Wide(g.kh) * g.kw * in[0]->bound, "the window sum")}};
}

void forward_sumpool(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor& x = *in[0];
  Pool2D g = pool_geometry(node, x.shape);
  const int64_t planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3];
  for (int64_t p = 0; p < planes; ++p) {
    const int64_t* xp = x.data.data() + p * h * w;
    int64_t* yp = out[0].data.data() + p * g.oh * g.ow;
    for (int64_t oy = 0; oy < g.oh; ++oy)
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        int64_t s = 0;
        for (int64_t i = 0; i < g.kh; ++i) {
          const int64_t iy = oy * g.sh - g.pt + i * g.dh;
          if (iy < 0 || iy >= h) continue;
          for (int64_t j = 0; j < g.kw; ++j) {
            const int64_t ix = ox * g.sw - g.pl + j * g.dw;
            if (ix >= 0 && ix < w) s += xp[iy * w + ix];
          }
        }
        yp[oy * g.ow + ox] = s;
      }
  }
}

std::vector<OutInfo> infer_reduce_sum(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  ReduceGeo r = reduce_geometry(node, in[0]->shape);
  return {{r.out, checked(node, Wide(r.count) * in[0]->bound, "the sum")}};
}

void forward_reduce_sum(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor& x = *in[0];
  ReduceGeo r = reduce_geometry(node, x.shape);
  auto& y = out[0].data;
  std::fill(y.begin(), y.end(), 0);
  for_each_reduction(x.shape, r, [&](int64_t o, int64_t i) { y[o] += x.data[i]; });
}

// ---- proofs ----

std::vector<sumcheck::Term> weighted_sum_terms(Fp2 scale) { return {{scale, {0, 1}}}; }

// sum_x X'(x) * weight(x) with X' = x's MLE with some variables bound (`fixed`), the claimed sum the
// output claim: the sumcheck both families run, masked in ZK mode (X' of a private x gets the same
// partial evaluation of its mask as twin). Returns the sumcheck's point.
std::vector<Fp2> prove_weighted_sum(ProverContext& ctx, int x, const std::vector<std::optional<Fp2>>& fixed,
                                    const std::vector<Fp2>& weight, Fp2 scale, const TensorClaim& out) {
  const auto tx = bind_variables(ctx.mle(x), fixed);
  const auto mx = ctx.twin(x, [&](const IntTensor& t) { return bind_variables(mle_table(t), fixed); });
  std::vector<sumcheck::TableRef> tables = {tx, weight};
  std::vector<std::optional<sumcheck::TableRef>> masks = {mx ? std::optional<sumcheck::TableRef>(*mx) : std::nullopt,
                                                          std::nullopt};
  return ctx.masked_sumcheck(tables, masks, weighted_sum_terms(scale), ClaimedSum(out)).point;
}

sumcheck::Claim verify_weighted_sum(VerifierContext& ctx, int x, unsigned num_vars, Fp2 scale, const TensorClaim& out) {
  const bool is_private[2] = {ctx.is_private(x), false};
  return ctx.masked_sumcheck(num_vars, weighted_sum_terms(scale), std::span<const bool>(is_private, 2), ClaimedSum(out));
}

// ---- sumpool ----

Window1D rows(const Shape& x, const Pool2D& g) { return {g.oh, g.kh, g.sh, g.pt, g.dh, x[2]}; }
Window1D cols(const Shape& x, const Pool2D& g) { return {g.ow, g.kw, g.sw, g.pl, g.dw, x[3]}; }

void prove_sumpool(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  const int x = node.inputs[0];
  const Shape &xs = ctx.shape(x), &ys = ctx.shape(node.outputs[0]);
  const Pool2D g = pool_geometry(node, xs);
  const auto r = split_point(mle_layout(ys), out[0].point);
  const MleLayout lx = mle_layout(xs);
  std::vector<std::optional<Fp2>> fixed(lx.num_vars);
  const unsigned spatial = lx.bits[2] + lx.bits[3];
  for (unsigned k = 0; k < lx.bits[1]; ++k) fixed[spatial + k] = r[1][k];
  for (unsigned k = 0; k < lx.bits[0]; ++k) fixed[spatial + lx.bits[1] + k] = r[0][k];
  const auto wr = window_weights(rows(xs, g), r[2], nullptr), wc = window_weights(cols(xs, g), r[3], nullptr);
  std::vector<Fp2> tw(size_t(1) << spatial);
  for (size_t h = 0; h < wr.size(); ++h)
    for (size_t w = 0; w < wc.size(); ++w) tw[(h << lx.bits[3]) | w] = wr[h] * wc[w];
  const auto point = prove_weighted_sum(ctx, x, fixed, tw, Fp2::one(), out[0]);
  const std::vector<Fp2> t_w(point.begin(), point.begin() + lx.bits[3]);
  const std::vector<Fp2> t_h(point.begin() + lx.bits[3], point.end());
  send_evaluation(ctx, x, join_point(lx, {r[0], r[1], t_h, t_w}));
}

void verify_sumpool(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  const int x = node.inputs[0];
  const Shape &xs = ctx.shape(x), &ys = ctx.shape(node.outputs[0]);
  const Pool2D g = pool_geometry(node, xs);
  const auto r = split_point(mle_layout(ys), out[0].point);
  const MleLayout lx = mle_layout(xs);
  auto claim = verify_weighted_sum(ctx, x, lx.bits[2] + lx.bits[3], Fp2::one(), out[0]);
  const std::vector<Fp2> t_w(claim.point.begin(), claim.point.begin() + lx.bits[3]);
  const std::vector<Fp2> t_h(claim.point.begin() + lx.bits[3], claim.point.end());
  const Fp2 vx = receive_evaluation(ctx, x, join_point(lx, {r[0], r[1], t_h, t_w}));
  const auto wr = window_weights(rows(xs, g), r[2], nullptr), wc = window_weights(cols(xs, g), r[3], nullptr);
  const Fp2 weight = evaluate_mle(std::span<const Fp2>(wr), t_h) * evaluate_mle(std::span<const Fp2>(wc), t_w);
  ctx.check_final(claim, std::vector<Fp2>{vx, weight}, weighted_sum_terms(Fp2::one()));
}

// ---- reduce_sum ----

// How each variable of x is treated: kept coordinates bind to the output point, coordinates of a
// power-of-two reduced dimension to 1/2, the rest (reduced dimensions with padding) stay free.
struct ReducePlan {
  std::vector<std::optional<Fp2>> fixed;
  std::vector<size_t> free_dims;      // reduced dimensions with padding, in ascending variable order
  std::vector<unsigned> free_offset;  // where each starts among the free variables
  unsigned free_vars = 0;
  Fp2 scale = Fp2::one();             // 2^(variables bound to 1/2)
};

ReducePlan reduce_plan(const IntNode& node, const Shape& xs, const Shape& ys, std::span<const Fp2> r) {
  const ReduceGeo g = reduce_geometry(node, xs);
  Shape keep = xs;
  for (int64_t d : g.reduced) keep[d] = 1;
  // keep and y have the same variables (dimensions of size 1 have none).
  if (mle_layout(keep).num_vars != mle_layout(ys).num_vars) throw Error(node.where() + ": output layout mismatch");
  const auto rk = split_point(mle_layout(keep), r);
  const MleLayout lx = mle_layout(xs);
  const Fp2 half = Fp2(Fp(2).inverse());
  ReducePlan p;
  p.fixed.resize(lx.num_vars);
  unsigned offset = 0;
  for (size_t d = xs.size(); d-- > 0;) {
    const bool reduced = keep[d] != xs[d];
    const bool pow2 = lx.padded[d] == xs[d];
    for (unsigned k = 0; k < lx.bits[d]; ++k) {
      if (!reduced) p.fixed[offset + k] = rk[d][k];
      else if (pow2) p.fixed[offset + k] = half;
    }
    if (reduced && pow2) p.scale *= Fp2(Fp(uint64_t(1) << lx.bits[d]));
    if (reduced && !pow2) {
      p.free_dims.push_back(d);
      p.free_offset.push_back(p.free_vars);
      p.free_vars += lx.bits[d];
    }
    offset += lx.bits[d];
  }
  return p;
}

std::vector<Fp2> fill_free(const ReducePlan& p, std::span<const Fp2> t) {
  std::vector<Fp2> point(p.fixed.size());
  size_t next = 0;
  for (size_t j = 0; j < point.size(); ++j) point[j] = p.fixed[j] ? *p.fixed[j] : t[next++];
  return point;
}

void prove_reduce_sum(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  const int x = node.inputs[0];
  const Shape& xs = ctx.shape(x);
  const ReducePlan p = reduce_plan(node, xs, ctx.shape(node.outputs[0]), out[0].point);
  if (p.free_vars == 0 && !ctx.zk()) {
    send_evaluation(ctx, x, fill_free(p, {}));
    return;
  }
  const MleLayout lx = mle_layout(xs);
  std::vector<Fp2> sel(size_t(1) << p.free_vars);
  for (size_t i = 0; i < sel.size(); ++i) {
    bool real = true;
    for (size_t f = 0; f < p.free_dims.size(); ++f) {
      const size_t d = p.free_dims[f];
      const size_t c = (i >> p.free_offset[f]) & ((size_t(1) << lx.bits[d]) - 1);
      real = real && c < static_cast<size_t>(xs[d]);
    }
    if (real) sel[i] = Fp2::one();
  }
  send_evaluation(ctx, x, fill_free(p, prove_weighted_sum(ctx, x, p.fixed, sel, p.scale, out[0])));
}

void verify_reduce_sum(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  const int x = node.inputs[0];
  const Shape& xs = ctx.shape(x);
  const ReducePlan p = reduce_plan(node, xs, ctx.shape(node.outputs[0]), out[0].point);
  if (p.free_vars == 0 && !ctx.zk()) {
    const Fp2 vx = receive_evaluation(ctx, x, fill_free(p, {}));
    if (vx * p.scale != out[0].value) throw VerifyError("output is not the sum of the input over the reduced axes");
    return;
  }
  auto claim = verify_weighted_sum(ctx, x, p.free_vars, p.scale, out[0]);
  const Fp2 vx = receive_evaluation(ctx, x, fill_free(p, claim.point));
  const MleLayout lx = mle_layout(xs);
  Fp2 sel = Fp2::one();
  for (size_t f = 0; f < p.free_dims.size(); ++f) {
    const size_t d = p.free_dims[f];
    sel *= prefix_selector(std::span<const Fp2>(claim.point).subspan(p.free_offset[f], lx.bits[d]), xs[d]);
  }
  ctx.check_final(claim, std::vector<Fp2>{vx, sel}, weighted_sum_terms(p.scale));
}

const LayerProofDef kSumPoolProof{nullptr, nullptr, prove_sumpool, verify_sumpool, true};
const LayerProofDef kReduceSumProof{nullptr, nullptr, prove_reduce_sum, verify_reduce_sum, true};

}  // namespace

const LayerDef kSumPoolLayer{"sumpool", 1, 1, 1, infer_sumpool, forward_sumpool, &kSumPoolProof};
const LayerDef kReduceSumLayer{"reduce_sum", 1, 1, 1, infer_reduce_sum, forward_reduce_sum, &kReduceSumProof};

}  // namespace zk::layers
