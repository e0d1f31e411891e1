// Soundness audit of the end-to-end protocol (setup, prove, verify): cheating provers that run the
// honest prover on a doctored proving key. The verifying key is the honest one throughout.
#include <gtest/gtest.h>

#include "circuit/protocol.hpp"
#include "io/formats.hpp"
#include "prover/prover.hpp"
#include "verifier/verifier.hpp"

namespace zk {
namespace {

using layers::IntGraph;
using layers::IntNode;
using layers::IntTensor;

pcs::PcsParams small_params() {
  pcs::PcsParams p;
  p.num_queries = 20;
  p.pow_bits = 4;
  return p;
}

// y = x + x for an input x with entries in [-1, 1]: every honest output entry lies in [-2, 2].
IntGraph doubling_graph() {
  IntGraph g;
  const int x = g.add_input("x", {4}, 0, 1.0, 1);
  IntNode add;
  add.op = "add";
  add.name = "add";
  add.inputs = {x, x};
  g.outputs = {g.add_node(add, {"y"}, 0, 1.0)};
  return g;
}

bool accepts(const io::VerifyingKey& vk, const io::Proof& proof, std::string* why = nullptr) {
  try {
    verifier::verify(vk, io::read_proof(io::write_proof(proof)));
    return true;
  } catch (const Error& e) {
    if (why) *why = e.what();
    return false;
  }
}

// The cheating prover: the honest prover run on a proving key whose input bound was raised (the
// key keeps the honest architecture hash, which the prover copies into the proof unchecked), so
// the integer executor lets an out-of-range input through.
io::Proof prove_out_of_range(const prover::Keys& keys, int64_t value, std::vector<IntTensor>* outputs = nullptr) {
  io::ProvingKey pk = keys.pk;
  pk.graph.tensors[pk.graph.inputs[0]].bound = 1000;
  auto result = prover::prove(pk, {IntTensor({4}, {value, value, value, value})});
  if (outputs) *outputs = result.outputs;
  return result.proof;
}

TEST(ProtocolAudit, HonestProofsOfTheAuditGraphVerify) {
  for (bool input_private : {true, false}) {
    circuit::Visibility vis;
    vis.input_private = input_private;
    const auto keys = prover::setup(doubling_graph(), small_params(), vis);
    const auto result = prover::prove(keys.pk, {IntTensor({4}, {1, -1, 0, 1})});
    std::string why;
    EXPECT_TRUE(accepts(keys.vk, result.proof, &why)) << why;
    EXPECT_EQ(result.outputs[0].data, (std::vector<int64_t>{2, -2, 0, 2}));
  }
}

// A private input is committed but never range checked: the prover commits x = 500 (the input's
// bound is 1) and proves the public output y = 1000, which no admissible input produces.
TEST(ProtocolAudit, PrivateInputOutsideItsBoundIsRejected) {
  const auto keys = prover::setup(doubling_graph(), small_params());
  ASSERT_TRUE(keys.vk.visibility.input_private);
  std::vector<IntTensor> outputs;
  io::Proof proof;
  try {
    proof = prove_out_of_range(keys, 500, &outputs);
  } catch (const Error&) {
    return;  // a range check in the plan makes the doctored prover give up: no proof to accept
  }
  ASSERT_EQ(outputs[0].data, (std::vector<int64_t>{1000, 1000, 1000, 1000}));
  EXPECT_FALSE(accepts(keys.vk, proof)) << "accepted y = 1000 for an input bounded by 1";
}

// An honest proof of a model whose private input has a wide bound (range limbs, not an interval
// table). Crashed in make_plan while the input range check was being written: plan_bounded() got
// a reference into plan.shapes, which add_aux() reallocates.
TEST(ProtocolAudit, WideBoundPrivateInputProvesAndVerifies) {
  IntGraph g;
  const int x = g.add_input("x", {3, 5}, 0, 1.0, 1000);
  IntNode add;
  add.op = "add";
  add.name = "add";
  add.inputs = {x, x};
  g.outputs = {g.add_node(add, {"y"}, 0, 1.0)};
  const auto keys = prover::setup(g, small_params());
  ASSERT_TRUE(keys.vk.visibility.input_private);
  IntTensor in({3, 5}, std::vector<int64_t>(15, -1000));
  in.data[7] = 999;
  std::string why;
  EXPECT_TRUE(accepts(keys.vk, prover::prove(keys.pk, {in}).proof, &why)) << why;
}

// A public input outside its bound is embedded in the proof; the integer executor would refuse it,
// so the verifier must too (it sees the values: no commitment needed).
TEST(ProtocolAudit, PublicInputOutsideItsBoundIsRejected) {
  circuit::Visibility vis;
  vis.input_private = false;
  const auto keys = prover::setup(doubling_graph(), small_params(), vis);
  const io::Proof proof = prove_out_of_range(keys, 500);
  ASSERT_EQ(proof.inputs.size(), 1u);
  EXPECT_FALSE(accepts(keys.vk, proof)) << "accepted a public input of 500 for a bound of 1";
}

// A tensor that is both a public input and a public output appears twice in the proof, and the
// verifier reads only the output copy (verifier.cpp fills public_value from the outputs last). For
// the identity model (no nodes, output = input) the prover claims input 3 and output 9 and proves
// it with empty openings: nothing relates proof.inputs to proof.outputs.
TEST(ProtocolAudit, InputThatIsAlsoAnOutputMustAgreeWithIt) {
  IntGraph g;
  const int x = g.add_input("x", {2}, 0, 1.0, 10);
  g.outputs = {x};
  circuit::Visibility vis;
  vis.input_private = vis.weights_private = vis.output_private = false;
  const auto keys = prover::setup(g, small_params(), vis);
  ASSERT_TRUE(accepts(keys.vk, prover::prove(keys.pk, {IntTensor({2}, {3, 3})}).proof));

  io::Proof proof;
  proof.architecture_hash = keys.vk.architecture_hash;
  proof.inputs = {IntTensor({2}, {3, 3})};
  proof.outputs = {IntTensor({2}, {9, 9})};
  const auto cp = circuit::commitment_params(keys.pk.pcs_params, vis);
  const std::vector<std::vector<Fp>> placeholder = {{Fp::zero()}};
  auto [witness, witness_data] = pcs::commit(placeholder, cp.witness);
  auto [weights, weights_data] = pcs::commit(placeholder, cp.weights);
  ASSERT_EQ(weights.root, keys.vk.weights_root);
  proof.witness_root = witness.root;
  Transcript transcript(circuit::kProtocolLabel);
  circuit::bind_statement(transcript, proof.architecture_hash, keys.vk.weights_root, proof.inputs, proof.outputs,
                          std::nullopt, proof.witness_root);
  proof.witness_opening = pcs::open(*witness_data, std::span<const pcs::Claim>(), transcript);
  proof.weights_opening = pcs::open(*weights_data, std::span<const pcs::Claim>(), transcript);
  EXPECT_FALSE(accepts(keys.vk, proof)) << "the identity model proven to map 3 to 9";
}

}  // namespace
}  // namespace zk
