// Element-wise arithmetic with numpy broadcasting.
//   add:       Y = A·2^shift_a + B·2^shift_b
//   sub:       Y = A·2^shift_a − B·2^shift_b
//   mul:       Y = A ⊙ B (Hadamard; scale(Y) = scale(A) + scale(B), a `rescale` follows)
//   mul_const: Y = c·X for the public integer c (scalar multiply, e.g. a quantized 1/n)
// The shifts align two operands of different fixed-point scales exactly (multiplying by a power of
// two never rounds); proofs are linear except the Hadamard product (sumcheck with eq).
#include "layers/layers.hpp"
#include "layers/proof.hpp"
#include "layers/proof_util.hpp"
#include "poly/multilinear.hpp"

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

// ---- proofs ----
// add/sub and mul_const are linear: the output claim is a fixed combination of the inputs' MLEs at
// (broadcast-projected) copies of the same point, so the prover only sends those evaluations.
// mul is one degree-3 sumcheck of eq(r, y) * A'(y) * B'(y) over the output's hypercube, A' and B'
// being the operands broadcast to the output shape.

template <bool Sub>
void prove_addsub(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  const Shape& y = ctx.shape(node.outputs[0]);
  for (int input : {node.inputs[0], node.inputs[1]}) {
    send_evaluation(ctx, input, broadcast_point(ctx.shape(input), y, out[0].point).point);
  }
}

template <bool Sub>
void verify_addsub(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  const Shape& y = ctx.shape(node.outputs[0]);
  const int a = node.inputs[0], b = node.inputs[1];
  auto pa = broadcast_point(ctx.shape(a), y, out[0].point);
  auto pb = broadcast_point(ctx.shape(b), y, out[0].point);
  Fp2 va = receive_evaluation(ctx, a, pa.point), vb = receive_evaluation(ctx, b, pb.point);
  Fp2 ta = va * pa.factor * Fp(uint64_t(1) << shift_of(node, "shift_a"));
  Fp2 tb = vb * pb.factor * Fp(uint64_t(1) << shift_of(node, "shift_b"));
  if (out[0].value != (Sub ? ta - tb : ta + tb)) throw VerifyError("output is not the (shifted) sum of the inputs");
}

void prove_mul_const(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  send_evaluation(ctx, node.inputs[0], out[0].point);
}

void verify_mul_const(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  Fp2 vx = receive_evaluation(ctx, node.inputs[0], out[0].point);
  if (out[0].value != vx * Fp::from_signed(node.get("c"))) throw VerifyError("output is not c times the input");
}

const std::vector<sumcheck::Term>& mul_terms() {
  static const std::vector<sumcheck::Term> terms = {{Fp2::one(), {0, 1, 2}}};
  return terms;
}

void prove_mul(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  const Shape& y = ctx.shape(node.outputs[0]);
  const int a = node.inputs[0], b = node.inputs[1];
  auto eq = eq_table(out[0].point);
  auto ta = broadcast_table(ctx.value(a), y), tb = broadcast_table(ctx.value(b), y);
  std::vector<sumcheck::TableRef> tables = {eq, ta, tb};
  auto result = ctx.sumcheck(tables, mul_terms(), out[0].value);
  send_evaluation(ctx, a, broadcast_point(ctx.shape(a), y, result.point).point);
  send_evaluation(ctx, b, broadcast_point(ctx.shape(b), y, result.point).point);
}

void verify_mul(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  const Shape& y = ctx.shape(node.outputs[0]);
  const int a = node.inputs[0], b = node.inputs[1];
  auto claim = ctx.sumcheck(static_cast<unsigned>(out[0].point.size()), 3, out[0].value);
  auto pa = broadcast_point(ctx.shape(a), y, claim.point);
  auto pb = broadcast_point(ctx.shape(b), y, claim.point);
  Fp2 va = receive_evaluation(ctx, a, pa.point), vb = receive_evaluation(ctx, b, pb.point);
  std::vector<Fp2> evals = {eq_eval(out[0].point, claim.point), va * pa.factor, vb * pb.factor};
  sumcheck::check_final(claim, evals, mul_terms());
}

const LayerProofDef kAddProof{nullptr, nullptr, prove_addsub<false>, verify_addsub<false>};
const LayerProofDef kSubProof{nullptr, nullptr, prove_addsub<true>, verify_addsub<true>};
const LayerProofDef kMulProof{nullptr, nullptr, prove_mul, verify_mul};
const LayerProofDef kMulConstProof{nullptr, nullptr, prove_mul_const, verify_mul_const};

}  // namespace

const LayerDef kAddLayer{"add", 2, 2, 1, infer_addsub, forward_addsub<false>, &kAddProof};
const LayerDef kSubLayer{"sub", 2, 2, 1, infer_addsub, forward_addsub<true>, &kSubProof};
const LayerDef kMulLayer{"mul", 2, 2, 1, infer_mul, forward_mul, &kMulProof};
const LayerDef kMulConstLayer{"mul_const", 1, 1, 1, infer_mul_const, forward_mul_const, &kMulConstProof};

}  // namespace zk::layers
