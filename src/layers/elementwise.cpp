// Element-wise arithmetic with numpy broadcasting.
//   add:       Y = A·2^shift_a + B·2^shift_b
//   sub:       Y = A·2^shift_a − B·2^shift_b
//   mul:       Y = A ⊙ B (Hadamard; scale(Y) = scale(A) + scale(B), a `rescale` follows)
//   mul_const: Y = c·X for the public integer c (scalar multiply, e.g. a quantized 1/n)
// The shifts align two operands of different fixed-point scales exactly (multiplying by a power of
// two never rounds); proofs are linear except the Hadamard product (sumcheck with eq).
#include <optional>

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
// Zero-knowledge mode (docs/zk.md §2): the linear shortcut would need the output's mask to be the
// same combination of the inputs' masks, so there the linear layers run the sumcheck of mul with
// linear terms, eq(r, y) * sum_i c_i X_i'(y) (degree 2); the context masks it.

// sum_y eq(r, y) * [terms over the tables (eq, X_0', X_1', ...)], X_i' = input i broadcast to Y.
void prove_pointwise(const IntNode& node, ProverContext& ctx, const TensorClaim& out,
                     std::span<const sumcheck::Term> terms) {
  const Shape& y = ctx.shape(node.outputs[0]);
  const auto eq = eq_table(out.point);
  std::vector<std::vector<Fp>> inputs;
  std::vector<std::optional<std::vector<Fp2>>> input_masks;
  for (int x : node.inputs) {
    inputs.push_back(broadcast_table(ctx.value(x), y));
    input_masks.push_back(ctx.twin(x, [&](const IntTensor& t) { return broadcast_table(t, y); }));
  }
  std::vector<sumcheck::TableRef> tables = {eq};
  std::vector<std::optional<sumcheck::TableRef>> masks(1);
  for (size_t i = 0; i < inputs.size(); ++i) {
    tables.emplace_back(inputs[i]);
    masks.push_back(input_masks[i] ? std::optional<sumcheck::TableRef>(*input_masks[i]) : std::nullopt);
  }
  auto result = ctx.masked_sumcheck(tables, masks, terms, ClaimedSum(out));
  for (int x : node.inputs) send_evaluation(ctx, x, broadcast_point(ctx.shape(x), y, result.point).point);
}

void verify_pointwise(const IntNode& node, VerifierContext& ctx, const TensorClaim& out,
                      std::span<const sumcheck::Term> terms) {
  const Shape& y = ctx.shape(node.outputs[0]);
  bool is_private[3] = {false, false, false};
  for (size_t i = 0; i < node.inputs.size() && i < 2; ++i) is_private[i + 1] = ctx.is_private(node.inputs[i]);
  const size_t tables = 1 + node.inputs.size();
  auto claim = ctx.masked_sumcheck(static_cast<unsigned>(out.point.size()), terms,
                                   std::span<const bool>(is_private, tables), ClaimedSum(out));
  std::vector<Fp2> evals = {eq_eval(out.point, claim.point)};
  for (int x : node.inputs) {
    auto px = broadcast_point(ctx.shape(x), y, claim.point);
    evals.push_back(receive_evaluation(ctx, x, px.point) * px.factor);
  }
  ctx.check_final(claim, evals, terms);
}

template <bool Sub>
std::vector<sumcheck::Term> addsub_terms(const IntNode& node) {
  const Fp ca(uint64_t(1) << shift_of(node, "shift_a")), cb(uint64_t(1) << shift_of(node, "shift_b"));
  return {{Fp2(ca), {0, 1}}, {Fp2(Sub ? -cb : cb), {0, 2}}};
}

std::vector<sumcheck::Term> mul_const_terms(const IntNode& node) {
  return {{Fp2(Fp::from_signed(node.get("c"))), {0, 1}}};
}

template <bool Sub>
void prove_addsub(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  if (ctx.zk()) return prove_pointwise(node, ctx, out[0], addsub_terms<Sub>(node));
  const Shape& y = ctx.shape(node.outputs[0]);
  for (int input : {node.inputs[0], node.inputs[1]}) {
    send_evaluation(ctx, input, broadcast_point(ctx.shape(input), y, out[0].point).point);
  }
}

template <bool Sub>
void verify_addsub(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  if (ctx.zk()) return verify_pointwise(node, ctx, out[0], addsub_terms<Sub>(node));
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
  if (ctx.zk()) return prove_pointwise(node, ctx, out[0], mul_const_terms(node));
  send_evaluation(ctx, node.inputs[0], out[0].point);
}

void verify_mul_const(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  if (ctx.zk()) return verify_pointwise(node, ctx, out[0], mul_const_terms(node));
  Fp2 vx = receive_evaluation(ctx, node.inputs[0], out[0].point);
  if (out[0].value != vx * Fp::from_signed(node.get("c"))) throw VerifyError("output is not c times the input");
}

const std::vector<sumcheck::Term>& mul_terms() {
  static const std::vector<sumcheck::Term> terms = {{Fp2::one(), {0, 1, 2}}};
  return terms;
}

void prove_mul(const IntNode& node, ProverContext& ctx, std::span<const TensorClaim> out) {
  prove_pointwise(node, ctx, out[0], mul_terms());
}

void verify_mul(const IntNode& node, VerifierContext& ctx, std::span<const TensorClaim> out) {
  verify_pointwise(node, ctx, out[0], mul_terms());
}

const LayerProofDef kAddProof{nullptr, nullptr, prove_addsub<false>, verify_addsub<false>, true};
const LayerProofDef kSubProof{nullptr, nullptr, prove_addsub<true>, verify_addsub<true>, true};
const LayerProofDef kMulProof{nullptr, nullptr, prove_mul, verify_mul, true};
const LayerProofDef kMulConstProof{nullptr, nullptr, prove_mul_const, verify_mul_const, true};

}  // namespace

const LayerDef kAddLayer{"add", 2, 2, 1, infer_addsub, forward_addsub<false>, &kAddProof};
const LayerDef kSubLayer{"sub", 2, 2, 1, infer_addsub, forward_addsub<true>, &kSubProof};
const LayerDef kMulLayer{"mul", 2, 2, 1, infer_mul, forward_mul, &kMulProof};
const LayerDef kMulConstLayer{"mul_const", 1, 1, 1, infer_mul_const, forward_mul_const, &kMulConstProof};

}  // namespace zk::layers
