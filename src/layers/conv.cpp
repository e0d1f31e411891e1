// conv: 2-D convolution, exact int64 accumulation. X [N, C, H, W], W [M, C/group, KH, KW], optional
// bias [M] at the accumulator scale. Attributes: strides [2], pads [top, left, bottom, right],
// dilations [2], group (group == C == M is depthwise). Padding contributes zeros. Output
// [N, M, OH, OW] with OH = (H + top + bottom - dil*(KH-1) - 1) / stride + 1. The quantizer follows
// with a `rescale`; the proof (issue 4) is linear in the MACs, with im2col only virtual.
#include <algorithm>

#include "layers/int_contract.hpp"
#include "layers/layers.hpp"
#include "layers/proof.hpp"
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

void prove_conv(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  const int xi = node.inputs[0], wi = node.inputs[1];
  const Geo g = geometry(node, ctx.shape(xi), ctx.shape(wi));
  const ConvPoint p = cut_output_point(ctx.shape(node.outputs[0]), out[0].point);
  Fp2 sum = out[0].value;
  if (has_bias(node)) {
    const int b = node.inputs[2];
    Fp2 vb = evaluate_mle(std::span<const Fp>(ctx.mle(b)), p.r_o);
    ctx.send(vb);
    ctx.claim(b, p.r_o, vb);
    sum -= vb * bias_factor(g, p);
  }
  const MleLayout xl = mle_layout(ctx.shape(xi)), wl = mle_layout(ctx.shape(wi));
  const auto eqn = eq_table(p.r_n), eqo = eq_table(p.r_o), eqy = eq_table(p.r_y), eqx = eq_table(p.r_x);
  const std::vector<Fp2> act = tap_sums(g, ctx.value(xi), eqn, eqy, eqx);

  // Phase 1.
  const int64_t cgp = wl.padded[1], khp = wl.padded[2], kwp = wl.padded[3], kk = g.kh * g.kw, f = g.cg * kk;
  auto pad_index = [&](int64_t cc, int64_t i, int64_t j) { return (cc * khp + i) * kwp + j; };
  std::vector<Fp2> wtab, atab;
  sumcheck::ProverOutput r1;
  if (g.group == 1) {
    // W~(r_o, ·): fold the output channels away (O(|W|)); the sumcheck is then over C*K only.
    std::vector<Fp2> dense(static_cast<size_t>(f));
    contract_rows(ctx.value(wi).data.data(), g.m, f, eqo.data(), dense.data());
    wtab.resize(static_cast<size_t>(cgp * khp * kwp));
    atab.resize(wtab.size());
    for (int64_t cc = 0; cc < g.cg; ++cc)
      for (int64_t i = 0; i < g.kh; ++i)
        for (int64_t j = 0; j < g.kw; ++j) {
          wtab[pad_index(cc, i, j)] = dense[(cc * g.kh + i) * g.kw + j];
          atab[pad_index(cc, i, j)] = act[(cc * g.kh + i) * g.kw + j];
        }
    std::vector<sumcheck::TableRef> tables = {wtab, atab};
    r1 = ctx.sumcheck(tables, product_term(), sum);
  } else {
    const int64_t mg = g.m / g.group, block = cgp * khp * kwp;
    atab.resize(static_cast<size_t>(wl.padded[0] * block));
#pragma omp parallel for schedule(static) if (g.m * f >= (int64_t(1) << 15))
    for (int64_t o = 0; o < g.m; ++o) {
      const Fp2* src = act.data() + (o / mg) * g.cg * kk;
      Fp2* dst = atab.data() + o * block;
      for (int64_t cc = 0; cc < g.cg; ++cc)
        for (int64_t i = 0; i < g.kh; ++i)
          for (int64_t j = 0; j < g.kw; ++j) dst[pad_index(cc, i, j)] = eqo[o] * src[(cc * g.kh + i) * g.kw + j];
    }
    std::vector<sumcheck::TableRef> tables = {sumcheck::TableRef(ctx.mle(wi)), sumcheck::TableRef(atab)};
    r1 = ctx.sumcheck(tables, product_term(), sum);
  }
  std::vector<Fp2> w_point = r1.point;
  if (g.group == 1) w_point.insert(w_point.end(), p.r_o.begin(), p.r_o.end());
  ctx.send(r1.table_evaluations[0]);
  ctx.claim(wi, std::move(w_point), r1.table_evaluations[0]);
  const Fp2 a = r1.table_evaluations[1];
  ctx.send(a);
  wtab = {};
  atab = {};

  // Phase 2: a = sum X * G over X's cube.
  const KernelPoint k = cut_kernel_point(wl, r1.point);
  const auto gc = channel_weights(g, k, eqo);
  const auto gh = spatial_weights(eq_table(k.s_i), eqy, g.kh, g.oh, g.h, g.sh, g.pt, g.dh);
  const auto gw = spatial_weights(eq_table(k.s_j), eqx, g.kw, g.ow, g.w, g.sw, g.pl, g.dw);
  const int64_t cp = xl.padded[1], hp = xl.padded[2], wp = xl.padded[3];
  const std::vector<Fp>& xt = ctx.mle(xi);
  std::vector<Fp2> gtab(xt.size());
#pragma omp parallel for collapse(2) schedule(static) if (g.n * g.c * g.h * g.w >= (int64_t(1) << 15))
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t c = 0; c < g.c; ++c) {
      const Fp2 nc = eqn[n] * gc[c];
      Fp2* dst = gtab.data() + (n * cp + c) * hp * wp;
      for (int64_t h = 0; h < g.h; ++h) {
        const Fp2 nch = nc * gh[h];
        for (int64_t w = 0; w < g.w; ++w) dst[h * wp + w] = nch * gw[w];
      }
    }
  std::vector<sumcheck::TableRef> tables = {sumcheck::TableRef(xt), sumcheck::TableRef(gtab)};
  auto r2 = ctx.sumcheck(tables, product_term(), a);
  ctx.send(r2.table_evaluations[0]);
  ctx.claim(xi, r2.point, r2.table_evaluations[0]);
}

