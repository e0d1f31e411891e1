// conv: 2-D convolution, exact int64 accumulation. X [N, C, H, W], W [M, C/group, KH, KW], optional
// bias [M] at the accumulator scale. Attributes: strides [2], pads [top, left, bottom, right],
// dilations [2], group (group == C == M is depthwise). Padding contributes zeros. Output
// [N, M, OH, OW] with OH = (H + top + bottom - dil*(KH-1) - 1) / stride + 1. The quantizer follows
// with a `rescale`; the proof (issue 4) is linear in the MACs, with im2col only virtual.
#include <algorithm>
#include <optional>

#include "layers/int_contract.hpp"
#include "layers/layers.hpp"
#include "layers/proof.hpp"
#include "layers/proof_util.hpp"
#include "poly/multilinear.hpp"

namespace zk::layers {

namespace {

struct Geo {
  int64_t n, c, h, w, m, cg, kh, kw, oh, ow, group;
  int64_t sh, sw, pt, pl, dh, dw;
};

Geo geometry(const IntNode& node, const Shape& x, const Shape& wt) {
  if (x.size() != 4 || wt.size() != 4)
    throw Error(node.where() + ": only 2-D convolution (rank-4 input and weight) is supported");
  auto strides = node.vec("strides", {1, 1});
  auto pads = node.vec("pads", {0, 0, 0, 0});
  auto dil = node.vec("dilations", {1, 1});
  if (strides.size() != 2 || pads.size() != 4 || dil.size() != 2)
    throw Error(node.where() + ": strides/dilations need 2 values and pads 4");
  Geo g{};
  g.n = x[0], g.c = x[1], g.h = x[2], g.w = x[3];
  g.m = wt[0], g.cg = wt[1], g.kh = wt[2], g.kw = wt[3];
  g.group = node.get("group", 1);
  g.sh = strides[0], g.sw = strides[1], g.pt = pads[0], g.pl = pads[1], g.dh = dil[0], g.dw = dil[1];
  const int64_t geo[] = {g.group, g.sh, g.sw, g.dh, g.dw, pads[0], pads[1], pads[2], pads[3]};
  check_geometry(node, geo, "group, stride, dilation or pad");
  if (g.group < 1 || g.c != g.cg * g.group || g.m % g.group != 0)
    throw Error(node.where() + ": channels " + std::to_string(g.c) + " / weight " + shape_str(wt) + " / group " +
                std::to_string(g.group) + " are inconsistent");
  if (g.sh < 1 || g.sw < 1 || g.dh < 1 || g.dw < 1) throw Error(node.where() + ": strides and dilations must be >= 1");
  for (int64_t p : pads)
    if (p < 0) throw Error(node.where() + ": negative pads");
  const int64_t eh = g.h + pads[0] + pads[2] - g.dh * (g.kh - 1) - 1, ew = g.w + pads[1] + pads[3] - g.dw * (g.kw - 1) - 1;
  if (eh < 0 || ew < 0) throw Error(node.where() + ": kernel larger than the padded input");
  g.oh = eh / g.sh + 1;
  g.ow = ew / g.sw + 1;
  return g;
}

std::vector<OutInfo> infer(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 2);
  Geo g = geometry(node, in[0]->shape, in[1]->shape);
  Wide acc = Wide(g.cg) * g.kh * g.kw * in[0]->bound * in[1]->bound;
  checked(node, acc, "the accumulator");
  if (in.size() > 2 && in[2]) {
    if (in[2]->shape != Shape{g.m}) throw Error(node.where() + ": bias must have shape [" + std::to_string(g.m) + "]");
    acc += in[2]->bound;
  }
  return {{Shape{g.n, g.m, g.oh, g.ow}, checked(node, acc, "the output")}};
}

void forward(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor& x = *in[0];
  const IntTensor& wt = *in[1];
  const IntTensor* bias = in.size() > 2 ? in[2] : nullptr;
  Geo g = geometry(node, x.shape, wt.shape);
  IntTensor& y = out[0];
  const int64_t mg = g.m / g.group, plane = g.oh * g.ow;
  for (int64_t n = 0; n < g.n; ++n) {
    for (int64_t m = 0; m < g.m; ++m) {
      int64_t* yp = y.data.data() + (n * g.m + m) * plane;
      std::fill(yp, yp + plane, bias ? bias->data[m] : 0);
      const int64_t grp = m / mg;
      for (int64_t cc = 0; cc < g.cg; ++cc) {
        const int64_t c = grp * g.cg + cc;
        const int64_t* xp = x.data.data() + (n * g.c + c) * g.h * g.w;
        for (int64_t i = 0; i < g.kh; ++i) {
          for (int64_t j = 0; j < g.kw; ++j) {
            const int64_t wv = wt.data[((m * g.cg + cc) * g.kh + i) * g.kw + j];
            if (wv == 0) continue;
            for (int64_t oy = 0; oy < g.oh; ++oy) {
              const int64_t iy = oy * g.sh - g.pt + i * g.dh;
              if (iy < 0 || iy >= g.h) continue;
              const int64_t* xrow = xp + iy * g.w;
              int64_t* yrow = yp + oy * g.ow;
              const int64_t x0 = j * g.dw - g.pl;
              for (int64_t ox = 0; ox < g.ow; ++ox) {
                const int64_t ix = ox * g.sw + x0;
                if (ix >= 0 && ix < g.w) yrow[ox] += wv * xrow[ix];
              }
            }
          }
        }
      }
    }
  }
}

// ---- proof ----
// Output claim Y~(r_n, r_o, r_y, r_x) = v; the sums below run over real positions only, so Y's
// padding is held to zero. With T(n, c, i, j) = sum_{y < OH, x < OW} eq(r_y, y) eq(r_x, x)
// X(n, c, y*sh + i*dh - pt, x*sw + j*dw - pl) (zero outside the input) and
// A(c, i, j) = sum_n eq(r_n, n) T(n, c, i, j):
//   group 1:  v - bias = sum_{c, i, j} W~(r_o, c, i, j) * A(c, i, j)        (phase 1, degree 2)
//   groups:   v - bias = sum_{o, cc, i, j} W(o, cc, i, j) * eq(r_o, o) A(grp(o)*Cg + cc, i, j)
// (for groups the output channel cannot be folded into W's point, because o -> group does not
// follow W's bit layout; the sum then runs over W's cube, i.e. linear in the weights).
// Phase 1 ends with a claim on W and a value a = A~(s) (resp. P~(s)). Since A is linear in X with
// coefficients that factor per dimension, a = sum_{n, c, h, w} X(n, c, h, w) G(n, c, h, w) with
//   G = eq(r_n, n) * Gc(c) * Gh(h) * Gw(w),  Gh(h) = sum_{i, y : y*sh + i*dh - pt = h} eq(s_i, i) eq(r_y, y)
// (Gw alike, Gc from the channel coordinates of s), so phase 2 (degree 2, over X's cube) leaves
// one claim on X and the verifier evaluates G~ in O(N + M + C + KH*OH + KW*OW + H + W).
// Prover work: computing A is O(C*N*(H*KW*OW + KH*OH*KW)) — less than the MACs by a factor M —
// folding W by eq(r_o) is O(|W|), the sumchecks are O(|W| or C*K) and O(|X|). No im2col exists.

bool has_bias(const IntNode& node) { return node.inputs.size() > 2 && node.inputs[2] >= 0; }

struct ConvPoint {
  std::vector<Fp2> r_n, r_o, r_y, r_x;
};

ConvPoint cut_output_point(const Shape& y, std::span<const Fp2> r) {
  auto d = split_point(mle_layout(y), r);
  return {std::move(d[0]), std::move(d[1]), std::move(d[2]), std::move(d[3])};
}

Fp2 bias_factor(const Geo& g, const ConvPoint& p) {
  return prefix_selector(p.r_n, g.n) * prefix_selector(p.r_y, g.oh) * prefix_selector(p.r_x, g.ow);
}

// Output positions [lo, hi) at which kernel tap `tap` reads inside the input (index o*stride + off).
std::pair<int64_t, int64_t> tap_range(int64_t tap, int64_t out, int64_t in, int64_t stride, int64_t pad, int64_t dil) {
  const int64_t off = tap * dil - pad;
  const int64_t lo = off >= 0 ? 0 : (-off + stride - 1) / stride;
  const int64_t hi = in - 1 - off < 0 ? 0 : std::min(out, (in - 1 - off) / stride + 1);
  return {lo, std::max(lo, hi)};
}

// G[h] (h < in) = sum_{k < K} ek[k] * sum_{o < O : o*stride + k*dil - pad = h} eo[o].
std::vector<Fp2> spatial_weights(const std::vector<Fp2>& ek, const std::vector<Fp2>& eo, int64_t K, int64_t O,
                                 int64_t in, int64_t stride, int64_t pad, int64_t dil) {
  std::vector<Fp2> g(static_cast<size_t>(in));
  for (int64_t k = 0; k < K; ++k) {
    auto [lo, hi] = tap_range(k, O, in, stride, pad, dil);
    for (int64_t o = lo; o < hi; ++o) g[o * stride + k * dil - pad] += ek[k] * eo[o];
  }
  return g;
}

// A(c, i, j) (dense [C, KH, KW]) from X's integer values.
std::vector<Fp2> tap_sums(const Geo& g, const IntTensor& x, const std::vector<Fp2>& eqn, const std::vector<Fp2>& eqy,
                          const std::vector<Fp2>& eqx) {
  const int64_t kk = g.kh * g.kw, terms = wide_terms(x.data.data(), x.data.size());
  std::vector<std::pair<int64_t, int64_t>> xr(g.kw), yr(g.kh);
  for (int64_t j = 0; j < g.kw; ++j) xr[j] = tap_range(j, g.ow, g.w, g.sw, g.pl, g.dw);
  for (int64_t i = 0; i < g.kh; ++i) yr[i] = tap_range(i, g.oh, g.h, g.sh, g.pt, g.dh);
  std::vector<Fp2> out(static_cast<size_t>(g.c * kk));
  // Small layers stay serial: waking threads costs more than the work.
#pragma omp parallel if (g.n * g.c * g.h * g.kw * g.ow >= (int64_t(1) << 15))
  {
    // Per thread, reused across channels: rows of X contracted with the column taps.
    std::vector<Fp2> t(static_cast<size_t>(g.h * g.kw)), ey(static_cast<size_t>(g.oh));
#pragma omp for schedule(dynamic)
    for (int64_t c = 0; c < g.c; ++c) {
      Fp2* a = out.data() + c * kk;
      for (int64_t n = 0; n < g.n; ++n) {
        const int64_t* xc = x.data.data() + (n * g.c + c) * g.h * g.w;
        for (int64_t h = 0; h < g.h; ++h) {
          for (int64_t j = 0; j < g.kw; ++j) {
            const auto [lo, hi] = xr[j];
            t[h * g.kw + j] = hi > lo ? strided_dot(eqx.data() + lo, xc + h * g.w + lo * g.sw + j * g.dw - g.pl, g.sw,
                                                    hi - lo, terms)
                                      : Fp2::zero();
          }
        }
        for (int64_t oy = 0; oy < g.oh; ++oy) ey[oy] = eqn[n] * eqy[oy];
        for (int64_t i = 0; i < g.kh; ++i) {
          const int64_t off = i * g.dh - g.pt;
          for (int64_t oy = yr[i].first; oy < yr[i].second; ++oy) {
            const Fp2 e = ey[oy];
            const Fp2* trow = t.data() + (oy * g.sh + off) * g.kw;
            for (int64_t j = 0; j < g.kw; ++j) a[i * g.kw + j] += e * trow[j];
          }
        }
      }
    }
  }
  return out;
}

// Coordinates of the phase-1 point over W's layout (group 1: no output-channel part).
struct KernelPoint {
  std::vector<Fp2> s_j, s_i, s_cc, s_o;
};

KernelPoint cut_kernel_point(const MleLayout& wl, std::span<const Fp2> s) {
  KernelPoint k;
  auto take = [&, at = size_t(0)](std::vector<Fp2>& dst, unsigned bits) mutable {
    dst.assign(s.begin() + at, s.begin() + std::min(s.size(), at + bits));
    at += bits;
  };
  take(k.s_j, wl.bits[3]);
  take(k.s_i, wl.bits[2]);
  take(k.s_cc, wl.bits[1]);
  take(k.s_o, wl.bits[0]);
  return k;
}

// Gc[c], c < C: the coefficient of input channel c in phase 2.
std::vector<Fp2> channel_weights(const Geo& g, const KernelPoint& k, const std::vector<Fp2>& eqo) {
  const auto ecc = eq_table(k.s_cc);
  std::vector<Fp2> gc(static_cast<size_t>(g.c));
  if (g.group == 1) {
    std::copy_n(ecc.begin(), g.c, gc.begin());
    return gc;
  }
  const auto eso = eq_table(k.s_o);
  const int64_t mg = g.m / g.group;
  for (int64_t grp = 0; grp < g.group; ++grp) {
    Fp2 sum;
    for (int64_t o = grp * mg; o < (grp + 1) * mg; ++o) sum += eso[o] * eqo[o];
    for (int64_t cc = 0; cc < g.cg; ++cc) gc[grp * g.cg + cc] = ecc[cc] * sum;
  }
  return gc;
}

Fp2 dot_prefix(const std::vector<Fp2>& a, const std::vector<Fp2>& b, int64_t n) {
  Fp2 s;
  for (int64_t i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

const std::vector<sumcheck::Term>& product_term() {
  static const std::vector<sumcheck::Term> terms = {{Fp2::one(), {0, 1}}};
  return terms;
}

unsigned phase1_vars(const Geo& g, const MleLayout& wl) {
  return wl.bits[1] + wl.bits[2] + wl.bits[3] + (g.group == 1 ? 0 : wl.bits[0]);
}

// Zero-knowledge mode (docs/zk.md §2) runs this same code: twin values for the bias, W and X, W's
// table twinned by the same fold of W's mask, the output's and the bias's mask terms added by the
// context. What plain mode does not have: the value a that phase 1 leaves is an evaluation of the
// derived table A, not of a committed tensor, so phase 2 could not prove a twin of it with A's own
// mask image. Instead A's twin slot holds the constant M_X(pi), pi drawn before phase 1, so that
//   a = (1 - beta') A(s) + beta' M_X(pi)
// (uniform), and phase 2 proves it with the claimed sum {X at pi: a}, whose mask term
// beta' eq(pi, .) M_X the context adds. That term ends in a twin value of X at phase 2's point;
// X's own table must end elsewhere, or its twin values at beta'' and 1 - beta'' at one point would
// give X~ there in the clear. So phase 2 has one extra lowest variable: X' = X on its even entries
// and 0 on the odd ones, G' = G on both, and X's claim is at the point without that coordinate.

// A [Cg, KH, KW] block, times `scale`, into W's padded (cc, i, j) layout.
void pad_kernel(const Geo& g, const MleLayout& wl, const Fp2* dense, Fp2 scale, Fp2* dst) {
  const int64_t khp = wl.padded[2], kwp = wl.padded[3];
  for (int64_t cc = 0; cc < g.cg; ++cc)
    for (int64_t i = 0; i < g.kh; ++i)
      for (int64_t j = 0; j < g.kw; ++j) dst[(cc * khp + i) * kwp + j] = scale * dense[(cc * g.kh + i) * g.kw + j];
}

// The table with one more lowest variable, zero where it is 1: t'(2k) = t(k), t'(2k + 1) = 0.
template <class T>
std::vector<T> on_even_entries(const std::vector<T>& t) {
  std::vector<T> out(2 * t.size());
  for (size_t k = 0; k < t.size(); ++k) out[2 * k] = t[k];
  return out;
}

std::optional<sumcheck::TableRef> mask_ref(const std::optional<std::vector<Fp2>>& m) {
  return m ? std::optional<sumcheck::TableRef>(*m) : std::nullopt;
}

void prove_conv(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  const int xi = node.inputs[0], wi = node.inputs[1];
  const Geo g = geometry(node, ctx.shape(xi), ctx.shape(wi));
  const ConvPoint p = cut_output_point(ctx.shape(node.outputs[0]), out[0].point);
  ClaimedSum sum(out[0]);
  if (has_bias(node)) {
    const int b = node.inputs[2];
    const Fp2 vb = send_evaluation(ctx, b, p.r_o);
    sum.add(-bias_factor(g, p), b, p.r_o, vb);
  }
  const MleLayout xl = mle_layout(ctx.shape(xi)), wl = mle_layout(ctx.shape(wi));
  const bool x_private = ctx.zk_mask(xi) != nullptr;
  const std::vector<Fp2> pi = x_private ? ctx.challenges(xl.num_vars) : std::vector<Fp2>{};
  if (x_private) ctx.note_mask_reveal(xi, pi);
  const auto eqn = eq_table(p.r_n), eqo = eq_table(p.r_o), eqy = eq_table(p.r_y), eqx = eq_table(p.r_x);
  const std::vector<Fp2> act = tap_sums(g, ctx.value(xi), eqn, eqy, eqx);

  // Phase 1.
  const int64_t block = wl.padded[1] * wl.padded[2] * wl.padded[3], kk = g.kh * g.kw, f = g.cg * kk;
  std::vector<Fp2> wtab, atab;
  std::optional<std::vector<Fp2>> wmask, amask;
  std::vector<sumcheck::TableRef> tables;
  if (g.group == 1) {
    // W~(r_o, ·): fold the output channels away (O(|W|)); the sumcheck is then over C*K only.
    auto fold = [&](const IntTensor& w) {
      std::vector<Fp2> dense(static_cast<size_t>(f)), table(static_cast<size_t>(block));
      contract_rows(w.data.data(), g.m, f, eqo.data(), dense.data());
      pad_kernel(g, wl, dense.data(), Fp2::one(), table.data());
      return table;
    };
    wtab = fold(ctx.value(wi));
    wmask = ctx.twin(wi, fold);
    atab.resize(static_cast<size_t>(block));
    pad_kernel(g, wl, act.data(), Fp2::one(), atab.data());
    tables = {wtab, atab};
  } else {
    const int64_t mg = g.m / g.group;
    atab.resize(static_cast<size_t>(wl.padded[0] * block));
#pragma omp parallel for schedule(static) if (g.m * f >= (int64_t(1) << 15))
    for (int64_t o = 0; o < g.m; ++o) pad_kernel(g, wl, act.data() + (o / mg) * f, eqo[o], atab.data() + o * block);
    wmask = ctx.twin(wi, [](const IntTensor& w) { return mle_table(w); });
    tables = {sumcheck::TableRef(ctx.mle(wi)), sumcheck::TableRef(atab)};
  }
  if (x_private) {
    const auto m_pi = ctx.twin(xi, [&](const IntTensor& t) { return std::vector<Fp2>{evaluate_tensor(t, pi)}; });
    amask.emplace(atab.size(), m_pi->front());
  }
  const std::optional<sumcheck::TableRef> masks1[] = {mask_ref(wmask), mask_ref(amask)};
  const sumcheck::ProverOutput r1 = ctx.masked_sumcheck(tables, masks1, product_term(), sum);
  std::vector<Fp2> w_point = r1.point;
  if (g.group == 1) w_point.insert(w_point.end(), p.r_o.begin(), p.r_o.end());
  ctx.send(r1.table_evaluations[0]);
  ctx.claim(wi, std::move(w_point), r1.table_evaluations[0]);
  const Fp2 a = r1.table_evaluations[1];
  ctx.send(a);
  wtab = {};
  atab = {};
  wmask.reset();
  amask.reset();

  // Phase 2: a = sum X * G over X's cube.
  const KernelPoint k = cut_kernel_point(wl, r1.point);
  const auto gc = channel_weights(g, k, eqo);
  const auto gh = spatial_weights(eq_table(k.s_i), eqy, g.kh, g.oh, g.h, g.sh, g.pt, g.dh);
  const auto gw = spatial_weights(eq_table(k.s_j), eqx, g.kw, g.ow, g.w, g.sw, g.pl, g.dw);
  const int64_t cp = xl.padded[1], hp = xl.padded[2], wp = xl.padded[3];
  const std::vector<Fp>& xt = ctx.mle(xi);
  // x_private: G' (each entry twice) straight away, the layout phase 2 runs on then.
  const size_t copies = x_private ? 2 : 1;
  std::vector<Fp2> gtab(xt.size() * copies);
#pragma omp parallel for collapse(2) schedule(static) if (g.n * g.c * g.h * g.w >= (int64_t(1) << 15))
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t c = 0; c < g.c; ++c) {
      const Fp2 nc = eqn[n] * gc[c];
      Fp2* dst = gtab.data() + (n * cp + c) * hp * wp * copies;
      for (int64_t h = 0; h < g.h; ++h) {
        const Fp2 nch = nc * gh[h];
        for (int64_t w = 0; w < g.w; ++w) std::fill_n(dst + (h * wp + w) * copies, copies, nch * gw[w]);
      }
    }
  const ClaimedSum target(TensorClaim{xi, pi, a, std::nullopt});
  if (!x_private) {
    const sumcheck::TableRef tables2[] = {sumcheck::TableRef(xt), sumcheck::TableRef(gtab)};
    const std::optional<sumcheck::TableRef> masks2[2];
    auto r2 = ctx.masked_sumcheck(tables2, masks2, product_term(), target);
    ctx.send(r2.table_evaluations[0]);
    ctx.claim(xi, r2.point, r2.table_evaluations[0]);
    return;
  }
  const std::vector<Fp> x2 = on_even_entries(xt);
  const auto mx2 = ctx.twin(xi, [](const IntTensor& t) { return on_even_entries(mle_table(t)); });
  const sumcheck::TableRef tables2[] = {sumcheck::TableRef(x2), sumcheck::TableRef(gtab)};
  const std::optional<sumcheck::TableRef> masks2[] = {mask_ref(mx2), std::nullopt};
  const auto r2 = ctx.masked_sumcheck(tables2, masks2, product_term(), target);
  send_evaluation(ctx, xi, std::vector<Fp2>(r2.point.begin() + 1, r2.point.end()));
}

void verify_conv(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  const int xi = node.inputs[0], wi = node.inputs[1];
  const Geo g = geometry(node, ctx.shape(xi), ctx.shape(wi));
  const ConvPoint p = cut_output_point(ctx.shape(node.outputs[0]), out[0].point);
  ClaimedSum sum(out[0]);
  if (has_bias(node)) {
    const int b = node.inputs[2];
    const Fp2 vb = receive_evaluation(ctx, b, p.r_o);
    sum.add(-bias_factor(g, p), b, p.r_o, vb);
  }
  const MleLayout xl = mle_layout(ctx.shape(xi)), wl = mle_layout(ctx.shape(wi));
  const bool x_private = ctx.is_private(xi);
  const std::vector<Fp2> pi = x_private ? ctx.challenges(xl.num_vars) : std::vector<Fp2>{};
  const bool private1[] = {ctx.is_private(wi), x_private};
  auto c1 = ctx.masked_sumcheck(phase1_vars(g, wl), product_term(), private1, sum);
  std::vector<Fp2> w_point = c1.point;
  if (g.group == 1) w_point.insert(w_point.end(), p.r_o.begin(), p.r_o.end());
  const Fp2 vw = receive_evaluation(ctx, wi, w_point);
  const Fp2 a = ctx.receive();
  ctx.check_final(c1, std::vector<Fp2>{vw, a}, product_term());

  const auto eqn = eq_table(p.r_n), eqo = eq_table(p.r_o), eqy = eq_table(p.r_y), eqx = eq_table(p.r_x);
  const KernelPoint k = cut_kernel_point(wl, c1.point);
  const auto gc = channel_weights(g, k, eqo);
  const auto gh = spatial_weights(eq_table(k.s_i), eqy, g.kh, g.oh, g.h, g.sh, g.pt, g.dh);
  const auto gw = spatial_weights(eq_table(k.s_j), eqx, g.kw, g.ow, g.w, g.sw, g.pl, g.dw);
  const unsigned shift = x_private ? 1 : 0;
  const bool private2[] = {x_private, false};
  auto c2 = ctx.masked_sumcheck(xl.num_vars + shift, product_term(), private2, ClaimedSum(TensorClaim{xi, pi, a, std::nullopt}));
  const std::vector<Fp2> x_point(c2.point.begin() + shift, c2.point.end());
  const Fp2 vx = receive_evaluation(ctx, xi, x_point);
  auto t = split_point(xl, x_point);
  const Fp2 gt = dot_prefix(eqn, eq_table(t[0]), g.n) * dot_prefix(gc, eq_table(t[1]), g.c) *
                 dot_prefix(gh, eq_table(t[2]), g.h) * dot_prefix(gw, eq_table(t[3]), g.w);
  // X' = X on the even entries of the extra lowest variable: its value is (1 - t_0) X~(rest).
  const Fp2 vx_table = x_private ? (Fp2::one() - c2.point[0]) * vx : vx;
  ctx.check_final(c2, std::vector<Fp2>{vx_table, gt}, product_term());
}

const LayerProofDef kConvProof{nullptr, nullptr, prove_conv, verify_conv, true};

}  // namespace

const LayerDef kConvLayer{"conv", 2, 3, 1, infer, forward, &kConvProof};

}  // namespace zk::layers
