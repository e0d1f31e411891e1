// lookup: Y = T[X − lo] for a public table T over the domain [lo, lo + |T| − 1]. Every non-linear
// unary function (Relu, LeakyRelu, PRelu with a constant slope, Sigmoid, Tanh, Clip, HardSigmoid,
// HardSwish, Exp, Erf, Gelu, Sqrt, Reciprocal, Rsqrt) is one such table, built by the quantizer at
// compile time from the float function with the input and output scales; nothing is evaluated in
// floating point at run time. `infer` requires the domain to cover the input's whole static range
// [−bound, bound] (the preceding rescale saturates into it), so a lookup can never miss; the proof
// (issue 4) is a LogUp argument into the table.
//
// Proof: the plan declares the function table {(lo + i, T[i])} and the column pair (x, y); the
// lookup argument (src/lookup, all layers' lookups into one table batched) proves that every real
// (x, y) pair is a row, i.e. y = T[x − lo]. The layer itself sends nothing: x and y are both
// committed (or public), the driver discharges the output claim y~(r) against y's commitment and
// the lookup argument's own claims on x and y against theirs, and x's producer proves x from the
// claim the driver draws on x. The table key is a SHA-256 of (lo, T), so nodes with the same
// table share one table and one multiplicity column, and different tables never collide.
// Zero-knowledge mode (docs/zk.md §2) changes nothing here: the only value of the node's proof is
// the output's twin value, which the session sends, and the lookup argument is the driver's.
#include "hash/sha256.hpp"
#include "layers/layers.hpp"
#include "layers/proof.hpp"

namespace zk::layers {

namespace {

std::vector<OutInfo> infer(const IntNode& node, std::span<const TensorInfo* const> in) {
  expect_inputs(node, in, 1);
  const int64_t lo = node.get("lo");
  const auto& t = node.vec("table");
  if (t.empty()) throw Error(node.where() + ": empty table");
  const Wide hi = Wide(lo) + static_cast<int64_t>(t.size()) - 1;
  if (lo > -in[0]->bound || hi < in[0]->bound)
    throw Error(node.where() + ": table domain [" + std::to_string(lo) + ", " + std::to_string(static_cast<int64_t>(hi)) +
                "] does not cover the input range ±" + std::to_string(in[0]->bound));
  Wide b = 0;
  for (int64_t v : t) b = std::max(b, wabs(v));
  return {{in[0]->shape, checked(node, b, "a table value")}};
}

void forward(const IntNode& node, std::span<const IntTensor* const> in, std::span<IntTensor> out) {
  const int64_t lo = node.get("lo");
  const auto& t = node.vec("table");
  const auto& x = in[0]->data;
  auto& y = out[0].data;
  const auto n = static_cast<int64_t>(t.size());
  for (size_t k = 0; k < x.size(); ++k) {
    const int64_t i = x[k] - lo;
    if (i < 0 || i >= n)
      throw Error(node.where() + ": value " + std::to_string(x[k]) + " outside the table domain (bound analysis violated)");
    y[k] = t[i];
  }
}

// ---- proof ----

LookupTable function_table(const IntNode& node) {
  const int64_t lo = node.get("lo");
  const auto& t = node.vec("table");
  // Little-endian, so the key (part of the plan both sides derive) is the same on every machine.
  std::vector<uint8_t> bytes;
  bytes.reserve(8 * (t.size() + 1));
  auto put = [&](int64_t v) {
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * i)));
  };
  put(lo);
  for (int64_t v : t) put(v);
  LookupTable table;
  table.key = "fn:" + std::to_string(t.size()) + ":" + to_hex(sha256(bytes));
  table.inputs.resize(t.size());
  for (size_t i = 0; i < t.size(); ++i) table.inputs[i] = lo + static_cast<int64_t>(i);
  table.outputs = t;
  return table;
}

void plan(const IntNode& node, PlanBuilder& b) { b.add_lookup(function_table(node), {node.inputs[0], node.outputs[0]}); }

void prove(const IntNode&, ProverContext&, std::span<const TensorClaim>) {}
void verify(const IntNode&, VerifierContext&, std::span<const TensorClaim>) {}

const LayerProofDef kLookupProof{plan, nullptr, prove, verify, true};

}  // namespace

const LayerDef kLookupLayer{"lookup", 1, 1, 1, infer, forward, &kLookupProof};

}  // namespace zk::layers