void verify_conv(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  const int xi = node.inputs[0], wi = node.inputs[1];
  const Geo g = geometry(node, ctx.shape(xi), ctx.shape(wi));
  const ConvPoint p = cut_output_point(ctx.shape(node.outputs[0]), out[0].point);
  Fp2 sum = out[0].value;
  if (has_bias(node)) {
    const int b = node.inputs[2];
    Fp2 vb = ctx.receive();
    ctx.claim(b, p.r_o, vb);
    sum -= vb * bias_factor(g, p);
  }
  const MleLayout xl = mle_layout(ctx.shape(xi)), wl = mle_layout(ctx.shape(wi));
  auto c1 = ctx.sumcheck(phase1_vars(g, wl), 2, sum);
  std::vector<Fp2> w_point = c1.point;
  if (g.group == 1) w_point.insert(w_point.end(), p.r_o.begin(), p.r_o.end());
  const Fp2 vw = ctx.receive();
  ctx.claim(wi, std::move(w_point), vw);
  const Fp2 a = ctx.receive();
  sumcheck::check_final(c1, std::vector<Fp2>{vw, a}, product_term());

  const auto eqn = eq_table(p.r_n), eqo = eq_table(p.r_o), eqy = eq_table(p.r_y), eqx = eq_table(p.r_x);
  const KernelPoint k = cut_kernel_point(wl, c1.point);
  const auto gc = channel_weights(g, k, eqo);
  const auto gh = spatial_weights(eq_table(k.s_i), eqy, g.kh, g.oh, g.h, g.sh, g.pt, g.dh);
  const auto gw = spatial_weights(eq_table(k.s_j), eqx, g.kw, g.ow, g.w, g.sw, g.pl, g.dw);
  auto c2 = ctx.sumcheck(xl.num_vars, 2, a);
  const Fp2 vx = ctx.receive();
  ctx.claim(xi, c2.point, vx);
  auto t = split_point(xl, c2.point);
  const Fp2 gt = dot_prefix(eqn, eq_table(t[0]), g.n) * dot_prefix(gc, eq_table(t[1]), g.c) *
                 dot_prefix(gh, eq_table(t[2]), g.h) * dot_prefix(gw, eq_table(t[3]), g.w);
  sumcheck::check_final(c2, std::vector<Fp2>{vx, gt}, product_term());
}

const LayerProofDef kConvProof{nullptr, nullptr, prove_conv, verify_conv};

}  // namespace

const LayerDef kConvLayer{"conv", 2, 3, 1, infer, forward, &kConvProof};

}  // namespace zk::layers
