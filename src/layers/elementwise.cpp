// Element-wise arithmetic with numpy broadcasting.
//   add:       Y = A·2^shift_a + B·2^shift_b
//   sub:       Y = A·2^shift_a − B·2^shift_b
//   mul:       Y = A ⊙ B (Hadamard; scale(Y) = scale(A) + scale(B), a `rescale` follows)
//   mul_const: Y = c·X for the public integer c (scalar multiply, e.g. a quantized 1/n)
// The shifts align two operands of different fixed-point scales exactly (multiplying by a power of
// two never rounds); proofs are linear except the Hadamard product (sumcheck with eq).
#include "layers/layers.hpp"

namespace zk::layers {

namespace {

int64_t shift_of(const IntNode& node, const char* key) {
  int64_t s = node.get(key, 0);
  if (s < 0 || s > 61) throw Error(node.where() + ": " + key + " must be in [0, 61]");
  return s;
}

std::vector<OutInfo> infer_addsub(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 2);
  Shape y = broadcast_shapes(node, in[0]->shape, in[1]->shape);
  Wide b = (Wide(in[0]->bound) << shift_of(node, "shift_a")) + (Wide(in[1]->bound) << shift_of(node, "shift_b"));
  return {{y, checked(node, b, "the sum")}};
}

template <bool Sub>
void forward_addsub(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor &a = *in[0], &b = *in[1];
  const int64_t ma = int64_t(1) << shift_of(node, "shift_a"), mb = int64_t(1) << shift_of(node, "shift_b");
  IntTensor& y = out[0];
  auto sa = broadcast_strides(a.shape, y.shape), sb = broadcast_strides(b.shape, y.shape);
  for_each_broadcast(y.shape, sa, sb, [&](int64_t o, int64_t ia, int64_t ib) {
    y.data[o] = Sub ? a.data[ia] * ma - b.data[ib] * mb : a.data[ia] * ma + b.data[ib] * mb;
  });
}

std::vector<OutInfo> infer_mul(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 2);
  Shape y = broadcast_shapes(node, in[0]->shape, in[1]->shape);
  return {{y, checked(node, Wide(in[0]->bound) * in[1]->bound, "the product")}};
}

void forward_mul(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const IntTensor &a = *in[0], &b = *in[1];
  IntTensor& y = out[0];
  auto sa = broadcast_strides(a.shape, y.shape), sb = broadcast_strides(b.shape, y.shape);
  for_each_broadcast(y.shape, sa, sb, [&](int64_t o, int64_t ia, int64_t ib) { y.data[o] = a.data[ia] * b.data[ib]; });
}

std::vector<OutInfo> infer_mul_const(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  const int64_t c = node.get("c");
  checked(node, c, "the constant");
  return {{in[0]->shape, checked(node, Wide(in[0]->bound) * wabs(c), "the product")}};
}

void forward_mul_const(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const int64_t c = node.get("c");
  const auto& x = in[0]->data;
  auto& y = out[0].data;
  for (size_t k = 0; k < x.size(); ++k) y[k] = c * x[k];
}

}  // namespace

const LayerDef kAddLayer{"add", 2, 2, 1, infer_addsub, forward_addsub<false>};
const LayerDef kSubLayer{"sub", 2, 2, 1, infer_addsub, forward_addsub<true>};
const LayerDef kMulLayer{"mul", 2, 2, 1, infer_mul, forward_mul};
const LayerDef kMulConstLayer{"mul_const", 1, 1, 1, infer_mul_const, forward_mul_const};

}  // namespace zk::layers
