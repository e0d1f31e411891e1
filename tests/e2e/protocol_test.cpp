// The whole protocol (setup, prove, serialise, verify) on small hand-built integer graphs.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "circuit/plan.hpp"
#include "io/formats.hpp"
#include "prover/prover.hpp"
#include "accepts.hpp"
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

// x (input) -> y = x * w (w a weight, broadcast) -> z = y + x -> output
IntGraph small_graph(uint64_t weight_seed = 7, int64_t input_bound = 100) {
  IntGraph g;
  const int x = g.add_input("x", {3, 5}, 0, 1.0, input_bound);
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

// The tests below from issue 4 examine public inputs and outputs; visibility has its own tests.
constexpr circuit::Visibility kPublicInput{.input_private = false, .weights_private = true, .output_private = false};
constexpr circuit::Visibility kAllPublic{.input_private = false, .weights_private = false, .output_private = false};

struct Fixture {
  prover::Keys keys;
  std::vector<IntTensor> inputs;
  prover::ProveResult result;
  std::vector<uint8_t> proof_bytes;
};

Fixture make_fixture(const circuit::Visibility& visibility = kPublicInput) {
  Fixture f;
  f.keys = prover::setup(small_graph(), test_params(), visibility);
  f.inputs = {random_tensor({3, 5}, 100, 1)};
  f.result = prover::prove(f.keys.pk, f.inputs);
  f.proof_bytes = io::write_proof(f.result.proof);
  return f;
}

using e2e::accepts;

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
  auto other = prover::setup(small_graph(/*weight_seed=*/8), test_params(), kPublicInput);
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
  auto keys = prover::setup(g, test_params(), kAllPublic);
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

// ---- Visibility (issue 5) ---------------------------------------------------------------------

std::vector<circuit::Visibility> every_visibility() {
  std::vector<circuit::Visibility> all;
  for (int bits = 0; bits < 8; ++bits) all.push_back({(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0});
  return all;
}

// Distinct negative values (as field elements, words just below p: nothing structural in a proof,
// no count or length, looks like that), so that finding one among the proof's 8-byte words can
// only mean the value was written there.
IntTensor distinctive_input() {
  IntTensor x({3, 5});
  for (size_t i = 0; i < x.data.size(); ++i) x.data[i] = -(20011 + 797 * static_cast<int64_t>(i));
  return x;
}

// How many of t's values appear among the proof's bytes, as a field element or as an int64.
size_t words_found(const std::vector<uint8_t>& bytes, const IntTensor& t) {
  size_t found = 0;
  for (int64_t v : t.data) {
    const uint64_t words[2] = {Fp::from_signed(v).value(), static_cast<uint64_t>(v)};
    bool seen = false;
    for (size_t pos = 0; pos + 8 <= bytes.size() && !seen; ++pos) {
      for (uint64_t word : words) seen |= std::memcmp(bytes.data() + pos, &word, 8) == 0;
    }
    found += seen;
  }
  return found;
}

TEST(Visibility, EveryCombinationProvesAndVerifiesThroughTheFileFormats) {
  for (const auto& vis : every_visibility()) {
    SCOPED_TRACE(vis.describe());
    auto keys = prover::setup(small_graph(), test_params(), vis);
    auto vk = io::read_verifying_key(io::write_verifying_key(keys.vk));
    auto pk = io::read_proving_key(io::write_proving_key(keys.pk));
    EXPECT_EQ(vk.visibility, vis);
    EXPECT_EQ(pk.visibility, vis);
    // Zero-knowledge whenever something is private.
    const bool zero_knowledge = vis.any_private();
    EXPECT_EQ(vk.zero_knowledge, zero_knowledge);
    EXPECT_EQ(vk.pcs_params.hiding, vis.any_private());
    EXPECT_EQ(vk.pcs_params.masked_opening(), zero_knowledge);
    const std::vector<IntTensor> inputs{random_tensor({3, 5}, 100, 11)};
    auto result = prover::prove(pk, inputs);
    const auto bytes = io::write_proof(result.proof);
    std::string why;
    EXPECT_TRUE(accepts(vk, bytes, &why)) << why;
    const auto proof = io::read_proof(bytes);
    EXPECT_EQ(proof.zero_knowledge, zero_knowledge);
    EXPECT_EQ(proof.inputs.size(), vis.input_private ? 0u : 1u);
    EXPECT_EQ(proof.outputs.size(), vis.output_private ? 0u : 1u);
    EXPECT_EQ(proof.input_root.has_value(), vis.input_private);
    EXPECT_EQ(result.input_commitment.has_value(), vis.input_private);
    // The prover returns the output whatever its visibility, and it is the executor's.
    EXPECT_EQ(result.outputs.at(0).data, layers::execute(pk.graph, inputs)[pk.graph.outputs[0]].data);
    // The other visibilities' keys do not accept it: visibility is bound into the statement.
    for (const auto& other : every_visibility()) {
      if (other == vis) continue;
      EXPECT_FALSE(accepts(prover::setup(small_graph(), test_params(), other).vk, bytes)) << other.describe();
      break;  // one other is enough per combination; the hash covers the whole field
    }
  }
}

TEST(Visibility, APrivateInputsValuesAreNotInTheProof) {
  const IntTensor x = distinctive_input();
  auto private_keys = prover::setup(small_graph(7, (1 << 15) - 1), test_params());
  auto result = prover::prove(private_keys.pk, {x});
  const auto bytes = io::write_proof(result.proof);
  std::string why;
  ASSERT_TRUE(accepts(private_keys.vk, bytes, &why)) << why;
  EXPECT_TRUE(io::read_proof(bytes).inputs.empty());
  EXPECT_EQ(words_found(bytes, x), 0u);
  // The same scan finds them in a public-input proof, so it is able to fail.
  auto public_keys = prover::setup(small_graph(7, (1 << 15) - 1), test_params(), kPublicInput);
  EXPECT_EQ(words_found(io::write_proof(prover::prove(public_keys.pk, {x}).proof), x), x.data.size());
}

TEST(Visibility, APrivateOutputIsNotInTheProofAndStillBound) {
  auto keys = prover::setup(small_graph(), test_params(), {.input_private = false, .output_private = true});
  auto result = prover::prove(keys.pk, {random_tensor({3, 5}, 100, 12)});
  EXPECT_TRUE(result.proof.outputs.empty());
  ASSERT_TRUE(accepts(keys.vk, io::write_proof(result.proof)));
  // A cheating prover cannot slip a public output list into a private-output proof.
  auto proof = result.proof;
  proof.outputs = result.outputs;
  std::string why;
  EXPECT_FALSE(accepts(keys.vk, io::write_proof(proof), &why));
  EXPECT_NE(why.find("outputs"), std::string::npos) << why;
}

TEST(Visibility, TheInputCommitmentChecksTheInputAThirdPartyHolds) {
  auto keys = prover::setup(small_graph(), test_params());
  const std::vector<IntTensor> input{random_tensor({3, 5}, 100, 21)}, other{random_tensor({3, 5}, 100, 22)};
  auto mine = prover::prove(keys.pk, input);
  auto theirs = prover::prove(keys.pk, other);
  ASSERT_TRUE(mine.input_commitment && theirs.input_commitment);
  const auto commitment = io::read_input_commitment(io::write_input_commitment(*mine.input_commitment));
  // The right commitment, alone and recomputed from the right input.
  EXPECT_NO_THROW(verifier::check_input_commitment(keys.vk, mine.proof, commitment, nullptr));
  EXPECT_NO_THROW(verifier::check_input_commitment(keys.vk, mine.proof, commitment, &input));
  // Another input's commitment.
  try {
    verifier::check_input_commitment(keys.vk, mine.proof, *theirs.input_commitment, nullptr);
    ADD_FAILURE() << "another input's commitment was accepted";
  } catch (const VerifyError& e) {
    EXPECT_NE(std::string(e.what()).find("input commitment differs"), std::string::npos) << e.what();
  }
  // The right commitment but another input, and an input one value off.
  EXPECT_THROW(verifier::check_input_commitment(keys.vk, mine.proof, commitment, &other), VerifyError);
  auto off_by_one = input;
  off_by_one[0].data[7] += 1;
  EXPECT_THROW(verifier::check_input_commitment(keys.vk, mine.proof, commitment, &off_by_one), VerifyError);
  // The seed matters: the right root with another seed does not recompute.
  auto wrong_seed = commitment;
  wrong_seed.seed[0] ^= 1;
  EXPECT_THROW(verifier::check_input_commitment(keys.vk, mine.proof, wrong_seed, &input), VerifyError);
  // Two proofs of the same input use fresh seeds: their commitments differ.
  EXPECT_NE(prover::prove(keys.pk, input).input_commitment->root, commitment.root);
}

TEST(Visibility, ATamperedInputCommitmentIsRejected) {
  auto keys = prover::setup(small_graph(), test_params());
  const std::vector<IntTensor> input{random_tensor({3, 5}, 100, 31)};
  auto result = prover::prove(keys.pk, input);
  ASSERT_TRUE(accepts(keys.vk, io::write_proof(result.proof)));
  for (size_t byte : {size_t{0}, size_t{17}, size_t{31}}) {
    auto proof = result.proof;
    (*proof.input_root)[byte] ^= 0x20;
    std::string why;
    EXPECT_FALSE(accepts(keys.vk, io::write_proof(proof), &why)) << "byte " << byte;
  }
  // Another proof's commitment with this proof's opening.
  auto proof = result.proof;
  proof.input_root = prover::prove(keys.pk, input).proof.input_root;
  EXPECT_FALSE(accepts(keys.vk, io::write_proof(proof)));
  // Dropping the commitment, or adding the values in the clear, is a different statement.
  proof = result.proof;
  proof.input_root.reset();
  proof.input_opening.reset();
  EXPECT_FALSE(accepts(keys.vk, io::write_proof(proof)));
  proof = result.proof;
  proof.inputs = input;
  EXPECT_FALSE(accepts(keys.vk, io::write_proof(proof)));
}

TEST(Visibility, PublicWeightsAreInTheVerifyingKeyAndBindTheProof) {
  auto keys = prover::setup(small_graph(), test_params(), kAllPublic);
  auto vk = io::read_verifying_key(io::write_verifying_key(keys.vk));
  ASSERT_EQ(vk.graph.constants.size(), 1u);
  for (const auto& [id, value] : vk.graph.constants) EXPECT_EQ(value.data, keys.pk.graph.constant(id)->data);
  auto result = prover::prove(keys.pk, {random_tensor({3, 5}, 100, 41)});
  const auto bytes = io::write_proof(result.proof);
  std::string why;
  EXPECT_TRUE(accepts(vk, bytes, &why)) << why;
  // The verifier evaluates the weight claims itself: with one weight changed (and the old
  // architecture hash kept, so that only the evaluation can notice) the proof is rejected.
  auto changed = vk;
  changed.graph.constants.begin()->second.data[2] += 1;
  EXPECT_FALSE(accepts(changed, bytes, &why));
  EXPECT_NE(why.find("public tensor 'w'"), std::string::npos) << why;
  changed.architecture_hash = io::architecture_hash(changed.graph, changed.visibility, false, changed.pcs_params);
  EXPECT_NE(changed.architecture_hash, vk.architecture_hash);
  // ... and so does the file, re-read (the hash covers public weights).
  EXPECT_FALSE(accepts(io::read_verifying_key(io::write_verifying_key(changed)), bytes));
  // Private weights keep the values out of the vk.
  auto hidden = prover::setup(small_graph(), test_params(), kPublicInput);
  for (const auto& [id, value] : io::read_verifying_key(io::write_verifying_key(hidden.vk)).graph.constants)
    EXPECT_TRUE(value.data.empty());
}

TEST(Visibility, PrivateWeightsKeepOneHidingCommitmentAcrossProofs) {
  auto keys = prover::setup(small_graph(), test_params());
  // Setup draws a fresh seed: two setups of the same weights commit differently.
  EXPECT_NE(prover::setup(small_graph(), test_params()).vk.weights_root, keys.vk.weights_root);
  // Every proof recreates the vk's commitment from the pk's seed; a damaged seed is caught.
  auto pk = io::read_proving_key(io::write_proving_key(keys.pk));
  EXPECT_TRUE(accepts(keys.vk, io::write_proof(prover::prove(pk, {random_tensor({3, 5}, 100, 51)}).proof)));
  pk.weights_seed[3] ^= 1;
  EXPECT_THROW(prover::prove(pk, {random_tensor({3, 5}, 100, 51)}), Error);
}

TEST(Visibility, APrivateInputsBoundIsProven) {
  // The verifier checks a public input's bound itself; a private input's is proven: a lookup when
  // the bound is narrow, range limbs tied to the committed input when it is wide.
  const auto narrow = circuit::make_plan(small_graph());
  ASSERT_EQ(narrow.input_ranges.size(), 1u);
  EXPECT_TRUE(narrow.input_ranges[0].aux.empty());
  ASSERT_EQ(narrow.lookups.size(), 1u);
  EXPECT_EQ(narrow.lookups[0].columns, std::vector<int>({narrow.graph.inputs[0]}));
  EXPECT_EQ(narrow.tables[narrow.lookups[0].table].key, "interval[-100,100]");
  EXPECT_TRUE(circuit::make_plan(small_graph(), kPublicInput).input_ranges.empty());

  auto keys = prover::setup(small_graph(7, (1 << 15) - 1), test_params());
  ASSERT_EQ(circuit::make_plan(keys.pk.graph, keys.pk.visibility).input_ranges.at(0).aux.size(), 4u)
      << "16-bit bound: two limbs below, two above";
  auto result = prover::prove(keys.pk, {distinctive_input()});
  std::string why;
  ASSERT_TRUE(accepts(keys.vk, io::write_proof(result.proof), &why)) << why;
  ASSERT_EQ(result.proof.input_ranges.size(), 1u);
  for (size_t k = 0; k < result.proof.input_ranges[0].values.size(); ++k) {
    auto proof = result.proof;
    proof.input_ranges[0].values[k] += Fp2::one();
    EXPECT_FALSE(accepts(keys.vk, io::write_proof(proof), &why)) << "value " << k;
  }
  // A public input beyond its bound is refused by the verifier (the prover's executor would not
  // make it; a cheating prover writes it in).
  auto open = prover::setup(small_graph(), test_params(), kPublicInput);
  auto honest = prover::prove(open.pk, {random_tensor({3, 5}, 100, 61)});
  honest.proof.inputs[0].data[3] = 101;
  EXPECT_FALSE(accepts(open.vk, io::write_proof(honest.proof), &why));
  EXPECT_NE(why.find("outside its bound"), std::string::npos) << why;
}

TEST(Visibility, AnInputPublishedAsAnOutputIsStillBoundChecked) {
  // The identity model with a private input and a public output: publishing the output publishes
  // the input, so nothing is committed for it, and the verifier checks its bound on the output copy.
  IntGraph g;
  const int x = g.add_input("x", {2}, 0, 1.0, 10);
  g.outputs = {x};
  auto keys = prover::setup(g, test_params());
  auto result = prover::prove(keys.pk, {IntTensor({2}, {3, -10})});
  std::string why;
  ASSERT_TRUE(accepts(keys.vk, io::write_proof(result.proof), &why)) << why;
  EXPECT_FALSE(result.proof.input_root.has_value());
  result.proof.outputs[0].data[0] = 11;
  EXPECT_FALSE(accepts(keys.vk, io::write_proof(result.proof), &why));
  EXPECT_NE(why.find("outside its bound"), std::string::npos) << why;
}

TEST(Visibility, FilesFromTheOlderFormatGiveAClearError) {
  auto keys = prover::setup(small_graph(), test_params());
  auto vk = io::write_verifying_key(keys.vk);
  vk[8] = 1;  // the u32 format version follows the 8 magic bytes
  try {
    io::read_verifying_key(vk);
    ADD_FAILURE() << "an old-version vk was read";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("older zkinfer"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace zk
