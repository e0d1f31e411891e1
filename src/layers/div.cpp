// div: element-wise division of two tensors (broadcasting), rounded half up and saturated:
//   N = A·2^shift_n,  D = B·2^shift_d,  s = sign(D)
//   q = floor((s·N + floor(|D|/2)) / |D|)          (proven as q·|D| + r = s·N + floor(|D|/2),
//                                                    0 ≤ r < |D|)
//   Y = min(max(q, lo), hi)
// D = 0 is an Error at run time (naming the node). Division by a constant never comes here: the
// quantizer multiplies by a quantized reciprocal (mul_const + rescale).
#include "layers/layers.hpp"

namespace zk::layers {

namespace {

std::vector<OutInfo> infer(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 2);
  Shape y = broadcast_shapes(node, in[0]->shape, in[1]->shape);
  const int64_t kn = node.get("shift_n", 0), kd = node.get("shift_d", 0);
  if (kn < 0 || kn > 61 || kd < 0 || kd > 61) throw Error(node.where() + ": shifts must be in [0, 61]");
  const int64_t lo = node.get("lo"), hi = node.get("hi");
  if (lo > hi) throw Error(node.where() + ": empty saturation range");
  const Wide n = Wide(in[0]->bound) << kn, d = Wide(in[1]->bound) << kd;
  checked(node, d, "the divisor");
  checked(node, n + d / 2, "the division numerator");
  const Wide lim = std::max(wabs(lo), wabs(hi));
  return {{y, checked(node, (lo > 0 || hi < 0) ? lim : std::min(lim, n + 1), "the quotient")}};
}

void forward(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor &a = *in[0], &b = *in[1];
  const int64_t kn = node.get("shift_n", 0), kd = node.get("shift_d", 0);
  const int64_t lo = node.get("lo"), hi = node.get("hi");
  IntTensor& y = out[0];
  auto sa = broadcast_strides(a.shape, y.shape), sb = broadcast_strides(b.shape, y.shape);
  for_each_broadcast(y.shape, sa, sb, [&](int64_t o, int64_t ia, int64_t ib) {
    int64_t d = b.data[ib] * (int64_t(1) << kd);
    int64_t n = a.data[ia] * (int64_t(1) << kn);
    if (d == 0) throw Error(node.where() + ": division by zero at output index " + std::to_string(o));
    if (d < 0) {
      d = -d;
      n = -n;
    }
    y.data[o] = std::min(std::max(floor_div(n + d / 2, d), lo), hi);
  });
}

}  // namespace

const LayerDef kDivLayer{"div", 2, 2, 1, infer, forward};

}  // namespace zk::layers
