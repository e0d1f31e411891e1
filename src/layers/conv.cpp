// conv: 2-D convolution, exact int64 accumulation. X [N, C, H, W], W [M, C/group, KH, KW], optional
// bias [M] at the accumulator scale. Attributes: strides [2], pads [top, left, bottom, right],
// dilations [2], group (group == C == M is depthwise). Padding contributes zeros. Output
// [N, M, OH, OW] with OH = (H + top + bottom - dil*(KH-1) - 1) / stride + 1. The quantizer follows
// with a `rescale`; the proof (issue 4) is linear in the MACs, with im2col only virtual.
#include "layers/layers.hpp"

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

}  // namespace

const LayerDef kConvLayer{"conv", 2, 3, 1, infer, forward};

}  // namespace zk::layers
