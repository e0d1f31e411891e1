#include "verifier/verifier.hpp"

#include "circuit/protocol.hpp"
#include "circuit/session.hpp"
#include "circuit/twin_masks.hpp"
#include "circuit/zk_lookups.hpp"

namespace zk::verifier {

namespace {

void check_public_tensors(const char* what, const std::vector<int>& ids, const std::vector<layers::IntTensor>& given,
                          const circuit::Plan& plan) {
  if (given.size() != ids.size()) {
    throw VerifyError(std::string("the proof carries ") + std::to_string(given.size()) + " " + what + ", the model has " +
                      std::to_string(ids.size()));
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    if (given[i].shape != plan.shapes[ids[i]] || given[i].size() != layers::numel(given[i].shape)) {
      throw VerifyError(std::string("the proof's ") + what + " " + std::to_string(i) + " has shape " +
                        layers::shape_str(given[i].shape) + ", the model expects " +
                        layers::shape_str(plan.shapes[ids[i]]));
    }
  }
}

}  // namespace

void verify(const io::VerifyingKey& vk, const io::Proof& proof, std::vector<layers::TensorClaim>* tensor_claims) {
  if (proof.architecture_hash != vk.architecture_hash) {
    throw VerifyError("the proof was made for another model or other parameters (architecture hash differs)");
  }
  if (proof.zero_knowledge != vk.zero_knowledge) {
    throw VerifyError("the proof's zero-knowledge flag differs from the verifying key's");
  }
  const circuit::Plan plan = circuit::make_plan(vk.graph, vk.visibility);
  if (vk.zero_knowledge != circuit::proves_zero_knowledge(plan)) {
    throw Error(std::string("the verifying key says its proofs are ") + (vk.zero_knowledge ? "" : "not ") +
                "zero-knowledge, which this zkinfer does not do for this model: set up again with this version");
  }
  const circuit::ClaimRouting routing = circuit::route_claims(plan, vk.zero_knowledge);
  const circuit::CommitmentParams cp = circuit::commitment_params(vk.pcs_params, vk.visibility);
  const auto by_table = circuit::lookups_by_table(plan);
  check_public_tensors("inputs", vk.visibility.input_private ? std::vector<int>{} : plan.graph.inputs, proof.inputs,
                       plan);
  check_public_tensors("outputs", vk.visibility.output_private ? std::vector<int>{} : plan.graph.outputs,
                       proof.outputs, plan);
  // A tensor that is both an input and an output has one value: its two public copies must agree.
  for (size_t i = 0; i < proof.inputs.size(); ++i) {
    for (size_t o = 0; o < proof.outputs.size(); ++o) {
      if (plan.graph.inputs[i] == plan.graph.outputs[o] && proof.inputs[i].data != proof.outputs[o].data) {
        throw VerifyError("'" + plan.names[plan.graph.inputs[i]] + "' is both an input and an output, and the proof "
                          "gives it two different values");
      }
    }
  }
  const bool input_committed = !plan.input_tensors().empty();
  if (proof.input_root.has_value() != input_committed || proof.input_opening.has_value() != input_committed) {
    throw VerifyError(input_committed ? "the proof lacks the commitment to its private input"
                                      : "the proof carries an input commitment, but the model's input is public");
  }
  const bool zk_lookups = vk.zero_knowledge && !plan.tables.empty();
  if (proof.lookups.size() != (zk_lookups ? 0 : plan.tables.size()) ||
      proof.zk_lookups.size() != (zk_lookups ? plan.tables.size() : 0) || proof.lookup_root.has_value() != zk_lookups ||
      proof.lookup_opening.has_value() != zk_lookups) {
    throw VerifyError("wrong number or kind of lookup arguments");
  }
  if (proof.nodes.size() != plan.graph.nodes.size()) throw VerifyError("wrong number of layer proofs");
  if (proof.input_ranges.size() != plan.input_ranges.size()) throw VerifyError("wrong number of input range checks");

  // Public tensors by id, for the claims the verifier evaluates itself: inputs and outputs from
  // the proof, weights from the verifying key.
  std::vector<const layers::IntTensor*> public_value(plan.num_tensors(), nullptr);
  for (size_t i = 0; i < proof.inputs.size(); ++i) public_value[plan.graph.inputs[i]] = &proof.inputs[i];
  for (size_t i = 0; i < proof.outputs.size(); ++i) public_value[plan.graph.outputs[i]] = &proof.outputs[i];
  if (!vk.visibility.weights_private) {
    for (const auto& [id, value] : vk.graph.constants) {
      if (value.size() != layers::numel(plan.shapes[id])) {
        throw VerifyError("the verifying key lacks the value of the public weight '" + plan.names[id] + "'");
      }
      public_value[id] = &value;
    }
  }

  // Public inputs within their static bounds (also an input published as an output): the integer
  // executor refuses any other, and every layer's no-wrap-around argument starts from them
  // (private inputs: plan.input_ranges).
  for (int t : plan.graph.inputs) {
    if (!public_value[t]) continue;
    const auto& info = plan.graph.tensors[t];
    for (int64_t v : public_value[t]->data) {
      if (v > info.bound || v < -info.bound) {
        throw VerifyError("the proof's input '" + info.name + "' holds " + std::to_string(v) + ", outside its bound " +
                          std::to_string(info.bound));
      }
    }
  }

  Transcript transcript(circuit::kProtocolLabel);
  circuit::bind_statement(transcript, proof.architecture_hash, vk.weights_root, proof.inputs, proof.outputs,
                          proof.input_root, proof.witness_root);

  std::vector<layers::TensorClaim> claims;
  circuit::ClaimLists witness_claims, weight_claims, input_claims;
  circuit::ClaimLists inverse_claims;  // the lookup commitment's
  const circuit::LibraPool pool(plan);  // its slots: the lookups' masks first, then the layers'
  size_t libra_slot = 0;
  if (zk_lookups) {
    libra_slot = circuit::verify_lookups_zk(plan, routing, *proof.lookup_root, proof.zk_lookups, pool, transcript, claims,
                                            witness_claims, inverse_claims);
  }
  for (size_t k = 0; k < plan.tables.size() && !zk_lookups; ++k) {
    std::vector<std::vector<int64_t>> shapes;
    for (size_t decl : by_table[k]) shapes.push_back(plan.shapes[plan.lookups[decl].columns[0]]);
    std::vector<lookup::EvalClaim> lookup_claims;
    try {
      lookup_claims = lookup::verify(circuit::to_lookup_table(plan.tables[k]), shapes, proof.lookups[k], transcript);
    } catch (const VerifyError& e) {
      throw VerifyError("lookup argument for table " + plan.tables[k].key + ": " + e.what());
    }
    circuit::collect_lookup_claims(plan, routing, k, by_table[k], lookup_claims, claims, witness_claims);
  }

  circuit::VerifierSession session(plan, transcript);
  if (vk.zero_knowledge) session.enable_zk();
  for (size_t n = plan.graph.nodes.size(); n-- > 0;) session.verify_node(n, proof.nodes[n], claims);
  for (size_t k = 0; k < plan.input_ranges.size(); ++k) {
    session.verify_input_range(plan.input_ranges[k], proof.input_ranges[k], claims);
  }

  if (vk.zero_knowledge) {
    // Every masked sumcheck's g(point), against its slot of the Libra pool (witness commitment).
    const auto& libra = session.libra_claims();
    for (size_t i = 0; i < libra.size(); ++i) {
      witness_claims.weighted.push_back(pool.claim(libra_slot + i, libra[i], routing.pool_begin));
    }
  }
  if (tensor_claims) *tensor_claims = claims;
  for (const auto& c : circuit::route_to_commitments(routing, claims, witness_claims, weight_claims, input_claims)) {
    if (!public_value[c.tensor]) throw VerifyError("a claim on '" + plan.names[c.tensor] + "' cannot be checked");
    if (layers::evaluate_tensor(*public_value[c.tensor], c.point) != c.value) {
      throw VerifyError("a claim on the public tensor '" + plan.names[c.tensor] + "' is false");
    }
  }

  auto check_opening = [&](const char* what, const Digest& root, const std::vector<unsigned>& vars,
                           const pcs::PcsParams& params, const circuit::ClaimLists& claims,
                           const pcs::OpeningProof& opening) {
    const pcs::Commitment commitment{root, pcs::Layout::compute(vars, params), params};
    try {
      pcs::verify(commitment, claims.set(), opening, transcript);
    } catch (const VerifyError& e) {
      throw VerifyError(std::string(what) + " opening: " + e.what());
    }
  };
  check_opening("witness", proof.witness_root, routing.witness_vars, cp.witness, witness_claims,
                proof.witness_opening);
  check_opening("weights", vk.weights_root, routing.weight_vars, cp.weights, weight_claims,
                proof.weights_opening);
  if (input_committed) {
    check_opening("input", *proof.input_root, routing.input_vars, cp.input, input_claims,
                  *proof.input_opening);
  }
  if (zk_lookups) {
    check_opening("lookup", *proof.lookup_root, circuit::lookup_commitment_layout(plan).vars, cp.witness, inverse_claims,
                  *proof.lookup_opening);
  }
}

void check_input_commitment(const io::VerifyingKey& vk, const io::Proof& proof, const io::InputCommitment& commitment,
                            const std::vector<layers::IntTensor>* inputs) {
  if (!vk.visibility.input_private) {
    throw Error("the model's input is public: there is no input commitment (compare the input with --input)");
  }
  if (commitment.architecture_hash != vk.architecture_hash) {
    throw VerifyError("the input commitment was made for another model (architecture hash differs)");
  }
  if (!proof.input_root || *proof.input_root != commitment.root) {
    throw VerifyError("the proof's input commitment differs from the given input commitment");
  }
  if (!inputs) return;
  const circuit::Plan plan = circuit::make_plan(vk.graph, vk.visibility);
  const auto cp = circuit::commitment_params(vk.pcs_params, vk.visibility);
  auto recomputed = circuit::commit_inputs(plan, *inputs, cp.input, commitment.seed, vk.zero_knowledge);
  if (recomputed.first.root != commitment.root) {
    throw VerifyError("the input commitment does not match the given input (a different input was used)");
  }
}

}  // namespace zk::verifier
