#include "verifier/verifier.hpp"

#include "circuit/protocol.hpp"
#include "circuit/session.hpp"

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

void verify(const io::VerifyingKey& vk, const io::Proof& proof) {
  if (proof.architecture_hash != vk.architecture_hash) {
    throw VerifyError("the proof was made for another model or other parameters (architecture hash differs)");
  }
  const circuit::Plan plan = circuit::make_plan(vk.graph);
  const circuit::ClaimRouting routing = circuit::route_claims(plan);
  const auto by_table = circuit::lookups_by_table(plan);
  check_public_tensors("inputs", plan.graph.inputs, proof.inputs, plan);
  check_public_tensors("outputs", plan.graph.outputs, proof.outputs, plan);
  if (proof.lookups.size() != plan.tables.size()) throw VerifyError("wrong number of lookup arguments");
  if (proof.nodes.size() != plan.graph.nodes.size()) throw VerifyError("wrong number of layer proofs");

  // Public tensors by id, for the claims the verifier evaluates itself.
  std::vector<const layers::IntTensor*> public_value(plan.num_tensors(), nullptr);
  for (size_t i = 0; i < plan.graph.inputs.size(); ++i) public_value[plan.graph.inputs[i]] = &proof.inputs[i];
  for (size_t i = 0; i < plan.graph.outputs.size(); ++i) public_value[plan.graph.outputs[i]] = &proof.outputs[i];

  Transcript transcript(circuit::kProtocolLabel);
  circuit::bind_statement(transcript, proof.architecture_hash, vk.weights_root, proof.inputs, proof.outputs,
                          proof.witness_root);

  std::vector<layers::TensorClaim> claims;
  std::vector<pcs::Claim> witness_claims;
  for (size_t k = 0; k < plan.tables.size(); ++k) {
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
  for (size_t n = plan.graph.nodes.size(); n-- > 0;) session.verify_node(n, proof.nodes[n], claims);

  std::vector<pcs::Claim> weight_claims;
  for (const auto& c : circuit::route_to_commitments(routing, claims, witness_claims, weight_claims)) {
    if (!public_value[c.tensor]) throw VerifyError("a claim on '" + plan.names[c.tensor] + "' cannot be checked");
    if (layers::evaluate_tensor(*public_value[c.tensor], c.point) != c.value) {
      throw VerifyError("a claim on the public tensor '" + plan.names[c.tensor] + "' is false");
    }
  }

  pcs::Commitment witness_commitment{proof.witness_root,
                                     pcs::Layout::compute(circuit::witness_poly_vars(plan), vk.pcs_params),
                                     vk.pcs_params};
  pcs::Commitment weights_commitment{vk.weights_root,
                                     pcs::Layout::compute(circuit::weight_poly_vars(plan), vk.pcs_params), vk.pcs_params};
  try {
    pcs::verify(witness_commitment, witness_claims, proof.witness_opening, transcript);
  } catch (const VerifyError& e) {
    throw VerifyError(std::string("witness opening: ") + e.what());
  }
  try {
    pcs::verify(weights_commitment, weight_claims, proof.weights_opening, transcript);
  } catch (const VerifyError& e) {
    throw VerifyError(std::string("weights opening: ") + e.what());
  }
}

}  // namespace zk::verifier
