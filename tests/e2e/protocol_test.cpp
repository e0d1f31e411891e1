// The whole protocol (setup, prove, serialise, verify) on small hand-built integer graphs.
#include <gtest/gtest.h>

#include <random>

#include "io/formats.hpp"
#include "prover/prover.hpp"
#include "verifier/verifier.hpp"

namespace zk {
namespace {

using layers::IntGraph;
using layers::IntNode;
using layers::IntTensor;

IntTensor random_tensor(const layers::Shape& shape, int64_t bound, uint64_t seed) {
  std::mt19937_64 rng(seed);
  IntTensor t(shape);
  for (auto& v : t.data) v = static_cast<int64_t>(rng() % (2 * bound + 1)) - bound;
  return t;
}

// x (public input) -> y = x * w (w a weight, broadcast) -> z = y + x -> output
IntGraph small_graph(uint64_t weight_seed = 7) {
  IntGraph g;
  const int x = g.add_input("x", {3, 5}, 0, 1.0, 100);
  const int w = g.add_constant("w", random_tensor({5}, 50, weight_seed), 0, 1.0);
  IntNode mul;
  mul.op = "mul";
  mul.name = "mul";
  mul.inputs = {x, w};
  const int y = g.add_node(mul, {"y"}, 0, 1.0);
  IntNode add;
  add.op = "add";
  add.name = "add";
  add.inputs = {y, x};
  add.attrs = {{"shift_a", {0}}, {"shift_b", {1}}};
  g.outputs = {g.add_node(add, {"z"}, 0, 1.0)};
  return g;
}

pcs::PcsParams test_params() {
  pcs::PcsParams p;
  p.num_queries = 20;  // small proofs for fast tests; soundness parameters are tested in pcs_tests
  p.pow_bits = 4;
  return p;
}

struct Fixture {
  prover::Keys keys;
  std::vector<IntTensor> inputs;
  prover::ProveResult result;
  std::vector<uint8_t> proof_bytes;
};

Fixture make_fixture() {
  Fixture f;
  f.keys = prover::setup(small_graph(), test_params());
  f.inputs = {random_tensor({3, 5}, 100, 1)};
  f.result = prover::prove(f.keys.pk, f.inputs);
  f.proof_bytes = io::write_proof(f.result.proof);
  return f;
}

bool accepts(const io::VerifyingKey& vk, std::span<const uint8_t> bytes, std::string* why = nullptr) {
  try {
    verifier::verify(vk, io::read_proof(bytes));
    return true;
  } catch (const Error& e) {
    if (why) *why = e.what();
    return false;
  }
}

TEST(Protocol, HonestProofVerifiesAndOutputIsTheIntegerExecutorsOutput) {
  auto f = make_fixture();
  std::string why;
  EXPECT_TRUE(accepts(f.keys.vk, f.proof_bytes, &why)) << why;
  auto expected = layers::execute(f.keys.pk.graph, f.inputs);
  EXPECT_EQ(f.result.outputs[0].data, expected[f.keys.pk.graph.outputs[0]].data);
}

TEST(Protocol, KeysRoundTripThroughTheirFileFormats) {
  auto f = make_fixture();
  auto vk = io::read_verifying_key(io::write_verifying_key(f.keys.vk));
  EXPECT_TRUE(accepts(vk, f.proof_bytes));
  auto pk = io::read_proving_key(io::write_proving_key(f.keys.pk));
  auto again = prover::prove(pk, f.inputs);
  EXPECT_TRUE(accepts(vk, io::write_proof(again.proof)));
}

TEST(Protocol, RejectsAChangedPublicOutput) {
  auto f = make_fixture();
  auto proof = f.result.proof;
  proof.outputs[0].data[4] += 1;
  EXPECT_FALSE(accepts(f.keys.vk, io::write_proof(proof)));
}

TEST(Protocol, RejectsAChangedPublicInput) {
  auto f = make_fixture();
  auto proof = f.result.proof;
  proof.inputs[0].data[0] -= 1;
  EXPECT_FALSE(accepts(f.keys.vk, io::write_proof(proof)));
}

TEST(Protocol, RejectsAProofUnderAnotherModelsKey) {
  auto f = make_fixture();
  auto other = prover::setup(small_graph(/*weight_seed=*/8), test_params());
  std::string why;
  EXPECT_FALSE(accepts(other.vk, f.proof_bytes, &why));
  // Same architecture, different weights: the weights commitment differs, the transcript diverges.
  EXPECT_EQ(other.vk.architecture_hash, f.keys.vk.architecture_hash);
}

TEST(Protocol, EverySampledSingleByteFlipIsRejectedWithoutCrashing) {
  auto f = make_fixture();
  const size_t n = f.proof_bytes.size();
  // Every byte of the first 600 (header, statement, early layer proofs) and a stride over the rest
  // (lookup and PCS sections) so every section is covered.
  size_t tried = 0;
  for (size_t pos = 0; pos < n; pos += (pos < 600 ? 1 : 37)) {
    auto bytes = f.proof_bytes;
    bytes[pos] ^= 0x01;
    EXPECT_FALSE(accepts(f.keys.vk, bytes)) << "flip at byte " << pos << " of " << n;
    ++tried;
  }
  EXPECT_GT(tried, 600u);
}

TEST(Protocol, AModelWithNothingToCommitStillProvesAndRejectsALie) {
  // Input and output public, no weights, no lookups: both commitments hold one zero entry.
  IntGraph g;
  const int a = g.add_input("a", {2, 3}, 0, 1.0, 100);
  const int b = g.add_input("b", {3}, 0, 1.0, 100);
  IntNode add;
  add.op = "add";
  add.name = "add";
  add.inputs = {a, b};
  g.outputs = {g.add_node(add, {"y"}, 0, 1.0)};
  auto keys = prover::setup(g, test_params());
  auto result = prover::prove(keys.pk, {random_tensor({2, 3}, 100, 3), random_tensor({3}, 100, 4)});
  std::string why;
  EXPECT_TRUE(accepts(keys.vk, io::write_proof(result.proof), &why)) << why;
  result.proof.outputs[0].data[5] += 1;
  EXPECT_FALSE(accepts(keys.vk, io::write_proof(result.proof)));
}

TEST(Protocol, TruncatedProofsAreRejected) {
  auto f = make_fixture();
  for (size_t len = 0; len < f.proof_bytes.size(); len += 97) {
    EXPECT_FALSE(accepts(f.keys.vk, std::span<const uint8_t>(f.proof_bytes.data(), len))) << len;
  }
}

}  // namespace
}  // namespace zk
