// matmul: Y = op(A) · op(B) + C, exact int64 accumulation (Gemm, MatMul, QLinearMatMul,
// MatMulInteger all land here). op(.) transposes the last two dims when trans_a / trans_b is 1.
// A and B have rank >= 2; leading (batch) dims broadcast numpy-style. The optional bias C is at
// the accumulator scale (scale(A) + scale(B)) and broadcasts to Y. No rounding happens here: the
// quantizer follows with a `rescale`. The proof (issue 4) is one sumcheck over the inner dim.
#include "layers/layers.hpp"

namespace zk::layers {

namespace {

struct Dims {
  Shape batch;  // broadcast batch dims of Y
  Shape a_batch, b_batch;
  int64_t m, k, n;
};

Dims dims(const IntNode& node, const Shape& a, const Shape& b) {
  if (a.size() < 2 || b.size() < 2) throw Error(node.where() + ": operands must have rank >= 2");
  const bool ta = node.get("trans_a", 0) != 0, tb = node.get("trans_b", 0) != 0;
  Dims d;
  const size_t ra = a.size(), rb = b.size();
  d.m = ta ? a[ra - 1] : a[ra - 2];
  d.k = ta ? a[ra - 2] : a[ra - 1];
  int64_t kb = tb ? b[rb - 1] : b[rb - 2];
  d.n = tb ? b[rb - 2] : b[rb - 1];
  if (d.k != kb)
    throw Error(node.where() + ": inner dimensions differ (" + shape_str(a) + " x " + shape_str(b) + ")");
  d.a_batch.assign(a.begin(), a.end() - 2);
  d.b_batch.assign(b.begin(), b.end() - 2);
  d.batch = broadcast_shapes(node, d.a_batch, d.b_batch);
  return d;
}

Shape out_shape(const Dims& d) {
  Shape s = d.batch;
  s.push_back(d.m);
  s.push_back(d.n);
  return s;
}

std::vector<OutInfo> infer(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 2);
  Dims d = dims(node, in[0]->shape, in[1]->shape);
  Shape y = out_shape(d);
  Wide acc = Wide(d.k) * in[0]->bound * in[1]->bound;
  checked(node, acc, "the accumulator");
  if (in.size() > 2 && in[2]) {
    if (broadcast_shapes(node, y, in[2]->shape) != y)
      throw Error(node.where() + ": bias shape " + shape_str(in[2]->shape) + " does not broadcast to " + shape_str(y));
    acc += in[2]->bound;
  }
  return {{y, checked(node, acc, "the output")}};
}

// [rows, cols] matrix number `idx` of a batched tensor, transposed into row-major [r, c] if needed.
void load(const IntTensor& t, int64_t offset, int64_t rows, int64_t cols, bool trans, std::vector<int64_t>& buf) {
  buf.resize(static_cast<size_t>(rows * cols));
  const int64_t* p = t.data.data() + offset;
  if (!trans) {
    std::copy(p, p + rows * cols, buf.begin());
    return;
  }
  // Stored as [cols, rows].
  for (int64_t c = 0; c < cols; ++c)
    for (int64_t r = 0; r < rows; ++r) buf[r * cols + c] = p[c * rows + r];
}

void forward(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor& a = *in[0];
  const IntTensor& b = *in[1];
  Dims d = dims(node, a.shape, b.shape);
  const bool ta = node.get("trans_a", 0) != 0, tb = node.get("trans_b", 0) != 0;
  IntTensor& y = out[0];
  // Batch offsets via broadcasting over the batch dims.
  auto sa = broadcast_strides(d.a_batch, d.batch), sb = broadcast_strides(d.b_batch, d.batch);
  std::vector<int64_t> abuf, bbuf;
  const int64_t mk = d.m * d.k, kn = d.k * d.n, mn = d.m * d.n;
  Shape batch = d.batch.empty() ? Shape{1} : d.batch;
  if (d.batch.empty()) sa = sb = {0};
  for_each_broadcast(batch, sa, sb, [&](int64_t o, int64_t ia, int64_t ib) {
    load(a, ia * mk, d.m, d.k, ta, abuf);
    load(b, ib * kn, d.k, d.n, tb, bbuf);
    int64_t* yp = y.data.data() + o * mn;
    std::fill(yp, yp + mn, 0);
    for (int64_t i = 0; i < d.m; ++i) {
      int64_t* row = yp + i * d.n;
      for (int64_t kk = 0; kk < d.k; ++kk) {
        const int64_t av = abuf[i * d.k + kk];
        if (av == 0) continue;
        const int64_t* brow = bbuf.data() + kk * d.n;
        for (int64_t j = 0; j < d.n; ++j) row[j] += av * brow[j];
      }
    }
  });
  if (in.size() > 2 && in[2]) {
    const IntTensor& c = *in[2];
    auto sc = broadcast_strides(c.shape, y.shape);
    for_each_broadcast(y.shape, sc, sc, [&](int64_t o, int64_t ic, int64_t) { y.data[o] += c.data[ic]; });
  }
}

}  // namespace

const LayerDef kMatMulLayer{"matmul", 2, 3, 1, infer, forward};

}  // namespace zk::layers
